"""A page's own content: what it says besides the site's chrome, and the dates of its items.

Every page of a portal repeats its menus, boxes and footer; the homepage shows them
all, so the text and links a page shares with the homepage (and any element whose
id/class says nav, menu, header, footer, breadcrumb…) are chrome. What is left is
the page's own content: what a section page lists, what a search found, whether an
English page is English. Pure: soups in, texts and dates out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString

from checks.lexicon import Lexicon
from checks.sections import HomeDoc, clean_url
from checks.text import fold, normalise

_DROP = ("script", "style", "noscript", "template", "select", "option", "iframe", "svg", "head")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm|sa|ch)?\b", re.I)
# "publish" but not Liferay's "asset-publisher" portlet (a whole column is no date).
_DATE_CLASS = re.compile(r"date|time|ngay|publish(?!er)|thoigian", re.I)


@dataclass(frozen=True)
class SiteTemplate:
    """What every page of the site repeats (menus, boxes, footer), taken from the homepage."""

    texts: frozenset[str]
    hrefs: frozenset[str]
    home_url: str
    images: frozenset[str] = frozenset()
    site_names: frozenset[str] = frozenset()  # parts of the homepage's title: the site's own name
    # Texts the homepage shows outside its links (box titles, the logo's words, headings): a
    # page heading equal to one is the site's furniture; one equal to a menu item names the page.
    unlinked: frozenset[str] = frozenset()


_CRUMB_SEPARATORS = re.compile(r"\s*[»›>/|→]\s*|\s+[-–]\s+")
_TITLE_SEPARATORS = re.compile(r"\s[-|–—:»›]\s|\s*[|»›]\s*")


def title_parts(title: str) -> list[str]:
    """"Lịch công tác - Sở Tư pháp | Cổng TTĐT tỉnh X" -> its parts, as written."""
    return [part.strip() for part in _TITLE_SEPARATORS.split(normalise(title)) if part.strip()]


def site_template(home: HomeDoc) -> SiteTemplate:
    texts = frozenset(fold(s) for s in home.soup.stripped_strings if fold(s))
    # Navigation links only: an article the homepage lists may rightly appear in a
    # section's list or in search results (a menu item at /node/12 is navigation).
    hrefs = frozenset(link.href for link in home.links
                      if link.href and (not link.is_article or link.context in ("menu", "footer")))
    images = frozenset(urljoin(home.base_url, img["src"]) for img in home.soup.find_all("img", src=True))
    title = home.soup.title.get_text(" ", strip=True) if home.soup.title else ""
    names = frozenset(fold(part) for part in title_parts(title))
    unlinked = frozenset(fold(s) for s in home.soup.find_all(string=True)
                         if type(s) is NavigableString and fold(s) and s.find_parent("a") is None)
    return SiteTemplate(texts, hrefs, clean_url(home.page.final_url or home.page.url), images, names, unlinked)


def page_names(soup: BeautifulSoup, title: str, template: SiteTemplate | None, lex: Lexicon) -> list[tuple[str, str]]:
    """What a page calls itself: (where, text) from its title (without the site's name),
    its first headings, its breadcrumb's last steps and the titles of its portlets."""
    out: list[tuple[str, str]] = []
    site = template.site_names if template else frozenset()
    parts = title_parts(title)
    own = [part for part in parts if fold(part) not in site and len(part.split()) <= lex.max_words]
    # The first part is the page's own name ("Lịch công tác - Sở X"); the rest is often the
    # site's name, which may hold any word ("Sở Khoa học" is not a decoy for khoa_hoc).
    out += [("title" if i == 0 else "title_rest", part) for i, part in enumerate(own)]
    crumbs = re.compile(lex.settings["breadcrumb_pattern"], re.I)
    for el in (soup.body or soup).find_all(["div", "ul", "ol", "nav", "p", "span"], limit=4000):
        if crumbs.search(" ".join(el.get("class") or []) + " " + str(el.get("id") or "")):
            steps = [normalise(step) for s in el.stripped_strings for step in _CRUMB_SEPARATORS.split(s)
                     if re.search(r"\w", step)]
            # The last step is the page; the one before, the section that holds it.
            last = [("breadcrumb_parent", steps[-2])] if len(steps) >= 2 else []
            out += [(w, step) for w, step in last + [("breadcrumb", steps[-1])] if len(step.split()) <= lex.max_words] \
                if steps else []
            break
    boxes = tuple(lex.settings["box_title_classes"])
    drop = _chrome_elements(soup, lex)
    found = 0
    for el in (soup.body or soup).find_all(["h1", "h2", "span", "div"]):
        if found >= 3:
            break
        portlet = el.name in ("span", "div") and any(b in " ".join(el.get("class") or []).lower() for b in boxes)
        if not (el.name in ("h1", "h2") or portlet) or any(id(p) in drop for p in el.parents):
            continue
        text = normalise(el.get_text(" ", strip=True))
        # Text the homepage shows too (the logo, a sidebar box on every page) is not this page's
        # name; the words of one of its menu items are (a Liferay portlet titled "Văn bản ban
        # hành" on the page the menu item "Văn bản ban hành" leads to).
        if text and len(text.split()) <= 10 and not (template and fold(text) in template.unlinked):
            out.append(("heading" if el.name == "h1" or portlet else "subheading", text))
            found += 1
    return out


def _chrome_elements(soup: BeautifulSoup, lex: Lexicon) -> set[int]:
    pattern = re.compile(lex.settings["chrome_container_pattern"], re.I)
    drop = set()
    for el in (soup.body or soup).find_all(True):
        if el.name in _DROP or el.name in ("nav", "footer"):
            drop.add(id(el))
            continue
        names = " ".join(el.get("class") or []) + " " + str(el.get("id") or "")
        named = pattern.search(names)
        if not (named or (el.name == "header" and not el.find_parent(["section", "article"]))):
            continue
        if _holds_main_content(el, lex):
            continue  # CKAN's page wrapper is `wrapper no-nav`: the words say nothing here
        if named and named.group(2).lower() in _HEADER_WORDS and _inside_main_content(el, lex):
            continue  # the header of the content (its title, its date), not the site's
        drop.add(id(el))
    return drop


# Template words that, inside the page's main content, name the content's own header.
_HEADER_WORDS = ("header", "banner")


def _is_main_content(tag, marks: re.Pattern) -> bool:
    if tag.name in ("main", "article") or tag.get("role") == "main":
        return True
    return bool(marks.search(" ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")))


