"""The target registry: which portals to sweep, read from CSV or YAML.

A file is validated whole before anything is fetched; every problem is
reported with its line and reason, and a file with any problem is refused.

A target file may be hostile or broken (docs/security.md): its size, its
number of rows, every cell and every URL are bounded, YAML aliases may not
expand past a small bound (a 600-byte "billion laughs" file is refused at
once), and a URL carrying credentials is refused (they would be stored and
printed).
"""
from __future__ import annotations

import argparse
import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler import settings as _defaults
from crawler.cli.i18n import t
from crawler.netsafety.redact import redact

MAX_FILE_BYTES = 16 * 1024 * 1024    # a national registry is well under 2 MB
MAX_TARGETS = 100_000
MAX_URL_LENGTH = _defaults.PORTALCHECK_MAX_URL_LENGTH   # the crawler's own limit
MAX_CELL_LENGTH = {"id": 100, "notes": 4000}            # ids name report files
DEFAULT_MAX_CELL_LENGTH = 1000
# Aliases may add at most this many nodes beyond one per character of the
# file (a file without aliases never has more nodes than characters).
MAX_YAML_ALIAS_NODES = 10_000

REQUIRED_COLUMNS = ("id", "name", "kind", "group", "portal_url", "services_url")
OPTIONAL_COLUMNS = ("parent", "valid_from", "valid_to", "notes", "verified", "maintenance")
KINDS = ("ministry", "government_agency", "province", "department", "commune", "other")


@dataclass
class Target:
    id: str
    name: str
    kind: str
    group: str
    portal_url: str
    services_url: str = ""
    parent: str = ""
    valid_from: str = ""
    valid_to: str = ""
    notes: str = ""
    verified: str = ""
    maintenance: str = ""
    line: int = field(default=0, compare=False)

    def as_row(self) -> dict[str, str]:
        row = asdict(self)
        row.pop("line")
        return row

    def as_run_target(self) -> dict[str, str]:
        """The target as a run stores it (results.schema: run_targets)."""
        return {"target_id": self.id, "name": self.name, "kind": self.kind, "group_name": self.group,
                "parent": self.parent, "portal_url": self.portal_url, "services_url": self.services_url,
                "notes": self.notes}

    @classmethod
    def from_run_target(cls, row: dict) -> Target:
        """A target as a run stored it (the run's own copy, for `sweep --resume`)."""
        return cls(id=row["target_id"], name=row["name"] or row["target_id"], kind=row["kind"] or "other",
                   group=row["group_name"] or "", portal_url=row["portal_url"] or "",
                   services_url=row["services_url"] or "", parent=row["parent"] or "", notes=row["notes"] or "")

    def is_current(self, on: date) -> bool:
        start = date.fromisoformat(self.valid_from) if self.valid_from else date.min
        end = date.fromisoformat(self.valid_to) if self.valid_to else date.max
        return start <= on <= end


class TargetFileError(ValueError):
    """A target file that cannot be used; `problems` lists (line, reason)."""

    def __init__(self, path: str, problems: list[tuple[int, str]]):
        self.path = path
        self.problems = problems
        lines = "\n".join(t("targets.problem", line=line, reason=reason) for line, reason in problems)
        super().__init__(t("targets.refused", path=path, count=len(problems)) + "\n" + lines)


def check_url(value: str) -> str | None:
    """Why `value` cannot be a portal's address (in the user's language), or None."""
    if len(value) > MAX_URL_LENGTH:
        return t("targets.url_too_long", length=len(value), limit=MAX_URL_LENGTH)
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:
        return t("targets.bad_url", url=redact(value))
    if parts.scheme not in ("http", "https") or not hostname:
        return t("targets.bad_url", url=redact(value))
    if any(c.isspace() or ord(c) < 32 for c in value):
        return t("targets.bad_url", url=redact(value))
    if parts.username is not None or parts.password is not None:
        return t("targets.url_credentials")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return t("targets.bad_url", url=redact(value))
    return None


