"""A hostile portal on loopback tries to make portalcheck read local files
(file://, with the portal's own host, so the link looks same-site), other
schemes, and leaks a URL with a password: nothing of it reaches the database,
the log or the screen, and the run finishes normally."""
from __future__ import annotations

import sqlite3

import pytest
from loopback import run_cli

SECRET = "s3cr3t-pa55"          # a password in a URL the page links to
ENV_MARKER = "PORTALCHECK_TEST_ENV_MARKER_8f2d1c"  # in the crawler's environment


def home(host: str, port: int) -> str:
    links = [f"file://{host}/etc/passwd", "file://localhost/proc/self/environ", "file:///dev/zero",
             f"ftp://{host}:{port}/gioi-thieu", "data:text/html,<h1>Giới thiệu</h1>",
             "s3://bucket/gioi-thieu", f"http://admin:{SECRET}@{host}:{port}/lien-he?token={SECRET}",
             "/go-file"]
    anchors = "".join(f'<li><a href="{u}">Giới thiệu {i}</a></li>' for i, u in enumerate(links))
    return (f"<html><head><title>Cổng thông tin điện tử tỉnh Thử</title></head><body><ul>{anchors}</ul>"
            "<p>Cổng thông tin điện tử tỉnh Thử</p></body></html>")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    from loopback import LoopbackServer

    tmp = tmp_path_factory.mktemp("hostile")
    server = LoopbackServer({})
    server.routes.update({
        "/": lambda h: h.reply(200, home(server.host, server.port)),
        "/go-file": lambda h: h.reply(302, "", {"Location": "file:///etc/passwd"}),
        "/lien-he": lambda h: h.reply(200, "<html><body>Liên hệ</body></html>"),
    })
    with server:
        db = tmp / "r.db"
        result = run_cli("--lang", "en", "check", server.url + "/", "--db", str(db), "--verbose",
                         env={ENV_MARKER: "present"}, timeout=240)
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    yield result, conn, dump, db


def test_no_local_file_or_environment_reaches_the_database(crawl):
    result, conn, dump, db = crawl
    assert result.returncode == 0, result.stderr[-3000:]
    assert "root:x:0:0" not in dump and ENV_MARKER not in dump
    assert db.stat().st_size < 5_000_000  # /dev/zero was not read
    # Every non-http(s) URL that reached the downloader was refused by scheme, never fetched.
    other = conn.execute("SELECT url, status, error FROM fetches WHERE url NOT LIKE 'http%'").fetchall()
    assert other, "the portal spider followed none of the hostile links: the test proves nothing"
    for url, status, error in other:
        assert status == "error" and "scheme_refused" in (error or ""), (url, status, error)
    # A redirect to file:// is never followed: nothing ended on a non-http(s) URL.
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE url LIKE '%/go-file'").fetchone()[0] >= 1
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE final_url NOT LIKE 'http%' "
                        "AND status != 'error'").fetchone()[0] == 0
    # The portal itself was judged as usual: a working portal is not called deficient.
    assert conn.execute("SELECT portal_status FROM run_targets").fetchone()[0] == "live"
    assert conn.execute("SELECT status FROM runs").fetchone()[0] == "finished"


def test_a_password_in_a_linked_url_is_never_stored_logged_or_printed(crawl):
    result, conn, dump, _ = crawl
    assert SECRET not in dump
    assert SECRET not in result.stdout and SECRET not in result.stderr   # --verbose: Scrapy's log included
    masked = conn.execute("SELECT url FROM fetches WHERE url LIKE '%lien-he%'").fetchall()
    assert masked and all("admin:***@" in u and "token=***" in u for (u,) in masked)
