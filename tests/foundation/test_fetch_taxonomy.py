"""Every taxonomy status, produced by a real loopback server behaving that way,
through a real Scrapy crawl and stored in a real SQLite file."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from loopback import free_port, run_scrapy, write_targets

FIREWALL = ("<html><head><title>Request Rejected</title></head><body>The requested URL was "
            "rejected. Please consult with your administrator.<br>Your support ID is: 1234</body></html>")
PAGE = "<html><head><title>Cổng thông tin</title></head><body><h1>Trang chủ</h1>" + "<p>Tin tức</p>" * 50 + "</body></html>"


def routes(stop_event):
    def hang(h):
        stop_event.wait(30)

    return {
        "/live": lambda h: h.reply(200, PAGE),
        "/missing": lambda h: h.reply(404, "<h1>Not found</h1>"),
        "/soft": lambda h: h.reply(200, "<html><head><title>Lỗi</title></head><body><h1>Trang bạn tìm không tồn tại</h1></body></html>"),
        "/broken": lambda h: h.reply(500, "<h1>Internal Server Error</h1>"),
        "/firewall": lambda h: h.reply(403, FIREWALL),
        "/ratelimited": lambda h: h.reply(429, "Too Many Requests"),
        "/hang": hang,
        "/loop": lambda h: h.reply(302, "", {"Location": "/loop2"}),
        "/loop2": lambda h: h.reply(302, "", {"Location": "/loop"}),
        "/login-redirect": lambda h: h.reply(302, "", {"Location": "/dang-nhap"}),
        "/dang-nhap": lambda h: h.reply(200, PAGE.replace("Trang chủ", "Đăng nhập")),
        "/huge": lambda h: h.reply(200, "<html><body>" + "x" * 300_000 + "</body></html>"),
    }


EXPECTED = {
    "live": "live", "missing": "not_found", "soft": "soft_404", "broken": "server_error",
    "firewall": "blocked", "ratelimited": "blocked", "hang": "timeout", "loop": "redirect_loop",
    "login-redirect": "live", "huge": "error",
}


def test_every_status_from_a_real_server(loopback, tmp_path):
    server = loopback({})
    hits: dict[str, int] = {}

    def counted(path, route):
        def wrapper(h):
            hits[path] = hits.get(path, 0) + 1
            route(h)
        return wrapper

    server.routes.update({p: counted(p, r) for p, r in routes(server.stop_event).items()})
    rows = [{"id": key, "name": key, "portal_url": f"{server.url}/{key}"} for key in EXPECTED]
    rows.append({"id": "refused", "name": "refused", "portal_url": f"http://127.0.0.1:{free_port()}/"})
    rows.append({"id": "tls", "name": "tls", "portal_url": f"https://127.0.0.1:{server.port}/live"})
    targets = write_targets(tmp_path / "targets.csv", rows)
    db = tmp_path / "r.db"
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1",
                        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_MAXSIZE=100000",
                        "-s", "LOG_LEVEL=WARNING", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    got = dict(conn.execute("SELECT target_id, portal_status FROM run_targets"))
    expected = {**EXPECTED, "refused": "connection_error", "tls": "tls_error"}
    assert got == expected
    # Every fetch is logged with its status; the transient failures were retried,
    # the permanent ones (TLS) were not.
    fetches = conn.execute("SELECT target_id, status, http_status, redirect_chain FROM fetches").fetchall()
    assert {t for t, *_ in fetches} == set(expected)
    chain = next(r[3] for r in fetches if r[0] == "login-redirect")
    assert "/dang-nhap" not in chain and "/login-redirect" in chain
    # Transient failures are retried (RETRY_TIMES=1: two requests), a 404 is not.
    assert hits["/broken"] == 2
    assert hits["/missing"] == 1
    assert hits["/firewall"] == 1


def test_dns_error_without_touching_the_network(tmp_path):
    """An unresolvable host, resolved inside a network namespace with no route
    out, so the test sends nothing beyond this machine. Fails (never skips)
    where a namespace cannot be made: CI runs as root."""
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.fail("needs `unshare -n` (util-linux; root or CAP_SYS_ADMIN): "
                    + (probe.stderr.decode()[:200] if probe else "unshare not installed"), pytrace=False)
    targets = write_targets(tmp_path / "targets.csv",
                            [{"id": "nodns", "name": "nodns", "portal_url": "http://cong-thong-tin.invalid/"}])
    db = tmp_path / "r.db"
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "DOWNLOAD_TIMEOUT=5",
                        "-s", "ROBOTSTXT_OBEY=0", "-s", "LOG_LEVEL=WARNING",
                        prefix=["unshare", "-n"], timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT portal_status FROM run_targets").fetchone()[0] == "dns_error"
    # Not retried: a permanent failure is fetched once.
    assert conn.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 1
