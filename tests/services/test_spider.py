"""The services spider end to end, in a subprocess, over the loopback farm:
every kind of portal, every behaviour of a service page."""
from __future__ import annotations

import json

from farm import EXPECTED_STATUS

from checks.model import DEAD_STATUSES
from checks.service_listing import figures


def _services(db, target):
    return {r["url"]: dict(r) for r in db.execute("SELECT * FROM services WHERE target_id = ?", (target,))}


def _observations(db, target):
    return {r["key"]: dict(r, evidence=json.loads(r["evidence"] or "{}"))
            for r in db.execute("SELECT * FROM observations WHERE target_id = ?", (target,))}


def test_every_service_discovered_with_its_level_and_status(crawled):
    db, truth, _farm, seconds, _proc = crawled
    for target, expected in truth.items():
        got = _services(db, target)
        want = {s["url"]: s for s in expected["services"]}
        assert set(got) == set(want), target            # 100% discovered, nothing invented
        for url, svc in want.items():
            row = got[url]
            assert row["status"] == svc["status"], (target, url, svc.get("behaviour"), row["status"])
            wanted_level = svc["level"] if svc.get("level_visible", True) else "unknown"
            assert row["level"] == wanted_level, (target, url, row["level_raw"])
    assert seconds < 90


def test_no_live_or_blocked_service_reported_dead(crawled):
    db, truth, *_ = crawled
    for target, expected in truth.items():
        got = _services(db, target)
        for svc in expected["services"]:
            if svc["status"] in ("live", "blocked", "timeout"):
                assert got[svc["url"]]["status"] not in DEAD_STATUSES, (target, svc)


def test_all_behaviours_covered_per_portal_kind(crawled):
    db, truth, *_ = crawled
    for target in ("table", "liferay", "prose"):
        behaviours = {s["behaviour"] for s in truth[target]["services"]}
        assert set(EXPECTED_STATUS) <= behaviours, target
    spa = {s["status"] for s in truth["spa"]["services"]}
    assert {"live", "not_found", "soft_404", "blocked", "timeout", "server_error"} <= spa
    login = [s for s in truth["spa"]["services"] if s["behaviour"] == "login"]
    row = _services(db, "spa")[login[0]["url"]]
    assert row["status"] == "live" and "dang-nhap" in json.loads(row["evidence"])["login_redirect"]


def test_spa_listed_through_the_api_with_cursor_paging(crawled):
    db, _truth, farm, *_ = crawled
    lists = [body for path, body in farm["spa"].api_calls if "list-all-public" in path]
    cursors = [b.get("lastId") for b in lists]
    assert cursors[0] == ""                             # the shell's own call, made in Chromium
    assert len(set(cursors)) >= 4                       # then the spider paged with lastId
    assert all(b.get("limit") == 100 for b in lists[1:])
    portal = _observations(db, "spa")["services_portal"]["evidence"]
    assert portal["api"]["list"]["source"] == "recorded" and portal["api"]["render_status"] == "live"
    assert portal["api"]["page_pattern"].endswith("/thu-tuc-hanh-chinh/{code}")
    rows = {r["code"]: r for r in _services(db, "spa").values()}
    assert rows["1.003197"]["level_raw"].startswith("isFullProcess=true")
    assert rows["1.003197"]["completeness"] == 1.0 and rows["1.003197"]["has_online_submission"] == 1
    assert rows["1.000419"]["has_online_submission"] is None  # its shell is dead: nothing judged
    assert all(r["clicks"] == 1 for r in rows.values())
    rendered = db.execute("SELECT COUNT(*) FROM fetches WHERE target_id='spa' AND rendered=1").fetchone()[0]
    assert rendered == 1                                 # one render per SPA portal, no more
    target = db.execute("SELECT * FROM run_targets WHERE target_id='spa'").fetchone()
    assert target["services_portal_status"] == "live" and target["rendered"] == 1


def test_empty_shell_is_inconclusive_not_zero_services(crawled):
    db, *_ = crawled
    obs = _observations(db, "spa_empty")
    assert obs["services_listed"]["outcome"] == "inconclusive"
    assert obs["services_listed"]["reason"] == "js_shell_unlisted"
    assert not any(o["outcome"] == "fail" for o in obs.values())


