"""Print: print and save for every article (NĐ 42/2022/NĐ-CP Điều 7.1).

Judged on real articles: up to `max_articles` article links of the homepage are
opened and each is searched for a print control (a label such as "In bài",
"In trang", "Print", or window.print / a print URL in onclick, href, class, id,
title or image name). An article that cannot be opened says nothing about
printing: if none can be opened the verdict is inconclusive.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from checks.functions import config, observation, page_verdict
from checks.model import Observation, Page
from checks.sections import HomeDoc, parse_html
from checks.text import fold, normalise

KEY = "print"
_ATTRS = ("onclick", "href", "class", "id", "title", "alt", "src", "data-action", "aria-label")


def articles(home: HomeDoc) -> list[str]:
    """Article links of the homepage (the portal's own), in page order; not the menus'
    (a Drupal menu item is /node/12, a SharePoint one ?ItemID=7: pages, not articles)."""
    out = []
    for link in home.links:
        if (link.is_article and link.href and not link.offsite and link.href not in out
                and link.context not in ("menu", "footer")):
            out.append(link.href)
    return out[: config(KEY)["max_articles"]]


def find_control(soup: BeautifulSoup) -> tuple[str, str] | None:
    """(how, what) of the first print control on a page."""
    cfg = config(KEY)
    labels = {fold(label) for label in cfg["labels"]}
    patterns = [re.compile(p, re.I) for p in cfg["attr_patterns"]]
    exclude = re.compile("|".join(cfg["exclude_patterns"]), re.I)
    for el in soup.find_all(["a", "button", "span", "img", "i", "input", "div", "li"]):
        text = el.get_text(" ", strip=True) if el.name != "input" else el.get("value", "")
        if text and len(text) <= 30 and fold(text) in labels and el.name in ("a", "button", "span", "li", "input"):
            return "text", normalise(text)
        for attr in _ATTRS:
            value = el.get(attr)
            value = " ".join(value) if isinstance(value, list) else (value or "")
            value = exclude.sub(" ", value)
            if value and any(p.search(value) for p in patterns):
                return attr, value[:120]
    return None


def judge(page: Page) -> tuple[bool | None, Observation]:
    ev = {"url": page.final_url, "href": page.url, "target_status": page.status, "http_status": page.http_status}
    ok, reason = page_verdict(page)
    if ok is not True:
        # A dead or unreadable article is not the print function's fault.
        return None, observation(KEY, "inconclusive", reason=f"article_unreadable:{reason}", **ev)
    control = find_control(parse_html(page.text))
    if control is None:
        return False, observation(KEY, "fail", reason="no_print_control", **ev)
    how, what = control
    return True, observation(KEY, "pass", matched_by=how, label=what, **ev)


def no_article() -> Observation:
    return observation(KEY, "inconclusive", reason="no_article_found")
