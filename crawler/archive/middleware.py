"""Downloader middlewares of the archive (crawler/settings.py places them).

`ArchiveMiddleware` (`--archive`) sits next to the download handler, so it sees
every answer as it came: each hop of a redirect, each retry, robots.txt, the
raw body before decompression, every failure; a rendered page's DOM, and its
screenshot when crawler.screenshots took one. With PORTALCHECK_ARCHIVE
off it is not loaded at all.

`ReplayMiddleware` (`portalcheck rejudge`) answers every request from a WACZ
before anything else is done for it: no address lookup, no robots.txt fetch,
no browser, no network. Redirects, decompression and the spiders then work on
the archived answers exactly as they did on the live ones. A request the
archive never saw fails with `not_archived` (checks.fetch_status): the
verdicts resting on it are inconclusive, with that reason.
"""
from __future__ import annotations

import functools
import logging
import os
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes

from crawler import signals as portalcheck_signals
from crawler.archive.records import WarcRecorder, request_key, tls_probe_uri
from results.archive import ArchiveReader, archive_root, run_warc_dir
from results.screenshots import media_type_of

log = logging.getLogger(__name__)

# What a render learns besides its DOM, kept so a replay learns it too.
_RENDER_EXTRAS = ("pc_api_calls",)


def _pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


class NotArchived(Exception):
    """The archive holds no answer to this request (status not_archived)."""


class ArchivedFailure(Exception):
    """The archived fetch failed: raised with the original error's words, so it
    is classified as it was (checks.fetch_status.classify_exception)."""


class ArchiveMiddleware:
    def __init__(self, crawler, recorder: WarcRecorder):
        self.crawler = crawler
        self.recorder = recorder

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("PORTALCHECK_ARCHIVE"):
            raise NotConfigured("PORTALCHECK_ARCHIVE is off")
        root = archive_root(settings.get("PORTALCHECK_DB"), settings.get("PORTALCHECK_ARCHIVE_DIR"))
        run = settings.get("PORTALCHECK_RUN_ID") or time.strftime("crawl-%Y%m%dT%H%M%S")
        name = f"{crawler.spidercls.name}-{os.getpid()}-{time.time_ns()}.warc.gz"
        recorder = WarcRecorder(run_warc_dir(root, run) / name, settings.getint("DOWNLOAD_MAXSIZE"))
        middleware = cls(crawler, recorder)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.tls_probed, signal=portalcheck_signals.tls_probed)
        return middleware

    def tls_probed(self, spider=None, target=None, host=None, port=None, result=None):
        self.recorder.tls_probe(host=host, port=port, result=result, target=getattr(target, "id", None))

    def process_response(self, request, response, spider=None):
        meta = request.meta
        if meta.get("pc_internal"):
            return response
        rendered = bool(meta.get("playwright"))
        record_id = self.recorder.response(
            method=request.method, url=request.url, request_headers=_pairs(request.headers),
            request_body=request.body, status=response.status, headers=_pairs(response.headers),
            body=response.body, rendered=rendered, final_url=response.url,
            target=meta.get("pc_target"), purpose=meta.get("pc_purpose"))
        if record_id is None:
            meta.pop("pc_archive_record", None)  # an earlier hop's record is not this answer
            self.crawler.stats.inc_value("portalcheck/archive_skipped_size")
            return response
        meta["pc_archive_record"] = record_id
        self.crawler.stats.inc_value("portalcheck/archive_records")
        if rendered:
            extras = {k: meta[k] for k in _RENDER_EXTRAS if meta.get(k)}
            if extras:
                self.recorder.render_extras(response_id=record_id, url=request.url, extras=extras,
                                            key=request_key(request.method, request.url, request.body, True))
            shot = meta.get("pc_screenshot")   # taken by crawler.screenshots, stored with the run too
            if shot:
                shot_id = self.recorder.screenshot(response_id=record_id, url=response.url, image=shot["image"],
                                                   media_type=shot["media_type"], target=meta.get("pc_target"))
                if shot_id:
                    meta["pc_screenshot_record"] = shot_id
        return response

    def process_exception(self, request, exception, spider=None):
        meta = request.meta
        if meta.get("pc_internal"):
            return None
        meta["pc_archive_record"] = self.recorder.failure(
            method=request.method, url=request.url, request_body=request.body, rendered=bool(meta.get("playwright")),
            error=f"{type(exception).__name__}: {exception}", target=meta.get("pc_target"),
            purpose=meta.get("pc_purpose"))
        return None

    def spider_closed(self, spider=None, reason=None):
        self.recorder.close()


@functools.lru_cache(maxsize=2)
def _reader(path: str) -> ArchiveReader:
    """One index per archive per process (the portal and services crawlers share it)."""
    return ArchiveReader(path)


class ReplayMiddleware:
    def __init__(self, reader: ArchiveReader, screenshot_purposes: set[str] = frozenset()):
        self.reader = reader
        # Renders whose archived screenshot is kept with the re-judged run, as a live run keeps
        # theirs (crawler.screenshots): another render answered by the same record gets none.
        self.screenshot_purposes = screenshot_purposes

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("PORTALCHECK_REPLAY_FROM")
        if not path:
            raise NotConfigured("not a re-judgement")
        settings = crawler.settings
        purposes = set(settings.getlist("PORTALCHECK_SCREENSHOT_PURPOSES")) if settings.getbool(
            "PORTALCHECK_SCREENSHOTS") else set()
        middleware = cls(_reader(str(path)), purposes)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider=None):
        """The certificate check opens its own connection: answered from the archive too."""
        if hasattr(spider, "tls_probe"):
            spider.tls_probe = self.archived_tls_probe

    def archived_tls_probe(self, host: str, port: int, timeout: float) -> dict | None:
        return self.reader.tls_probe(request_key("TLS", tls_probe_uri(host, port), None, False))

    def process_request(self, request, spider=None):
        meta = request.meta
        if meta.get("pc_internal"):
            return None
        rendered = bool(meta.get("playwright"))
        answer = self.reader.answer(request_key(request.method, request.url, request.body, rendered),
                                    meta.get("pc_target"), meta.get("pc_purpose"), request.url)
        if answer is None:
            raise NotArchived(f"not_archived: {request.method} {request.url} is not in the archive")
        meta["pc_archive_record"] = answer.record_id
        if answer.error is not None:
            raise ArchivedFailure(answer.error)
        meta.update({k: v for k, v in answer.extras.items() if k in _RENDER_EXTRAS})
        screenshot = self.reader.screenshot_of.get(answer.record_id)
        if screenshot:
            meta["pc_screenshot_record"] = screenshot
            if meta.get("pc_purpose") in self.screenshot_purposes:
                shot = self.reader.record(screenshot)
                media_type = media_type_of(shot.body) if shot is not None else None
                if media_type:   # stored with the re-judged run as it was with the original (spiders.base)
                    meta["pc_screenshot"] = {"image": shot.body, "media_type": media_type}
        headers = Headers()
        for name, value in answer.headers:
            headers.appendlist(name, value)
        status = answer.status or 200
        if rendered:
            return HtmlResponse(url=answer.final_url or request.url, status=status, headers=headers,
                                body=answer.body, request=request, flags=["archived"])
        cls = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
        return cls(url=request.url, status=status, headers=headers, body=answer.body, request=request,
                   flags=["archived"])
