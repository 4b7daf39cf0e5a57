"""Support functions, one check at a time: its pass fixture, its fail fixture
(tests/checks/fixtures/<check>/), plus the real Hà Nội homepage where it says something."""
from __future__ import annotations

from pathlib import Path

import pytest

from checks.functions import (
    Found,
    chain_observation,
    emc,
    english,
    https,
    mobile,
    not_measured,
    print_button,
    related_links,
    rss,
    search,
    site_map,
)
from checks.model import Page
from checks.page_content import site_template
from checks.sections import read_home

FIX = Path(__file__).resolve().parent / "fixtures"
BASE = "http://127.0.0.1:8000/"


def page(path: str, url: str = BASE, **kw) -> Page:
    text = (FIX / path).read_text(encoding="utf-8")
    return Page(url=url, final_url=url, http_status=200, text=text, **kw)


def home(path: str):
    return read_home(page(path))


# --- search ---------------------------------------------------------------------
def test_search_pass():
    doc = home("search/pass.html")
    form = search.find_form(doc)
    assert form.field == "keyword" and form.method == "GET"
    # The longest frequent word of the headlines that is no stop word and not in the site's
    # name, menu or footer ("thông", "tầng" and "Mẫu" are out).
    query = search.choose_query(doc)
    assert query == "triển"
    # As a browser does for GET: the form's fields replace the action's query string.
    url, method, body = search.request_for(form, query)
    assert url == BASE + "tim-kiem?lang=vi&keyword=tri%E1%BB%83n" and method == "GET" and body is None
    results = page("search/results_pass.html", url)
    obs = search.judge_results(results, query, form, site_template(doc))
    assert obs.outcome == "pass" and obs.evidence["result_links"] == 1
    assert obs.evidence["label"] == "Phát triển hạ tầng số tỉnh Mẫu"


def test_search_fail():
    assert search.find_form(home("search/fail.html")) is None        # a login form is not a search
    assert search.without_form(home("search/fail.html")).evidence["reason"] == "no_search_form"
    doc = home("search/pass.html")
    obs = search.judge_results(page("search/results_fail.html"), "tầng", search.find_form(doc), site_template(doc))
    assert obs.outcome == "fail" and obs.evidence["reason"] == "no_results"


def test_search_box_only_scripts_submit_is_inconclusive():
    obs = search.without_form(home("search/script_only.html"))
    assert obs.outcome == "inconclusive" and obs.evidence["reason"] == "script_only_search_box"


def test_search_results_page_dead_or_blocked():
    doc = home("search/pass.html")
    form = search.find_form(doc)
    dead = Page(url=BASE + "tim-kiem", final_url=BASE + "tim-kiem", http_status=404, status="not_found")
    blocked = Page(url=BASE + "tim-kiem", final_url=BASE + "tim-kiem", http_status=403, status="blocked")
    assert search.judge_results(dead, "tầng", form, None).outcome == "fail"
    assert search.judge_results(blocked, "tầng", form, None).outcome == "inconclusive"


def test_search_on_hanoi_is_the_liferay_form(hanoi):
    doc = read_home(hanoi.page("index.html"))
    form = search.find_form(doc)
    assert form.field == "_2_WAR_portalcmsappportlet_keywords"
    assert form.action.startswith("https://sotttt.hanoi.gov.vn/tim-kiem")    # HTTrack kept it absolute
    assert ("p_p_id", "2_WAR_portalcmsappportlet") in form.params


# --- site map -------------------------------------------------------------------
def test_site_map_pass_and_fail():
    found = site_map.candidates(home("site_map/home.html"))
    assert [(f.href, f.matched_by) for f in found] == [(BASE + "so-do-cong", "text")]
    ok, obs = site_map.judge(page("site_map/pass.html"), found[0])
    assert ok and obs.outcome == "pass" and obs.evidence["links"] == 14
    ok, obs = site_map.judge(page("site_map/fail.html"), found[0])
    assert ok is False and obs.evidence["reason"] == "target_empty"
    assert site_map.missing().outcome == "fail"


def test_site_map_on_hanoi(hanoi):
    found = site_map.candidates(read_home(hanoi.page("index.html")))
    ok, obs = site_map.judge(hanoi.page("so-do-website.html"), found[0])
    assert found[0].label == "Sơ đồ cổng" and ok


# --- RSS ------------------------------------------------------------------------
def test_rss_pass_and_fail():
    found = rss.candidates(home("rss/home.html"))
    assert found[0].href == BASE + "rss" and found[0].matched_by == "slug"
    ok, obs, _ = rss.judge(page("rss/pass.xml", BASE + "rss/a.xml"), found[0])
    assert ok and obs.evidence["items"] == 2 and obs.evidence["feed_kind"] == "rss"
    ok, obs, _ = rss.judge(page("rss/fail.xml"), found[0])
    assert ok is False and obs.evidence["reason"] == "empty_feed"


def test_rss_page_listing_feeds_is_followed():
    ok, obs, feeds = rss.judge(page("rss/list.html", BASE + "rss"), Found(BASE + "rss", "RSS", "text"))
    assert ok is False and obs.evidence["reason"] == "not_a_feed"
    assert feeds == [BASE + "rss/tin-tuc.rss", BASE + "rss/thong-bao.xml"]


