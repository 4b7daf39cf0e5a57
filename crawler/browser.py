"""Chromium policy for rendered pages: what a check never needs is never loaded,
only http(s) is fetched, and a page never takes the browser across the
public/private boundary, by name or by resolved address."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
import weakref
from contextlib import suppress
from urllib.parse import urlsplit

from crawler.targets import is_private_address

_HEAVY = frozenset({"image", "media", "font"})
_FETCHED_SCHEMES = frozenset({"http", "https"})
# host -> (has a private address, when the answer expires): one resolution per
# host and minute, not per sub-request
_RESOLVED: dict[str, tuple[bool, float]] = {}
_RESOLVED_SECONDS = 60
_RESOLVED_MAX = 4096


async def resolves_to_private(host: str) -> bool:
    """True when `host` (a name) has any private address, or cannot be resolved
    (Chromium would fail on it anyway; refusing costs nothing)."""
    now = time.monotonic()
    cached = _RESOLVED.get(host)
    if cached and cached[1] > now:
        return cached[0]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        private = not infos or any(is_private_address(info[4][0]) for info in infos)
    except OSError:
        private = True
    if len(_RESOLVED) >= _RESOLVED_MAX:
        _RESOLVED.clear()
    _RESOLVED[host] = (private, now + _RESOLVED_SECONDS)
    return private


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def abort_heavy_request(request) -> bool:
    """True for requests Chromium must not make (PLAYWRIGHT_ABORT_REQUEST).

    Anything but http(s). Images, fonts and media: checks read the DOM, not the
    pixels. And the same address rule as
    crawler.middlewares.AddressSafetyMiddleware: a page served from a private
    address (the demo, a test) loads nothing from the internet (tracking
    scripts, CDNs), and a public page loads nothing from a private address,
    whether named by IP or by a name that resolves to one (resolved here,
    before Chromium connects).
    """
    parts = urlsplit(request.url)
    if parts.scheme.lower() not in _FETCHED_SCHEMES:
        return True
    if request.resource_type in _HEAVY:
        return True
    frame = getattr(request, "frame", None)
    page_url = getattr(frame, "url", "") or ""
    page_host = urlsplit(page_url).hostname
    host = parts.hostname or ""
    if not page_host or page_url.startswith("about:"):
        # The page's own navigation: AddressSafetyMiddleware checked it (by
        # name and resolved address) before the render began.
        return False
    private_page = is_private_address(page_host)
    if private_page or is_private_address(host):
        return private_page != is_private_address(host)
    if _is_ip_literal(host):
        return False
    return await resolves_to_private(host)


# Pages already guarded (WebSockets refused): the init callback runs per render.
_GUARDED: "weakref.WeakSet" = weakref.WeakSet()


async def _refuse_websocket(ws) -> None:
    with suppress(Exception):
        await ws.close(code=1008, reason="portalcheck")


async def guard_page(page, request=None) -> None:
    """Page init callback: WebSockets are never connected (Playwright's routing
    sees no ws:// request, and no check needs one)."""
    if page in _GUARDED:
        return
    with suppress(Exception):
        await page.route_web_socket("**", _refuse_websocket)
        _GUARDED.add(page)


class DomTooLarge(Exception):
    """A rendered page larger than DOWNLOAD_MAXSIZE: never read into the crawler."""


async def check_dom_size(page, limit: int) -> int:
    """Page method run before scrapy-playwright reads the DOM: raises when the
    serialised page would exceed `limit` characters, so it is never read."""
    size = await page.evaluate("() => document.documentElement ? document.documentElement.outerHTML.length : 0")
    if limit and size > limit:
        raise DomTooLarge(f"size_limit: rendered page of {size} characters > {limit}")
    return size


# Context options for every render: no service worker (its requests would
# bypass page routing), no file downloads (their bodies are not bounded).
CONTEXT_GUARD = {"service_workers": "block", "accept_downloads": False}


class BrowserGuardMiddleware:
    """Downloader middleware: every render request gets the guard — the init
    callback (WebSockets), the context options, the DOM size check."""

    def __init__(self, crawler):
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        meta = request.meta
        if not meta.get("playwright") or meta.get("pc_browser_guarded"):
            return None
        from scrapy_playwright.page import PageMethod

        meta["pc_browser_guarded"] = True
        meta["playwright_context_kwargs"] = {**(meta.get("playwright_context_kwargs") or {}), **CONTEXT_GUARD}
        meta.setdefault("playwright_page_init_callback", "crawler.browser.guard_page")
        methods = meta.get("playwright_page_methods") or []
        if isinstance(methods, dict):
            methods = {**methods, "pc_dom_size": PageMethod(check_dom_size, self.limit)}
        else:
            methods = [*methods, PageMethod(check_dom_size, self.limit)]
        meta["playwright_page_methods"] = methods
        return None


# --- rendering hygiene (issue "Online public services", item 7) -------------
# scrapy-playwright users report leaked pages and contexts and hung renders.
# The services spider renders as little as possible (only the SPA discovery
# step of a service portal), in one context per portal, and closes the page,
# then its context, as soon as the render's outcome reaches the spider, in
# errbacks too.

# Requests a single-page app makes that tell where its data comes from.
_API_TYPES = frozenset({"xhr", "fetch"})


async def record_api_calls(page, request) -> None:
    """Page init callback (meta `playwright_page_init_callback`): records the
    XHR/fetch calls the page makes (method, URL, body) in request.meta
    ["pc_api_calls"], so the spider can call the same API directly afterwards."""
    await guard_page(page, request)
    calls = request.meta.setdefault("pc_api_calls", [])

    def on_request(req) -> None:
        if req.resource_type in _API_TYPES and len(calls) < 200:
            with suppress(Exception):
                calls.append({"method": req.method, "url": req.url, "body": req.post_data,
                              "resource_type": req.resource_type})

    page.on("request", on_request)


def render_meta(context: str) -> dict:
    """Request meta for a discovery render: the page is handed to the spider
    (so it can be closed with its context), API calls are recorded."""
    return {
        "playwright_include_page": True,
        "playwright_context": context,
        "playwright_page_init_callback": "crawler.browser.record_api_calls",
    }


async def close_page_and_context(page) -> None:
    """Page first, then its context; a page that is already gone is fine."""
    context = None
    with suppress(Exception):
        context = page.context
    with suppress(Exception):
        await page.close()
    if context is not None:
        with suppress(Exception):
            await context.close()


def on_playwright_loop(coro, playwright_object) -> None:
    """Run `coro` (which uses `playwright_object`) on the event loop Playwright
    runs on. That is a thread of its own (settings: _PLAYWRIGHT_THREADED_LOOP),
    while spiders and middlewares run on Scrapy's."""
    loop = getattr(getattr(playwright_object, "_impl_obj", playwright_object), "_loop", None)
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not None and loop is not running:
        asyncio.run_coroutine_threadsafe(coro, loop)
    else:
        asyncio.ensure_future(coro)


def release_page(meta: dict) -> bool:
    """Close the page a rendered request carried (success or failure) and its
    context, from a synchronous callback. Returns True when one was scheduled."""
    page = meta.pop("playwright_page", None)
    if page is None:
        return False
    on_playwright_loop(close_page_and_context(page), page)
    return True


class PagePool:
    """Open Playwright pages of one spider, per target (each target has its own
    context), reused across renders: a new page per render costs about four
    times the render itself.

    A page is taken when the request reaches the downloader (never when it is
    created, or queued requests would hold no page and wait forever on
    scrapy-playwright's page limit), and given back when its response has been
    handled. At most `limit` pages per target exist at once.

    At most `contexts` targets have a browser context at once. A target holds
    its slot while it has renders in flight and gives it back (closing its
    pages and context) when the last one is handled, so a slot holder never
    waits for anything a waiting target holds. Two designs deadlocked before:
    scrapy-playwright's own limit (PLAYWRIGHT_MAX_CONTEXTS) waits while
    holding the lock every new page needs, and holding a slot until the target
    was done let waiting renders fill Scrapy's downloader so the holder's own
    requests never ran. Each opening of a target's context gets a new name,
    since scrapy-playwright forgets a context by name when its close arrives.
    """

    def __init__(self, limit: int, contexts: int = 2):
        self.limit = limit
        self.context_limit = max(1, contexts)
        self.holding: set[str] = set()
        self.slot_waiters: list[asyncio.Future] = []
        self.idle: dict[str, list] = {}
        self.created: dict[str, int] = {}
        self.in_flight: dict[str, int] = {}
        self.opened: dict[str, int] = {}
        self.waiters: dict[str, list[asyncio.Future]] = {}
        self.contexts: dict[str, object] = {}

    def context_name(self, key: str) -> str:
        return f"target-{key}-{self.opened.get(key, 0)}"

    async def acquire(self, key: str):
        """An idle page, or None when the caller may create one, else wait for one."""
        while key not in self.holding:
            if len(self.holding) < self.context_limit:
                self.holding.add(key)
                self.opened[key] = self.opened.get(key, 0) + 1
                break
            waiter = asyncio.get_running_loop().create_future()
            self.slot_waiters.append(waiter)
            await waiter
        self.in_flight[key] = self.in_flight.get(key, 0) + 1
        idle = self.idle.setdefault(key, [])
        while True:
            while idle:
                page = idle.pop()
                if not page.is_closed():
                    return page
                self.created[key] -= 1
            if self.created.get(key, 0) < self.limit:
                self.created[key] = self.created.get(key, 0) + 1
                return None
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.setdefault(key, []).append(waiter)
            await waiter

    def release(self, key: str, page, reusable: bool) -> None:
        if page is not None:
            with suppress(Exception):
                self.contexts[key] = page.context
        if page is None or page.is_closed() or not reusable:
            self.created[key] = max(0, self.created.get(key, 1) - 1)
            if page is not None and not page.is_closed():
                on_playwright_loop(page.close(), page)
        else:
            self.idle.setdefault(key, []).append(page)
        for waiter in self.waiters.pop(key, []):
            if not waiter.done():
                waiter.set_result(None)
        self.in_flight[key] = self.in_flight.get(key, 1) - 1
        if self.in_flight[key] <= 0:
            self.close(key)

    def close(self, key: str) -> None:
        """Pages before their context, and the context; the slot goes to a waiting target."""
        pages = self.idle.pop(key, [])
        self.created.pop(key, None)
        self.in_flight.pop(key, None)
        context = self.contexts.pop(key, None)
        if key in self.holding:
            self.holding.discard(key)
            waiters, self.slot_waiters = self.slot_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
        if not pages and context is None:
            return

        context = context or pages[0].context

        async def close_all():
            for page in pages:
                with suppress(Exception):
                    await page.close()
            with suppress(Exception):
                await context.close()

        on_playwright_loop(close_all(), context)


class PagePoolMiddleware:
    """Downloader middleware: hands a pooled page to a render request."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        pool = getattr(self.crawler.spider, "page_pool", None)
        if pool is None or not request.meta.get("pc_pooled_page") or request.meta.get("pc_pool_acquired"):
            return None  # a retry keeps what its first attempt was given
        key = request.meta["pc_target"]
        page = await pool.acquire(key)
        request.meta["pc_pool_acquired"] = True
        request.meta["playwright_context"] = pool.context_name(key)
        if page is not None:
            request.meta["playwright_page"] = page
        return None


class BrowserUnavailable(Exception):
    """A render asked for while the browser is turned off (`--no-browser`):
    the fetch fails with the taxonomy status render_failed."""


class BrowserSwitchMiddleware:
    """Downloader middleware: with PORTALCHECK_BROWSER off, a render request
    fails at once (its errback gets render_failed) instead of starting Chromium."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("PORTALCHECK_BROWSER", True))

    def process_request(self, request, spider=None):
        if not self.enabled and request.meta.get("playwright"):
            raise BrowserUnavailable("browser turned off (--no-browser): page not rendered")
        return None

