"""WARC 1.1 records of what a crawl received (warcio writes them).

A plain fetch is a `request` record and a `response` record (status line,
headers, the body as it came off the wire: still compressed when it was, never
chunked), so pywb and ReplayWeb.page replay it. A rendered page is the same
pair with the rendered DOM as its body and `WARC-Portalcheck-Rendered: dom`;
its screenshot is a `resource` record (`urn:screenshot:<url>`, image/jpeg)
concurrent to it. A fetch that failed (timeout, DNS, refused) is a `metadata`
record saying how, so a re-judgement fails it the same way. What a render
learnt beside its DOM (the API calls a single-page app made) is a `metadata`
record concurrent to its response.

Every record portalcheck reads back carries `WARC-Portalcheck-Key`: a digest of
what was asked (method, URL, body, rendered or not), which is how a
re-judgement finds the answer to the same question (crawler.archive.package).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import threading
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from results.archive import (
    FINAL_URL_HEADER,
    KEY_HEADER,
    PURPOSE_HEADER,
    RENDERED_HEADER,
    ROLE_HEADER,
    SCREENSHOT_SCHEME,
    TARGET_HEADER,
)

# Hop-by-hop framing Scrapy has already undone: the body stored is not chunked.
_DROPPED_HEADERS = frozenset({"transfer-encoding"})
# A rendered body is the DOM as text, whatever the server sent.
_DROPPED_RENDERED = frozenset({"transfer-encoding", "content-encoding", "content-length"})


def request_key(method: str, url: str, body: bytes | None, rendered: bool) -> str:
    """What identifies a question asked of the web: the same request in a
    re-judgement has the same key."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), url.encode("utf-8", "surrogateescape"), body or b"",
                 b"dom" if rendered else b"http"):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:32]


def tls_probe_uri(host: str, port: int) -> str:
    return f"https://{host}:{port}/"


def _http_headers(status: int, pairs: list[tuple[str, str]], dropped: frozenset[str]) -> StatusAndHeaders:
    kept = [(k, v) for k, v in pairs if k.lower() not in dropped]
    return StatusAndHeaders(f"{status} {http.client.responses.get(status, 'Unknown')}", kept, protocol="HTTP/1.1")


class WarcRecorder:
    """One WARC file (gzip per record) of one crawler. Thread-safe: records are
    written whole, one at a time."""

    def __init__(self, path: Path, max_bytes: int):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "ab")  # noqa: SIM115 -- open for the crawl's life, closed by close()
        self.writer = WARCWriter(self.file, gzip=True, warc_version="WARC/1.1")
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.records = 0
        self.skipped = 0

    def _write(self, *records) -> None:
        with self.lock:
            for record in records:
                self.writer.write_record(record)
            self.records += len(records)

    def _meta(self, key: str, target: str | None, purpose: str | None) -> dict[str, str]:
        headers = {KEY_HEADER: key}
        if target:
            headers[TARGET_HEADER] = target
        if purpose:
            headers[PURPOSE_HEADER] = purpose
        return headers

    def response(self, *, method: str, url: str, request_headers: list[tuple[str, str]],
                 request_body: bytes | None, status: int, headers: list[tuple[str, str]], body: bytes,
                 rendered: bool, final_url: str | None, target: str | None, purpose: str | None) -> str | None:
        """A request/response pair; returns the response's WARC-Record-ID (None when
        the body is over the fetch size limit: not kept, counted in `skipped`)."""
        if self.max_bytes and len(body) > self.max_bytes:
            self.skipped += 1
            return None
        key = request_key(method, url, request_body, rendered)
        warc_headers = self._meta(key, target, purpose)
        if rendered:
            warc_headers[RENDERED_HEADER] = "dom"
            if final_url and final_url != url:
                warc_headers[FINAL_URL_HEADER] = final_url
        http = _http_headers(status, headers, _DROPPED_RENDERED if rendered else _DROPPED_HEADERS)
        if rendered:
            http.replace_header("Content-Type", "text/html; charset=utf-8")
        response = self.writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                  http_headers=http, warc_headers_dict=warc_headers)
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        request_line = StatusAndHeaders(f"{method.upper()} /{path} HTTP/1.1", request_headers,
                                        is_http_request=True)
        request = self.writer.create_warc_record(
            url, "request", payload=BytesIO(request_body or b""), length=len(request_body or b""),
            http_headers=request_line, warc_headers_dict={"WARC-Concurrent-To": response_id, KEY_HEADER: key})
        self._write(response, request)
        return response_id

    def failure(self, *, method: str, url: str, request_body: bytes | None, rendered: bool, error: str,
                target: str | None, purpose: str | None) -> str:
        """A fetch that raised instead of answering: how, so a replay fails alike."""
        key = request_key(method, url, request_body, rendered)
        body = json.dumps({"error": error[:2000]}, ensure_ascii=False).encode()
        record = self.writer.create_warc_record(
            url, "metadata", payload=BytesIO(body), length=len(body), warc_content_type="application/json",
            warc_headers_dict={**self._meta(key, target, purpose), ROLE_HEADER: "failure"})
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def tls_probe(self, *, host: str, port: int, result: dict, target: str | None) -> str:
        """The certificate check's answer (it opens its own connection, not Scrapy's)."""
        uri = tls_probe_uri(host, port)
        body = json.dumps(result, ensure_ascii=False, default=str).encode()
        record = self.writer.create_warc_record(
            uri, "metadata", payload=BytesIO(body), length=len(body), warc_content_type="application/json",
            warc_headers_dict={**self._meta(request_key("TLS", uri, None, False), target, "tls_probe"),
                               ROLE_HEADER: "tls-probe"})
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def render_extras(self, *, response_id: str, url: str, key: str, extras: dict) -> None:
        """What a render learnt besides its DOM (meta keys), concurrent to its response."""
        body = json.dumps(extras, ensure_ascii=False, default=str).encode()
        if self.max_bytes and len(body) > self.max_bytes:
            return
        record = self.writer.create_warc_record(
            url, "metadata", payload=BytesIO(body), length=len(body), warc_content_type="application/json",
            warc_headers_dict={"WARC-Concurrent-To": response_id, KEY_HEADER: key, ROLE_HEADER: "render-extras"})
        self._write(record)

    def screenshot(self, *, response_id: str | None, url: str, image: bytes, media_type: str,
                   target: str | None) -> str | None:
        if not image or (self.max_bytes and len(image) > self.max_bytes):
            return None
        headers = {TARGET_HEADER: target} if target else {}
        if response_id:
            headers["WARC-Concurrent-To"] = response_id
        record = self.writer.create_warc_record(
            SCREENSHOT_SCHEME + url, "resource", payload=BytesIO(image), length=len(image),
            warc_content_type=media_type, warc_headers_dict=headers)
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        with self.lock:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
