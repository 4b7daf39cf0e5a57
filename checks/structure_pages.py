"""Which pages of a parent's portal list its units (docs/discover.md).

Beyond the homepage's link boxes and footer, a portal lists its units on a few
pages: "Cơ cấu tổ chức", "Đơn vị trực thuộc", "Sở, ban, ngành", "UBND cấp xã",
a "Liên kết website" page, a directory ("Danh bạ"). This module ranks a page's
links to such pages on the same site (by link text, title and URL words, as
checks/data/child_units.yaml `structure_pages` lists them); the spider follows
only the first few. Pure: HTML in, addresses out.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import yaml

from checks.link_groups import links_on_page
from checks.sites import host_key
from checks.text import fold, url_words

_DATA = Path(__file__).with_name("data") / "child_units.yaml"


@lru_cache(maxsize=1)
def _rules() -> tuple[list[tuple[int, tuple[str, ...]]], int]:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    rules = [(r["priority"], tuple(fold(p) for p in r["phrases"])) for r in data["structure_pages"]]
    return rules, data["structure_max_words"]


def _priority(text: str, max_words: int) -> int | None:
    rules, _ = _rules()
    if not text or len(text.split()) > max_words:
        return None
    found = [priority for priority, phrases in rules
             if any(re.search(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])", text) for p in phrases)]
    return min(found) if found else None


def structure_links(html: str, page_url: str, site_urls: tuple[str, ...] = ()) -> list[str]:
    """Links to pages that list units, on the page's own site (or `site_urls`' hosts), best first."""
    _, max_words = _rules()
    hosts = {host_key(page_url)} | {host_key(u) for u in site_urls}
    here = urldefrag(page_url)[0]
    best: dict[str, tuple[int, int]] = {}
    for order, link in enumerate(links_on_page(html, page_url)):
        url = urldefrag(link.url)[0]
        if host_key(url) not in hosts or url == here or link.area == "select":
            continue
        if urlsplit(url).path.lower().endswith((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".png", ".zip")):
            continue
        scores = [p for p in (_priority(fold(link.name), max_words), _priority(url_words(url), max_words))
                  if p is not None]
        if scores:
            rank = (min(scores), order)
            if url not in best or rank < best[url]:
                best[url] = rank
    return sorted(best, key=lambda url: best[url])
