"""Browser hygiene with the real Chromium: recorded API calls, pages and
contexts closed, heavy resources aborted, Playwright timeouts retried."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
from scrapy.utils.misc import load_object
from spa_portal import LIST, SpaPortal

from checks.fetch_status import classify_exception
from crawler.browser.launch import project_launch_options
from crawler.browser.policy import abort_heavy_request
from crawler.browser.pool import record_api_calls, release_page
from spiders.services import ServicesSpider


def test_render_records_calls_and_release_closes_page_then_context():
    portal = SpaPortal(ip="127.0.0.9").start()

    async def main():
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**project_launch_options())
            try:
                context = await browser.new_context()
                page = await context.new_page()
                request = SimpleNamespace(meta={})
                await record_api_calls(page, request)
                await page.goto(portal.url, wait_until="networkidle")
                calls = request.meta["pc_api_calls"]
                assert any(c["method"] == "POST" and c["url"].endswith(LIST) and '"lastId"' in c["body"]
                           for c in calls)
                assert "thu-tuc-hanh-chinh/" in await page.content()   # the app rendered its list
                meta = {"playwright_page": page}
                assert release_page(meta) and "playwright_page" not in meta
                for _ in range(50):
                    if page.is_closed() and not browser.contexts:
                        break
                    await asyncio.sleep(0.05)
                assert page.is_closed() and browser.contexts == []
                assert release_page({}) is False            # nothing to close: fine
            finally:
                await browser.close()

    try:
        asyncio.run(main())
    finally:
        portal.stop()


def test_heavy_resources_aborted():
    for kind, aborted in (("image", True), ("font", True), ("media", True), ("script", False),
                          ("xhr", False), ("fetch", False), ("document", False)):
        request = SimpleNamespace(resource_type=kind, url="http://127.0.0.5/a", frame=None)
        assert asyncio.run(abort_heavy_request(request)) is aborted


def test_playwright_timeouts_are_timeouts_and_retried():
    assert classify_exception(PlaywrightTimeout("Timeout 20000ms exceeded.")) == "timeout"
    retried = [load_object(p) if isinstance(p, str) else p
               for p in ServicesSpider.custom_settings["RETRY_EXCEPTIONS"]]
    assert PlaywrightTimeout in retried
