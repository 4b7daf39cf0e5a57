"""Downloader middlewares, used as Scrapy designs them. The project's whole
middleware order is in crawler/settings.py (DOWNLOADER_MIDDLEWARES); the
network-safety one is in crawler/netsafety/, the browser's in crawler/browser/."""
from __future__ import annotations

import scrapy
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

from checks.fetch_status import classify_exception
from checks.model import PERMANENT_STATUSES


class PermanentFailureAwareRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, except for failures a retry cannot fix.

    A DNS failure or a bad certificate will fail the same way in a second; the
    GSA site scanner learnt not to retry them, and neither do we. Transient
    failures (timeouts, refused or dropped connections, 5xx) keep Scrapy's
    retry with its priority back-off.
    """

    def process_exception(self, request, exception, spider=None):
        if classify_exception(exception) in PERMANENT_STATUSES:
            request.meta["pc_permanent_failure"] = True
            return None
        return super().process_exception(request, exception)


INTERNAL_URL = "https://portalcheck.invalid/internal"


def internal_request(callback, meta: dict) -> scrapy.Request:
    """A request that never leaves the process: InternalRequestMiddleware
    answers it with an empty response, so a spider can have a callback run
    (and its items reach the pipeline) when nothing is left to fetch."""
    return scrapy.Request(INTERNAL_URL, callback=callback, dont_filter=True,
                          meta={**meta, "pc_internal": True, "dont_obey_robotstxt": True})


class InternalRequestMiddleware:
    """Answers `internal_request`s before anything else sees them (no robots.txt,
    no address check, no download handler, no data: URL)."""

    def process_request(self, request, spider=None):
        if request.meta.get("pc_internal") and request.url == INTERNAL_URL:
            return Response(url=request.url, status=200, request=request)
        return None