def _holds_main_content(el, lex: Lexicon) -> bool:
    """Does a container named like chrome wrap the page's main content? Themes reuse the
    words (CKAN's page wrapper is `wrapper no-nav`): a site header or menu never holds the
    `<main>`/`<article>` element, the `role=main` region or a container named as the
    content (`main_content_pattern`: Liferay's `journal-content-article`…)."""
    marks = re.compile(lex.settings["main_content_pattern"], re.I)
    return el.find(lambda tag: _is_main_content(tag, marks)) is not None


def _inside_main_content(el, lex: Lexicon) -> bool:
    """Is an element inside the page's main content (a Liferay theme lays its portlets out
    in `div.header_left` inside `div.main-content`)?"""
    marks = re.compile(lex.settings["main_content_pattern"], re.I)
    return any(_is_main_content(p, marks) for p in el.parents if p.name not in ("body", "html", "[document]"))


def own_images(soup: BeautifulSoup, page_url: str, template: SiteTemplate | None, lex: Lexicon) -> list[str]:
    """Images of the page's own content (the leaders' photos, an org chart), not the site's."""
    drop = _chrome_elements(soup, lex)
    out = []
    for img in (soup.body or soup).find_all("img", src=True):
        if not img["src"].strip():
            continue  # <img src=""> shows nothing
        src = urljoin(page_url, img["src"])
        if (template and src in template.images) or any(id(p) in drop for p in img.parents):
            continue
        out.append(src)
    return out


