"""Judging where a section link leads, and the section's verdict with its evidence.

Reference: requirements.md §2; README of the real pages, tests (c) and (d): a link
whose page is missing, a soft 404, or a page with nothing between its header and
footer ("Không có văn bản nào được tìm thấy", Hà Nội's `duong-day-nong.html`) does
not make a section present. A page we could not read (blocked, timeout) proves
nothing: the verdict is then inconclusive, never a fail.
Pure: Pages (and their soups) in, an Observation out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString

from checks.fetch_status import page_title
from checks.lexicon import Lexicon, load_lexicon
from checks.model import DEAD_STATUSES, Observation, Page
from checks.rendering import needs_rendering
from checks.sections import EMAIL_RE, PHONE_RE, Candidate, HomeDoc, clean_url, parse_html
from checks.text import fold, normalise

_DROP = ("script", "style", "noscript", "template", "select", "option", "iframe", "svg", "head")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm|sa|ch)?\b", re.I)
_DATE_CLASS = re.compile(r"date|time|ngay|publish|thoigian", re.I)


@dataclass(frozen=True)
class Chrome:
    """What every page of the site repeats (menus, boxes, footer), taken from the homepage."""

    texts: frozenset[str]
    hrefs: frozenset[str]
    home_url: str
    images: frozenset[str] = frozenset()


def chrome_of(home: HomeDoc) -> Chrome:
    texts = frozenset(fold(s) for s in home.soup.stripped_strings if fold(s))
    # Navigation links only: an article the homepage lists may rightly appear in a
    # section's list or in search results.
    hrefs = frozenset(link.href for link in home.links if link.href and not link.is_article)
    images = frozenset(urljoin(home.base_url, img["src"]) for img in home.soup.find_all("img", src=True))
    return Chrome(texts, hrefs, clean_url(home.page.final_url or home.page.url), images)


def _chrome_elements(soup: BeautifulSoup, lex: Lexicon) -> set[int]:
    pattern = re.compile(lex.settings["chrome_container_pattern"], re.I)
    drop = set()
    for el in (soup.body or soup).find_all(True):
        if el.name in _DROP or el.name in ("nav", "footer"):
            drop.add(id(el))
            continue
        names = " ".join(el.get("class") or []) + " " + str(el.get("id") or "")
        if pattern.search(names) or (el.name == "header" and not el.find_parent(["section", "article"])):
            drop.add(id(el))
    return drop


def own_images(soup: BeautifulSoup, page_url: str, chrome: Chrome | None, lex: Lexicon) -> list[str]:
    """Images of the page's own content (the leaders' photos, an org chart), not the site's."""
    drop = _chrome_elements(soup, lex)
    out = []
    for img in (soup.body or soup).find_all("img", src=True):
        src = urljoin(page_url, img["src"])
        if (chrome and src in chrome.images) or any(id(p) in drop for p in img.parents):
            continue
        out.append(src)
    return out


def own_content(soup: BeautifulSoup, chrome: Chrome | None, lex: Lexicon) -> list[str]:
    """The page's own text nodes: without chrome containers, and without any text the
    homepage also shows (menus, boxes, footer lines)."""
    body = soup.body or soup
    drop = _chrome_elements(soup, lex)
    out = []
    for text in body.find_all(string=True):
        if type(text) is not NavigableString or any(id(p) in drop for p in text.parents):
            continue  # comments, CDATA and doctype are not content
        folded = fold(text)
        if not folded or (chrome and folded in chrome.texts):
            continue
        anchor = text.find_parent("a")
        if chrome and anchor is not None and anchor.get("href"):
            # A link the homepage also has is navigation repeated in a sidebar.
            if clean_url(urljoin(chrome.home_url, anchor["href"])) in chrome.hrefs:
                continue
        out.append(normalise(text))
    return out


