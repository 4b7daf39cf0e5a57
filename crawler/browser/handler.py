"""The download handler: scrapy-playwright's, made cheaper per render where nothing is lost.

What it changes (docs/performance.md, Rendering; measured with `bench/run.py --parts render`):

- **Navigation-only renders are not routed request by request.** scrapy-playwright registers
  `page.route("**")` again for every render (two round trips) and sends every request the page
  makes back into Python, to put Scrapy's method, body and headers on the navigation and to ask
  PLAYWRIGHT_ABORT_REQUEST about the rest. A GET render with no body needs neither: its
  headers are the context's (crawler.browser.policy.BrowserGuardMiddleware gives every context
  the run's user agent), its referer is passed to `goto`, and the cookies Scrapy holds for its
  URL are given to the context (`_carry_cookies`). What still must be asked —
  the address policy and the heavy resources (crawler.browser.policy.abort_heavy_request, the
  one implementation) — is asked through a route of our own (crawler.browser.guard_route), set
  once per page, that only intercepts what the policy has not yet allowed for that page.
- **A navigation is one `goto`**: no listener asking the driver for the headers of every
  response while the page loads (scrapy-playwright's file-download detection; our contexts
  accept no downloads), no per-request and per-response stats nobody reads.
- **The DOM is serialised once, bounded**: a navigation-only render reads its DOM with
  crawler.browser.policy.read_dom, one evaluate that returns the page's HTML only if it is
  within DOWNLOAD_MAXSIZE (DomTooLarge otherwise), where a size check and page.content()
  serialised it twice (5–8% of the render bench's CPU, docs/performance.md). Other renders keep
  the size check after their page methods (check_dom_size) and scrapy-playwright's read. The
  bound was first a page method, after which scrapy-playwright always waits for `load`.
- **scrapy-playwright's debug loggers stay off** unless LOG_LEVEL is DEBUG: they are attached to
  every page whenever the "scrapy-playwright" logger's effective level is DEBUG, which it is
  under Scrapy's logging set-up whatever LOG_LEVEL says, and each logged request asks the
  driver for its referer (a round trip per request the page makes).

This overrides private methods of scrapy-playwright (`_create_page`,
`_download_request_with_retry`, `_download_request_with_page`, `_get_response_and_download`,
`_apply_page_methods`): it is pinned (pyproject.toml); tests/foundation/test_rendered_size.py
fails if the size bound stops holding and tests/foundation/test_address_safety.py if a
rendered page's sub-requests stop being checked.
"""
from __future__ import annotations

import logging
from contextlib import suppress
from ipaddress import ip_address
from time import time

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from scrapy_playwright.handler import (
    DEFAULT_CONTEXT_NAME,
    ScrapyPlaywrightDownloadHandler,
    _encode_body,
    _maybe_execute_page_init_callback,
    _set_redirect_meta,
)

from crawler.browser.guard_route import PageGuard, navigation_only
from crawler.browser.policy import check_dom_size, read_dom


async def _carry_cookies(page, request) -> None:
    """The cookies Scrapy would send with this request (its CookiesMiddleware put them in the
    Cookie header), given to the page's context for the request's own URL: a portal whose plain
    pages set a cookie its rendered page needs (a session, a load balancer's) gets it, and only
    for the host that set it, as a browser would send it. The navigation is not routed through
    Python (see the module's docstring), so the header itself would never reach Chromium."""
    header = request.headers.get("Cookie")
    if not header:
        return
    cookies = []
    for pair in header.decode("latin-1").split(";"):
        name, sep, value = pair.strip().partition("=")
        if sep and name:
            cookies.append({"name": name, "value": value, "url": request.url})
    if cookies:
        # a cookie Chromium refuses (a name or value it does not take) leaves the render as it
        # was before cookies were carried, never failed
        with suppress(PlaywrightError):
            await page.context.add_cookies(cookies[:50])


class PortalcheckPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        if logging.getLevelName(crawler.settings.get("LOG_LEVEL", "INFO")) != logging.DEBUG:
            logging.getLogger("scrapy-playwright").setLevel(logging.INFO)
        self.page_guard = PageGuard()

    async def _create_page(self, request, spider):
        page = await super()._create_page(request, spider)
        # scrapy-playwright counts every request and response a page makes in the crawl
        # stats; nothing reads those counts, and each event is a message from the driver
        # and a handler call that inspects the handler's signature.
        page.remove_listener("request", self._increment_request_stats)
        page.remove_listener("response", self._increment_response_stats)
        return page

    async def _download_request_with_retry(self, request, spider):
        page = request.meta.get("playwright_page")
        if not navigation_only(request):
            if isinstance(page, Page) and not page.is_closed():
                await self.page_guard.release(page)  # scrapy-playwright's own "**" route takes over
            return await super()._download_request_with_retry(request, spider)
        if not isinstance(page, Page) or page.is_closed():
            page = await self._create_page(request=request, spider=spider)
        context_name = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
        await self.page_guard.prepare(page, request.url)
        await _carry_cookies(page, request)
        referer = request.headers.get("Referer")
        if referer:
            goto = dict(request.meta.get("playwright_page_goto_kwargs") or {})
            goto.setdefault("referer", referer.decode("latin-1"))
            request.meta["playwright_page_goto_kwargs"] = goto
        await _maybe_execute_page_init_callback(page=page, request=request, context_name=context_name,
                                                spider=spider)
        try:
            return await self._download_request_with_page(request, page, spider)
        except Exception:
            # as scrapy-playwright does: a page nobody was handed is closed on failure
            if not request.meta.get("playwright_include_page") and not page.is_closed():
                await page.close()
                self.stats.inc_value("playwright/page_count/closed")
            raise

    async def _download_request_with_page(self, request, page, spider):
        """scrapy-playwright's, for a navigation-only render in a context that accepts no
        downloads, with the DOM read by read_dom (bounded, serialised once)."""
        if not self._reads_bounded(request):
            return await super()._download_request_with_page(request, page, spider)
        if request.meta.get("playwright_include_page"):
            request.meta["playwright_page"] = page
        start_time = time()
        response, _ = await self._get_response_and_download(request, page, spider)
        headers = Headers()
        if response is not None:
            await _set_redirect_meta(request=request, response=response)
            headers = Headers(await response.all_headers())
            headers.pop("Content-Encoding", None)
        await super()._apply_page_methods(page, request, spider)
        text = await read_dom(page, request.meta["pc_dom_limit"])
        request.meta["download_latency"] = time() - start_time
        server_ip_address = None
        if response is not None:
            with suppress(PlaywrightError, KeyError, TypeError, ValueError):
                request.meta["playwright_security_details"] = await response.security_details()
                server_ip_address = ip_address((await response.server_addr())["ipAddress"])
        if not request.meta.get("playwright_include_page"):
            await page.close()
            self.stats.inc_value("playwright/page_count/closed")
        body, encoding = _encode_body(headers=headers, text=text)
        respcls = responsetypes.from_args(headers=headers, url=page.url, body=body)
        return respcls(url=page.url, status=response.status if response is not None else 200, headers=headers,
                       body=body, request=request, flags=["playwright"], encoding=encoding,
                       ip_address=server_ip_address)

    @staticmethod
    def _reads_bounded(request) -> bool:
        options = request.meta.get("playwright_context_kwargs") or {}
        return (navigation_only(request) and bool(request.meta.get("pc_dom_limit"))
                and options.get("accept_downloads") is False)

    async def _get_response_and_download(self, request, page, spider):
        """A navigation-only render in a context that accepts no downloads (every context
        here: crawler.browser.policy.CONTEXT_GUARD) is one `goto`. scrapy-playwright's own
        also listens to every response the page receives while loading, asking the driver
        for each one's headers, in case the navigation turns out to be a file download."""
        options = request.meta.get("playwright_context_kwargs") or {}
        if not navigation_only(request) or options.get("accept_downloads") is not False:
            return await super()._get_response_and_download(request, page, spider)
        goto = dict(request.meta.get("playwright_page_goto_kwargs") or {})
        goto.pop("url", None)
        return await page.goto(url=request.url, **goto), None

    async def _apply_page_methods(self, page, request, spider) -> None:
        """Only for renders scrapy-playwright reads itself (_download_request_with_page reads
        the others with the bound): the size check before that read."""
        await super()._apply_page_methods(page, request, spider)
        limit = request.meta.get("pc_dom_limit")
        if limit:
            await check_dom_size(page, limit)