def _rows_from_csv(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:  # more cells than columns
                extra = row.pop(None)
                row = {**row, "__extra__": extra}
            if not any((v or "").strip() for k, v in row.items() if k != "__extra__"):
                continue  # blank line
            rows.append((reader.line_num, row))
            if len(rows) > MAX_TARGETS:
                raise TargetFileError("", [(reader.line_num, t("targets.too_many", limit=MAX_TARGETS))])
    except csv.Error as exc:  # a NUL byte, a cell beyond the csv module's own limit…
        raise TargetFileError("", [(max(1, reader.reader.line_num), t("targets.csv_error", error=exc))]) from None
    return header, rows


def _yaml_too_big(node, limit: int) -> bool:
    """True when walking `node`, every alias expanded, visits more than
    `limit` nodes: the cost of loading it, bounded before loading."""
    seen, stack = 0, [node]
    while stack:
        current = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append(key)
                stack.append(value)
    return False


def _non_text_values(item: yaml.MappingNode) -> list[str]:
    """Keys of `item` whose value is a list or a mapping (a merge `<<:` is fine)."""
    return [str(getattr(key, "value", "?"))[:50] for key, value in item.value
            if not isinstance(value, yaml.ScalarNode) and getattr(key, "value", None) != "<<"]


def _rows_from_yaml(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        node = yaml.compose(text)
    except RecursionError:
        raise TargetFileError("", [(1, t("targets.yaml_too_deep"))]) from None
    if node is not None and _yaml_too_big(node, len(text) + MAX_YAML_ALIAS_NODES):
        raise TargetFileError("", [(1, t("targets.yaml_aliases", limit=MAX_YAML_ALIAS_NODES))])
    if node is not None and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "targets":
                node = value
    if node is None or not isinstance(node, yaml.SequenceNode):
        raise TargetFileError("", [(1, t("targets.yaml_shape"))])
    if len(node.value) > MAX_TARGETS:
        raise TargetFileError("", [(1, t("targets.too_many", limit=MAX_TARGETS))])
    rows, header = [], []
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            rows.append((line, {"__bad__": True}))
            continue
        nested = _non_text_values(item)
        if nested:
            rows.append((line, {"__nested__": ", ".join(nested)}))
            continue
        data = yaml.safe_load(yaml.serialize(item))
        if not isinstance(data, dict):
            rows.append((line, {"__bad__": True}))
            continue
        data = {str(k): "" if v is None else str(v) for k, v in data.items()}
        header.extend(k for k in data if k not in header)
        rows.append((line, data))
    return header, rows


def _read(raw: bytes, path: str) -> tuple[bool, list[str], list[tuple[int, dict]]]:
    """(is YAML, header, (line, row) pairs) of a file's bytes, bounded and decoded."""
    if len(raw) > MAX_FILE_BYTES:
        raise TargetFileError(path, [(1, t("targets.too_big", size=len(raw), limit=MAX_FILE_BYTES))])
    if not raw.strip():
        raise TargetFileError(path, [(1, t("targets.empty"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TargetFileError(path, [(line, t("targets.encoding"))]) from None
    is_yaml = path.endswith((".yaml", ".yml"))
    try:
        header, rows = _rows_from_yaml(text) if is_yaml else _rows_from_csv(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TargetFileError(path, [((mark.line + 1) if mark else 1, t("targets.yaml_syntax", error=str(exc).splitlines()[0]))]) from None
    except TargetFileError as exc:
        raise TargetFileError(path, exc.problems) from None
    except (csv.Error, ValueError, RecursionError) as exc:  # defensive: a parser's own error
        raise TargetFileError(path, [(1, t("targets.csv_error", error=str(exc)[:200]))]) from None
    return is_yaml, header, rows


def _header_problems(header: list[str]) -> list[tuple[int, str]]:
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing:
        problems.append((1, t("targets.missing_columns", columns=", ".join(missing))))
    if unknown:
        problems.append((1, t("targets.unknown_columns", columns=", ".join(unknown))))
    return problems


def _shape_problem(row: dict) -> str | None:
    """A row that is no row of cells (YAML that is not a flat mapping, extra CSV cells)."""
    if row.get("__bad__"):
        return t("targets.yaml_shape")
    if "__nested__" in row:
        return t("targets.yaml_nested", keys=row["__nested__"])
    if "__extra__" in row:
        return t("targets.extra_cells")
    return None


def _cells(row: dict, problems: list[str]) -> dict[str, str]:
    """The row's known cells, stripped, bounded and NFC-normalised."""
    values = {k: (row.get(k) or "").strip() for k in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    unknown = [k[:50] for k in row if k not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(t("targets.unknown_columns", columns=", ".join(unknown[:10])))
    for column, value in values.items():
        limit = MAX_CELL_LENGTH.get(column, DEFAULT_MAX_CELL_LENGTH)
        if len(value) > limit and not column.endswith("_url"):  # URLs: _check_url
            problems.append(t("targets.cell_too_long", column=column, length=len(value), limit=limit))
            values[column] = value[:limit]
    return {k: unicodedata.normalize("NFC", v) for k, v in values.items()}


def _value_problems(values: dict[str, str]) -> list[str]:
    """What is wrong with a row's values, each on its own (ids across rows: parse_targets)."""
    problems = [t("targets.missing_value", column=column)
                for column in ("id", "name", "kind", "group", "portal_url") if not values[column]]
    if values["kind"] and values["kind"] not in KINDS:
        problems.append(t("targets.bad_kind", kind=values["kind"], kinds=", ".join(KINDS)))
    for column in ("portal_url", "services_url"):
        error = check_url(values[column]) if values[column] else None
        if error:
            problems.append(f"{column}: {error}")
    dates = {}
    for column in ("valid_from", "valid_to"):
        if values[column]:
            try:
                dates[column] = date.fromisoformat(values[column])
            except ValueError:
                problems.append(t("targets.bad_date", column=column, value=values[column]))
    if len(dates) == 2 and dates["valid_from"] > dates["valid_to"]:
        problems.append(t("targets.bad_dates_order", start=values["valid_from"], end=values["valid_to"]))
    return problems


def parse_targets(raw: bytes, path: str = "<targets>", known_ids: Iterable[str] = ()) -> list[Target]:
    """Validate and parse a target file's bytes. Raises TargetFileError.

    `known_ids`: parents that may be named without being in the file (a
    candidate file's rows name units of the registry it was made from)."""
    is_yaml, header, rows = _read(raw, path)
    if not is_yaml and (problems := _header_problems(header)):
        raise TargetFileError(path, problems)
    if not rows:
        raise TargetFileError(path, [(1, t("targets.empty"))])
    found: list[tuple[int, str]] = []
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if (shape := _shape_problem(row)) is not None:
            found.append((line, shape))
            continue
        row_problems: list[str] = []
        values = _cells(row, row_problems)
        row_problems += _value_problems(values)
        if values["id"] in seen:
            row_problems.append(t("targets.duplicate_id", id=values["id"], first=seen[values["id"]]))
        elif values["id"]:
            seen[values["id"]] = line
        found += [(line, problem) for problem in row_problems]
        targets.append(Target(**values, line=line))
    known = set(known_ids)
    found += [(target.line, t("targets.bad_parent", parent=target.parent)) for target in targets
              if target.parent and target.parent not in seen and target.parent not in known]
    if found:
        raise TargetFileError(path, sorted(found))
    return targets


def load_targets(path: str | Path, only: list[str] | None = None, known_ids: Iterable[str] = ()) -> list[Target]:
    """Read, validate and (optionally) filter a target file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TargetFileError(str(path), [(0, t("targets.unreadable", error=exc.strerror or str(exc)))]) from None
    targets = parse_targets(raw, str(path), known_ids)
    if only:
        known = {target.id for target in targets}
        unknown = [i for i in only if i not in known]
        if unknown:
            raise TargetFileError(str(path), [(0, t("targets.unknown_only", ids=", ".join(unknown)))])
        targets = [target for target in targets if target.id in only]
    return targets


def targets_on(targets: list[Target], on: date, only: list[str] | None = None,
               path: str = "<targets>") -> list[Target]:
    """The units of the map of day `on`: rows whose `valid_from`..`valid_to` covers it.

    A province merged away on 2025-07-01 (valid_to 2025-06-30) is swept on
    2025-06-30 and not after; its successor (valid_from 2025-07-01) the other
    way round, so one run never holds both maps. An id asked for with --only
    that is not valid that day is an error, as is a day with no unit at all."""
    kept = [target for target in targets if target.is_current(on)]
    invalid = [target for target in targets if only and target.id in only and not target.is_current(on)]
    problems = [(target.line, t("targets.not_valid_on", id=target.id, on=on.isoformat(),
                                start=target.valid_from or "…", end=target.valid_to or "…"))
                for target in invalid]
    if not kept and not problems:
        problems.append((0, t("targets.none_valid_on", on=on.isoformat())))
    if problems:
        raise TargetFileError(path, problems)
    return kept


def map_date(value: str) -> date:
    """A day given on the command line (YYYY-MM-DD), for argparse."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("targets.bad_on", value=value)) from None