def test_rss_hanoi_has_none(hanoi):
    assert rss.candidates(read_home(hanoi.page("index.html"))) == []


# --- English --------------------------------------------------------------------
def test_english_pass_and_fail():
    doc = home("english/home.html")
    found = english.candidates(doc)
    assert found[0].href == BASE + "en" and found[0].matched_by in ("slug", "img_name")
    ok, obs = english.judge(page("english/pass.html", BASE + "en"), found[0], site_template(doc))
    assert ok and obs.outcome == "pass"             # Vietnamese menu and footer around it do not matter
    ok, obs = english.judge(page("english/fail.html", BASE + "en"), found[0], site_template(doc))
    assert ok is False and obs.evidence["reason"] == "target_not_english"


def test_english_on_hanoi_is_found_by_hreflang(hanoi):
    found = english.candidates(read_home(hanoi.page("index.html")))
    assert found[0].matched_by == "hreflang" and found[0].href == BASE + "en.html"


# --- print ----------------------------------------------------------------------
def test_print_pass_and_fail():
    assert print_button.articles(home("search/pass.html")) == [
        BASE + "tin-tuc/ha-tang-so-tinh-mau-100001.html", BASE + "tin-tuc/ha-tang-vien-thong-100002.html"]
    ok, obs = print_button.judge(page("print/pass.html"))
    assert ok and obs.evidence["matched_by"] == "onclick"
    ok, obs = print_button.judge(page("print/fail.html"))   # "d-print-none" is CSS, not a print button
    assert ok is False and obs.evidence["reason"] == "no_print_control"


def test_print_article_unreadable_is_inconclusive():
    dead = Page(url=BASE + "a", final_url=BASE + "a", http_status=404, status="not_found")
    ok, obs = print_button.judge(dead)
    assert ok is None and obs.outcome == "inconclusive"
    assert chain_observation("print", [(ok, obs)], print_button.no_article()).outcome == "inconclusive"
    assert chain_observation("print", [], print_button.no_article()).evidence["reason"] == "no_article_found"


# --- related links, EMC, mobile (homepage only) ---------------------------------
@pytest.mark.parametrize("check, name", [(related_links, "related_links"), (emc, "emc"), (mobile, "mobile")])
def test_homepage_checks_pass_and_fail(check, name):
    assert check.check(home(f"{name}/pass.html")).outcome == "pass"
    assert check.check(home(f"{name}/fail.html")).outcome == "fail"


def test_hanoi_related_links_select_counts(hanoi):
    obs = related_links.check(read_home(hanoi.page("index.html")))
    assert obs.outcome == "pass" and obs.evidence["label"] == "Liên kết website" and obs.evidence["sites"] >= 5
    assert emc.check(read_home(hanoi.page("index.html"))).outcome == "fail"
    assert mobile.check(read_home(hanoi.page("index.html"))).evidence["reason"] == "no_viewport"


# --- HTTPS (the certificate check's result in, a verdict out) --------------------
def _https_page(status="live", http_status=200):
    return Page(url="https://x.gov.vn/", final_url="https://x.gov.vn/", http_status=http_status, status=status)


@pytest.mark.parametrize("tls, page_status, outcome, reason", [
    ({"connect": True, "handshake": True, "verified": True, "days_to_expiry": 80}, "live", "pass", None),
    ({"connect": True, "handshake": True, "verified": False, "error": "certificate has expired"}, "live", "fail",
     "certificate_invalid"),
    ({"connect": False, "error": "refused"}, "connection_error", "fail", "no_https"),
    ({"connect": True, "handshake": False, "error": "wrong version number"}, "tls_error", "fail", "no_https"),
    ({"connect": False, "timeout": True}, "timeout", "inconclusive", "unreadable:timeout"),
    (None, "live", "inconclusive", "certificate_not_checked"),
])
def test_https(tls, page_status, outcome, reason):
    obs = https.judge(_https_page(page_status, None if page_status != "live" else 200), tls)
    assert obs.outcome == outcome and obs.evidence.get("reason") == reason


def test_not_measured():
    obs = not_measured("accessibility")
    assert obs.outcome == "inconclusive" and obs.evidence["reason"] == "not_measured" and obs.legal_ref


def test_rss_feed_pages_are_followed_one_level_only():
    """A site whose every page lists new "feed" addresses (`…/rss?muc=1`, then `…?muc=1&muc=2`…)
    must not keep the RSS chain fetching forever: feeds listed on a listed feed are not added."""
    from checks.function_chains import LinkChain

    def endless(url: str) -> Page:
        links = "".join(f'<a href="{url}{"&" if "?" in url else "?"}muc={i}">RSS {i}</a>' for i in range(5))
        return Page(url=url, final_url=url, http_status=200, text=f"<html><body>{links}</body></html>",
                    headers={"content-type": "text/html"})

    chain = LinkChain("rss", [Found(BASE + "rss", "RSS", "text")], None)
    fetched = []
    while (fetch := chain.next_fetch()) is not None and len(fetched) < 100:
        fetched.append(fetch.url)
        chain.feed(endless(fetch.url))
    assert len(fetched) == 3  # the RSS page, then the two feeds it lists first (max_feed_links), no deeper
    assert chain.observations()[0].outcome == "fail"
