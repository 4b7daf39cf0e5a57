"""More targets need a browser than PORTALCHECK_MAX_RENDER_CONTEXTS allows at once: each
target's context is closed when the target is done, so the others get theirs,
even when a target's render failed. (A failed render's page was closed but its
context left open, holding its slot for good: under load, where renders time
out, a sweep of the bench farm's large size waited forever.)"""
from __future__ import annotations

import sqlite3

from loopback import LoopbackServer, run_cli, write_targets

JS_MENU_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin</title></head>
<body><nav><ul id="menu"></ul></nav><main><h1>Cổng thông tin điện tử</h1></main>
<script>document.getElementById('menu').innerHTML =
  '<li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/lien-he">Liên hệ</a></li>';</script>
</body></html>"""


def homepage_then_nothing():
    """The plain fetch gets the page; the browser's gets an empty answer (its render fails)."""
    served = []

    def route(handler):
        if not served:
            served.append(1)
            handler.reply(200, JS_MENU_PAGE)
        else:
            handler.close_connection = True  # no status line: net::ERR_EMPTY_RESPONSE

    return route


def test_renders_wait_for_a_context_and_every_target_finishes(tmp_path):
    servers = [LoopbackServer({"/": homepage_then_nothing()}, host=f"127.0.3.{n}").__enter__()
               for n in range(1, 4)]
    try:
        targets = write_targets(tmp_path / "t.csv", [
            {"id": f"js{n}", "name": f"JS {n}", "portal_url": s.url + "/"} for n, s in enumerate(servers)])
        db = tmp_path / "r.db"
        result = run_cli("sweep", "--targets", str(targets), "--db", str(db), "--spiders", "portal",
                         "--workers", "1", "-s", "PORTALCHECK_MAX_RENDER_CONTEXTS=1", "-s", "DOWNLOAD_TIMEOUT=10",
                         timeout=90)
        assert result.returncode == 0, result.stderr[-3000:]
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "finished"
        assert {t for (t,) in conn.execute("SELECT target_id FROM run_progress")} == {"js0", "js1", "js2"}
        failed_renders = {t for (t,) in conn.execute(
            "SELECT target_id FROM fetches WHERE purpose = 'homepage_rendered' AND status != 'live'")}
        assert failed_renders == {"js0", "js1", "js2"}   # each got a context, in turn
    finally:
        for server in servers:
            server.__exit__(None, None, None)
