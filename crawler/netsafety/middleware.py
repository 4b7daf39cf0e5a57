"""The network-safety downloader middleware: only http(s), and a target listed on
a public address never reaches a private one (nor the other way round)."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.netsafety.addresses import is_ip_literal, is_private_address, target_is_public

FETCHED_SCHEMES = frozenset({"http", "https"})


class AddressSafetyMiddleware:
    """Never let a public portal's link or redirect take the crawler inside.

    A page on the internet can link or redirect to 127.0.0.1, 10.x or
    169.254.169.254 (cloud metadata). Requests for a target the user listed on
    a public address may only reach public addresses; a target the user listed
    on a private address (the demo, a test, an intranet portal) may roam its
    private network. IP literals are refused before connecting; a name is
    resolved and its address checked before the request is sent, and checked
    again where the response says it connected (`response.ip_address`).
    Refusals are recorded as `error` fetches with the reason `address_refused`.

    Only http and https are fetched: any other scheme (file, ftp, data, s3…)
    is refused here with the reason `scheme_refused`, and has no download
    handler either (settings.DOWNLOAD_HANDLERS).

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

    async def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        if parts.scheme.lower() not in FETCHED_SCHEMES:
            # file://<the portal's host>/etc/passwd is "same-site" by host: refused by scheme
            self.crawler.stats.inc_value("portalcheck/scheme_refused")
            raise IgnoreRequest(f"scheme_refused: {parts.scheme or '?'}: is never fetched")
        host = parts.hostname or ""
        public_target = self._target_is_public(request)
        if is_private_address(host) and public_target:
            self.refused()
            raise IgnoreRequest(f"address_refused: {host} is a private address")
        if not public_target and not is_private_address(host):
            self.refused()
            raise IgnoreRequest(f"address_refused: {host} is outside the private network of a private target")
        if public_target and host and not is_ip_literal(host):
            # Resolved here, before any connection, through the reactor's
            # caching resolver: the download then connects to this same
            # answer (Scrapy's DNS cache), so a name cannot pass the check
            # with one address and connect to another.
            address = await self._resolve(host)
            if address is not None and is_private_address(address):
                self.refused()
                raise IgnoreRequest(f"address_refused: {host} resolves to {address}, a private address")
        return None

    async def _resolve(self, host: str) -> str | None:
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))
        except Exception:  # the download fails on it too, and records a dns_error
            return None

    def refused(self) -> None:
        self.crawler.stats.inc_value("portalcheck/address_refused")

    def process_response(self, request, response, spider=None):
        ip = getattr(response, "ip_address", None)
        if ip is not None and is_private_address(str(ip)) and self._target_is_public(request):
            self.refused()
            raise IgnoreRequest(f"address_refused: {request.url} resolved to {ip}")
        limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if limit and "playwright" in response.flags and len(response.body) > limit:
            # Scrapy bounds what it downloads; a rendered DOM is bounded here
            # (and before it is read, by crawler.browser.policy.check_dom_size).
            raise IgnoreRequest(f"size_limit: rendered page of {len(response.body)} bytes > {limit}")
        return response
