"""Screenshots as evidence (docs/screenshots.md): kept in the run's database without
--archive, taken of the rendered homepage and of a failing service's page (never of a
working one), shown in the per-target report page, and never a cause of a changed
verdict when they fail. The crawls are in conftest.py (real farm, real Chromium)."""
from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from checks.service_detail import shows_failure
from results import store
from results.screenshots import image_size, media_type_of

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def rows(db: Path, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def jpeg_dimensions(data: bytes) -> tuple[int, int]:
    """Width and height from the first start-of-frame segment, read here independently."""
    i = 2
    while True:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length


def verdicts(db: Path) -> dict:
    return {(r["target_id"], r["category"], r["key"]): r["outcome"] for r in rows(
        db, "SELECT target_id, category, key, outcome FROM observations")}


def test_the_rendered_homepage_is_kept_with_the_run_without_archive(crawls):
    shots = rows(crawls["swept"], "SELECT * FROM screenshots ORDER BY id")
    assert {s["purpose"] for s in shots} == {"homepage_rendered", "spa_render"}
    assert rows(crawls["swept"], "SELECT archive_path FROM runs")[0][0] is None      # no --archive
    home = next(s for s in shots if s["purpose"] == "homepage_rendered")
    image = home["image"]
    assert image[:3] == b"\xff\xd8\xff" and image[-2:] == b"\xff\xd9"               # a whole JPEG
    assert jpeg_dimensions(image) == (home["width"], home["height"]) == (1280, 720)  # the viewport only
    assert home["bytes"] == len(image) and home["sha256"] == hashlib.sha256(image).hexdigest()
    assert 5_000 < len(image) <= 600_000 and home["media_type"] == "image/jpeg"
    assert home["target_id"] == "tinh-lam-son" and home["page_status"] == "live" and home["http_status"] == 200
    fetched = rows(crawls["swept"], "SELECT final_url, url FROM fetches WHERE purpose = 'homepage_rendered'")
    assert home["url"] in {fetched[0]["final_url"], fetched[0]["url"]}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", home["taken_at"])


def test_a_failing_service_gets_a_screenshot_and_a_working_one_none(crawls):
    db = crawls["checked"]
    services = rows(db, "SELECT url, status, http_status FROM services")
    failing = {s["url"] for s in services if shows_failure(s["status"], s["http_status"])}
    others = {s["url"] for s in services} - failing
    shots = rows(db, "SELECT * FROM screenshots WHERE purpose = 'service_screenshot'")
    assert failing and {s["url"] for s in shots} == failing
    assert {s["status"] for s in services if s["url"] in others} >= {"live", "blocked"}
    assert not others & {s["url"] for s in shots}          # a working or blocked service: none
    shot = shots[0]
    assert shot["page_status"] == "not_found" and shot["http_status"] == 404
    assert jpeg_dimensions(shot["image"]) == (shot["width"], shot["height"])
    # the verdict is the plain fetch's, untouched by the render made for the screenshot
    assert {s["status"] for s in services if s["url"] in failing} == {"not_found"}
    # the portal's homepage needs no browser here: nothing rendered, no screenshot of it
    assert not rows(db, "SELECT 1 FROM screenshots WHERE purpose = 'homepage_rendered'")


def test_a_screenshot_that_fails_changes_no_verdict(crawls):
    assert not rows(crawls["failed"], "SELECT 1 FROM screenshots")
    rendered = rows(crawls["failed"], "SELECT status FROM fetches WHERE purpose = 'homepage_rendered'")
    assert [r["status"] for r in rendered] == ["live"]                      # the render itself went on
    assert verdicts(crawls["failed"]) == verdicts(crawls["swept"]) and len(verdicts(crawls["swept"])) > 20
    status = "SELECT url, status FROM services ORDER BY url"
    assert rows(crawls["failed"], status) == rows(crawls["swept"], status)
    assert rows(crawls["failed"], "SELECT status FROM runs")[0][0] == "finished"


def _report(db: Path, out: Path, lang: str) -> None:
    done = subprocess.run([sys.executable, "-m", "crawler", "report", "--db", str(db), "--out", str(out),
                           "--format", "html", "--lang", lang], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def _images_in_chromium(pages: list[Path]) -> list[list[dict]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            found.append(page.eval_on_selector_all(
                "figure.shot", "fs => fs.map(f => ({src: f.querySelector('img').getAttribute('src'), "
                "complete: f.querySelector('img').complete, natural: f.querySelector('img').naturalWidth, "
                "naturalHeight: f.querySelector('img').naturalHeight, caption: f.querySelector('figcaption').innerText}))"))
        browser.close()
    return found


def test_the_per_target_pages_show_the_screenshots(crawls):
    out = crawls["work"] / "report-vi"
    _report(crawls["swept"], out, "vi")
    check_page = next((crawls["check_report"] / "targets").glob("*.html"))
    report_page = out / "targets" / "tinh-lam-son.html"
    report_shots, check_shots = _images_in_chromium([report_page, check_page])
    stored = {r["sha256"][:32]: r for r in rows(crawls["swept"], "SELECT * FROM screenshots")}
    assert len(report_shots) == 2 and len(check_shots) == 1
    for shot in report_shots + check_shots:
        assert re.fullmatch(r"screenshots/[0-9a-f]{32}\.jpg", shot["src"])     # our digest, not page text
        assert shot["complete"] and shot["natural"] > 0
    for shot in report_shots:
        row = stored[shot["src"][12:44]]
        assert (shot["natural"], shot["naturalHeight"]) == (row["width"], row["height"])
        assert row["url"] in shot["caption"]
        assert re.search(r"Chụp lúc: \d\d/\d\d/\d{4} \d\d:\d\d", shot["caption"])   # vi time, in words
        assert "hoạt động" in shot["caption"] and "live" not in shot["caption"]
    assert "Trang chủ cổng thông tin" in report_shots[0]["caption"]        # the homepage first
    assert "A service page that does not work" in check_shots[0]["caption"]
    assert "404" in check_shots[0]["caption"] and "Taken:" in check_shots[0]["caption"]


def test_staged_and_direct_rows_keep_the_image_bytes(tmp_path):
    """A screenshot row waits as JSON (base64) like every row, spilled or not."""
    db = store.open_db(tmp_path / "r.db")
    run = store.create_run(db, mode="sweep")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"\x08\x02"
    row = store.encode_row({"target_id": "t", "url": "http://127.0.0.1/", "purpose": "homepage_rendered",
                            "media_type": "image/png", "image": png, "sha256": "x", "bytes": len(png)})
    assert isinstance(row["image"], str)
    store.stage_rows(db, run, "portal", {"t": {"screenshots": [row]}})
    store.complete_target(db, run, "t", "portal", {"screenshots": [dict(row, url="http://127.0.0.1/b")]}, {},
                          staged_as="portal")
    kept = [r["image"] for r in db.query("SELECT image FROM screenshots ORDER BY id")]
    assert kept == [png, png] and image_size(png) == (640, 480) and media_type_of(png) == "image/png"
    assert image_size(b"\xff\xd8\xff\xe0\x00\x10JFIF") is None and media_type_of(b"<svg") is None


def test_the_export_lists_screenshot_references(crawls):
    import jsonschema

    from results.export import build_export, export_schema

    db = store.open_db(crawls["checked"])
    try:
        export = build_export(db, 1)
    finally:
        db.conn.close()
    jsonschema.validate(export, export_schema())
    assert export["version"] == "1.3"
    listed = export["targets"][0]["screenshots"]
    stored = rows(crawls["checked"], "SELECT url, purpose, sha256, bytes FROM screenshots")
    assert [(s["url"], s["purpose"], s["sha256"], s["bytes"]) for s in listed] == [tuple(r) for r in stored]
    assert listed and all("image" not in s for s in listed)          # references, never the bytes
