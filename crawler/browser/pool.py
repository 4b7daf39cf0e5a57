"""Rendered pages and their contexts: a pool of Playwright pages per target, reused
across renders, and the helpers that close a page, then its context, from
Scrapy's thread (Playwright runs on a loop of its own: crawler/settings.py,
_PLAYWRIGHT_THREADED_LOOP)."""
from __future__ import annotations

import asyncio
from contextlib import suppress

from crawler.browser.policy import guard_page

# --- rendering hygiene -------------------------------------------------------
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
        "playwright_page_init_callback": "crawler.browser.pool.record_api_calls",
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


# Seconds a target keeps its context after its last render in flight (PagePool._close_soon).
SLOT_GRACE_SECONDS = 0.25


class RenderSlotTimeout(Exception):
    """A render waited longer than PORTALCHECK_RENDER_SLOT_WAIT for a context or a page:
    its fetch fails with the taxonomy status timeout (never a fault of the portal)."""


def pool_key(meta) -> str:
    """The pool a render draws from: its target's, or a context of its own (a speed audit's
    phone, `pc_pool_key`), so that context's options never leak into the target's renders."""
    return meta.get("pc_pool_key") or meta["pc_target"]


class PagePool:
    """Open Playwright pages of one spider, per target (each target has its own
    context), reused across renders: a new page per render costs several
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

    async def acquire(self, key: str, wait: float = 0):
        """An idle page, or None when the caller may create one, else wait for one. A wait
        longer than `wait` seconds (0: no limit) raises RenderSlotTimeout: a render queued
        behind a slow target fails as a timeout instead of hanging its own target."""
        deadline = asyncio.get_running_loop().time() + wait if wait > 0 else None
        while key not in self.holding:
            if len(self.holding) < self.context_limit:
                self.holding.add(key)
                self.opened[key] = self.opened.get(key, 0) + 1
                break
            await self._wait(self.slot_waiters, deadline, wait)
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
            try:
                await self._wait(self.waiters.setdefault(key, []), deadline, wait)
            except RenderSlotTimeout:
                self.in_flight[key] = self.in_flight.get(key, 1) - 1
                if self.in_flight[key] <= 0:
                    self.close(key)
                raise

    @staticmethod
    async def _wait(queue: list, deadline: float | None, wait: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        if deadline is None:
            await waiter
            return
        try:
            await asyncio.wait_for(waiter, max(0.0, deadline - asyncio.get_running_loop().time()))
        except TimeoutError:
            with suppress(ValueError):
                queue.remove(waiter)
            raise RenderSlotTimeout(f"timeout: waited {wait:g} s for a browser slot "
                                    "(PORTALCHECK_RENDER_SLOT_WAIT)") from None

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
            self._close_soon(key)

    def _close_soon(self, key: str) -> None:
        """Give the slot back a moment after the target's last render in flight: its next
        render is usually on its way (Scrapy hands the freed per-host slot to the same host),
        and closing at once made every few renders close a context and its renderer process,
        and open new ones: a third of the render bench's CPU (docs/performance.md, Rendering).
        The moment is bounded, so a waiting target still gets the slot."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.close(key)
            return
        loop.call_later(SLOT_GRACE_SECONDS, self._close_if_idle, key)

    def _close_if_idle(self, key: str) -> None:
        if key in self.holding and self.in_flight.get(key, 0) <= 0:
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
        self.wait = crawler.settings.getfloat("PORTALCHECK_RENDER_SLOT_WAIT")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        pool = getattr(self.crawler.spider, "page_pool", None)
        if pool is None or not request.meta.get("pc_pooled_page") or request.meta.get("pc_pool_acquired"):
            return None  # a retry keeps what its first attempt was given
        key = pool_key(request.meta)
        page = await pool.acquire(key, self.wait)
        request.meta["pc_pool_acquired"] = True
        request.meta["playwright_context"] = pool.context_name(key)
        if page is not None:
            request.meta["playwright_page"] = page
        return None
