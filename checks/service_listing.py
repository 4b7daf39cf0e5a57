"""Every service a service portal lists, and the per-target figures over them
(docs/services.md).

Legal basis: Decree 42/2022/NĐ-CP Art. 11 (toàn trình / một phần) and Decree
43/2011/NĐ-CP Art. 3 (levels 1-4): what share of a target's procedures is
offered online, and whether each online service answers.

The parsers live beside this module, one per way a list is built:
- `service_listing_html`: server-rendered tables and link lists with page links
  (numbered, Liferay `cur`, path `/page-2/`, "Xem thêm" data URLs), and the AJAX
  fragments of Liferay portlets;
- `service_listing_js`: lists a script grows ("Tải thêm", infinite scroll), HTML
  or JSON answers;
- `service_listing_postback`: ASP.NET pagers posted back with their view state;
- `service_listing_api`: single-page apps over a JSON API (the national portal).
This module holds what they share: the listed service, the request for a list
page, the SPA-shell test, and what a list says about itself (the count it
announces, the words with which it says it is empty). Figures and verdicts are
in `service_figures`. Pure: no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html

from checks.fetch_status import visible_text
from checks.service_level import UNKNOWN, Level, vocabulary
from checks.text import fold, normalise

LEGAL_REF = "Decree 42/2022 Art. 11; Decree 43/2011 Art. 3"
ONLINE = ("toan_trinh", "mot_phan")
KNOWN = ("toan_trinh", "mot_phan", "khong_truc_tuyen")


@dataclass(slots=True)  # a sweep holds one per listed service: tens of thousands
class ListedService:
    """A service as a list shows it, before its own page is fetched."""

    url: str
    code: str | None = None
    name: str | None = None
    level: Level = UNKNOWN
    list_url: str | None = None          # the list page or API call it came from
    api_id: str | None = None            # the JSON API's id, to ask for its record
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListRequest:
    """One page of a list to ask for: a link, an AJAX fragment, a form posted
    back (ASP.NET). `key` says which page it is, so each is asked for once."""

    url: str
    method: str = "GET"
    body: str | None = None
    content_type: str | None = None
    key: str = ""

    @classmethod
    def get(cls, url: str) -> ListRequest:
        return cls(url, key=canonical_url(url))


def canonical_url(url: str) -> str:
    """A URL with its query sorted and no fragment: `?a=1&b=2` and `?b=2&a=1` are one page."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit(parts._replace(query=query, fragment=""))


def is_spa_shell(html: str) -> bool:
    """An empty single-page-app shell: `<div id="root"></div>` and almost no text.

    Such a page means "needs rendering or the API", never "no services"
    (real example: dichvucong.gov.vn in 2026).
    """
    if not html:
        return False
    api = vocabulary()["api"]
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return False
    roots = [el for rid in api["shell_root_ids"] for el in doc.xpath(f'//*[@id="{rid}"]')]
    if not roots or any(len(el) or (el.text or "").strip() for el in roots):
        return False
    body = doc.find("body")
    text = visible_text(lxml.html.tostring(body, encoding="unicode")) if body is not None else ""
    has_script = bool(doc.xpath("//script[@src]"))
    return has_script and len(text) <= api["shell_max_text_chars"]


def script_sources(html: str, base_url: str) -> list[str]:
    """The JS bundles a shell loads (`/assets/index-*.js`), to scan for API paths."""
    from urllib.parse import urljoin
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    return [urljoin(base_url, s) for s in doc.xpath("//script/@src") if s.strip()]


# --- what a list says about itself ---------------------------------------------

def _plain_char(c: str) -> str:
    decomposed = unicodedata.normalize("NFD", c.lower().replace("đ", "d"))
    base = "".join(x for x in decomposed if not unicodedata.combining(x))
    return base if len(base) == 1 else c.lower()[:1] or c


def plain(text: str | None) -> str:
    """Lower case without diacritics, punctuation kept, one character for one
    ("Tổng số: 1.234" -> "tong so: 1.234"): counts are written with separators
    that fold() drops, and a match maps back onto the text as written."""
    return "".join(_plain_char(c) for c in normalise(text))


def announced_total(text: str | None) -> tuple[int, str] | None:
    """The count a list announces ("Tổng số: 1.234 thủ tục") and the phrase as written, or None."""
    written = normalise(text)
    flat = plain(written)
    for pattern in vocabulary()["listing"]["announced_patterns"]:
        match = re.search(pattern, flat)
        if match:
            return int(re.sub(r"[.,]", "", match.group(1))), written[match.start():match.end()]
    return None


_DROPPED = ("nav", "header", "footer", "aside", "script", "style", "noscript")


def _has_list_context(el, markers: list[str]) -> bool | None:
    """True when `el` is a list of procedures by its class or id, or by the
    text around the marker; False when it holds other text that is not a list
    (a side box's "Không có dữ liệu"); None when it holds the marker only."""
    voc = vocabulary()["listing"]
    if any(len(" ".join(a.itertext()).strip()) >= voc["min_name_chars"] for a in el.iter("a")):
        return False          # it lists something: a "no data" beside it is about something else
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if any(tok in names for tok in voc["list_context_tokens"]):
        return True
    rest = fold(" ".join(el.itertext()))
    for marker in markers:
        rest = rest.replace(marker, " ")
    if len(rest.split()) < 3:
        return None
    return any(f" {w} " in f" {rest} " for w in voc["list_context_words"])


def empty_list_marker(html: str | None, fragment: bool = False) -> str | None:
    """The words with which a list says it holds nothing ("Không có dữ liệu",
    "Tổng số: 0 thủ tục"), when they are said where a list is; else None.

    `fragment`: the page is an AJAX fragment of a list, so the list is all of it.
    """
    if not html or not html.strip():
        return None
    announced = announced_total(visible_text(html, 20000))
    if announced and announced[0] == 0:
        return announced[1]
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for el in doc.xpath("|".join(f"//{tag}" for tag in _DROPPED)):
        if el.getparent() is not None:
            el.drop_tree()
    markers = vocabulary()["listing"]["empty_markers"]
    text = fold(" ".join(doc.itertext()))
    said = [m for m in markers if f" {m} " in f" {text} "]
    if not said:
        return None
    if fragment and len(text.split()) <= 60:
        return said[0]
    def says(node) -> bool:
        text = fold(" ".join(node.itertext()))
        return bool(text) and any(f" {m} " in f" {text} " for m in said)
    for el in doc.iter():
        # the smallest element that says it: none of its children does
        if not isinstance(el.tag, str) or not says(el) or \
                any(says(child) for child in el if isinstance(child.tag, str)):
            continue
        if len(fold(" ".join(el.itertext())).split()) > 15:
            continue
        for anc in [el, *el.iterancestors()][:8]:
            verdict = _has_list_context(anc, said)
            if verdict is not None:
                if verdict:
                    return " ".join(el.itertext()).strip()[:120]
                break
    return None


# Figures and verdicts over judged services live in checks.service_figures; kept
# importable from here for the callers that know them by this module.
from checks.service_figures import dead_examples, figures, observations  # noqa: E402

__all__ = ["ListedService", "ListRequest", "canonical_url", "is_spa_shell", "script_sources", "plain",
           "announced_total", "empty_list_marker", "figures", "observations", "dead_examples"]
