"""Downloader middlewares, used as Scrapy designs them."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from checks.fetch_status import classify_exception
from checks.model import PERMANENT_STATUSES
from crawler.targets import is_private_address


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


def target_is_public(target) -> bool:
    hosts = [urlsplit(u).hostname or "" for u in (target.portal_url, target.services_url) if u]
    return not any(is_private_address(h) for h in hosts)


class AddressSafetyMiddleware:
    """Never let a public portal's link or redirect take the crawler inside.

    A page on the internet can link or redirect to 127.0.0.1, 10.x or
    169.254.169.254 (cloud metadata). Requests for a target the user listed on
    a public address may only reach public addresses; a target the user listed
    on a private address (the demo, a test, an intranet portal) may roam its
    private network. IP literals are refused before connecting; a name that
    resolves to a private address is refused when the response shows where it
    connected (Scrapy's `response.ip_address`). Refusals are recorded as
    `error` fetches with the reason `address_refused`.

    The rule holds the other way too: a target listed on a private address
    (the demo, the tests, an intranet copy) stays on private addresses, so a
    demo or a test never sends a request, or a DNS query, beyond this machine.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _target_is_public(self, request) -> bool:
        spider = self.crawler.spider
        targets = getattr(spider, "targets", {})
        target = targets.get(request.meta.get("pc_target"))
        if target is not None:
            return target_is_public(target)
        # No target (robots.txt): private only if the host is one a private
        # target lists, else the strict rule.
        host = urlsplit(request.url).hostname or ""
        return not any(host == urlsplit(u).hostname for t in targets.values() if not target_is_public(t)
                       for u in (t.portal_url, t.services_url) if u)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        public_target = self._target_is_public(request)
        if is_private_address(host) and public_target:
            self.crawler.stats.inc_value("portalcheck/address_refused")
            raise IgnoreRequest(f"address_refused: {host} is a private address")
        if not public_target and not is_private_address(host):
            self.crawler.stats.inc_value("portalcheck/address_refused")
            raise IgnoreRequest(f"address_refused: {host} is outside the private network of a private target")
        return None

    def process_response(self, request, response, spider=None):
        ip = getattr(response, "ip_address", None)
        if ip is not None and is_private_address(str(ip)) and self._target_is_public(request):
            self.crawler.stats.inc_value("portalcheck/address_refused")
            raise IgnoreRequest(f"address_refused: {request.url} resolved to {ip}")
        return response
