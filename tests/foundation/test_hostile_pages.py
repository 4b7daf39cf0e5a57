"""Hostile pages are bounded and recorded with a status: never a crash or a hang."""
from __future__ import annotations

import gzip
import sqlite3
import time
import unicodedata

from loopback import run_scrapy, write_targets

TITLE = "Ti\u0309nh Ha\u0300 Nam"  # Windows-1258 writes tones as combining marks


def drip(h):
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        if h.server.host.stop_event.wait(1):  # the loopback host stopping
            return
        try:
            h.wfile.write(b"x")
            h.wfile.flush()
        except OSError:
            return


def huge(h):
    chunk = b"<p>" + b"a" * 1_048_573
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(50 * len(chunk)))
    h.end_headers()
    try:
        for _ in range(50):
            h.wfile.write(chunk)
    except OSError:
        pass


BOMB = gzip.compress(b"<html>" + b"\0" * 200_000_000, compresslevel=9)


def routes():
    page_1258 = f"<html><head><meta charset='windows-1258'><title>{TITLE}</title></head><body>Ha\u0300 Nam</body></html>"
    return {
        "/huge": huge,
        "/bomb": lambda h: h.reply(200, BOMB, {"Content-Encoding": "gzip"}),
        "/drip": drip,
        "/cp1258": lambda h: h.reply(200, page_1258.encode("cp1258"),
                                     content_type="text/html"),
        "/mislabelled": lambda h: h.reply(200, page_1258.encode("cp1258"),
                                          content_type="text/html; charset=utf-8"),
        "/malformed": lambda h: h.reply(200, "<html><body><div><a href='/x'>Giới <b>thiệu</a></table></p>" * 500
                                        + "\x00\x01<<<>>>&&&#xZZZ;"),
    }


def test_hostile_pages_are_bounded_and_recorded(loopback, tmp_path):
    server = loopback({})
    server.routes.update(routes())
    rows = [{"id": k.strip("/"), "name": k, "portal_url": server.url + k} for k in routes()]
    targets = write_targets(tmp_path / "targets.csv", rows)
    db = tmp_path / "r.db"
    started = time.monotonic()
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "DOWNLOAD_TIMEOUT=4", "-s", "RETRY_TIMES=0",
                        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING", timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    got = {t: (status, notes) for t, status, notes in
           sqlite3.connect(db).execute("SELECT target_id, portal_status, notes FROM run_targets")}
    assert got["huge"][0] == "error"          # over DOWNLOAD_MAXSIZE (10 MB): cancelled
    assert got["bomb"][0] == "error"          # decompressed size is bounded too
    assert got["drip"][0] == "timeout"        # one byte a second never finishes in time
    assert got["cp1258"][0] == "live" and "Hà Nam" in unicodedata.normalize("NFC", got["cp1258"][1])
    assert got["mislabelled"][0] == "live"    # decoded with replacement, not a crash
    assert got["malformed"][0] == "live"
    assert elapsed < 100, "a hostile page held the crawl"
