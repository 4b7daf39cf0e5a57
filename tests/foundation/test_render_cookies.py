"""A render carries the cookies the portal set on a plain fetch (crawler.browser.handler): a
portal whose rendered page needs them (a session, a load balancer's) is not called down."""
from __future__ import annotations

import os
import sqlite3

import pytest

from tests.loopback import run_scrapy, write_targets

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"),
                                reason="Debian chromium not installed (make setup installs it)")

MENU = ("<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'></head><body><ul id='m'></ul><script>"
        "document.getElementById('m').innerHTML = '<li>Giới thiệu</li>'</script></body></html>")


def test_render_sends_the_cookie_a_plain_fetch_received(loopback, tmp_path):
    seen: list[str] = []

    def gate(h):
        h.reply(200, "<html><body><p>Cổng</p></body></html>", headers={"Set-Cookie": "pc_gate=mo; Path=/"})

    def gated(h):
        cookie = h.headers.get("Cookie") or ""
        seen.append(cookie)
        if "pc_gate=mo" in cookie:
            h.reply(200, MENU)
        else:
            h.reply(403, "<html><body><h1>403 Forbidden</h1></body></html>")

    server = loopback({"/gate": gate, "/gate/render": gated})
    targets = write_targets(tmp_path / "targets.csv",
                            [{"id": "gated", "name": "gated", "portal_url": f"{server.url}/gate"}])
    db = tmp_path / "r.db"
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "ROBOTSTXT_OBEY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                        "-s", "LOG_LEVEL=WARNING", timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    status, notes = conn.execute("SELECT portal_status, notes FROM run_targets").fetchone()
    rendered = conn.execute("SELECT COUNT(*) FROM fetches WHERE rendered = 1").fetchone()[0]
    assert rendered == 1
    assert seen and all("pc_gate=mo" in c for c in seen), seen
    assert status == "live" and "Giới thiệu" in notes
