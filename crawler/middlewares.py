"""Downloader middlewares, used as Scrapy designs them."""
from __future__ import annotations

from scrapy.downloadermiddlewares.retry import RetryMiddleware

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
            request.meta["portalcheck_permanent_failure"] = True
            return None
        return super().process_exception(request, exception)
