"""Raw Playwright on the render bench's pages: the machine's limit that portalcheck's rendering
path is measured against (`make bench`, `rendered_ratio`).

The very same URLs, the same Chromium and launch flags (crawler.browser.launch.project_launch_options),
the same concurrency as portalcheck's page pool (PORTALCHECK_MAX_RENDER_CONTEXTS contexts ×
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT pages, each page reused), the same wait (domcontentloaded) and
the DOM read back (page.content()); no Scrapy, no routing, no checks. Prints "<rendered> <seconds>",
timed from the browser's launch to the last page, as bench/render_spider.py does.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from crawler.browser.launch import project_launch_options  # noqa: E402
from crawler.orchestration.process import project_settings  # noqa: E402


async def render_all(urls: list[str], contexts: int, pages_per_context: int) -> tuple[int, float]:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    rendered = 0
    started = time.monotonic()
    last = started

    async def worker(context) -> None:
        nonlocal rendered, last
        page = await context.new_page()
        while not queue.empty():
            url = queue.get_nowait()
            try:
                await page.goto(url, wait_until="domcontentloaded", timeout=20_000)
                if "Giới thiệu" in await page.content():
                    rendered += 1
            except Exception:
                page = await context.new_page()
            last = time.monotonic()
        await page.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**project_launch_options())
        opened = [await browser.new_context() for _ in range(contexts)]
        await asyncio.gather(*(worker(c) for c in opened for _ in range(pages_per_context)))
        await browser.close()
    return rendered, last - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--urls", required=True, help="comma-separated portal URLs")
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    portals = args.urls.split(",")
    share = args.pages // len(portals)
    urls = [f"{u}?n={n}" for n in range(share) for u in portals]  # interleaved, as a sweep's renders are
    settings = project_settings()
    rendered, seconds = asyncio.run(render_all(urls, settings.getint("PORTALCHECK_MAX_RENDER_CONTEXTS"),
                                               settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT")))
    print(rendered, seconds)


if __name__ == "__main__":
    main()
