"""What every portalcheck spider shares: targets in, Pages to handlers, fetches logged.

A spider method that judges a page is a *handler*: `handler(page, meta)` gets a
`checks.model.Page` whether the fetch succeeded or failed (a failed fetch is a
Page with its taxonomy status and no text), and yields items and requests.
Every fetch, good or bad, becomes a FetchItem. When the last request of a
target is done, `target_done(target)` is called to yield its summary.
"""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from checks.fetch_status import NotFoundFingerprint, classify_exception, classify_response
from checks.model import Page
from crawler import signals as portalcheck_signals
from crawler.browser import provider as browser_provider
from crawler.browser.pool import PagePool, pool_key
from crawler.items import FetchItem, ScreenshotItem, TargetCompleted, TargetItem
from crawler.meta import RequestMeta
from crawler.middlewares import internal_request
from crawler.registry.targets import Target, load_targets, targets_on
from results.screenshots import image_size


def certificate_facts(response) -> tuple[str | None, str | None]:
    """Expiry date (ISO) and subject of the TLS certificate Scrapy saw, if any."""
    certificate = getattr(response, "certificate", None)
    if certificate is None:
        return None, None
    try:
        x509 = certificate.original.to_cryptography()
        return x509.not_valid_after_utc.isoformat(), x509.subject.rfc4514_string()
    except Exception:  # an odd certificate must not cost the page
        return None, None


def screenshot_item(target_id: str, meta: RequestMeta, page: Page, shot: dict, taken_at: str) -> ScreenshotItem:
    """The screenshot a render took (crawler.screenshots), to be stored with the run."""
    image = shot["image"]
    width, height = image_size(image) or (None, None)
    return ScreenshotItem(
        target_id=target_id, url=page.final_url or page.url, purpose=meta["pc_purpose"],
        media_type=shot["media_type"], image=image, sha256=hashlib.sha256(image).hexdigest(), bytes=len(image),
        width=width, height=height, page_status=page.status, http_status=page.http_status, taken_at=taken_at,
        archive_record_id=meta.get("pc_screenshot_record"))


