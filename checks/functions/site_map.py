"""Site map: a "Sơ đồ cổng" page that lists the portal's sections (NĐ 43/2011 Điều 15,
wording unverified).

The function is a page or a link labelled "Sơ đồ cổng / Sơ đồ trang / Sơ đồ website / Site
map" (labels in checks/data/functions.yaml, matched as whole words in a short link text,
title or alt). The page must be live and list at least `min_links` links outside its
header, footer and `<nav>` (a site map is often a tree of menus, so lists named "menu"
count); a page that lists nothing is not a site map ("Trang đang được xây dựng"), and one
whose tree is drawn by scripts is rendered first. `sitemap.xml` is for search engines: it
is reported under reachability, never as this function.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from checks.functions import Found, config, find_links, observation, page_verdict
from checks.model import Observation, Page
from checks.sections import HomeDoc, parse_html

KEY = "site_map"


def candidates(home: HomeDoc) -> list[Found]:
    return [f for f in find_links(home, KEY, onsite_only=True) if not re.search(r"\.xml(\.gz)?$", f.href.lower())]


def content_links(soup: BeautifulSoup) -> int:
    """Links outside the page's header, footer and `<nav>` (the site's own chrome)."""
    chrome = re.compile(config(KEY)["chrome_pattern"], re.I)
    count = 0
    for a in soup.find_all("a", href=True):
        if a["href"].strip().lower().startswith(("#", "javascript:", "mailto:")):
            continue
        if any(p.name in ("nav", "footer", "header") or chrome.search(" ".join(p.get("class") or []) + " " + str(p.get("id") or ""))
               for p in a.parents if p.name not in ("body", "html", "[document]")):
            continue
        count += 1
    return count


def judge(page: Page, found: Found, soup: BeautifulSoup | None = None) -> tuple[bool | None, Observation]:
    """(ok, observation) for one candidate: ok None = unreadable, False = not a site map."""
    ev = {**found.evidence(), "url": page.final_url, "target_status": page.status,
          "http_status": page.http_status}
    ok, reason = page_verdict(page)
    if ok is False:
        return False, observation(KEY, "fail", reason=reason, **ev)
    if ok is None:
        return None, observation(KEY, "inconclusive", reason=f"unreadable:{reason}", **ev)
    soup = soup if soup is not None else parse_html(page.text)
    links = content_links(soup)
    if links < config(KEY)["min_links"]:
        if not page.rendered and soup.find("script") is not None:
            # A tree drawn by scripts: the spider renders the page and asks again.
            return None, observation(KEY, "inconclusive", reason="needs_rendering", links=links, **ev)
        return False, observation(KEY, "fail", reason="target_empty", links=links, **ev)
    return True, observation(KEY, "pass", links=links, **ev)


def missing() -> Observation:
    return observation(KEY, "fail", reason="no_link")