def own_content(soup: BeautifulSoup, template: SiteTemplate | None, lex: Lexicon, items_only: bool = False) -> list[str]:
    """The page's own text nodes: without chrome containers, and without any text the
    homepage also shows (menus, boxes, footer lines). `items_only`: without the labels
    of a form or a table either (what the page lists, not how it would list it)."""
    body = soup.body or soup
    drop = _chrome_elements(soup, lex) | (_labels(body) if items_only else set())
    out = []
    for text in body.find_all(string=True):
        if type(text) is not NavigableString or any(id(p) in drop for p in text.parents):
            continue  # comments, CDATA and doctype are not content
        folded = fold(text)
        if not folded or (template and folded in template.texts):
            continue
        anchor = text.find_parent("a")
        if template and anchor is not None and anchor.get("href"):
            # A link the homepage also has is navigation repeated in a sidebar.
            if clean_url(urljoin(template.home_url, anchor["href"])) in template.hrefs:
                continue
        out.append(normalise(text))
    return out


_LABEL_TAGS = ("th", "thead", "label", "legend", "caption", "button")
_FIELDS = ("text", "search", "date", "number", "email", "tel", "")
_FORM_ROW_MAX_WORDS = 20


def _labels(body) -> set[int]:
    """Elements that label rather than list: the page's own headings, column headers, form
    labels and buttons, and the rows of a search form (a cell "Số hiệu" beside its text
    box). An empty document search is a page of labels."""
    out = {id(el) for el in body.find_all(_LABEL_TAGS)}
    # The page's own heading with its date ("Ban thường vụ (30/04/2018)" over an empty
    # article) titles the page; a heading that is a link is a listed item.
    out |= {id(el) for el in body.find_all(["h1", "h2"]) if el.find("a") is None and el.find_parent("a") is None}
    for row in body.find_all("tr"):
        if row.find("select") is not None or row.find("textarea") is not None or any(
                (i.get("type") or "").lower() in _FIELDS for i in row.find_all("input")):
            # A short row (its drop-downs' options aside): a page laid out in one big table
            # holds its search box too.
            words = sum(len(s.split()) for s in row.find_all(string=True) if s.find_parent(["select", "option"]) is None)
            if words <= _FORM_ROW_MAX_WORDS:
                out.add(id(row))
    return out


def item_dates(soup: BeautifulSoup, texts: list[str], lex: Lexicon, today: date | None = None,
               own_only: bool = False, template: SiteTemplate | None = None) -> list[date]:
    """Dates of listed items: a text that is only a date ("03/04/2020 | 10:36 PM",
    "Ngày đăng 24/04/2018 | View count: 1252"), or a date/time element outside the chrome
    (`own_only`: the texts' dates only). A date inside a headline ("Chỉ thị số 12/CT-UBND
    ngày 08/6/2020 ...") is not an item's date."""
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
    if own_only:
        return found
    # Date elements outside the site's chrome (a section page may list the very items the
    # homepage lists: their dates are no text of its own, but they are its items).
    drop = _chrome_elements(soup, lex)
    for el in soup.find_all(["time", "span", "div", "p", "td"], class_=_DATE_CLASS):
        if any(id(p) in drop for p in el.parents):
            continue
        stamp = el.get("datetime") or el.get_text(" ", strip=True)
        if template and fold(stamp) in template.texts and el.find_parent(["li", "tr", "article", "dd"]) is None:
            continue  # today's date in the site's header ("Thứ năm, 09/05/2019"), on every page
        if len(stamp) <= 60:
            for m in _DATE.finditer(stamp):
                add(*m.groups())
    for el in soup.find_all("time", attrs={"datetime": True}):
        if any(id(p) in drop for p in el.parents):
            continue
        m = re.match(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", el["datetime"])
        if m:
            add(m.group(3), m.group(2), m.group(1))
    return found


def newest_date(soup: BeautifulSoup, texts: list[str], lex: Lexicon, template: SiteTemplate | None = None) -> str | None:
    """Newest dated item, for freshness scoring. Numeric dates are day-first in Vietnam;
    other spellings are left to dateparser."""
    dates = item_dates(soup, texts, lex, template=template)
    if not dates:
        for text in texts:
            if len(text) <= 60 and re.search(r"(ngày đăng|cập nhật|posted|published)", text, re.I):
                import dateparser

                parsed = dateparser.parse(text, languages=["vi", "en"], settings={"DATE_ORDER": "DMY"})
                if isinstance(parsed, datetime) and parsed.date() <= date.today():
                    dates.append(parsed.date())
    return max(dates).isoformat() if dates else None
