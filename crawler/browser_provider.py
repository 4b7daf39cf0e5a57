"""One Playwright driver and one Chromium per process, started on first use.

scrapy-playwright gives every download handler its own Playwright driver (a
Node.js process, about 78 MB PSS here), started when the crawl starts. A
sweep has two spiders, each with an http and an https handler, so up to four
drivers per process sat in memory, most of them never asked to render a page
(measured on the bench farm: six drivers, 470 MB, in a two-worker sweep that
rendered four pages). This provider (scrapy-playwright's
PLAYWRIGHT_BROWSER_PROVIDER extension point) shares one driver and one
browser between all handlers of the process, starts them only when the first
page needs rendering, and closes them when the last handler closes.
Each target still gets its own browser context (crawler.browser).
"""
from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import PlaywrightContextManager


class _Shared:
    playwright_manager: PlaywrightContextManager | None = None
    playwright: Any = None
    browser: Any = None
    users = 0
    lock: asyncio.Lock | None = None


class SharedBrowser:
    """The process's browser as one handler sees it: closing it only lets go."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    async def close(self, **kwargs) -> None:
        """Handlers close their browser when their spider ends; the shared one
        stays open for the others and is closed by the provider."""


class SharedBrowserProvider:
    def __init__(self, config) -> None:
        self.config = config
        self.closed = False

    async def start(self) -> None:
        _Shared.users += 1

    async def launch_browser(self):
        if _Shared.lock is None:
            _Shared.lock = asyncio.Lock()
        async with _Shared.lock:
            if _Shared.playwright is None:
                _Shared.playwright_manager = PlaywrightContextManager()
                _Shared.playwright = await _Shared.playwright_manager.start()
            if _Shared.browser is None or not _Shared.browser.is_connected():
                browser_type = getattr(_Shared.playwright, self.config.browser_type_name)
                _Shared.browser = await browser_type.launch(**self.config.launch_options)
        return SharedBrowser(_Shared.browser)

    async def launch_persistent_context(self, context_kwargs: dict):
        from scrapy.exceptions import NotSupported

        raise NotSupported("portalcheck never keeps a browser profile between runs")

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        _Shared.users -= 1
        if _Shared.users > 0:
            return
        browser, playwright, manager = _Shared.browser, _Shared.playwright, _Shared.playwright_manager
        _Shared.browser = _Shared.playwright = _Shared.playwright_manager = None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # already gone (crashed, or the driver died first)
                pass
        if manager is not None:  # as scrapy-playwright's own provider stops it
            await manager.__aexit__()
        if playwright is not None:
            await playwright.stop()
