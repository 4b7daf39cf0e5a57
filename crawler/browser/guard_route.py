"""The address policy for a rendered page's own requests, asked only where it can say no.

Every request a rendered page makes that the policy (crawler.browser.policy.abort_heavy_request,
the one implementation) has not yet allowed is intercepted and asked: anything but http(s),
images, fonts and media, and every host not yet allowed for this page. A host the policy allowed
for requests from this page's own host is allowed for ALLOWED_SECONDS (as long as the policy
keeps a host's resolved address, crawler.browser.policy._RESOLVED_SECONDS); its later requests
go straight to Chromium's network stack without a round trip into Python.

The route is one regular expression, matched by Playwright's driver (`route(re.Pattern)`
patterns are sent to it), so what it does not match never leaves the browser side. It is set
again only when the allowed hosts change, at the start of a render (never while one runs): the
next render of the same page benefits, the current one keeps asking. A host in the
expression is only ever a host the policy allowed, so nothing the policy would refuse skips it.

Heavy resources are recognised here by extension (the route sees only URLs); one served without
an extension by an allowed host loads. That costs bytes, never safety.
"""
from __future__ import annotations

import re
import time
import weakref
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.browser.policy import _HEAVY, abort_heavy_request

ALLOWED_SECONDS = 60
# Hosts allowed per page: a page renders one target, whose pages load from a handful of hosts.
ALLOWED_MAX = 64
_HEAVY_EXTENSIONS = (r"\.(?:png|jpe?g|gif|webp|avif|bmp|ico|svg|tiff?|woff2?|ttf|otf|eot"
                     r"|mp4|webm|ogv|ogg|mp3|wav|m4a|aac|flac|mov|avi|mkv)(?:[?#]|$)")


def navigation_only(request) -> bool:
    """A render whose navigation needs nothing from Scrapy's request but its URL and referer:
    a GET with no body and no page event handlers of its own."""
    return (request.method == "GET" and not request.body
            and not request.meta.get("playwright_page_event_handlers"))


def _host_pattern(host: str) -> str:
    return r"\[" + re.escape(host) + r"\]" if ":" in host else re.escape(host)


def intercepted(allowed_hosts) -> re.Pattern:
    """The URLs still asked about: any not on an allowed host over http(s), and heavy resources.
    A URL with user information (`http://name@host/`) never matches an allowed host."""
    hosts = "|".join(sorted(_host_pattern(h) for h in allowed_hosts))
    return re.compile(rf"^(?!https?://(?:{hosts})(?::\d+)?(?:[/?#]|$))|{_HEAVY_EXTENSIONS}", re.IGNORECASE)


@dataclass
class _GuardState:
    page_host: str | None = None
    allowed: dict[str, float] = field(default_factory=dict)   # host -> when it was allowed
    pattern: re.Pattern | None = None
    handler: object = None
    scrapy_routed: bool = False   # scrapy-playwright's own "**" route is on this page


class PageGuard:
    """The guard route of each open page, kept by the download handler."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.states: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def prepare(self, page, url: str) -> None:
        """Before a render of `url` on `page`: its host is allowed (the Scrapy side checked the
        navigation, crawler.netsafety.middleware), hosts allowed too long ago are asked again,
        and the route is set again if what it must intercept changed."""
        state = self.states.get(page)
        if state is None:
            state = self.states[page] = _GuardState()
        if state.scrapy_routed:
            await page.unroute("**")
            state.scrapy_routed = False
        host = (urlsplit(url).hostname or "").lower()
        now = self.clock()
        if host != state.page_host:
            state.page_host, state.allowed = host, {}
        state.allowed = {h: t for h, t in state.allowed.items() if now - t < ALLOWED_SECONDS}
        pattern = intercepted({host, *state.allowed})
        if state.pattern is not None and pattern.pattern == state.pattern.pattern:
            return
        if state.handler is None:
            state.handler = self._handler(state)
        if state.pattern is not None:
            with suppress(Exception):
                await page.unroute(state.pattern, state.handler)
        await page.route(pattern, state.handler)
        state.pattern = pattern

    async def release(self, page) -> None:
        """Before scrapy-playwright routes `page` itself (a render that is not navigation-only)."""
        state = self.states.get(page)
        if state is None:
            return
        if state.pattern is not None:
            with suppress(Exception):
                await page.unroute(state.pattern, state.handler)
        state.pattern, state.scrapy_routed = None, True

    def _handler(self, state: _GuardState):
        async def ask_policy(route, request) -> None:
            if await abort_heavy_request(request):
                await route.abort()
                return
            await route.continue_()
            parts = urlsplit(request.url)
            frame = getattr(request, "frame", None)
            frame_host = (urlsplit(getattr(frame, "url", "") or "").hostname or "").lower()
            # Allowed for this page only when the policy judged it against this page's host
            # (a navigation in progress is let through unjudged: see abort_heavy_request).
            if (parts.scheme in ("http", "https") and parts.hostname and not parts.username
                    and request.resource_type not in _HEAVY and frame_host == state.page_host
                    and len(state.allowed) < ALLOWED_MAX):
                state.allowed.setdefault(parts.hostname.lower(), self.clock())
        return ask_policy
