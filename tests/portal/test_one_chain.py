"""One implementation (issue #13): the chains the spider drives are the chains offline runs drive.

The same loopback portals the spider crawled (conftest `farm_crawl`) are judged again by
checks.portal_judge.judge_offline, with pages fetched here over real HTTP (urllib) and
classified by the same checks.fetch_status; every section, content and function verdict
must be the spider's. (jsmenu needs a browser and is left out; HTTPS is the spider's own.)
"""
from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from checks.fetch_status import NotFoundFingerprint, classify_response
from checks.lexicon import load_hints
from checks.model import Page
from checks.portal_judge import judge_offline
from crawler.netsafety.addresses import is_private_address

SITES = ("hanoi", "mau", "moi", "soft404", "drupal", "sharepoint", "liferay7", "aspnet")


def get(url: str, method: str = "GET", body: str | None = None, fingerprint=None) -> Page:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if method == "POST" else {}
    request = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, final, data, kind = answer.status, answer.geturl(), answer.read(), answer.headers.get("content-type")
    except urllib.error.HTTPError as error:
        status, final, data, kind = error.code, url, error.read(), error.headers.get("content-type")
    text = data.decode("utf-8", "replace") if "html" in (kind or "") or "xml" in (kind or "") else ""
    return Page(url=url, final_url=final, http_status=status, text=text, headers={"content-type": kind or ""},
                status=classify_response(status, text, fingerprint))


def offline(site_url: str, hints: dict) -> dict[tuple[str, str], str]:
    home = get(site_url)
    random = get(site_url + "portalcheck-0123456789ab-khong-ton-tai.html")
    fingerprint = NotFoundFingerprint.from_page(random.http_status, random.text, home.text)
    observations = judge_offline(
        home, lambda want: get(want.url, want.method, want.body, fingerprint), random_page=random, hints=hints,
        may_follow=lambda url: is_private_address(urlsplit(url).hostname or ""))
    return {(o.category, o.key): o.outcome for o in observations}


@pytest.mark.parametrize("site", SITES)
def test_offline_chains_give_the_spiders_verdicts(farm_crawl, site, tmp_path):
    import pc_farm

    pc_farm.write_hints(tmp_path / "hints.yaml")
    hints = load_hints(tmp_path / "hints.yaml").get(site, {})
    mine = offline(farm_crawl.urls[site], hints)
    spider = {(c, k): row["outcome"] for (t, c, k), row in farm_crawl.obs.items()
              if t == site and c in ("section", "function", "content") and k != "https"}
    assert mine.keys() - {("function", "https")} == spider.keys()
    differ = {key: (spider[key], mine[key]) for key in spider if spider[key] != mine[key]}
    assert not differ, differ
