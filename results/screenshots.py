"""Screenshots kept with a run (docs/screenshots.md): their rows, and what their
bytes say they are. Storage only: which page gets a screenshot is the crawl's
business (crawler/screenshots.py), how it is shown the reports' (scoring/shots.py).

A screenshot's kind and size are read from its own bytes, never from what a
record or a page claimed: anything that is not a PNG or a JPEG is not an image.
"""
from __future__ import annotations

import struct
from typing import Any

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}   # the images a screenshot may be
# The homepage first, then the other pages in the order they were taken.
_ORDER = "CASE purpose WHEN 'homepage_rendered' THEN 0 WHEN 'spa_render' THEN 1 ELSE 2 END, id"
_COLUMNS = ("id, run_id, target_id, url, purpose, page_status, http_status, taken_at, media_type, "
            "width, height, bytes, sha256, archive_record_id")


def media_type_of(data: bytes) -> str | None:
    """The media type the bytes themselves say (never what a record or page claims)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from a PNG's or a JPEG's own header; None for anything
    else (an archived record that is not an image is not shown as one)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:          # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:   # markers without a length
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        # SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC): precision, height, width
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return (width, height) if width and height else None
        i += 2 + length
    return None


def screenshots_of(db, run_id: int, target_id: str, with_image: bool = True) -> list[dict[str, Any]]:
    """A target's screenshots in a run, the homepage's first; `image` (bytes) unless not wanted."""
    columns = _COLUMNS + (", image" if with_image else "")
    return list(db.query(f"SELECT {columns} FROM screenshots WHERE run_id = ? AND target_id = ? ORDER BY {_ORDER}",
                         [run_id, target_id]))


def screenshot_refs(db, run_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every target's screenshots in a run, without their bytes (what an export lists)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(f"SELECT {_COLUMNS} FROM screenshots WHERE run_id = ? ORDER BY target_id, {_ORDER}",
                        [run_id]):
        out.setdefault(row["target_id"], []).append(row)
    return out
