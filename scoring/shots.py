"""The screenshots a per-target report page shows (docs/screenshots.md): the
rendered pages its verdicts rest on, as the browser showed them in that run.

Written as image files next to the pages (`targets/screenshots/`), not as data:
URIs: a national report has thousands of pages, and a page that carries its
pictures inline weighs ten times more and cannot share one file between two
pages. A file's name is the digest of its own bytes (nothing a page said), and
only bytes that are a PNG or a JPEG by their own header are written.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from results.screenshots import EXTENSIONS, image_size, media_type_of
from scoring import l10n
from scoring.catalogue import message
from scoring.tables import fetch_status_words, tr

FOLDER = "screenshots"
# each has its words (screenshot_purpose.<purpose>, also read by `portalcheck serve`)
PURPOSES = ("homepage_rendered", "spa_render", "service_screenshot")


def caption(row: dict, lang: str) -> dict:
    """What a person reads beside one screenshot: what page it is, its address,
    how it answered and when it was taken, in words."""
    return {"what": message(f"screenshot_purpose.{row['purpose']}", lang) if row.get("purpose") in PURPOSES
            else tr("shot_page", lang),
            "url": row.get("url") or "",
            "status": fetch_status_words(row.get("page_status"), row.get("http_status"), lang),
            "when": l10n.format_datetime(row.get("taken_at"), lang)}


def attach_screenshots(views: list[dict], target_dir: Path, screenshots_of: Callable[[str], list[dict]] | None,
                       lang: str) -> list[Path]:
    """Write each view's screenshots into `target_dir/screenshots/` and set
    `v["screenshots"]` ([{href, width, height, what, url, status, when}]).
    `screenshots_of(target_id)` gives the stored rows, image bytes included.
    Returns the files written."""
    written: list[Path] = []
    for v in views:
        v["screenshots"] = []
        for row in (screenshots_of(v["target_id"]) if screenshots_of else []):
            image = row.get("image") or b""
            media_type = media_type_of(image)
            size = image_size(image) if media_type else None
            if media_type is None or size is None:
                continue  # not an image by its own bytes: never written, never shown
            name = f"{hashlib.sha256(image).hexdigest()[:32]}.{EXTENSIONS[media_type]}"
            out = target_dir / FOLDER / name
            if not out.exists():
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(image)
                written.append(out)
            v["screenshots"].append({"href": f"{FOLDER}/{name}", "width": size[0], "height": size[1],
                                     **caption(row, lang)})
    return written
