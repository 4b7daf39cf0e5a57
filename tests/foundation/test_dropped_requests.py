"""A request a Scrapy middleware drops silently must not cost a target its rows."""
from __future__ import annotations

import sqlite3

from loopback import run_scrapy, write_targets


def test_target_finishes_when_a_middleware_drops_its_requests(loopback, tmp_path):
    server = loopback({"*": lambda h: h.reply(200, "<html><body>trang</body></html>")})
    targets = write_targets(tmp_path / "t.csv", [{"id": "chain", "name": "c", "portal_url": server.url + "/chain"},
                                                 {"id": "plain", "name": "p", "portal_url": server.url + "/"}])
    db = tmp_path / "r.db"
    # DEPTH_LIMIT=2 makes Scrapy's DepthMiddleware drop the third hop without a trace.
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "DEPTH_LIMIT=2", "-s", "LOG_LEVEL=WARNING", timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "whose requests were dropped: chain" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT portal_status FROM run_targets WHERE target_id = 'chain'").fetchone()[0] == "live"
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE target_id = 'chain'").fetchone()[0] == 3
    assert {r[0] for r in conn.execute("SELECT target_id FROM run_progress")} == {"chain", "plain"}
