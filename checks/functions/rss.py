"""RSS: a feed that parses (NĐ 43/2011 Điều 15, wording unverified).

A link called RSS is not enough: the feed is fetched and parsed with lxml, and
must hold at least one item (RSS 2.0 `item`, Atom `entry`, RSS 1.0 `item`).
Vietnamese portals often link an HTML page listing one feed per category: its
feed links are followed one level down.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from checks.functions import Found, config, find_links, observation, page_verdict
from checks.model import Observation, Page
from checks.sections import HomeDoc, clean_url, parse_html
from checks.text import normalise

KEY = "rss"


def candidates(home: HomeDoc) -> list[Found]:
    """Declared feeds (<link rel="alternate" type="application/rss+xml">) first, then links."""
    out: list[Found] = []
    types = set(config(KEY)["link_types"])
    for link in home.soup.find_all("link", href=True):
        if (link.get("type") or "").lower() in types:
            out.append(Found(clean_url(urljoin(home.base_url, link["href"])), link.get("title") or link["type"], "link_rel"))
    known = {f.href for f in out}
    return out + [f for f in find_links(home, KEY) if f.href not in known]


def parse_feed(text: str) -> tuple[str, int, str] | None:
    """(kind, items, title) of a feed, or None if the text is not one."""
    # The text is already decoded: drop the declaration so its encoding is not applied twice.
    text = re.sub(r"^<\?xml[^>]*\?>", "", (text or "").lstrip("\ufeff \r\n\t"))
    raw = text.lstrip().encode("utf-8")
    if not raw.startswith(b"<"):
        return None
    try:
        root = etree.fromstring(raw, parser=etree.XMLParser(recover=False, resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return None
    tag = etree.QName(root).localname.lower()
    if tag not in ("rss", "feed", "rdf"):
        return None
    items = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname in ("item", "entry")]
    title = next((el.text or "" for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "title"), "")
    return tag, len(items), normalise(title)


def feed_links(page: Page) -> list[str]:
    """Feed links on an HTML page that lists the portal's feeds."""
    soup = parse_html(page.text)
    slugs = [re.compile(p) for p in config(KEY)["slug_patterns"]]
    out = []
    for a in soup.find_all("a", href=True):
        href = clean_url(urljoin(page.final_url, a["href"]))
        if href != clean_url(page.final_url) and (href.lower().endswith(".xml") or any(p.search(href.lower()) for p in slugs)):
            if href not in out:
                out.append(href)
    return out[: config(KEY)["max_feed_links"]]


def judge(page: Page, found: Found) -> tuple[bool | None, Observation, list[str]]:
    """(ok, observation, feed links to follow when the page is an HTML list of feeds)."""
    ev = {**found.evidence(), "url": page.final_url, "target_status": page.status, "http_status": page.http_status}
    ok, reason = page_verdict(page)
    if ok is False:
        return False, observation(KEY, "fail", reason=reason, **ev), []
    if ok is None:
        return None, observation(KEY, "inconclusive", reason=f"unreadable:{reason}", **ev), []
    feed = parse_feed(page.text)
    if feed is None:
        return False, observation(KEY, "fail", reason="not_a_feed", **ev), feed_links(page)
    kind, items, title = feed
    if items == 0:
        return False, observation(KEY, "fail", reason="empty_feed", feed_kind=kind, **ev), []
    return True, observation(KEY, "pass", feed_kind=kind, items=items, snippet=title, **ev), []


def missing() -> Observation:
    return observation(KEY, "fail", reason="no_link")
