"""The links a page shows, each with the labels of the group it sits in.

A parent's portal links its units in a few recurring shapes, whatever the CMS:
- "Liên kết website" select boxes: options grouped by `<optgroup label=…>`, or
  by header options that carry no address ("1. Trung ương", then "- Trang
  Chính phủ"; Liferay weblink portlets), or one select per group whose first
  option names it ("Website Tỉnh, Thành phố"); the address is the option's
  `value` or a `data-url`;
- footer columns and sidebar boxes: a heading ("Sở, ban, ngành") over a list;
- structure pages and directories: lists under headings, and tables whose row
  holds the unit's name in one cell and its address in another (the link text
  is then the bare address or "Website").

This module only reads: for every link it returns the name as the page writes
it (NFC, list marks trimmed), the absolute address, and the labels above it,
innermost first. Which links are child units is checks/child_units.py's
business. Pure: HTML in, data out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from checks.text import fold, normalise

MAX_LINKS = 5000          # a page with more is a trap; the first ones are read
MAX_LABEL_WORDS = 12      # a longer text above a list is prose, not a group label
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "legend", "caption", "dt", "th",
                           "strong", "b", "label"})
_HEADING_CLASS = re.compile(r"title|heading|header|caption|tieu-?de|ten-?nhom|group-?name|label", re.I)
_FOOTER = re.compile(r"footer|chan-?trang|bottom", re.I)
_NAV = re.compile(r"\bnav|menu", re.I)
_MARKS = re.compile(r"^(?:[\s\-–—+•·*»›>|:.]+|\d{1,3}[.)]\s+)+|[\s»›>|:]+$")
_URL_TEXT = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)+/?$", re.I)
_URL_ATTRS = ("value", "data-url", "data-href", "data-link", "data-value")


@dataclass(frozen=True, slots=True)
class LinkSeen:
    name: str                  # as the page writes it
    url: str                   # absolute http(s) address
    area: str                  # select | footer | nav | page
    labels: tuple[str, ...]    # group labels above the link, innermost first
    page_url: str
    name_from_row: bool = False  # the link text was an address or "Website": the name came from its row


def clean_name(text: str | None) -> str:
    """A name as written, without list marks, numbering or arrows around it."""
    return _MARKS.sub("", normalise(text)).strip()


def _absolute(href: str | None, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _option_url(value: str | None, base: str) -> str | None:
    """An option's address: absolute, protocol-relative, a path, or `www.…`;
    never a bare number (Liferay weblink options carry ids in `value`)."""
    value = (value or "").strip()
    if value.lower().startswith("www."):
        value = "http://" + value
    if not re.match(r"^(?:https?:)?//|^/", value, re.I):
        return None
    return _absolute(value, base)


def _text(el) -> str:
    return normalise(" ".join(el.itertext()))


def _is_heading(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if el.tag not in _HEADING_TAGS and not _HEADING_CLASS.search(names):
        return False
    if el.tag == "th" and len([c for c in el.getparent() if isinstance(c.tag, str)]) > 1:
        return False  # a column header ("STT", "Website"), not a group's title
    text = _text(el)
    if not text or len(text.split()) > MAX_LABEL_WORDS:
        return False
    # A heading may itself be a link ("<h3><a>Sở, ban, ngành</a></h3>"); a box of links is not one.
    return len([a for a in el.iter("a") if a.get("href")]) <= 1


def _own_label(node) -> str | None:
    """A heading just before `node` (up to three siblings back) or its own first child."""
    first = next((c for c in node if isinstance(c.tag, str)), None)
    if first is not None and _is_heading(first) and first.find(".//select") is None:
        return clean_name(_text(first))
    sibling, steps = node.getprevious(), 0
    while sibling is not None and steps < 3:
        if isinstance(sibling.tag, str):
            if _is_heading(sibling):
                return clean_name(_text(sibling))
            inner = next((d for d in sibling.iter() if d is not sibling and _is_heading(d)), None)
            if inner is not None and len(_text(sibling).split()) <= MAX_LABEL_WORDS:
                return clean_name(_text(inner))
            steps += 1
        sibling = sibling.getprevious()
    return None


class _Context:
    """Labels and area of every ancestor, computed once per element."""

    def __init__(self, tabs: dict[str, str] | None = None) -> None:
        self.labels: dict = {}
        self.areas: dict = {}
        self.tabs = tabs or {}

    def labels_of(self, node, depth: int = 0) -> tuple[str, ...]:
        if node is None or depth > 12 or node.tag in ("body", "html"):
            return ()
        if node in self.labels:
            return self.labels[node]
        own = self.tabs.get(node.get("id") or "") or _own_label(node)
        above = self.labels_of(node.getparent(), depth + 1)
        labels = ((own,) + above if own and own not in above else above)[:2]
        self.labels[node] = labels
        return labels

    def area_of(self, node) -> str:
        if node is None or node.tag in ("body", "html"):
            return "page"
        if node in self.areas:
            return self.areas[node]
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if node.tag == "footer" or _FOOTER.search(names):
            area = "footer"
        elif node.tag == "nav" or _NAV.search(names):
            area = "nav"
        else:
            area = self.area_of(node.getparent())
        self.areas[node] = area
        return area


_TAB_ATTRS = ("data-tab", "data-target", "data-bs-target", "aria-controls", "href")


def _tab_labels(doc) -> dict[str, str]:
    """Tabbed boxes: the tab's text for the id of the pane it opens
    (`<button data-tab="so-nganh">Sở, ban, ngành</button>` … `<div id="so-nganh">`)."""
    tabs: dict[str, str] = {}
    for el in doc.iter("a", "button", "li", "span", "div"):
        for attr in _TAB_ATTRS:
            value = (el.get(attr) or "").strip()
            if attr == "href" and not value.startswith("#"):
                continue
            pane = value.lstrip("#")
            text = clean_name(_text(el))
            if pane and text and len(text.split()) <= MAX_LABEL_WORDS and pane not in tabs:
                tabs[pane] = text
    return tabs


def _row_name(a, generic: set[str]) -> str:
    """The unit's name around a link whose text is an address or "Website"."""
    for el in a.iterancestors():
        if el.tag in ("td", "th"):
            row = el.getparent()
            for cell in row if row is not None else ():
                if cell is el or not isinstance(cell.tag, str):
                    continue
                text = clean_name(_text(cell))
                if text and not text.isdigit() and not _URL_TEXT.match(text) and fold(text) not in generic:
                    return text
            return ""
        if el.tag == "dd":
            dt = el.getprevious()
            return clean_name(_text(dt)) if dt is not None and dt.tag == "dt" else ""
        if el.tag == "li":
            rest = _text(el).replace(_text(a), " ")
            return clean_name(rest)
        if el.tag in ("ul", "ol", "table", "div", "section", "body"):
            return ""
    return ""


