"""The real spider over real loopback HTTP servers (see pc_farm.py), verdicts read back from
SQLite and compared with the truth written beside each site (truth.yaml)."""
from __future__ import annotations

import pytest

from checks.model import FUNCTION_KEYS, SECTION_KEYS

SITES = ("hanoi", "mau", "moi", "soft404", "jsmenu", "drupal", "sharepoint", "liferay7", "aspnet")


def expected(truth: dict, category: str, key: str, default: dict | None) -> dict | None:
    value = (truth.get(category) or {}).get(key, default)
    return value if value is None or isinstance(value, dict) else {"outcome": value}


@pytest.mark.parametrize("site", SITES)
def test_section_verdicts_match_the_truth(farm_crawl, truth, site):
    written = truth(site)
    default = None if site == "hanoi" else {"outcome": "fail", "reason": "no_link"}
    wrong = []
    for key in SECTION_KEYS:
        want = expected(written, "sections", key, default)
        got = farm_crawl.get(site, "section", key)
        ev = got["evidence"]
        for field, value in want.items():
            have = got["outcome"] if field == "outcome" else ev.get(field)
            if have != value:
                wrong.append((key, field, value, have, ev.get("href"), ev.get("reason")))
    assert not wrong, wrong


@pytest.mark.parametrize("site", ("hanoi", "mau", "moi", "soft404", "drupal", "sharepoint", "liferay7", "aspnet"))
def test_function_verdicts_match_the_truth(farm_crawl, truth, site):
    written = truth(site)
    wrong = []
    for key in FUNCTION_KEYS:
        want = expected(written, "functions", key, None)
        if want is None:
            continue
        got = farm_crawl.get(site, "function", key)
        for field, value in want.items():
            have = got["outcome"] if field == "outcome" else got["evidence"].get(field)
            if have != value:
                wrong.append((key, field, value, have, got["evidence"]))
    assert not wrong, wrong


def test_hanoi_links_httrack_did_not_save_are_dead(farm_crawl):
    """The offline truth: tin tức, văn bản, dự án, thống kê, phát ngôn lead to 404s."""
    for key in ("tin_tuc", "van_ban", "du_an_dau_tu", "thong_ke", "phat_ngon"):
        row = farm_crawl.get("hanoi", "section", key)
        assert (row["outcome"], row["reason"]) == ("fail", "link_dead"), key
        assert row["evidence"]["target_status"] == "not_found"
        assert all(c["status"] == "not_found" for c in row["evidence"]["candidates"])


def test_evidence_of_a_pass(farm_crawl):
    row = farm_crawl.get("hanoi", "section", "chi_dao_dieu_hanh")
    ev = row["evidence"]
    assert row["outcome"] == "pass" and ev["matched_by"] == "slug" and ev["context"] == "banner"
    assert ev["href"].endswith("/chi-dao-dieu-hanh.html") and ev["url"] == ev["href"]
    assert ev["target_status"] == "live" and ev["newest_date"] == "2020-04-03" and ev["rendered"] is False
    assert "THÔNG BÁO" in ev["snippet"] and row["label"] == "chi-dao-dieu-hanh.html"
    assert row["legal_ref"] == "NĐ 43/2011/NĐ-CP Điều 10.1.c"
    stale = farm_crawl.get("hanoi", "section", "lay_y_kien")["evidence"]
    assert stale["newest_date"] == "2018-04-24"     # present, but stale: freshness is the scorer's


def test_target_rows(farm_crawl):
    rows = farm_crawl.targets
    assert (rows["hanoi"]["portal_status"], rows["hanoi"]["portal_http_status"]) == ("live", 200)
    assert rows["hanoi"]["portal_final_url"] == farm_crawl.urls["hanoi"] and rows["hanoi"]["rendered"] == 0
    assert rows["jsmenu"]["rendered"] == 1
    assert (rows["blocked"]["portal_status"], rows["blocked"]["portal_http_status"]) == ("blocked", 403)
    assert rows["down"]["portal_status"] == "connection_error" and rows["down"]["portal_http_status"] is None


def test_render_only_when_needed(farm_crawl):
    rendered = {(f["target_id"], f["purpose"]) for f in farm_crawl.fetches if f["rendered"]}
    assert ("jsmenu", "homepage_rendered") in rendered
    assert not {t for t, _ in rendered} - {"jsmenu"}, rendered
    row = farm_crawl.get("jsmenu", "section", "gioi_thieu")
    assert row["evidence"]["rendered"] is True and row["evidence"]["render_reason"].startswith("empty_menu")


@pytest.mark.parametrize("site, status", [("blocked", "blocked"), ("down", "connection_error")])
def test_unreadable_portal_is_inconclusive_never_fail(farm_crawl, site, status):
    for category, keys in (("section", SECTION_KEYS), ("function", FUNCTION_KEYS)):
        for key in keys:
            row = farm_crawl.get(site, category, key)
            assert (row["outcome"], row["reason"]) == ("inconclusive", status), (category, key)
    portal = farm_crawl.get(site, "reachability", "portal")
    # A firewall says nothing about the portal; nothing listening is a dead portal.
    assert portal["outcome"] == ("inconclusive" if site == "blocked" else "fail")
    for key in ("http_to_https", "tls_certificate", "hsts", "not_found_handling", "robots_txt", "sitemap_xml"):
        assert farm_crawl.get(site, "reachability", key)["outcome"] == "inconclusive", key


def test_reachability(farm_crawl):
    mau = {k: farm_crawl.get("mau", "reachability", k) for k in
           ("portal", "variants", "http_to_https", "tls_certificate", "not_found_handling", "robots_txt", "sitemap_xml")}
    assert mau["portal"]["outcome"] == "pass" and mau["not_found_handling"]["outcome"] == "pass"
    assert mau["robots_txt"]["outcome"] == "pass" and mau["sitemap_xml"]["outcome"] == "pass"
    assert mau["http_to_https"]["reason"] == "no_redirect_to_https"         # plain http on loopback
    assert mau["tls_certificate"]["reason"] == "no_https"
    assert set(mau["variants"]["evidence"]["variants"]) == {"http", "https"}   # no www variant of an IP
    soft = farm_crawl.get("soft404", "reachability", "not_found_handling")
    assert (soft["outcome"], soft["reason"]) == ("fail", "soft_404")


def test_random_path_is_fetched_before_any_section(farm_crawl):
    for site in ("mau", "soft404", "hanoi"):
        order = [f["purpose"] for f in sorted(farm_crawl.fetches, key=lambda f: f["id"]) if f["target_id"] == site]
        assert order.index("random_path") < order.index("section"), site


def test_hint_is_used_and_said(farm_crawl):
    row = farm_crawl.get("moi", "section", "lich_cong_tac")
    assert row["outcome"] == "pass" and row["evidence"]["matched_by"] == "hint"


def test_search_submits_the_sites_form(farm_crawl):
    row = farm_crawl.get("mau", "function", "search")
    assert row["outcome"] == "pass" and row["evidence"]["query"] and row["evidence"]["result_links"] >= 1
    assert any(f["url"].startswith(farm_crawl.urls["mau"] + "tim-kiem?q=") for f in farm_crawl.fetches)
