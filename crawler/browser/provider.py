"""One Playwright driver and one Chromium per process, started when a page
first needs rendering and closed again when none has for a while.

scrapy-playwright gives every download handler its own Playwright driver (a
Node.js process), started when the crawl starts. A sweep has two spiders, each
with an http and an https handler, so up to four drivers per process sat in
memory, most of them never asked to render a page (the figures:
docs/performance.md, Memory). This provider (scrapy-playwright's
PLAYWRIGHT_BROWSER_PROVIDER extension point) shares one driver and one
browser between all handlers of the process and starts them only when the
first page needs rendering.

Rendering is rare (a JavaScript menu on a homepage, an SPA service portal,
mostly at a target's start), while a sweep of big portals runs for hours: a
browser with no context open for PORTALCHECK_BROWSER_IDLE_SECONDS is closed,
driver and all, and started again by the next render. Handlers keep the SharedBrowser they were given; it always stands
for the process's current browser. Each target still gets its own browser
context (crawler.browser.pool).

A sweep's worker processes (crawler.orchestration.workers) would each start a browser of
their own; at most PORTALCHECK_MAX_BROWSERS of them run at once on the machine
(a lock file each, held while the browser is up and freed by the kernel if the
process dies). The others' renders wait: rendering is a few pages per
JavaScript portal, a minute or two of a national sweep's hours.
"""
from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.async_api import PlaywrightContextManager

from crawler import settings as defaults
from crawler.browser.launch import launch_options

logger = logging.getLogger(__name__)


class _Shared:
    config: Any = None
    playwright_manager: PlaywrightContextManager | None = None
    playwright: Any = None
    browser: Any = None
    users = 0
    loop: asyncio.AbstractEventLoop | None = None
    lock: asyncio.Lock | None = None
    idle_seconds: float = defaults.PORTALCHECK_BROWSER_IDLE_SECONDS  # until configure()
    opening = 0                      # new_context calls under way
    last_busy = 0.0                  # monotonic time a context was last open or asked for
    watcher: asyncio.Task | None = None
    closing_on_purpose: Any = None   # the browser being closed for idleness
    on_disconnected: list[Callable] = []  # the handlers' callbacks, for a browser that crashed
    launches = 0
    max_browsers = defaults.PORTALCHECK_MAX_BROWSERS
    slot_file: Any = None            # the lock file held while this process has a browser
    launch_options: dict | None = None  # with the executable PORTALCHECK_CHROMIUM names


def configure(settings) -> None:
    """Read the provider's own settings (scrapy-playwright's Config has no room for them)."""
    _Shared.idle_seconds = settings.getfloat("PORTALCHECK_BROWSER_IDLE_SECONDS")
    _Shared.max_browsers = settings.getint("PORTALCHECK_MAX_BROWSERS")
    _Shared.launch_options = launch_options(settings)


def _slot_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"portalcheck-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