def _anchor_name(a) -> str:
    text = clean_name(_text(a))
    if text:
        return text
    for img in a.iter("img"):
        alt = clean_name(img.get("alt") or img.get("title"))
        if alt:
            return alt
    return clean_name(a.get("title"))


def _select_links(select, base: str, ctx: _Context) -> list[LinkSeen]:
    outer = ctx.labels_of(select.getparent())
    links: list[LinkSeen] = []
    header: str | None = None
    for el in select.iter("optgroup", "option"):
        if el.tag == "optgroup":
            header = clean_name(el.get("label")) or header
            continue
        url = next((u for u in (_option_url(el.get(attr), base) for attr in _URL_ATTRS) if u), None)
        text = clean_name(_text(el)) or clean_name(el.get("label"))
        if url is None:
            if text and el.getparent() is not None and el.getparent().tag != "optgroup":
                header = text  # "1. Trung ương", "Website Tỉnh, Thành phố", "Chọn liên kết"
            continue
        labels = tuple(x for x in ((header,) if header else ()) + outer if x)[:2]
        links.append(LinkSeen(text, url, "select", labels, base))
    return links


def links_on_page(html: str, page_url: str, generic_texts: list[str] | tuple[str, ...] = ()) -> list[LinkSeen]:
    """Every http(s) link of the page (select options and anchors), with its group labels."""
    if not html or not html.strip():
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    ctx = _Context(_tab_labels(doc))
    generic = {fold(g) for g in generic_texts}
    links: list[LinkSeen] = []
    for select in doc.iter("select"):
        links.extend(_select_links(select, page_url, ctx))
        if len(links) >= MAX_LINKS:
            return links[:MAX_LINKS]
    for a in doc.iter("a"):
        if len(links) >= MAX_LINKS:
            break
        url = _absolute(a.get("href"), page_url)
        if url is None:
            continue
        name, from_row = _anchor_name(a), False
        if not name or fold(name) in generic or _URL_TEXT.match(name):
            row = _row_name(a, generic)
            name, from_row = (row, True) if row else ("", False)
        parent = a.getparent()
        links.append(LinkSeen(name, url, ctx.area_of(parent), ctx.labels_of(parent), page_url, from_row))
    return links
