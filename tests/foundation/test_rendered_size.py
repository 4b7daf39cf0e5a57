"""A rendered page's DOM is bounded by DOWNLOAD_MAXSIZE before it is read into the crawler
(crawler.browser.policy.read_dom, one evaluate): a page that grows past it is an error, one
within it is read whole, and a page that rewrites `outerHTML` can change what is read, never
how much."""
from __future__ import annotations

import os
import sqlite3

import pytest

from tests.loopback import run_scrapy, write_targets

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"),
                                reason="Debian chromium not installed (make setup installs it)")

LIMIT = 100_000
GROW = "<script>document.body.insertAdjacentHTML('beforeend', '<p>' + 'Giới thiệu '.repeat(20000) + '</p>')</script>"
SPOOF = ("<script>Object.defineProperty(Element.prototype, 'outerHTML', {get() { return %s; }});</script>")


def page(body: str) -> str:
    return f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'></head><body>{body}</body></html>"


def test_rendered_dom_bounded_before_it_is_read(loopback, tmp_path):
    server = loopback({
        "/render-within": lambda h: h.reply(200, page("<ul id='m'></ul><script>document.getElementById('m')"
                                                      ".innerHTML = '<li>Giới thiệu</li>'</script>")),
        "/render-grown": lambda h: h.reply(200, page(GROW)),
        # the page claims a DOM far larger than the bound: the length is of what was returned
        "/render-claims-huge": lambda h: h.reply(200, page(SPOOF % "'x'.repeat(300000)")),
        # the page grows past the bound but claims a small DOM: what it claims is read, within the bound
        "/render-claims-small": lambda h: h.reply(200, page(GROW + SPOOF % "'<html><body>nhỏ</body></html>'")),
    })
    keys = ["within", "grown", "claims-huge", "claims-small"]
    targets = write_targets(tmp_path / "targets.csv",
                            [{"id": k, "name": k, "portal_url": f"{server.url}/render-{k}"} for k in keys])
    db = tmp_path / "r.db"
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", f"DOWNLOAD_MAXSIZE={LIMIT}", "-s", "ROBOTSTXT_OBEY=0",
                        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING", timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    status = dict(conn.execute("SELECT target_id, portal_status FROM run_targets"))
    notes = dict(conn.execute("SELECT target_id, notes FROM run_targets"))
    errors = dict(conn.execute("SELECT target_id, error FROM fetches"))
    assert status["within"] == "live" and "Giới thiệu" in notes["within"]
    for key in ("grown", "claims-huge"):
        assert status[key] == "error", (key, status[key], errors.get(key))
        # refused in the page (characters), not after reading it (the middleware counts bytes)
        assert "size_limit" in (errors.get(key) or "") and "characters" in errors[key], errors.get(key)
    assert status["claims-small"] == "live" and "nhỏ" in notes["claims-small"]


def test_size_check_for_renders_scrapy_playwright_reads_itself():
    """check_dom_size (renders that are not navigation-only): the length, or DomTooLarge past it."""
    import asyncio

    from playwright.async_api import async_playwright

    from crawler.browser.launch import project_launch_options
    from crawler.browser.policy import DomTooLarge, check_dom_size

    async def sizes():
        async with async_playwright() as p:
            browser = await p.chromium.launch(**project_launch_options())
            pg = await browser.new_page()
            await pg.set_content(page("<p>" + "x" * 5000 + "</p>"))
            size = await check_dom_size(pg, LIMIT)
            try:
                await check_dom_size(pg, 1000)
                refused = False
            except DomTooLarge:
                refused = True
            await browser.close()
            return size, refused

    size, refused = asyncio.run(sizes())
    assert 5000 < size < 6000 and refused
