"""A tool failure is never a failure of the portal (issue #13, first item).

A portal whose menu is drawn by JavaScript, judged without a working browser,
must come out `inconclusive / render_failed`, never `fail / no_link`: with the
browser turned off (--no-browser), with a Chromium that cannot start at run
time, and the commands refuse to start (exit 2, the fix named) when Chromium
cannot be launched before anything is fetched.
"""
from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from loopback import PYTHON, ROOT, LoopbackServer, run_cli, write_targets

from crawler.browser.launch import DEBIAN_CHROMIUM, chromium_path

JS_MENU = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử</title>
<meta name="viewport" content="width=device-width"></head>
<body><nav><ul id="menu"></ul></nav><main><h1>Cổng thông tin điện tử tỉnh Mẫu</h1></main>
<script>document.getElementById('menu').innerHTML =
  '<li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/lien-he">Liên hệ</a></li>';</script>
</body></html>"""
SECTION = ("<html><head><title>{0}</title></head><body><nav><ul id='menu'></ul></nav><main><h1>{0}</h1>"
           "<p>" + "Nội dung của chuyên mục, cập nhật ngày 12/11/2026. " * 12 + "</p></main></body></html>")


class Portal:
    """A JavaScript-menu portal that counts what it is asked."""

    def __init__(self):
        self.requests: list[str] = []

        def route(handler):
            self.requests.append(handler.path)
            path = handler.path.split("?")[0]
            if path == "/":
                handler.reply(200, JS_MENU)
            elif path in ("/gioi-thieu", "/lien-he"):
                handler.reply(200, SECTION.format("Giới thiệu" if path == "/gioi-thieu" else "Liên hệ"))
            else:
                handler.reply(404, "<html><body><h1>Không tìm thấy trang</h1></body></html>")

        self.server = LoopbackServer({"*": route}, host="127.0.4.1")

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)


def _sections(db: Path) -> dict[str, tuple[str, str | None, dict]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT key, outcome, reason, evidence FROM observations WHERE category = 'section'")
    out = {key: (outcome, reason, json.loads(evidence or "{}")) for key, outcome, reason, evidence in rows}
    conn.close()
    return out


def test_no_browser_makes_what_needed_it_inconclusive_never_fail(tmp_path):
    with Portal() as portal:
        targets = write_targets(tmp_path / "t.csv", [
            {"id": "js", "name": "Cổng JS", "portal_url": portal.server.url + "/"}])
        db = tmp_path / "r.db"
        result = run_cli("--lang", "en", "sweep", "--targets", str(targets), "--db", str(db), "--spiders",
                         "portal", "--workers", "1", "--no-browser", env={"PORTALCHECK_CHROMIUM": "/nonexistent"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "--no-browser" in result.stderr
    sections = _sections(db)
    assert len(sections) == 18
    assert not [k for k, (outcome, _, _) in sections.items() if outcome == "fail"]
    outcome, reason, evidence = sections["gioi_thieu"]
    assert (outcome, reason) == ("inconclusive", "render_failed")
    assert "--no-browser" in evidence["render_error"]
    assert evidence["without_render"] == {"outcome": "fail", "reason": "no_link"}
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM fetches WHERE purpose = 'homepage_rendered'").fetchone() == \
        ("render_failed",)


def test_a_browser_that_cannot_start_at_run_time_is_render_failed(tmp_path):
    """No pre-flight on the Scrapy path: Chromium fails when the first render needs it."""
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    with Portal() as portal:
        targets = write_targets(tmp_path / "t.csv", [
            {"id": "js", "name": "Cổng JS", "portal_url": portal.server.url + "/"}])
        db = tmp_path / "r.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
        done = subprocess.run(
            [PYTHON, "-m", "scrapy", "crawl", "portal", "-a", f"targets={targets}", "-s", f"PORTALCHECK_DB={db}",
             "-s", f"PORTALCHECK_CHROMIUM={broken}", "-s", "PORTALCHECK_FOLLOW_OFFSITE=private",
             "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=ERROR"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    sections = _sections(db)
    assert not [k for k, (outcome, _, _) in sections.items() if outcome == "fail"]
    outcome, reason, evidence = sections["lien_he"]
    assert (outcome, reason) == ("inconclusive", "render_failed")
    assert evidence["render_error"]


def test_commands_refuse_before_fetching_when_chromium_cannot_start(tmp_path):
    with Portal() as portal:
        targets = write_targets(tmp_path / "t.csv", [
            {"id": "js", "name": "Cổng JS", "portal_url": portal.server.url + "/"}])
        db = tmp_path / "r.db"
        env = {"PORTALCHECK_CHROMIUM": str(tmp_path / "no-such-chromium")}
        sweep = run_cli("sweep", "--targets", str(targets), "--db", str(db), env=env)
        check = run_cli("--lang", "en", "check", portal.server.url + "/", "--db", str(db), env=env)
        monitor = run_cli("monitor", "--targets", str(targets), "--db", str(db), env=env)
        assert portal.requests == []          # nothing was fetched
    assert (sweep.returncode, check.returncode, monitor.returncode) == (2, 2, 2)
    assert "PORTALCHECK_CHROMIUM" in sweep.stderr and "--no-browser" in sweep.stderr
    assert "Cách khắc phục" in sweep.stderr
    assert "How to fix" in check.stderr and "no-such-chromium" in check.stderr
    assert not db.exists()                     # no run was created


def test_doctor_says_what_it_found(tmp_path):
    good = run_cli("--lang", "en", "doctor", "--db", str(tmp_path / "new.db"), "--json")
    assert good.returncode == 0, good.stdout + good.stderr
    found = json.loads(good.stdout)
    assert found["browser"]["ok"] and found["browser"]["version"]
    assert found["versions"]["playwright"] and found["missing"] == []
    assert found["database"]["ok"] and not found["database"]["exists"]
    assert {m["name"] for m in found["methodologies"]} >= {"nd42-2025", "mic-2019"}
    assert not (tmp_path / "new.db").exists()  # doctor creates nothing
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database\n" * 100)
    bad = run_cli("doctor", "--db", str(foreign), env={"PORTALCHECK_CHROMIUM": "/nonexistent/chromium"})
    assert bad.returncode == 1
    assert "/nonexistent/chromium" in bad.stdout and "THIẾU" in bad.stdout
    assert "không phải cơ sở dữ liệu SQLite" in bad.stdout


def test_which_chromium_the_setting_stands_for(tmp_path, monkeypatch):
    own = tmp_path / "ms-playwright" / "chromium-1255" / "chrome-linux64" / "chrome"
    own.parent.mkdir(parents=True)
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    assert chromium_path("/opt/chrome/chrome") == "/opt/chrome/chrome"   # named: that one
    assert chromium_path("") == str(own)                                   # none named: Playwright's own
    debian = DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else str(own)
    assert chromium_path(DEBIAN_CHROMIUM) == debian                        # the default, else Playwright's
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    assert chromium_path(DEBIAN_CHROMIUM) == DEBIAN_CHROMIUM               # named in the error if missing


def test_help_of_every_fetching_command_offers_no_browser():
    for command in ("sweep", "check", "demo", "monitor"):
        done = subprocess.run([sys.executable, "-m", "crawler", "--lang", "en", command, "--help"], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert "--no-browser" in done.stdout, command


def test_monitor_without_a_browser_keeps_a_blocked_page_blocked(tmp_path):
    firewall = ("<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
                "Please consult with your administrator.</body></html>")
    hits = []
    server = LoopbackServer({"*": lambda h: (hits.append(h.path), h.reply(403, firewall))},
                            host="127.0.4.2").__enter__()
    try:
        targets = write_targets(tmp_path / "t.csv", [{"id": "waf", "name": "WAF", "portal_url": server.url + "/"}])
        db = tmp_path / "r.db"
        result = run_cli("monitor", "--targets", str(targets), "--db", str(db), "--no-browser", "-v")
    finally:
        server.__exit__(None, None, None)
    assert result.returncode == 0, result.stderr[-3000:]   # blocked is never down
    assert "bị tường lửa chặn (không phải lỗi của cổng): 1" in result.stdout   # the status in words
    assert hits.count("/") == 1     # the plain GET only: no browser went
