"""Judging the page a section link leads to.

Reference: requirements.md §2; README of the real pages, tests (c) and (d). A link whose
page is missing, a soft 404, a decoy ("THĂM DÒ Ý KIẾN" behind a "lấy ý kiến" image) or
a page that names nothing and holds nothing does not make a section present. A page
we could not read (blocked, timeout) proves nothing: unreadable, never dead.

The destination's own names — its title without the site's name, its breadcrumb, its
headings and portlet titles (checks.page_content.page_names) — confirm or reject the
link: a decoy there rejects it, and a link named only by a weak label ("Góp ý") must
be confirmed by them (a feedback form is not the consultation on draft documents).

An empty section is present: a live page of the section that says it has nothing yet
("Không có dữ liệu") or names the section and lists nothing is `ok` with `empty` set;
its emptiness is a separate content observation (checks/section_chain.py).
Pure: Pages (and their soups) in, a DestinationVerdict out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from checks.candidates import Candidate
from checks.fetch_status import page_title
from checks.lexicon import Lexicon, load_lexicon
from checks.model import DEAD_STATUSES, Page
from checks.page_content import SiteTemplate, item_dates, newest_date, own_content, own_images, page_names
from checks.rendering import needs_rendering
from checks.sections import EMAIL_RE, PHONE_RE, clean_url, parse_html
from checks.text import fold, normalise


@dataclass
class DestinationVerdict:
    """What one candidate link led to."""

    href: str
    url: str | None = None
    status: str = "error"
    http_status: int | None = None
    ok: bool | None = None  # True: a page of the section; False: not one; None: could not tell
    reason: str | None = None  # link_dead | soft_404 | target_empty | target_decoy | target_unconfirmed |
    #                            target_other_section | not_within | …
    snippet: str = ""
    title: str = ""
    newest_date: str | None = None
    rendered: bool = False
    words: int = 0
    empty: bool = False  # a page of the section that lists nothing yet
    confirmed_by: str = ""  # "heading: Lịch công tác tuần": the page names the section
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", {}, 0, False) or k == "ok"}


def _unusable(page: Page, template: SiteTemplate | None, res: DestinationVerdict) -> bool:
    """Dead, soft 404, unreadable, or sent back to the homepage: sets res, True."""
    if page.status == "soft_404":
        res.ok, res.reason = False, "soft_404"
    elif page.status in DEAD_STATUSES:
        res.ok, res.reason = False, "link_dead"
    elif not page.ok:
        res.ok, res.reason = None, page.status
    elif template and clean_url(page.final_url) == template.home_url and clean_url(page.url) != template.home_url:
        res.ok, res.reason = False, "soft_404"  # sent back to the homepage: the classic soft 404
    else:
        return False
    return True


_OWN_NAME = ("title", "breadcrumb", "heading")  # where a page names itself, not its parent or a part


def _names_verdict(key: str, names: list[tuple[str, str]], lex: Lexicon) -> tuple[bool, str, str]:
    """(decoy named, what confirms the key, what names another section instead) from the
    page's own names. Another section counts only where the page names itself, when nothing
    names this key and the two are not related (leaders on the organisation page are)."""
    decoy, confirmed, others = False, "", []
    for where, text in names:
        tokens = fold(text).split()
        if where not in ("subheading", "title_rest", "breadcrumb_parent") and key in lex.sections \
                and lex.has_decoy(tokens, key):
            decoy = True
        matches = [m for m in lex.match_words(" ".join(tokens), raw=text) if not m.weak]
        if not confirmed and any(m.key == key for m in matches):
            confirmed = f"{where}: {text}"
        if where in _OWN_NAME:
            others += [f"{where}: {text}" for m in matches if m.key != key and not lex.related(key, m.key)]
    return decoy, confirmed, "" if confirmed else next(iter(others), "")


def judge_destination(page: Page, key: str, template: SiteTemplate | None, soup: BeautifulSoup | None = None,
                 lex: Lexicon | None = None, cand: Candidate | None = None) -> DestinationVerdict:
    """Is the page a section link leads to a live page of that section?"""
    lex = lex or load_lexicon()
    res = DestinationVerdict(href=page.url, url=page.final_url, status=page.status,
                       http_status=page.http_status, rendered=page.rendered)
    if _unusable(page, template, res):
        return res
    kind = (page.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind and not page.text and kind.split("/")[0] in ("application", "image") and "html" not in kind:
        # A link straight to a document (the budget report as PDF, an org chart image) is content.
        res.ok, res.snippet = True, f"document: {kind}"
        return res
    soup = soup if soup is not None else parse_html(page.text)
    res.title = normalise(page_title(page.text))
    names = page_names(soup, res.title, template, lex)
    decoy, res.confirmed_by, other = _names_verdict(key, names, lex)
    if decoy and not res.confirmed_by.startswith("title"):
        res.ok, res.reason = False, "target_decoy"  # the "lấy ý kiến" link that opens a poll
        res.extra = {"names": [f"{w}: {t}" for w, t in names[:4]]}
        return res
    if other and not (cand is not None and (cand.within or cand.matched_by == "hint")):
        # "Lịch công tác" leading to a page that calls itself "Tin tức": not this section.
        res.ok, res.reason, res.extra = False, "target_other_section", {"names": [other]}
        return res
    if cand is not None and cand.weak and not res.confirmed_by:
        # "Góp ý" may be a feedback form, "Tin đầu tư" a news category: the page must say.
        res.ok, res.reason = False, "target_unconfirmed"
        res.extra = {"names": [f"{w}: {t}" for w, t in names[:4]]}
        return res
    texts = own_content(soup, template, lex)
    res.words = len(" ".join(texts).split())
    res.newest_date = newest_date(soup, texts, lex, template)
    res.snippet = " | ".join(texts)[:240]
    if cand is not None and cand.within:
        return _within(res, key, texts, lex)
    res = _items_or_empty(res, page, soup, own_content(soup, template, lex, items_only=True), template, lex)
    if res.ok and not res.empty and lex.must_show.get(key) == "contact" and not _shows_contact(soup, texts):
        # A "Liên hệ" page of prose (a paragraph on the trade unions) gives no contact at all.
        res.ok, res.reason = False, "no_contact_details"
    return res


def _items_or_empty(res: DestinationVerdict, page: Page, soup: BeautifulSoup, texts: list[str], template: SiteTemplate | None,
                    lex: Lexicon) -> DestinationVerdict:
    """A live page of the section: does it list items, is it empty, or must it be rendered first?
    `texts`: its own content without the labels of a form or a table (an empty search)."""
    words = len(" ".join(texts).split())
    folded = fold(" ".join(texts))
    says_empty = next((p for p in lex.settings["empty_phrases"] if re.search(rf"\b{re.escape(fold(p))}\b", folded)),
                      None)
    # A dated item, a phone number or email, or an image of its own (the leaders' photos,
    # an org chart) is content, however short the page ...
    has_item = bool(item_dates(soup, texts, lex, template=template) or PHONE_RE.search(" ".join(texts))
                    or EMAIL_RE.search(" ".join(texts)) or own_images(soup, page.final_url, template, lex))
    # ... unless the page declares itself empty ("Đang cập nhật …" as a line of its own, on
    # a short page): then only a dated item of its own text says otherwise.
    declared = says_empty and words < int(lex.settings["empty_declared_max_words"]) and any(
        len(t.split()) <= 8 and re.search(rf"\b{re.escape(fold(says_empty))}\b", fold(t)) for t in texts)
    if declared:
        has_item = bool(item_dates(soup, texts, lex, own_only=True))
    if has_item or (words >= int(lex.settings["empty_min_words"]) and not says_empty):
        res.ok = True
        return res
    render, why = needs_rendering(page, soup)
    if not render and not page.rendered and soup.find("script") is not None:
        # Lists loaded by scripts ("Đang tải dữ liệu...") look empty without a browser:
        # a page is called empty only once it was looked at as a citizen sees it.
        render, why = True, "empty_with_scripts"
    if render:
        res.ok, res.reason, res.extra = None, "needs_rendering", {"render_reason": why}
        return res
    if says_empty or res.confirmed_by:
        # The section's page, live, with nothing in it yet: present, and empty.
        res.ok, res.empty = True, True
        res.extra = {"says_empty": says_empty} if says_empty else {}
        return res
    res.ok, res.reason = False, "target_empty"  # a blank page that does not even name the section
    return res


def _within(res: DestinationVerdict, key: str, texts: list[str], lex: Lexicon) -> DestinationVerdict:
    """Another section's page that may hold this one: a short line of its own content must
    name the section ("1. Ban Giám đốc", "Lãnh đạo thanh tra tỉnh") or open with the title
    of one of its people ("2. Các Phó Giám đốc:", "- Bí thư"; `leader_titles`), and the page
    must show a person (Ông/Bà/Đ/c…, lexicon `person_markers`; a phone number; an e-mail)."""
    joined = " ".join(texts)
    line = next((t for t in texts if len(t.split()) <= 10 and any(
        m.key == key and not m.weak for m in lex.match_words(fold(t), raw=t))), None) \
        or next((t for t in texts if len(t.split()) <= 10 and _opens_with_title(t, lex.title_words.get(key, ()))), None)
    markers = "|".join(re.escape(m) for m in lex.settings["person_markers"])
    person = re.search(rf"(?<!\w)({markers})(?!\w)", joined, re.I) or PHONE_RE.search(joined) or EMAIL_RE.search(joined)
    if line and person:
        res.ok, res.confirmed_by = True, f"content: {line}"
    else:
        res.ok, res.reason = False, "not_within"
    return res


_NUMBERING = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "cac", "nhung"})


def _opens_with_title(text: str, titles: tuple[str, ...]) -> bool:
    """"2. Các Phó Giám đốc:" opens with a title of `titles` (folded, longest first), after
    its numbering ("2.", "a)", "II.") and a plural "Các"/"Những"."""
    words = fold(text).split()
    while words and (words[0].isdigit() or len(words[0]) == 1 or words[0] in _NUMBERING):
        words.pop(0)
    folded = " ".join(words)
    return any(folded == title or folded.startswith(title + " ") for title in titles)


def _shows_contact(soup: BeautifulSoup, texts: list[str]) -> bool:
    """Contact details of the page's own: a phone number, an e-mail, an address line, or a
    form to write to the agency (two fields or more)."""
    joined = " ".join(texts)
    if PHONE_RE.search(joined) or EMAIL_RE.search(joined):
        return True
    if re.search(r"\b(dia chi|tru so|address)\b\s*:?\s*\w+(\s+\w+){2,}", fold(joined)):
        return True
    return any(len(form.find_all(["input", "textarea"], attrs={"type": lambda v: v not in ("hidden", "submit",
                                                                                          "button", "checkbox")})) >= 2
               and form.find("textarea") is not None for form in soup.find_all("form"))


def soft_404_overridden(page: Page, random_page: Page | None, template: SiteTemplate | None,
                        lex: Lexicon | None = None) -> bool:
    """Should a page the site's fingerprint calls a soft 404 be judged live after all?

    The fingerprint (checks.fetch_status) compares main content with chrome-like
    containers removed by their names; a portal whose menus carry no such names may
    still look alike. A page that does not say "not found" and whose own content
    (everything the homepage also shows removed) is substantial and unlike the random
    path's answer is a real page."""
    from rapidfuzz import fuzz

    from checks.fetch_status import says_not_found

    lex = lex or load_lexicon()
    if page.status != "soft_404" or random_page is None or says_not_found(page.text):
        return False
    mine = " ".join(own_content(parse_html(page.text), template, lex))
    theirs = " ".join(own_content(parse_html(random_page.text or ""), template, lex))
    return len(mine.split()) >= int(lex.settings["empty_min_words"]) and fuzz.ratio(mine, theirs) < 80
