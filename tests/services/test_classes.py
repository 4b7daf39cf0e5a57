"""The services spider end to end over the portal classes of issue #13 (Xem thêm
and infinite scroll, Liferay cur/delta pagers, ASP.NET postbacks, numbered
pagers, empty portals, decoy homepages, levels in labelled rows), every variant
set at once, one crawl: every service found with its level and status, every
verdict as the truth says, no list page asked for twice or at another size."""
from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import DEAD, compare, crawl, set_truth, start_set, stop_farm, verdict_right, verdicts, write_set_targets

SETS = ("tuning", "held_out", "held_out_2")


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("classes")
    farms = {which: start_set(which) for which in SETS}
    farm = {f"{which}.{key}": portal for which, f in farms.items() for key, portal in f.items()}
    try:
        write_set_targets(farm, tmp / "T.csv")
        proc = crawl(tmp / "T.csv", tmp / "r.db")
        assert proc.returncode == 0, proc.stderr[-3000:]
        db = sqlite3.connect(str(tmp / "r.db"))
        db.row_factory = sqlite3.Row
        yield db, set_truth(farm), farm, tmp / "r.db"
        db.close()
    finally:
        for f in farms.values():
            stop_farm(f)


def _services(db, target):
    return {r["url"]: dict(r) for r in db.execute("SELECT * FROM services WHERE target_id = ?", (target,))}


def test_every_service_found_with_its_level_and_status(classes):
    db, truth, _farm, _path = classes
    for target, want in truth.items():
        got = _services(db, target)
        m = compare(want["services"], got)
        assert (m["discovered"], m["extra"]) == (m["expected"], 0), target
        assert m["level_right"] == m["level_judged"], (target, [(u, r["level"], r["level_raw"]) for u, r in got.items()])
        assert m["status_right"] == m["expected"], target
        for s in want["services"]:
            if s["status"] in ("live", "blocked", "timeout"):
                assert got[s["url"]]["status"] not in DEAD, (target, s)


def test_every_verdict_as_the_truth_says(classes):
    db, truth, farm, path = classes
    obs = verdicts(path)
    for target, want in truth.items():
        assert verdict_right(want, obs[target]), (target, obs[target]["services_listed"], obs[target]["services_portal"])
    for target in ("tuning.empty_table", "held_out.empty_fragment", "held_out.empty_hanoi", "held_out_2.empty_grid"):
        listed = obs[target]["services_listed"]
        assert listed["evidence_url"].startswith(farm[target].url) and listed["evidence"]["snippet"], target
    # a side box's "Không có dữ liệu" beside a list drawn from an unknown source is no empty list
    assert obs["tuning.empty_widget"]["services_listed"]["outcome"] == "inconclusive"
    # the decoy homepage: the own-site section was tried and rejected, attachments and feedback never tried
    rejected = {r["url"].rsplit("/", 1)[-1]: r["reason"] for r in
                obs["held_out.decoy_none"]["services_portal"]["evidence"]["rejected"]}
    assert rejected == {"danh-muc-thu-tuc-hanh-chinh-2024.docx": "attachment",
                        "quy-trinh-noi-bo-giai-quyet-tthc.pdf": "attachment", "gop-y": "feedback:gop y",
                        "dich-vu-cong": "not_a_service_list"}
    for target in truth:
        cover = obs[target]["services_portal"]["evidence"].get("coverage") or {}
        if truth[target].get("announced"):
            assert cover["announced"] == truth[target]["announced"] and cover["complete"], target


def test_lists_read_once_at_their_own_size(classes):
    db, _truth, farm, _path = classes
    for target in ("tuning.liferay62", "held_out.liferay7", "held_out_2.liferay62_detail"):
        portal = farm[target]
        urls = [r[0] for r in db.execute("SELECT url FROM fetches WHERE target_id = ? AND purpose = 'service_list'",
                                         (target,))]
        deltas = {parse_qs(urlsplit(u).query).get(f"{portal.ns}delta", [str(portal.v["delta"])])[0] for u in urls}
        assert deltas == {str(portal.v["delta"])}, (target, deltas)          # the delta selector never followed
        pages = -(-len(portal.services) // portal.v["delta"])
        assert len(urls) <= pages + 2, (target, urls)                        # each page once (+ cur=1, the plain URL)
    for target in ("tuning.postback_numeric", "held_out.postback_nextprev", "held_out_2.postback_detail"):
        posts = [p for m, p in farm[target].hits if m == "POST"]
        pages = -(-len(farm[target].services) // farm[target].SIZE)
        assert pages - 1 <= len(posts) <= pages + 1, (target, len(posts))
        # every postback carried the page's view state (the portal answers 500 otherwise)
        assert not db.execute("SELECT COUNT(*) FROM fetches WHERE target_id = ? AND purpose = 'service_list' "
                              "AND status != 'live'", (target,)).fetchone()[0]


def test_clicks_count_every_page_of_the_list(classes):
    db, truth, _farm, _path = classes
    rows = _services(db, "tuning.postback_numeric")
    order = [s["url"] for s in truth["tuning.postback_numeric"]["services"]]
    assert rows[order[0]]["clicks"] == 2 and rows[order[-1]]["clicks"] >= 4     # home -> list -> page 7 (…)
    evidence = json.loads(rows[order[0]]["evidence"])
    assert evidence["level_source"] == "list"
    labelled = _services(db, "tuning.labelled_div")
    live = [r for r in labelled.values() if r["status"] == "live" and json.loads(r["evidence"]).get("level_source")]
    assert live and all(json.loads(r["evidence"])["level_source"] == "detail_row" for r in live)
    assert all(r["level_raw"].startswith("Mức độ DVC: DVC mức") for r in live)
