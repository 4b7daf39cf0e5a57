"""Writing a registry (or a candidate file) to disk: CSV or YAML, UTF-8, never
half-written, never over a file the user did not say may be replaced.

Cells a page wrote (a unit's name, a page title in `notes`) are hostile input:
a cell starting with `= + - @`, a tab or a carriage return is a formula to
Excel and LibreOffice, so it gets a leading `'` (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import datetime
from pathlib import Path

import yaml

from crawler.registry.targets import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: object) -> str:
    """The cell as text, with a `'` before anything a spreadsheet would run.

    Local helper: another change is adding one shared function for every CSV and
    XLSX the tool writes; this one should be merged into it.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def columns_for(rows: list[dict[str, str]], header: list[str] | None = None) -> list[str]:
    """The registry's columns in their usual order: the required ones, then the
    optional ones any row (or the original header) uses."""
    used = set(header or ())
    for row in rows:
        used.update(k for k, v in row.items() if v not in (None, ""))
    return list(REQUIRED_COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in used]


def registry_text(rows: list[dict[str, str]], path: str | Path, header: list[str] | None = None) -> str:
    """The file's text: YAML for .yaml/.yml, CSV otherwise."""
    columns = columns_for(rows, header)
    if str(path).endswith((".yaml", ".yml")):
        data = [{c: excel_safe(row.get(c)) for c in columns if row.get(c) not in (None, "")} for row in rows]
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: excel_safe(row.get(c)) for c in columns})
    return out.getvalue()


def write_atomically(path: str | Path, text: str) -> None:
    """Write next to `path`, then rename over it: a crash leaves the old file or the new one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backup(path: str | Path, now: datetime) -> Path:
    """A copy of `path` beside it, named by the time (`targets.csv.2026-01-31T101500.bak`), never overwritten."""
    path = Path(path)
    stamp = now.strftime("%Y-%m-%dT%H%M%S")
    copy, n = path.with_name(f"{path.name}.{stamp}.bak"), 2
    while copy.exists():
        copy, n = path.with_name(f"{path.name}.{stamp}-{n}.bak"), n + 1
    copy.write_bytes(path.read_bytes())
    return copy


def header_of(path: str | Path) -> list[str]:
    """The columns a CSV registry's first line names (empty for YAML or an unreadable file)."""
    if str(path).endswith((".yaml", ".yml")):
        return []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [h.strip() for h in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
