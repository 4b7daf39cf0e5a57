"""Chromium policy for rendered pages: what a check never needs is never loaded,
only http(s) is fetched, and a page never takes the browser across the
public/private boundary, by name or by resolved address."""
from __future__ import annotations

import asyncio
import socket
import time
import weakref
from contextlib import suppress
from urllib.parse import urlsplit

from crawler.netsafety.addresses import is_ip_literal, is_private_address

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


async def abort_heavy_request(request) -> bool:
    """True for requests Chromium must not make (PLAYWRIGHT_ABORT_REQUEST).

    Anything but http(s). Images, fonts and media: checks read the DOM, not the
    pixels (except on a page a speed audit measures). And the same address rule as
    crawler.netsafety.middleware.AddressSafetyMiddleware: a page served from a private
    address (the demo, a test) loads nothing from the internet (tracking
    scripts, CDNs), and a public page loads nothing from a private address,
    whether named by IP or by a name that resolves to one (resolved here,
    before Chromium connects).
    """
    parts = urlsplit(request.url)
    if parts.scheme.lower() not in _FETCHED_SCHEMES:
        return True
    frame = getattr(request, "frame", None)
    if request.resource_type in _HEAVY and not _measured(frame):
        return True
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
    if is_ip_literal(host):
        return False
    return await resolves_to_private(host)


# Pages a speed audit measures (crawler/browser/audits.py): they load images, fonts and media
# as a visitor's browser does, or their largest paint and bytes would be wrong.
_MEASURED: weakref.WeakSet = weakref.WeakSet()


def measure_heavy_resources(page) -> None:
    _MEASURED.add(page)


def _measured(frame) -> bool:
    try:
        return frame is not None and frame.page in _MEASURED
    except Exception:  # a detached frame has no page
        return False


# Pages already guarded (WebSockets refused): the init callback runs per render.
_GUARDED: weakref.WeakSet = weakref.WeakSet()


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


# The page serialised as Playwright's page.content() does (doctype, then the root element), in
# the page: the DOM itself when it is within `limit` characters, else only its length.
_BOUNDED_DOM = """(limit) => {
    const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
    const html = doctype + (document.documentElement ? document.documentElement.outerHTML : "");
    return html.length > limit ? html.length : html;
}"""


def _size(bounded) -> int:
    """What _BOUNDED_DOM returned, as a length: the length itself, or the string's."""
    return len(bounded) if isinstance(bounded, str) else int(bounded)


def _too_large(size: int, limit: int) -> DomTooLarge:
    return DomTooLarge(f"size_limit: rendered page of {size} characters > {limit}")


async def check_dom_size(page, limit: int) -> int:
    """Run before scrapy-playwright reads the DOM itself (a render that is not navigation-only,
    crawler.browser.handler): raises when the serialised page would exceed `limit` characters,
    so it is never read."""
    size = _size(await page.evaluate(_BOUNDED_DOM, 0))  # a bound of 0: only the length comes back
    if limit and size > limit:
        raise _too_large(size, limit)
    return size


async def read_dom(page, limit: int) -> str:
    """The rendered page's HTML, serialised once in the page and read only if it is within `limit`
    (> 0) characters (DomTooLarge otherwise): the size check and the read in one evaluate, where
    check_dom_size and then page.content() serialise the page twice (crawler.browser.handler).

    It runs in the page's own JavaScript world, as the size check always did, not in
    Playwright's isolated one: a page that rewrites `outerHTML` can change what is read about
    it (as one that answers our user agent differently can), never how much — the length is
    taken of the string the serialiser returned. A navigation under way is waited for once,
    as scrapy-playwright does for page.content()."""
    try:
        html = await page.evaluate(_BOUNDED_DOM, limit)
    except Exception as error:  # the document changed while it was read
        if "navigat" not in str(error) and "context was destroyed" not in str(error):
            raise
        await page.wait_for_load_state()
        html = await page.evaluate(_BOUNDED_DOM, limit)
    if not isinstance(html, str) or len(html) > limit:
        raise _too_large(_size(html), limit)
    return html


# Context options for every render: no service worker (its requests would
# bypass page routing), no file downloads (their bodies are not bounded).
CONTEXT_GUARD = {"service_workers": "block", "accept_downloads": False}


class BrowserGuardMiddleware:
    """Downloader middleware: every render request gets the guard — the init
    callback (WebSockets), the context options (and the run's user agent, unless the
    request brings its own, as a speed audit's phone does), the DOM size bound (checked
    by crawler.browser.handler)."""

    def __init__(self, crawler):
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        # A navigation-only render does not carry Scrapy's headers (crawler.browser.handler):
        # its context says who is asking, as every other request of the run does.
        self.user_agent = crawler.settings.get("USER_AGENT")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        meta = request.meta
        if not meta.get("playwright") or meta.get("pc_browser_guarded"):
            return None
        meta["pc_browser_guarded"] = True
        meta["playwright_context_kwargs"] = {"user_agent": self.user_agent, **(meta.get("playwright_context_kwargs") or {}),
                                             **CONTEXT_GUARD}
        meta.setdefault("playwright_page_init_callback", "crawler.browser.policy.guard_page")
        # checked by crawler.browser.handler after the page methods, before the DOM is read
        meta["pc_dom_limit"] = self.limit
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
        return cls(crawler.settings.getbool("PORTALCHECK_BROWSER"))

    def process_request(self, request, spider=None):
        if not self.enabled and request.meta.get("playwright"):
            raise BrowserUnavailable("browser turned off (--no-browser): page not rendered")
        return None