def item_dates(soup: BeautifulSoup, texts: list[str], lex: Lexicon, today: date | None = None) -> list[date]:
    """Dates of listed items: a text that is only a date ("03/04/2020 | 10:36 PM",
    "Ngày đăng 24/04/2018 | View count: 1252"), or a date/time element. A date inside
    a headline ("Chỉ thị số 12/CT-UBND ngày 08/6/2020 ...") is not an item's date."""
    today = today or date.today()
    labels = sorted((fold(w) for w in lex.settings["date_labels"]), key=len, reverse=True)
    found: list[date] = []

    def add(day: str, month: str, year: str) -> None:
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            return
        if date(1995, 1, 1) <= value <= today + timedelta(days=1):
            found.append(value)

    for text in texts:
        matches = list(_DATE.finditer(text)) + list(_DATE_WORDS.finditer(text))
        if not matches:
            continue
        rest = _DATE_WORDS.sub(" ", _DATE.sub(" ", text))
        rest = fold(_TIME.sub(" ", rest))
        for label in labels:
            rest = re.sub(rf"\b{re.escape(label)}\b", " ", rest)
        leftover = [w for w in rest.split() if not w.isdigit()]
        if len(leftover) <= 2:
            for m in matches:
                add(*m.groups())
    for el in soup.find_all(["time", "span", "div", "p", "td"], class_=_DATE_CLASS):
        stamp = el.get("datetime") or el.get_text(" ", strip=True)
        if len(stamp) <= 60:
            for m in _DATE.finditer(stamp):
                add(*m.groups())
    for el in soup.find_all("time", attrs={"datetime": True}):
        m = re.match(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", el["datetime"])
        if m:
            add(m.group(3), m.group(2), m.group(1))
    return found


def newest_date(soup: BeautifulSoup, texts: list[str], lex: Lexicon) -> str | None:
    """Newest dated item, for freshness scoring. Numeric dates are day-first in Vietnam;
    other spellings are left to dateparser."""
    dates = item_dates(soup, texts, lex)
    if not dates:
        for text in texts:
            if len(text) <= 60 and re.search(r"(ngày đăng|cập nhật|posted|published)", text, re.I):
                import dateparser

                parsed = dateparser.parse(text, languages=["vi", "en"], settings={"DATE_ORDER": "DMY"})
                if isinstance(parsed, datetime) and parsed.date() <= date.today():
                    dates.append(parsed.date())
    return max(dates).isoformat() if dates else None


@dataclass
class TargetResult:
    """What one candidate link led to."""

    href: str
    url: str | None = None
    status: str = "error"
    http_status: int | None = None
    ok: bool | None = None  # True: a real section page; False: not one; None: could not tell
    reason: str | None = None  # link_dead | soft_404 | target_empty | target_decoy | <unreadable status>
    snippet: str = ""
    title: str = ""
    newest_date: str | None = None
    rendered: bool = False
    words: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", {}, 0) or k == "ok"}


def judge_target(page: Page, key: str, chrome: Chrome | None, soup: BeautifulSoup | None = None,
                 lex: Lexicon | None = None) -> TargetResult:
    """Is the page a section link leads to a live, non-empty page of that section?"""
    lex = lex or load_lexicon()
    res = TargetResult(href=page.url, url=page.final_url, status=page.status,
                       http_status=page.http_status, rendered=page.rendered)
    if page.status == "soft_404":
        res.ok, res.reason = False, "soft_404"
        return res
    if page.status in DEAD_STATUSES:
        res.ok, res.reason = False, "link_dead"
        return res
    if not page.ok:
        res.ok, res.reason = None, page.status
        return res
    if chrome and clean_url(page.final_url) == chrome.home_url and clean_url(page.url) != chrome.home_url:
        # Sent back to the homepage: the classic soft 404.
        res.ok, res.reason = False, "soft_404"
        return res
    kind = (page.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind and not page.text and kind.split("/")[0] in ("application", "image") and "html" not in kind:
        # A link straight to a document (the budget report as PDF, an org chart image) is content.
        res.ok, res.snippet = True, f"document: {kind}"
        return res
    soup = soup if soup is not None else parse_html(page.text)
    res.title = normalise(page_title(page.text))
    # Only the page's own name (the title before " - Site name"): a site called "Sở Khoa
    # học" is not a decoy for khoa_hoc, its poll page "THĂM DÒ Ý KIẾN" is one for lay_y_kien.
    where = fold(re.split(r"\s[-|–—:»]\s", res.title)[0])
    spec = lex.sections.get(key)
    if spec and any(re.search(rf"\b{' '.join(d)}\b", where) for d in spec.decoys):
        res.ok, res.reason = False, "target_decoy"  # the "lấy ý kiến" link that opens a poll
        return res
    texts = own_content(soup, chrome, lex)
    res.words = len(" ".join(texts).split())
    res.newest_date = newest_date(soup, texts, lex)
    res.snippet = " | ".join(texts)[:240]
    folded = fold(" ".join(texts))
    says_empty = any(re.search(rf"\b{re.escape(fold(p))}\b", folded) for p in lex.settings["empty_phrases"])
    # A dated item, a phone number or email, or an image of its own (the leaders' photos,
    # an org chart) is content, however short the page.
    has_item = bool(res.newest_date or PHONE_RE.search(" ".join(texts)) or EMAIL_RE.search(" ".join(texts))
                    or own_images(soup, page.final_url, chrome, lex))
    if not has_item and (res.words < int(lex.settings["empty_min_words"]) or says_empty):
        render, why = needs_rendering(page, soup)
        if not render and not page.rendered and soup.find("script") is not None:
            # Lists loaded by scripts ("Đang tải dữ liệu...") look empty without a browser:
            # a page is called empty only once it was looked at as a citizen sees it.
            render, why = True, "empty_with_scripts"
        if render:
            res.ok, res.reason, res.extra = None, "needs_rendering", {"render_reason": why}
            return res
        res.ok, res.reason = False, "target_empty"
        res.extra = {"says_empty": says_empty}
        return res
    res.ok = True
    return res


def section_observation(key: str, candidates: list[Candidate], results: list[TargetResult],
                        contact: dict | None = None, rendered: bool = False,
                        lex: Lexicon | None = None) -> Observation:
    """The verdict for one key from its candidates (best first) and what each led to.

    pass: one candidate led to a real page (or, for lien_he, the footer has contact
    details); inconclusive: none did and at least one could not be read; fail: no
    link at all (no_link), or every link was dead, empty or a decoy (the best
    candidate's reason).
    """
    lex = lex or load_lexicon()
    spec = lex.sections[key]
    tried = [{**c.evidence(), **r.as_dict()} for c, r in zip(candidates, results)]
    base = {"rendered": rendered, "candidates": tried}
    for cand, res in zip(candidates, results):
        if res.ok:
            ev = {**base, **cand.evidence(), "url": res.url, "target_status": res.status,
                  "http_status": res.http_status, "snippet": res.snippet, "title": res.title,
                  "newest_date": res.newest_date, "target_rendered": res.rendered}
            return Observation("section", key, "pass", spec.legal_ref, ev)
    if key == "lien_he" and contact:
        ev = {**base, "label": contact["snippet"][:120], "matched_by": "footer", "snippet": contact["snippet"],
              "contact_kinds": contact["kinds"], "target_status": "live"}
        return Observation("section", key, "pass", spec.legal_ref, ev)
    if not candidates:
        return Observation("section", key, "fail", spec.legal_ref, {**base, "reason": "no_link"})
    unread = [r for r in results if r.ok is None]
    first = results[0] if results else None
    if unread or first is None:
        r = unread[0] if unread else None
        ev = {**base, **candidates[0].evidence(), "reason": f"unreadable:{r.reason}" if r else "not_checked",
              "target_status": r.status if r else None, "url": r.url if r else None}
        return Observation("section", key, "inconclusive", spec.legal_ref, ev)
    ev = {**base, **candidates[0].evidence(), "reason": first.reason, "url": first.url,
          "target_status": first.status, "http_status": first.http_status, "snippet": first.snippet,
          "newest_date": first.newest_date}
    return Observation("section", key, "fail", spec.legal_ref, ev)


def unjudged_observation(category: str, key: str, legal_ref: str, reason: str, **extra) -> Observation:
    """Inconclusive verdict when the page a check needs could not be read (homepage down,
    blocked, timeout, tool error): never a fail."""
    return Observation(category, key, "inconclusive", legal_ref, {"reason": reason, **extra})


def sections_offline(home_page: Page, get_page, hints: dict | None = None, lex: Lexicon | None = None,
                     may_follow=None) -> list[Observation]:
    """Every section's verdict with pages from `get_page(url) -> Page` (saved copies, a
    test's dict): the same chain the spider runs — best candidate first, next on a
    dead, empty or decoy page, stop at the first good one; `may_follow(url)` False is a
    link the spider would not fetch (PORTALCHECK_FOLLOW_OFFSITE)."""
    from checks.sections import contact_details, find_candidates, read_home

    lex = lex or load_lexicon()
    if not home_page.ok:
        return [unjudged_observation("section", key, spec.legal_ref, home_page.status)
                for key, spec in lex.sections.items()]
    home = read_home(home_page, None, lex)
    chrome = chrome_of(home)
    out = []
    for key, cands in find_candidates(home, lex, hints).items():
        results = []
        for cand in cands:
            if may_follow is not None and not may_follow(cand.href):
                results.append(TargetResult(href=cand.href, status="not_fetched", reason="offsite_not_followed"))
                continue
            results.append(judge_target(get_page(cand.href), key, chrome, None, lex))
            if results[-1].ok:
                break
        contact = contact_details(home.footer_text) if key == "lien_he" else None
        out.append(section_observation(key, cands, results, contact, home_page.rendered, lex))
    return out


def soft_404_overridden(page: Page, random_page: Page | None, chrome: Chrome | None,
                        lex: Lexicon | None = None) -> bool:
    """Should a page the shared fingerprint calls a soft 404 be judged live after all?

    The fingerprint (checks.fetch_status) compares the title and the first 2,000 characters
    of text: on portals whose pages share one title and a long menu, that may be the menu
    alone. A page that does not say "not found" and whose own content (chrome removed) is
    substantial and unlike the random path's answer is a real page."""
    from rapidfuzz import fuzz

    from checks.fetch_status import says_not_found

    lex = lex or load_lexicon()
    if page.status != "soft_404" or random_page is None or says_not_found(page.text):
        return False
    mine = " ".join(own_content(parse_html(page.text), chrome, lex))
    theirs = " ".join(own_content(parse_html(random_page.text or ""), chrome, lex))
    return len(mine.split()) >= int(lex.settings["empty_min_words"]) and fuzz.ratio(mine, theirs) < 80
