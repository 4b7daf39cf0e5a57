"""A tool failure is never a failure of the portal, in the services spider
(issue #13): a browser turned off (--no-browser) or unable to start, a list page
that times out or is blocked, an API that refuses us — each leaves what needed
it inconclusive with its reason, never `fail`, never a dead service."""
from __future__ import annotations

import json
import sqlite3

import pytest
from farm import BLOCKED_BODY, HANG_SECONDS, NOT_FOUND_BODY, Portal, Reply, page
from harness import DEAD, crawl
from spa_portal import LIST, SpaPortal


class StuckPortal(Portal):
    """A service portal whose lists we cannot read: `mode` says how."""

    def __init__(self, ip: str, mode: str):
        super().__init__(ip)
        self.mode = mode

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if self.mode == "home_blocked" and path == "/":
            return Reply(403, BLOCKED_BODY)
        if path == "/":
            return Reply(200, page("Cổng dịch vụ công", "<nav class='menu'><a href='/thu-tuc-hanh-chinh'>Thủ tục hành "
                                   "chính</a><a href='/danh-muc-thu-tuc'>Danh mục thủ tục</a></nav><main>"
                                   "<div data-url='/o/tthc/ds?mucDo=4&amp;start=0&amp;count=10'>Đang tải</div></main>"))
        if path == "/thu-tuc-hanh-chinh":           # one list page answers that it is empty...
            return Reply(200, page("Thủ tục", "<main><table><tr><th>Tên thủ tục</th><th>Mức độ</th></tr><tr><td "
                                   "colspan='2'>Không có dữ liệu</td></tr></table></main>"))
        if path == "/danh-muc-thu-tuc":             # ...the other one we could not read
            return Reply(200, "<html></html>", delay=HANG_SECONDS) if self.mode == "list_hangs" else \
                Reply(403, BLOCKED_BODY)
        if path == "/o/tthc/ds":
            return Reply(403, BLOCKED_BODY)
        return Reply(404, NOT_FOUND_BODY)


class WafSpa(SpaPortal):
    """The national SPA whose list API sits behind a firewall that refuses us."""

    def api(self, method, path, body):
        if path == LIST:
            return Reply(403, BLOCKED_BODY)
        return super().api(method, path, body)


def _crawl(tmp_path, portals: dict, *settings: str) -> sqlite3.Connection:
    lines = ["id,name,kind,group,portal_url,services_url"]
    for key, (portal, services_url) in portals.items():
        lines.append(f"{key},Đơn vị {key},province,tinh,{portal.url},{portal.url if services_url else ''}")
    (tmp_path / "T.csv").write_text("\n".join(lines) + "\n", "utf-8")
    proc = crawl(tmp_path / "T.csv", tmp_path / "r.db", settings)
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = sqlite3.connect(str(tmp_path / "r.db"))
    db.row_factory = sqlite3.Row
    return db


def _obs(db, target: str) -> dict:
    return {r["key"]: dict(r, evidence=json.loads(r["evidence"] or "{}"))
            for r in db.execute("SELECT * FROM observations WHERE target_id = ?", (target,))}


@pytest.fixture(scope="module")
def no_browser(tmp_path_factory):
    """One crawl with the browser turned off (--no-browser), with lists we cannot read."""
    tmp = tmp_path_factory.mktemp("nobrowser")
    spa, shell = SpaPortal(ip="127.0.17.2").start(), SpaPortal(ip="127.0.17.3", with_api=False).start()
    portals = {"spa": (spa, True), "shell": (shell, True),
               "hangs": (StuckPortal("127.0.17.4", "list_hangs").start(), True),
               "blocked": (StuckPortal("127.0.17.5", "home_blocked").start(), True),
               "home_blocked": (StuckPortal("127.0.17.6", "home_blocked").start(), False),
               "waf_api": (WafSpa(ip="127.0.17.7").start(), True)}
    try:
        yield _crawl(tmp, portals, "-s", "PORTALCHECK_BROWSER=False"), spa
    finally:
        for portal, _ in portals.values():
            portal.stop()


def test_without_a_browser_an_spa_is_listed_through_its_bundle_and_nothing_live_is_dead(no_browser):
    db, spa = no_browser
    truth = {s["url"]: s for s in spa.truth()["services"]}
    rows = {r["url"]: dict(r) for r in db.execute("SELECT * FROM services WHERE target_id = 'spa'")}
    assert set(rows) == set(truth)                       # the bundle named the API: listed all the same
    for url, want in truth.items():
        assert rows[url]["status"] == want["status"], url
    portal = _obs(db, "spa")["services_portal"]["evidence"]["api"]
    assert portal["render_status"] == "render_failed" and "--no-browser" in portal["render_error"]
    assert portal["list"]["source"] == "bundle"
    render = db.execute("SELECT status FROM fetches WHERE target_id = 'spa' AND purpose = 'spa_render'").fetchone()
    assert render["status"] == "render_failed"


def test_without_a_browser_an_unlisted_shell_is_render_failed_never_fail(no_browser):
    db, _ = no_browser
    obs = _obs(db, "shell")
    assert (obs["services_listed"]["outcome"], obs["services_listed"]["reason"]) == ("inconclusive", "render_failed")
    assert obs["services_portal"]["outcome"] == "pass"
    assert not [k for k, o in obs.items() if o["outcome"] == "fail"]


def test_unread_lists_blocks_and_timeouts_are_inconclusive_never_empty_or_dead(no_browser):
    db, _ = no_browser
    hangs = _obs(db, "hangs")
    # One list page said "Không có dữ liệu", another timed out and a fragment was blocked: not an empty portal.
    assert (hangs["services_listed"]["outcome"], hangs["services_listed"]["reason"]) == \
        ("inconclusive", "no_services_found")
    statuses = {r[0] for r in db.execute("SELECT status FROM fetches WHERE target_id = 'hangs' AND purpose LIKE "
                                         "'service_%'")}
    assert {"timeout", "blocked"} <= statuses
    blocked = _obs(db, "blocked")
    assert (blocked["services_portal"]["outcome"], blocked["services_portal"]["reason"]) == ("inconclusive", "blocked")
    assert (blocked["services_listed"]["outcome"], blocked["services_listed"]["reason"]) == ("inconclusive", "blocked")
    home = _obs(db, "home_blocked")
    assert home["services_listed"]["reason"] == "homepage_blocked"
    waf = _obs(db, "waf_api")
    assert (waf["services_listed"]["outcome"], waf["services_listed"]["reason"]) == ("inconclusive", "blocked")
    for target in ("hangs", "blocked", "home_blocked", "waf_api", "shell"):
        assert not [k for k, o in _obs(db, target).items() if o["outcome"] == "fail"], target
    assert not db.execute(f"SELECT COUNT(*) FROM services WHERE status IN ({','.join('?' * len(DEAD))}) AND "
                          "target_id != 'spa'", tuple(DEAD)).fetchone()[0]


def test_a_browser_that_cannot_start_is_render_failed(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    broken.chmod(0o755)
    shell = SpaPortal(ip="127.0.17.8", with_api=False).start()
    try:
        db = _crawl(tmp_path, {"shell": (shell, True)}, "-s", f"PORTALCHECK_CHROMIUM={broken}")
    finally:
        shell.stop()
    obs = _obs(db, "shell")
    assert (obs["services_listed"]["outcome"], obs["services_listed"]["reason"]) == ("inconclusive", "render_failed")
    assert obs["services_portal"]["outcome"] == "pass" and obs["services_portal"]["evidence"]["api"]["render_error"]
    assert not [k for k, o in obs.items() if o["outcome"] == "fail"]
