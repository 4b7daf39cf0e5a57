"""Site map: a "Sơ đồ cổng" page that lists the portal's sections (NĐ 43/2011 Điều 15,
wording unverified). The page must be live and list at least `min_links` links
of its own (the Hà Nội site map lists the whole menu tree). `sitemap.xml` is
for search engines and is reported under reachability, not here.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from checks.functions import Found, config, find_links, observation, page_verdict
from checks.lexicon import load_lexicon
from checks.model import Observation, Page
from checks.sections import HomeDoc, parse_html

KEY = "site_map"


def candidates(home: HomeDoc) -> list[Found]:
    return find_links(home, KEY, onsite_only=True)


def content_links(soup: BeautifulSoup) -> int:
    """Links outside the page's menus, header and footer."""
    chrome = re.compile(load_lexicon().settings["chrome_container_pattern"], re.I)
    count = 0
    for a in soup.find_all("a", href=True):
        if a["href"].strip().lower().startswith(("#", "javascript:", "mailto:")):
            continue
        if any(p.name in ("nav", "footer") or chrome.search(" ".join(p.get("class") or []) + " " + str(p.get("id") or ""))
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
    links = content_links(soup if soup is not None else parse_html(page.text))
    if links < config(KEY)["min_links"]:
        return False, observation(KEY, "fail", reason="target_empty", links=links, **ev)
    return True, observation(KEY, "pass", links=links, **ev)


def missing() -> Observation:
    return observation(KEY, "fail", reason="no_link")
