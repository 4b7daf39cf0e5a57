"""The archive's parts without a crawl: records written and read back, limits,
and nothing loaded when --archive is off."""
from __future__ import annotations

import gzip

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.archive.middleware import ArchiveMiddleware, NotArchived, ReplayMiddleware
from crawler.archive.package import pack, validate
from crawler.archive.pipeline import ArchivePipeline
from crawler.archive.records import WarcRecorder, request_key
from results.archive import ArchiveReader, decoded_body, run_warc_dir

PAGE = "<html><head><title>Sở Tư pháp</title></head><body><a href='/gioi-thieu/'>Giới thiệu</a></body></html>"


def test_archive_off_loads_nothing():
    crawler = get_crawler(settings_dict={})
    for component in (ArchiveMiddleware, ReplayMiddleware, ArchivePipeline):
        with pytest.raises(NotConfigured):
            component.from_crawler(crawler)


@pytest.fixture
def archive(tmp_path):
    """A WACZ of: a gzip-compressed chunked page, a POST, a failure, a rendered page and
    its screenshot, and one page over the size limit."""
    recorder = WarcRecorder(run_warc_dir(tmp_path, 7) / "portal-1.warc.gz", max_bytes=4096)
    body = gzip.compress(PAGE.encode())
    ids = {"plain": recorder.response(
        method="GET", url="http://127.0.0.5/", request_headers=[("User-Agent", "portalcheck")], request_body=None,
        status=200, headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                             ("Transfer-Encoding", "chunked")],
        body=body, rendered=False, final_url=None, target="so-tp", purpose="homepage")}
    ids["post"] = recorder.response(
        method="POST", url="http://127.0.0.5/api", request_headers=[], request_body=b'{"page":2}', status=200,
        headers=[("Content-Type", "application/json")], body=b'{"items":[]}', rendered=False, final_url=None,
        target="so-tp", purpose="service_list")
    ids["failure"] = recorder.failure(method="GET", url="http://127.0.0.5/cham", request_body=None, rendered=False,
                                      error="TimeoutError: took longer than 20.0 seconds", target="so-tp",
                                      purpose="section")
    ids["dom"] = recorder.response(
        method="GET", url="http://127.0.0.5/", request_headers=[], request_body=None, status=200,
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body=PAGE.encode(), rendered=True,
        final_url="http://127.0.0.5/trang-chu", target="so-tp", purpose="homepage_rendered")
    ids["shot"] = recorder.screenshot(response_id=ids["dom"], url="http://127.0.0.5/trang-chu",
                                      image=b"\x89PNG\r\n\x1a\n" + b"0" * 100, media_type="image/png", target="so-tp")
    ids["big"] = recorder.response(
        method="GET", url="http://127.0.0.5/lon", request_headers=[], request_body=None, status=200, headers=[],
        body=b"x" * 5000, rendered=False, final_url=None, target="so-tp", purpose="section")
    recorder.close()
    path, digest = pack(tmp_path, 7, "test")
    return path, ids


def test_records_read_back_as_they_came(archive):
    path, ids = archive
    assert validate(path)
    reader = ArchiveReader(path)
    plain = reader.answer(request_key("GET", "http://127.0.0.5/", None, False))
    assert plain.record_id == ids["plain"] and plain.status == 200
    assert [k for k, _ in plain.headers if k.lower() == "transfer-encoding"] == []   # the body is not chunked
    assert gzip.decompress(plain.body).decode() == PAGE                              # as it came off the wire
    assert decoded_body(plain, 10_000).decode() == PAGE
    # the same URL rendered is another question, with the DOM as its answer
    dom = reader.answer(request_key("GET", "http://127.0.0.5/", None, True))
    assert dom.rendered and dom.final_url == "http://127.0.0.5/trang-chu" and dom.body.decode() == PAGE
    assert ("Content-Encoding", "gzip") not in dom.headers
    assert reader.screenshot_of[ids["dom"]] == ids["shot"]
    assert reader.screenshots["so-tp"] == [("http://127.0.0.5/trang-chu", ids["shot"])]
    # a POST is found by its body, not by its URL alone
    assert reader.answer(request_key("POST", "http://127.0.0.5/api", b'{"page":2}', False)).body == b'{"items":[]}'
    assert reader.answer(request_key("POST", "http://127.0.0.5/api", b'{"page":3}', False)) is None
    failure = reader.answer(request_key("GET", "http://127.0.0.5/cham", None, False))
    assert failure.status is None and failure.error.startswith("TimeoutError")


def test_a_body_over_the_fetch_limit_is_not_archived(archive):
    path, ids = archive
    assert ids["big"] is None
    assert ArchiveReader(path).answer(request_key("GET", "http://127.0.0.5/lon", None, False)) is None


def test_replay_answers_from_the_archive_and_fails_what_it_never_saw(archive):
    path, ids = archive
    replay = ReplayMiddleware(ArchiveReader(path))
    response = replay.process_request(Request("http://127.0.0.5/", meta={"pc_target": "so-tp"}))
    assert response.status == 200 and response.headers[b"Content-Encoding"] == b"gzip"
    assert "archived" in response.flags
    rendered = replay.process_request(Request("http://127.0.0.5/", meta={"playwright": True}))
    assert isinstance(rendered, HtmlResponse) and rendered.url == "http://127.0.0.5/trang-chu"
    assert "Giới thiệu" in rendered.text
    from checks.fetch_status import classify_exception

    with pytest.raises(Exception) as failed:
        replay.process_request(Request("http://127.0.0.5/cham"))
    assert classify_exception(failed.value) == "timeout"     # failed as it failed then
    with pytest.raises(NotArchived) as missing:
        replay.process_request(Request("http://127.0.0.5/moi"))
    assert classify_exception(missing.value) == "not_archived"