async def _take_browser_slot() -> None:
    """One of the machine's PORTALCHECK_MAX_BROWSERS browser slots (0: no limit)."""
    if _Shared.slot_file is not None or _Shared.max_browsers <= 0:
        return
    started = time.monotonic()
    warned = False
    while True:
        for n in range(_Shared.max_browsers):
            handle = open(_slot_dir() / f"browser-{n}.lock", "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            _Shared.slot_file = handle
            return
        if not warned and time.monotonic() - started > 30:
            logger.info("waiting for a browser: %d already running (PORTALCHECK_MAX_BROWSERS)",
                        _Shared.max_browsers)
            warned = True
        await asyncio.sleep(0.25)


def _give_browser_slot() -> None:
    handle, _Shared.slot_file = _Shared.slot_file, None
    if handle is not None:
        handle.close()  # closing the file drops its lock


def _bind_to_running_loop() -> None:
    """Locks and tasks belong to one event loop; a new crawl in the same
    process (tests do that) may run on a new one."""
    loop = asyncio.get_running_loop()
    if _Shared.loop is not loop:
        _Shared.loop, _Shared.lock, _Shared.watcher, _Shared.opening = loop, asyncio.Lock(), None, 0
        # a browser started on the old loop cannot be driven from this one
        _Shared.browser = _Shared.playwright = _Shared.playwright_manager = None
        _give_browser_slot()


async def _current_browser() -> Any:
    """The process's browser, launched (with its driver) if there is none."""
    _bind_to_running_loop()
    async with _Shared.lock:
        if _Shared.browser is None or not _Shared.browser.is_connected():
            await _take_browser_slot()
        if _Shared.playwright is None:
            _Shared.playwright_manager = PlaywrightContextManager()
            _Shared.playwright = await _Shared.playwright_manager.start()
        if _Shared.browser is None or not _Shared.browser.is_connected():
            browser_type = getattr(_Shared.playwright, _Shared.config.browser_type_name)
            browser = await browser_type.launch(**(_Shared.launch_options or _Shared.config.launch_options))
            browser.on("disconnected", _disconnected)
            _Shared.browser = browser
            _Shared.launches += 1
            _Shared.last_busy = time.monotonic()
            if _Shared.watcher is None or _Shared.watcher.done():
                _Shared.watcher = asyncio.get_running_loop().create_task(_close_when_idle())
        return _Shared.browser


def _disconnected(browser) -> None:
    """A crash (not our own idle close): the handlers forget their contexts."""
    if browser is _Shared.closing_on_purpose:
        return
    for callback in list(_Shared.on_disconnected):
        result = callback()
        if asyncio.iscoroutine(result):
            asyncio.get_running_loop().create_task(result)


async def _close_when_idle() -> None:
    while _Shared.browser is not None and _Shared.idle_seconds > 0:
        await asyncio.sleep(max(0.05, min(_Shared.idle_seconds / 4, 5.0)))
        browser = _Shared.browser
        if browser is None:
            return
        if _Shared.opening or (browser.is_connected() and browser.contexts):
            _Shared.last_busy = time.monotonic()
            continue
        if time.monotonic() - _Shared.last_busy >= _Shared.idle_seconds:
            async with _Shared.lock:
                # a render may have started while the lock was awaited
                if _Shared.opening or (browser.is_connected() and browser.contexts):
                    continue
                logger.debug("closing the idle browser")
                await _stop()
            return


async def _stop() -> None:
    """Close the browser and stop the driver (the caller holds the lock or is the last user)."""
    browser, playwright, manager = _Shared.browser, _Shared.playwright, _Shared.playwright_manager
    _Shared.browser = _Shared.playwright = _Shared.playwright_manager = None
    _Shared.closing_on_purpose = browser
    if browser is not None:
        try:
            await browser.close()
        except Exception:  # already gone (crashed, or the driver died first)
            pass
    if manager is not None:  # as scrapy-playwright's own provider stops it
        await manager.__aexit__()
    if playwright is not None:
        await playwright.stop()
    _give_browser_slot()


class SharedBrowser:
    """The process's browser as one handler sees it: whichever browser is
    current (relaunched after an idle close); closing it only lets go."""

    def __getattr__(self, name: str):
        return getattr(_Shared.browser, name)

    def on(self, event: str, callback: Callable) -> None:
        if event == "disconnected":
            if callback not in _Shared.on_disconnected:
                _Shared.on_disconnected.append(callback)
        elif _Shared.browser is not None:
            _Shared.browser.on(event, callback)

    async def new_context(self, **kwargs):
        _Shared.opening += 1
        try:
            return await (await _current_browser()).new_context(**kwargs)
        finally:
            _Shared.opening -= 1
            _Shared.last_busy = time.monotonic()

    async def close(self, **kwargs) -> None:
        """Handlers close their browser when their spider ends; the shared one
        stays open for the others and is closed by the provider."""


class SharedBrowserProvider:
    def __init__(self, config) -> None:
        self.config = config
        self.closed = False

    async def start(self) -> None:
        _bind_to_running_loop()
        _Shared.users += 1
        _Shared.config = self.config

    async def launch_browser(self):
        await _current_browser()
        return SharedBrowser()

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
        if _Shared.watcher is not None and not _Shared.watcher.done():
            _Shared.watcher.cancel()
        _Shared.watcher = None
        _Shared.on_disconnected.clear()
        await _stop()
