"""English: organisation, functions and contacts in English (NĐ 42/2022/NĐ-CP Điều 7.2).

The English link is found by hreflang, label ("English", "Tiếng Anh", "EN"), slug,
host (`en.`, `e-services.`) or flag image, then followed: the page must be live
and read as English (common English words present, Vietnamese accented letters
rare), so a language switch that reloads the Vietnamese homepage does not pass.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from checks.functions import Found, config, find_links, observation, page_verdict
from checks.lexicon import load_lexicon
from checks.model import Observation, Page
from checks.page_content import SiteTemplate, own_content
from checks.sections import HomeDoc, clean_url, parse_html

KEY = "english"
_VI_LETTERS = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)


def candidates(home: HomeDoc) -> list[Found]:
    out: list[Found] = []
    for el in home.soup.find_all(["link", "a"], href=True):
        lang = (el.get("hreflang") or (el.get("lang") if el.name == "a" else "") or "").lower()
        if lang.startswith("en"):
            href = clean_url(urljoin(home.base_url, el["href"]))
            if href not in {f.href for f in out}:
                out.append(Found(href, f"hreflang={lang}", "hreflang"))
    known = {f.href for f in out}
    home_url = clean_url(home.page.final_url)
    return [f for f in out + [f for f in find_links(home, KEY) if f.href not in known] if f.href != home_url]


def english_share(soup: BeautifulSoup, template: SiteTemplate | None = None) -> tuple[float, float]:
    """(share of common English words among words, share of Vietnamese letters among letters)
    in the page's own text: portals keep their Vietnamese menus and footer around the
    English content, so the text the homepage also shows is left out."""
    text = " ".join(own_content(soup, template, load_lexicon()))
    words = re.findall(r"[^\W\d_]+", text.lower())
    letters = sum(len(w) for w in words)
    if not words or not letters:
        return 0.0, 0.0
    common = set(config(KEY)["english_words"])
    english = sum(1 for w in words if w in common) / len(words)
    vietnamese = len(_VI_LETTERS.findall(text)) / letters
    return round(english, 3), round(vietnamese, 3)


def judge(page: Page, found: Found, template: SiteTemplate | None = None) -> tuple[bool | None, Observation]:
    ev = {**found.evidence(), "url": page.final_url, "target_status": page.status, "http_status": page.http_status}
    ok, reason = page_verdict(page)
    if ok is False:
        return False, observation(KEY, "fail", reason=reason, **ev)
    if ok is None:
        return None, observation(KEY, "inconclusive", reason=f"unreadable:{reason}", **ev)
    cfg = config(KEY)
    english, vietnamese = english_share(parse_html(page.text), template)
    ev.update(english_share=english, vietnamese_share=vietnamese)
    if english >= cfg["min_english_share"] and vietnamese <= cfg["max_vietnamese_share"]:
        return True, observation(KEY, "pass", **ev)
    return False, observation(KEY, "fail", reason="target_not_english", **ev)


def missing() -> Observation:
    return observation(KEY, "fail", reason="no_link")
