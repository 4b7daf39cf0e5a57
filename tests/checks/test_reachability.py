"""Reachability judgements (pure): pages and the certificate check in, observations out."""
from __future__ import annotations

import pytest

from checks import reachability as reach
from checks.fetch_status import NotFoundFingerprint
from checks.model import Page


def pg(url, status="live", http=200, final=None, text="", headers=None, chain=None):
    return Page(url=url, final_url=final or url, http_status=http, status=status, text=text,
                headers=headers or {}, redirect_chain=chain or [])


def test_variant_urls():
    assert reach.variant_urls("https://www.sotttt.hanoi.gov.vn/trang-chu") == {
        "http": "http://sotttt.hanoi.gov.vn/", "https": "https://sotttt.hanoi.gov.vn/",
        "http_www": "http://www.sotttt.hanoi.gov.vn/", "https_www": "https://www.sotttt.hanoi.gov.vn/"}
    assert reach.variant_urls("http://127.0.0.1:8123/") == {
        "http": "http://127.0.0.1:8123/", "https": "https://127.0.0.1:8123/"}


@pytest.mark.parametrize("status, outcome", [("live", "pass"), ("connection_error", "fail"), ("dns_error", "fail"),
                                             ("not_found", "fail"), ("blocked", "inconclusive"),
                                             ("timeout", "inconclusive"), ("error", "inconclusive")])
def test_portal(status, outcome):
    assert reach.judge_portal(pg("http://a/", status, None if status != "live" else 200)).outcome == outcome


def test_http_to_https_and_hsts():
    redirected = pg("http://a/", final="https://a/", chain=["http://a/"])
    assert reach.judge_http_to_https(redirected, None).outcome == "pass"
    assert reach.judge_http_to_https(pg("http://a/"), None).evidence["reason"] == "no_redirect_to_https"
    hsts = pg("https://a/", headers={"strict-transport-security": "max-age=31536000; includeSubDomains"})
    assert reach.judge_hsts(hsts).outcome == "pass"
    assert reach.judge_hsts(pg("https://a/")).outcome == "fail"
    assert reach.judge_hsts(pg("https://a/", "blocked", 403)).outcome == "inconclusive"
    assert reach.judge_hsts(pg("https://a/", "tls_error", None)).evidence["reason"] == "no_https"


def test_tls_certificate():
    good = {"connect": True, "handshake": True, "verified": True, "not_after": "Jun  1 12:00:00 2099 GMT",
            "days_to_expiry": reach.certificate_days("Jun  1 12:00:00 2099 GMT")}
    assert reach.judge_tls(good, None).outcome == "pass" and good["days_to_expiry"] > 20000
    bad = {"connect": True, "handshake": True, "verified": False, "error": "self-signed certificate"}
    assert reach.judge_tls(bad, None).evidence["reason"] == "certificate_invalid"
    assert reach.judge_tls({"connect": False, "timeout": True}, None).outcome == "inconclusive"
    assert reach.certificate_days("20300601120000Z") == reach.certificate_days("Jun  1 12:00:00 2030 GMT")


def test_not_found_handling_and_soft_404():
    real = pg("http://a/x", "not_found", 404)
    assert reach.judge_not_found(real, NotFoundFingerprint.from_page(404, "")).outcome == "pass"
    soft = pg("http://a/x", "live", 200, text="<title>Cổng</title><p>Trang chủ</p>")
    fingerprint = NotFoundFingerprint.from_page(200, soft.text)
    assert fingerprint.is_soft
    assert reach.judge_not_found(soft, fingerprint).evidence["reason"] == "soft_404"


def test_robots_and_sitemap():
    robots = pg("http://a/robots.txt", text="User-agent: *\nDisallow: /admin\nSitemap: http://a/sitemap.xml\n")
    assert reach.judge_robots(robots).evidence["sitemaps"] == ["http://a/sitemap.xml"]
    assert reach.judge_robots(pg("http://a/robots.txt", "not_found", 404)).outcome == "fail"
    assert reach.judge_robots(pg("http://a/robots.txt", "connection_error", None)).outcome == "inconclusive"
    xml = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a</loc></url></urlset>'
    assert reach.judge_sitemap_xml(pg("http://a/sitemap.xml", text=xml)).evidence["entries"] == 1
    assert reach.judge_sitemap_xml(pg("http://a/sitemap.xml", text="<html>trang chủ</html>")).outcome == "fail"


def test_variants():
    pages = {"http": pg("http://a/"), "https": pg("https://a/", "tls_error", None),
             "http_www": pg("http://www.a/", "dns_error", None), "https_www": pg("https://www.a/", "server_error", 502)}
    obs = reach.judge_variants(pages)
    assert obs.outcome == "fail" and obs.evidence["broken"] == ["https_www"]
    del pages["https_www"]
    assert reach.judge_variants(pages).outcome == "pass"       # a missing www is absent, not broken
    blocked = {"http": pg("http://a/", "blocked", 403)}
    assert reach.judge_variants(blocked).outcome == "inconclusive"


def test_when_the_homepage_is_unreadable_only_portal_and_variants_are_judged():
    robots = reach.judge_robots(pg("http://a/robots.txt", "not_found", 404))
    assert reach.unjudged(robots, "blocked").outcome == "inconclusive"
    portal = reach.judge_portal(pg("http://a/", "connection_error", None))
    assert reach.unjudged(portal, "connection_error").outcome == "fail"
