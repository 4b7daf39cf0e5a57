"""The archived copies a report links to (docs/archive.md): for each target, the
pages its verdicts rest on ("xem bản lưu"), copied out of the run's WACZ next to
the per-target pages. (Screenshots are kept in the run's database whether or
not it was archived: scoring/shots.py shows them.)

An archived page is hostile input: it is shown inside a sandboxed frame of a
page whose Content-Security-Policy forbids every script, every fetch and every
request to a path (only inline styles and data: images), and its file name is a
digest of the record id, never anything the page says.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from results.archive import ArchiveReader, decoded_body

# What an archived copy may be shown in full: the fetch size limit's default.
MAX_SHOWN_BYTES = 10 * 1024 * 1024
_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
FOLDER = "archive"


def _name(record_id: str) -> str:
    return hashlib.sha256(record_id.encode()).hexdigest()[:20]


def page_text(body: bytes, headers: list[tuple[str, str]]) -> str:
    """A page's text in the charset it declares (header first, then the page), else UTF-8."""
    declared = next((v for k, v in headers if k.lower() == "content-type"), "").encode("latin-1", "replace")
    for source in (declared, body[:4096]):
        found = _CHARSET.search(source)
        if found:
            try:
                return body.decode(found.group(1).decode(), "replace")
            except LookupError:
                continue
    return body.decode("utf-8", "replace")


def attach(run: dict, views: list[dict], target_dir: Path, render_copy) -> list[Path]:
    """Write the archived copies of every view's evidence into `target_dir/archive/`;
    set `v["archive_links"]` (record id -> href). `render_copy(answer, text)` renders
    the page around one archived copy. Returns the files written."""
    path = Path(run.get("archive_path") or "")
    if not run.get("archive_path") or not path.is_file():
        return []
    reader = ArchiveReader(path)
    folder = target_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for v in views:
        links: dict[str, str] = {}
        records = {e.get("archived") for cat in v["categories"] for c in cat["criteria"]
                   for e in c.get("evidence") or [] if e.get("archived")}
        for record_id in sorted(records):
            answer = reader.record(record_id)
            if answer is None or answer.status is None:
                continue
            out = folder / f"{_name(record_id)}.html"
            if not out.exists():
                text = page_text(decoded_body(answer, MAX_SHOWN_BYTES), answer.headers)
                out.write_text(render_copy(answer, text), encoding="utf-8")
                written.append(out)
            links[record_id] = f"{FOLDER}/{out.name}"
        v["archive_links"] = links
    return written