def test_discovery_from_homepage_banner_and_missing_link(crawled):
    db, _truth, farm, *_ = crawled
    home = _observations(db, "home")["services_portal"]
    assert home["outcome"] == "pass" and home["evidence"]["how"] == "homepage_link"
    assert home["evidence_url"] == farm["table"].url
    assert any("image:dvc" in c["reasons"] for c in home["evidence"]["candidates"])
    row = db.execute("SELECT * FROM run_targets WHERE target_id='home'").fetchone()
    assert row["services_portal_url"] == farm["table"].url and row["services_portal_status"] == "live"
    nolink = _observations(db, "nolink")
    assert nolink["services_portal"]["outcome"] == "inconclusive"
    assert nolink["services_portal"]["reason"] == "not_discovered"
    # The status column holds fetch statuses only (the export's contract).
    assert db.execute("SELECT services_portal_status FROM run_targets WHERE target_id='nolink'"
                      ).fetchone()[0] is None


def test_figures_and_verdicts_per_target(crawled):
    db, *_ = crawled
    for target in ("table", "liferay", "prose", "spa"):
        obs = _observations(db, target)
        rows = list(_services(db, target).values())
        figs = obs["services_listed"]["evidence"]["figures"]
        assert figs == json.loads(json.dumps(figures(rows)))
        assert obs["services_listed"]["outcome"] == "pass"
        for key in ("online_share", "live_share_toan_trinh", "live_share_mot_phan", "completeness_share"):
            assert key in obs
    table = _observations(db, "table")
    # Table portal: one toàn trình dead (404), one server error; one blocked and one
    # timed out are left out of the share, not counted dead.
    ev = table["live_share_toan_trinh"]["evidence"]
    assert table["live_share_toan_trinh"]["outcome"] == "fail" and ev["dead"] == 2
    assert {d["status"] for d in ev["examples_dead"]} == {"not_found", "server_error"}
    assert _observations(db, "spa")["live_share_toan_trinh"]["outcome"] == "pass"


def test_completeness_and_clicks(crawled):
    db, truth, *_ = crawled
    table = {r["code"]: r for r in _services(db, "table").values()}
    assert table["2.002011"]["completeness"] == round(7 / 9, 4)      # no Kết quả, no Căn cứ pháp lý
    assert table["2.002000"]["completeness"] == 1.0 and table["2.002000"]["has_online_payment"] == 1
    assert table["2.002015"]["has_online_payment"] == 0
    assert table["2.002004"]["completeness"] is None                 # behind a login: not judged
    assert all(r["clicks"] in (2, 3) for r in table.values())
    prose = _services(db, "prose")
    order = [s["url"] for s in truth["prose"]["services"]]
    assert prose[order[0]]["clicks"] == 2                             # list page 1
    assert prose[order[-1]]["clicks"] == 4                            # page 10: beyond 3 clicks
    assert prose[order[0]]["completeness"] == round(6 / 9, 4)        # real 2021 record
    assert _observations(db, "prose")["within_clicks"]["outcome"] == "fail"
    liferay = _services(db, "liferay").values()
    assert {r["clicks"] for r in liferay} == {1, 2}


def test_bound_on_services_per_target(tmp_path):
    from harness import crawl
    from portals import ProsePortal
    portal = ProsePortal(ip="127.0.0.10").start()
    try:
        (tmp_path / "T.csv").write_text("id,name,kind,group,portal_url,services_url\n"
                                        f"big,Cổng lớn,province,tinh,{portal.url},{portal.url}\n", "utf-8")
        proc = crawl(tmp_path / "T.csv", tmp_path / "r.db", ("-s", "PORTALCHECK_MAX_SERVICES_PER_TARGET=5"))
        assert proc.returncode == 0, proc.stderr[-2000:]
        import sqlite3
        db = sqlite3.connect(str(tmp_path / "r.db"))
        assert db.execute("SELECT COUNT(*) FROM services").fetchone()[0] == 5
        evidence = json.loads(db.execute("SELECT evidence FROM observations WHERE key='services_portal'"
                                         ).fetchone()[0])
        assert evidence["truncated"] is True
        details = sum(1 for method, path in portal.hits if "tthc-chi-tiet" in path)
        assert details == 5                               # no page fetched beyond the bound
    finally:
        portal.stop()
