"""When a bound cuts a list (issue #13): the evidence says `truncated`, which
bound, the count seen and the count announced; the services score says it is
partial, in the stored scoring and the reports."""
from __future__ import annotations

import json
import sqlite3

from harness import crawl
from kinds_lists import LiferayPagerPortal, PostBackPortal

from results import store
from scoring.reports import write_reports
from scoring.runs import score_and_save, stored_scores


def test_a_cut_list_says_so_and_its_score_is_partial(tmp_path):
    liferay = LiferayPagerPortal("127.0.16.2", {"version": "6.2", "delta": 5, "list_level": "column",
                                                "vocabulary": "nd43"}, 0, 47).start()
    postback = PostBackPortal("127.0.16.3", {"pager": "numeric", "list_level": "column", "vocabulary": "nd42"},
                              60, 45).start()
    try:
        (tmp_path / "T.csv").write_text(
            "id,name,kind,group,portal_url,services_url\n"
            f"lfr,Sở A,department,so,{liferay.url},{liferay.url}\n"
            f"aspx,Sở B,department,so,{postback.url},{postback.url}\n", "utf-8")
        proc = crawl(tmp_path / "T.csv", tmp_path / "r.db", ("-s", "PORTALCHECK_MAX_LIST_PAGES_PER_TARGET=3"))
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        liferay.stop()
        postback.stop()
    db = sqlite3.connect(str(tmp_path / "r.db"))
    for target, announced in (("lfr", 47), ("aspx", 45)):
        evidence = json.loads(db.execute("SELECT evidence FROM observations WHERE target_id = ? AND "
                                         "key = 'services_listed'", (target,)).fetchone()[0])
        cover = evidence["coverage"]
        seen = db.execute("SELECT COUNT(*) FROM services WHERE target_id = ?", (target,)).fetchone()[0]
        assert (cover["truncated"], cover["truncated_by"], cover["complete"]) == (True, "list_pages", False)
        assert cover["seen"] == seen and 0 < seen < announced and cover["announced"] == announced, target
        assert str(announced) in cover["announced_phrase"]
    db.close()
    results = store.open_db(tmp_path / "r.db")
    run = store.get_run(results, "latest")
    score_and_save(results, run, "nd42-2025")
    rows = stored_scores(results, run["id"])[1]
    services = {r["target_id"]: r for r in rows if r["category"] == "services"}
    assert all(any(c.get("partial_list") for c in services[t]["criteria"]) for t in ("lfr", "aspx"))
    out = tmp_path / "reports"
    write_reports(store.load_evidence(results, run["id"]), rows, out, ("md",), lang="vi", methodology="nd42-2025")
    assert "điểm một phần: đã đọc" in (out / "rankings.md").read_text(encoding="utf-8")