class PortalcheckSpider(scrapy.Spider):
    """Base class; subclasses implement `start_target` and handlers."""

    def __init__(self, targets: str | None = None, only: str | None = None,
                 target_list: list[Target] | None = None, on: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if target_list is None:
            if not targets:
                raise ValueError(f"usage: scrapy crawl {self.name} -a targets=FILE [-a on=YYYY-MM-DD]")
            wanted = only.split(",") if only else None
            # The units of one day's map, as `portalcheck sweep --on` (today by default).
            day = date.fromisoformat(on) if on else date.today()
            target_list = targets_on(load_targets(targets, wanted), day, wanted, targets)
        self.targets = {target.id: target for target in target_list}
        self.outstanding: dict[str, int] = defaultdict(int)
        self.pages_fetched: dict[str, int] = defaultdict(int)
        self.not_found: dict[str, NotFoundFingerprint] = {}
        self.finished: set[str] = set()
        self.target_started: dict[str, float] = {}
        self.page_pool = PagePool(limit=4)
        self.budgets_spent: dict[str, str] = {}
        self.items_emitted: dict[str, int] = defaultdict(int)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.page_pool = PagePool(limit=crawler.settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT"),
                                    contexts=crawler.settings.getint("PORTALCHECK_MAX_RENDER_CONTEXTS"))
        browser_provider.configure(crawler.settings)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._spider_idle, signal=signals.spider_idle)
        return spider

    # --- to implement ---------------------------------------------------
    def start_target(self, target: Target) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def target_done(self, target: Target) -> Iterable[Any]:
        """Items to yield once nothing is pending for `target`."""
        yield TargetItem(target_id=target.id)

    # --- Scrapy entry point ---------------------------------------------
    async def start(self):
        for target in self.targets.values():
            requests = list(self.start_target(target))
            if not requests:
                for item in self._counted(self._finish(target.id)):
                    yield item
            for request in requests:
                yield request

    # --- fetching -------------------------------------------------------
    def fetch(self, url: str, handler, target: Target | str, purpose: str, *,
              render: bool = False, method: str = "GET", body: str | bytes | None = None,
              headers: dict | None = None, meta: RequestMeta | None = None, priority: int = 0,
              timeout: float | None = None, render_wait: str = "domcontentloaded") -> scrapy.Request | None:
        """A request whose outcome, success or failure, reaches `handler(page, meta)`.

        Returns None when the target's page budget is spent (the caller goes on).
        """
        target_id = target if isinstance(target, str) else target.id
        limit = self.settings.getint("PORTALCHECK_MAX_PAGES_PER_TARGET")
        if self.pages_fetched[target_id] >= limit:
            self.budget_spent(target_id, "pages", limit)
            return None
        if len(url) > self.settings.getint("PORTALCHECK_MAX_URL_LENGTH"):
            # an ever-growing query string is a crawler trap, not a page
            self.budget_spent(target_id, "url_length", len(url))
            return None
        seconds = self.settings.getfloat("PORTALCHECK_MAX_SECONDS_PER_TARGET")
        started = self.target_started.setdefault(target_id, time.monotonic())
        if seconds and time.monotonic() - started > seconds:
            self.budget_spent(target_id, "seconds", seconds)
            return None
        self.pages_fetched[target_id] += 1
        self.outstanding[target_id] += 1
        request_meta = dict(meta or {})
        request_meta.update({
            "pc_handler": handler.__name__, "pc_target": target_id, "pc_purpose": purpose,
            "pc_started": time.monotonic(),
        })
        if timeout:
            request_meta["download_timeout"] = timeout
        if render:
            pooled = "playwright_include_page" not in request_meta
            if pooled:
                # Reuse an open page of this target's context: a new page per
                # render costs several times the render itself (docs/performance.md).
                request_meta["playwright_include_page"] = True
                request_meta["pc_pooled_page"] = True  # crawler.browser.pool.PagePoolMiddleware
            request_meta.update({
                "playwright": True,
                "playwright_context": f"target-{target_id}",
                # The DOM is complete once its own scripts ran (a JS-built menu);
                # waiting for "load" (every image and async script) costs far more. An app
                # that fetches its data afterwards asks for "networkidle".
                "playwright_page_goto_kwargs": {"wait_until": render_wait},
            })
        return scrapy.Request(url, callback=self._on_response, errback=self._on_failure,
                              method=method, body=body, headers=headers, meta=request_meta,
                              priority=priority, dont_filter=True)

    def budget_spent(self, target_id: str, what: str, limit: float) -> None:
        """A crawler trap or a huge site: stop asking, say so once."""
        if target_id not in self.budgets_spent:
            self.budgets_spent[target_id] = f"{what}>{limit:g}"
            self.logger.warning("budget of %s spent: %s > %g", target_id, what, limit)
            self.crawler.stats.inc_value("portalcheck/budget_spent")

    def _on_response(self, response) -> Iterator[Any]:
        meta = response.meta
        target_id = meta["pc_target"]
        text = response.text if isinstance(response, scrapy.http.TextResponse) else ""
        status = classify_response(response.status, text, self.not_found.get(target_id))
        chain = list(meta.get("redirect_urls", []))
        page = Page(
            url=chain[0] if chain else response.request.url, final_url=response.url,
            http_status=response.status, text=text,
            headers={k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
                     for k, v in response.headers.items()},
            status=status, rendered=bool(meta.get("playwright")), redirect_chain=chain,
            elapsed_ms=(time.monotonic() - meta["pc_started"]) * 1000,
        )
        page.tls_not_after, page.tls_subject = certificate_facts(response)
        yield from self._counted(self._handle(page, meta, len(response.body)))

    def _on_failure(self, failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        status = classify_exception(failure.value)
        chain = list(meta.get("redirect_urls", []))
        page = Page(
            url=chain[0] if chain else request.url, final_url=request.url, http_status=None,
            status=status, rendered=bool(meta.get("playwright")), redirect_chain=chain,
            elapsed_ms=(time.monotonic() - meta["pc_started"]) * 1000,
        )
        page.error = f"{type(failure.value).__name__}: {failure.value}"[:500]
        yield from self._counted(self._handle(page, meta, None))

    def _counted(self, outputs: Iterable[Any]) -> Iterator[Any]:
        """Counts each target's items on their way out. Scrapy processes a
        callback's outputs concurrently, not in order, so TargetCompleted
        says how many items the pipeline must have seen before the target is
        written (crawler.pipelines)."""
        for output in outputs:
            target_id = getattr(output, "target_id", None)
            if target_id is not None and not isinstance(output, (TargetCompleted, scrapy.Request)):
                self.items_emitted[target_id] += 1
            yield output

    def _release_page(self, meta: RequestMeta, reusable: bool) -> None:
        """Give a pooled Playwright page back (after a render that answered) or close it."""
        if meta.get("pc_pooled_page") and meta.pop("pc_pool_acquired", False):
            self.page_pool.release(pool_key(meta), meta.pop("playwright_page", None),
                                   reusable and meta["pc_target"] not in self.finished)

    def _handle(self, page: Page, meta: RequestMeta, size: int | None) -> Iterator[Any]:
        target_id = meta["pc_target"]
        self._release_page(meta, reusable=page.http_status is not None)
        # stamped now, not when the target's rows are written at its end
        fetched_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        yield FetchItem(
            target_id=target_id, purpose=meta["pc_purpose"], url=page.url, status=page.status,
            final_url=page.final_url, redirect_chain=page.redirect_chain,
            http_status=page.http_status, elapsed_ms=round(page.elapsed_ms or 0, 1), bytes=size,
            rendered=page.rendered, error=page.error,
            archive_record_id=meta.get("pc_archive_record"), screenshot_record_id=meta.get("pc_screenshot_record"),
            fetched_at=fetched_at)
        shot = meta.pop("pc_screenshot", None)
        if shot:
            yield screenshot_item(target_id, meta, page, shot, fetched_at)
        try:
            handler = getattr(self, meta["pc_handler"])
            yield from handler(page, meta) or ()
        except Exception:  # a check that crashes loses its verdict, not the sweep
            self.logger.exception("handler %s failed on %s", meta["pc_handler"], page.url)
            self.crawler.stats.inc_value("portalcheck/handler_errors")
            yield from self.handler_failed(page, meta)
        finally:
            self.outstanding[target_id] -= 1
        if self.outstanding[target_id] <= 0:
            yield from self._finish(target_id)

    def handler_failed(self, page: Page, meta: RequestMeta) -> Iterable[Any]:
        """Items to record when a handler raised (subclasses record a tool error)."""
        return ()

    def _finish(self, target_id: str) -> Iterator[Any]:
        if target_id in self.finished:
            return
        self.finished.add(target_id)
        self.page_pool.close(target_id)
        yield from self.target_done(self.targets[target_id])
        yield TargetCompleted(target_id=target_id, spider=self.name, items=self.items_emitted[target_id])
        self.crawler.stats.inc_value("portalcheck/targets_done")
        self.crawler.signals.send_catch_log(
            signal=portalcheck_signals.target_finished, spider=self, target=self.targets[target_id])

    def _spider_idle(self, spider=None):
        """Nothing left to crawl, yet a target never finished: some of its
        requests vanished (a middleware dropped them). Finish those targets
        with what was found rather than lose their rows; say so in the log."""
        stale = [tid for tid in self.targets if tid not in self.finished and tid in self.target_started]
        if not stale:
            return
        self.logger.warning("finishing %d target(s) whose requests were dropped: %s",
                            len(stale), ", ".join(stale))
        self.crawler.stats.inc_value("portalcheck/targets_finished_at_idle", len(stale))
        request = internal_request(self._finish_stale, {"pc_stale": stale})  # fetches nothing
        self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _finish_stale(self, response) -> Iterator[Any]:
        for target_id in response.meta["pc_stale"]:
            yield from self._counted(self._finish(target_id))

    def _request_dropped(self, request, spider=None):
        target_id = request.meta.get("pc_target")
        if target_id and spider is self:
            self.outstanding[target_id] -= 1
            self._release_page(request.meta, reusable=False)  # its browser slot too
