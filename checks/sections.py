"""Reading a portal's homepage: its links, where each sits (menu, box, footer, banner), its footer.

Reference: requirements.md §2 (the keys), labels.md (how real portals label them).
Every link is read with what a citizen sees of it — its text, `title`, `alt`, `aria-label`,
the image it shows — and where it sits: menus (also a header row of table cells used as
navigation), box (portlet) titles, footers, image banners, or the page's content. Which
links may lead to a section is decided in checks/candidates.py.

A link's address may say nothing (`/node/12`, `?ItemID=7`, a Liferay UUID) or be a script:
`javascript:` handlers and `onclick` attributes are read for the address they open, ASP.NET
`__doPostBack` links become the form post a browser would send, and a link only scripts
can follow is kept (`script`) so that it is never taken for an absent link.
Pure: a Page (and its parsed soup) in, a HomeDoc out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from checks.lexicon import Lexicon, load_lexicon
from checks.model import Page
from checks.text import fold, normalise

_SKIP_SCHEMES = ("mailto:", "tel:", "data:", "sms:", "callto:")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5")
# The address a script opens: location.href='…', window.open("…"), location.assign('…').
_SCRIPT_URL = re.compile(r"""(?:location(?:\.href)?\s*=|window\.open\s*\(|location\.(?:assign|replace)\s*\()"""
                         r"""\s*['"]([^'"]+)['"]""", re.I)
_POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]"""
                       r"""|WebForm_PostBackOptions\(\s*["']([^"']+)["']\s*,\s*["']([^"']*)["']""")
_CLICKABLE = ("td", "th", "li", "div", "span", "button", "tr", "img")
# Handlers that show a part of the page (a tab, a slide, a panel), not another page.
_IN_PAGE = re.compile(r"(?i)\b\w*(tab|slide|carousel|panel|accordion)\w*\s*\(|void\(0\)\s*;?\s*$")


def parse_html(text: str) -> BeautifulSoup:
    """Every page is parsed once, with lxml (fast, forgiving of broken markup)."""
    return BeautifulSoup(text or "", "lxml")


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def clean_url(url: str) -> str:
    """Absolute URL without its fragment (two links to one page are one candidate)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def words_of(tag: Tag) -> str:
    return normalise(tag.get_text(" ", strip=True))


@dataclass
class Link:
    href: str  # absolute, no fragment ("" for a menu parent without a target, or a script)
    text: str
    title: str = ""
    alt: str = ""
    img_src: str = ""
    aria: str = ""  # aria-label
    context: str = "content"  # menu | box | footer | banner | content
    box_titles: list[str] = field(default_factory=list)  # enclosing boxes, nearest first
    is_article: bool = False  # the address looks like one article (it may still be a menu item)
    offsite: bool = False
    script: str = ""  # the handler of a link only scripts follow (no address could be read)
    hidden: bool = False  # inside a block hidden from citizens (a leftover menu with display:none)
    directory: bool = False  # inside a related-links block ("Liên kết website"): a link to another site
    post: str | None = None  # body of an ASP.NET postback (href is then the form's action)
    children: list[Link] = field(default_factory=list)

    @property
    def image_only(self) -> bool:
        return not self.text and bool(self.img_src or self.title or self.alt or self.aria)


@dataclass
class HomeDoc:
    """The homepage as read once: links with their context, boxes and footer."""

    page: Page
    soup: BeautifulSoup
    base_url: str
    links: list[Link]
    footer_text: str
    box_titles: list[str]
    end_text: str = ""  # the last words of the page (an unmarked footer often sits there)

    @property
    def host(self) -> str:
        return host_of(self.base_url)


def _classes(tag: Tag) -> str:
    value = tag.get("class") or []
    return " ".join(value if isinstance(value, list) else [value]) + " " + str(tag.get("id") or "")


def _box_titles(soup: BeautifulSoup, lex: Lexicon) -> dict[int, str]:
    """Map id(container) -> box title. A box is the nearest ancestor of a title that holds
    links outside the title, without climbing into a region holding another title.
    Titles found by the CMS selectors (Liferay `portlet-title-text`) are strong: a plain
    heading inside a portlet ("Danh mục lĩnh vực") does not hide the portlet's title."""
    strong: list[Tag] = []
    taken: set[int] = set()
    marks = tuple(lex.settings["box_title_classes"])
    for el in soup.find_all(class_=True):
        if any(m in " ".join(el.get("class") or []).lower() for m in marks):
            text = words_of(el)
            if (el.name == "a" or el.find_parent("a") or not text or len(text.split()) > lex.max_words
                    or any(id(p) in taken for p in el.parents)):
                continue  # a link titled like a heading is an article title ("tieudetin")
            strong.append(el)
            taken.add(id(el))
    weak: list[Tag] = []
    for heading in soup.find_all(_HEADINGS):
        text = words_of(heading)
        if (not text or len(text.split()) > 12 or heading.find("a") or heading.find_parent("a")
                or any(id(p) in taken for p in heading.parents)
                or any(id(t) in taken for t in heading.find_all(True))):
            continue
        weak.append(heading)

    def counts(titles: list[Tag]) -> dict[int, int]:
        out: dict[int, int] = {}
        for title in titles:
            for anc in title.parents:
                out[id(anc)] = out.get(id(anc), 0) + 1
        return out

    boxes: dict[int, str] = {}
    for titles, count in ((strong, counts(strong)), (weak, counts(strong + weak))):
        for title in titles:
            own = set(id(a) for a in title.find_all("a"))
            for anc in title.parents:
                if anc.name in ("body", "html", "[document]") or count.get(id(anc), 0) > 1:
                    break
                links = [a for a in anc.find_all("a", href=True) if id(a) not in own]
                if links:
                    if len(links) <= 60:  # a whole column is not one box
                        boxes.setdefault(id(anc), words_of(title))
                    break
    return boxes


def _nav_rows(soup: BeautifulSoup, lex: Lexicon) -> set[int]:
    """Table rows used as a menu bar: at least `nav_row_min_cells` short cells, most of them
    a link or a clickable cell (old portals draw their top menu as a header row)."""
    rows = set()
    least = int(lex.settings.get("nav_row_min_cells", 4))
    for tr in soup.find_all("tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        if len(cells) < least:
            continue
        texts = [words_of(c) for c in cells]
        clickable = sum(1 for c in cells if c.find("a") is not None or c.get("onclick"))
        if clickable >= least - 1 and all(len(t.split()) <= 8 for t in texts):
            rows.add(id(tr))
    return rows


def _context(el: Tag, boxes: dict[int, str], rows: set[int], lex: Lexicon) -> tuple[str, list[str]]:
    """(context, enclosing box titles, nearest first)."""
    menu = re.compile(lex.settings["menu_container_pattern"], re.I)
    footer = re.compile(lex.settings["footer_container_pattern"], re.I)
    context, titles = "", []
    for anc in [el, *el.parents]:
        if anc.name in ("body", "html", "[document]"):
            break
        if id(anc) in boxes:
            titles.append(boxes[id(anc)])
            context = context or "box"
            continue
        if anc is el:
            continue
        names = _classes(anc)
        if anc.name == "footer" or footer.search(names):
            return context or "footer", titles
        if anc.name == "nav" or menu.search(names) or anc.get("role") == "navigation" or id(anc) in rows:
            return context or "menu", titles
    return context or "content", titles


def _postback_form(el: Tag, soup: BeautifulSoup) -> Tag | None:
    form = el.find_parent("form")
    if form is None or not form.find("input", attrs={"name": "__VIEWSTATE"}):
        form = next((f for f in soup.find_all("form") if f.find("input", attrs={"name": "__VIEWSTATE"})), form)
    return form


def _address(base: str, el: Tag, soup: BeautifulSoup) -> tuple[str, str, str | None]:
    """(absolute href, script handler that could not be read, postback body) of a link."""
    href = (el.get("href") or "").strip() if el.name == "a" else ""
    handler = el.get("onclick") or ""
    if href.lower().startswith("javascript:"):
        handler, href = href + " " + handler, ""
    if href.startswith("#") and handler:
        href = ""
    if not href and handler:
        opened = _SCRIPT_URL.search(handler)
        if opened:
            href = opened.group(1)
        else:
            post = _POSTBACK.search(handler)
            form = _postback_form(el, soup) if post else None
            if form is not None:
                fields = [(i["name"], i.get("value") or "") for i in form.find_all("input", attrs={"type": "hidden"})
                          if i.get("name") and i["name"] not in ("__EVENTTARGET", "__EVENTARGUMENT")]
                target, argument = (post.group(1), post.group(2)) if post.group(1) is not None \
                    else (post.group(3), post.group(4))
                body = urlencode([("__EVENTTARGET", target), ("__EVENTARGUMENT", argument), *fields])
                return _absolute(base, form.get("action") or base), "", body
            # A handler that switches a tab or slide shows part of this page: no link at all.
            if _IN_PAGE.search(handler) or not re.search(r"\w+\s*\(", handler):
                return "", "", None
            return "", handler.strip()[:200], None
    return _absolute(base, href), "", None


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Blocks that are hidden until a citizen opens them: submenus, tabs, accordions, slides.
_OPENS = re.compile(r"(?i)tab|panel|drop|sub|child|collaps|accordion|slide|carousel|popup|modal|menu|nav|toggle")


def _hidden(el: Tag) -> bool:
    """Is a link inside a block no citizen can open (`display:none` outside any menu item,
    tab or slide — a leftover header, an old menu kept in the page)?"""
    for anc in el.parents:
        if anc.name in ("body", "html", "[document]"):
            return False
        if not (anc.has_attr("hidden") or _HIDDEN_STYLE.search(str(anc.get("style") or ""))):
            continue
        if anc.find_parent("li") is not None or _OPENS.search(_classes(anc)):
            return False  # a dropdown, a tab: a click shows it
        return True
    return False


def _absolute(base: str, href: str) -> str:
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES + ("javascript:",)):
        return ""
    try:
        return clean_url(urljoin(base, href))
    except ValueError:
        return ""


def _link(el: Tag, base: str, soup: BeautifulSoup, lex: Lexicon) -> Link:
    href, script, post = _address(base, el, soup)
    img = el if el.name == "img" else el.find("img")
    link = Link(href=href, text=words_of(el) if el.name != "img" else "", title=normalise(el.get("title") or ""),
                alt=normalise(img.get("alt") or "") if img else "",
                img_src=(img.get("src") or img.get("data-src") or "") if img else "",
                aria=normalise(el.get("aria-label") or ""), script=script, post=post)
    if not link.title and img is not None:
        link.title = normalise(img.get("title") or "")
    label_words = len((link.text or link.title or link.alt or link.aria).split())
    link.is_article = bool(href) and lex.is_article_href(href) or label_words > lex.max_words
    return link


def read_home(page: Page, soup: BeautifulSoup | None = None, lex: Lexicon | None = None) -> HomeDoc:
    lex = lex or load_lexicon()
    soup = soup if soup is not None else parse_html(page.text)
    base_tag = soup.find("base", href=True)
    base = urljoin(page.final_url or page.url, base_tag["href"]) if base_tag else (page.final_url or page.url)
    boxes, rows = _box_titles(soup, lex), _nav_rows(soup, lex)
    home_host = host_of(base)
    directories = _directories(soup, base, home_host)
    links: list[Link] = []
    by_tag: dict[int, Link] = {}
    # Anchors, and the cells, items and buttons whose onclick opens a page.
    clickable = [el for el in soup.find_all(_CLICKABLE, onclick=True)
                 if el.find("a", href=True) is None and el.find_parent("a") is None]
    for el in soup.find_all("a") + clickable:
        link = _link(el, base, soup, lex)
        if el.name != "a" and not link.href and not link.post:
            continue  # an onclick that opens nothing readable (a slider, a tab)
        link.context, link.box_titles = _context(el, boxes, rows, lex)
        if link.context == "content" and link.image_only:
            link.context = "banner"
        link.offsite = bool(link.href) and host_of(link.href) != home_host
        link.hidden = _hidden(el)
        link.directory = any(id(p) in directories for p in el.parents)
        by_tag[id(el)] = link
        links.append(link)
    # Menu parents that lead nowhere ("#", a script that only opens the submenu) stand for it.
    for a in soup.find_all("a"):
        parent = by_tag[id(a)]
        if parent.href or parent.post:
            continue
        item = a.find_parent(["li", "td"])
        if item is None or sum(1 for p in a.parents if p is not item and item in p.parents) > 3:
            continue  # the item must hold the anchor closely (<li><div><a>…)
        sub = next((el for el in item.find_all(["ul", "ol", "div"]) if a not in el.descendants), None)
        if sub is not None:
            parent.children = [by_tag[id(c)] for c in sub.find_all("a") if id(c) in by_tag and by_tag[id(c)].href]
    end = words_of(soup.body)[-int(lex.settings.get("footer_tail_chars", 1200)):] if soup.body else ""
    return HomeDoc(page=page, soup=soup, base_url=base, links=links, footer_text=footer_text(soup, lex),
                   box_titles=sorted(set(boxes.values())), end_text=end)


def _directories(soup: BeautifulSoup, base: str, home_host: str) -> set[int]:
    """ids of the related-links blocks ("Liên kết website", a drop-down of sites, partner
    logos, a directory of agencies' sites), as the related-links check finds them."""
    from checks.functions.related_links import blocks  # that module reads HomeDocs: imported late

    # A logo carousel may be the portal's own banners to national services (VPCP's "Lấy ý kiến
    # nhân dân về dự thảo" banner sits among partner logos): only listed directories count.
    return {id(block) for _, how, block, _ in blocks(soup, base, home_host) if how in ("box_title", "site_directory")}


def footer_text(soup: BeautifulSoup, lex: Lexicon | None = None) -> str:
    """The footer's words: marked footers (`<footer>`, footer/bottom classes), else the end of the page."""
    lex = lex or load_lexicon()
    pattern = re.compile(lex.settings["footer_container_pattern"], re.I)
    parts, seen = [], []
    for el in soup.find_all(True):
        if el.name in ("script", "style") or not (el.name == "footer" or pattern.search(_classes(el))):
            continue
        if any(el in s.descendants for s in seen):
            continue
        seen.append(el)
        parts.append(words_of(el))
    if not parts and soup.body is not None:  # no marked footer: the end of the page
        parts.append(words_of(soup.body)[-int(lex.settings.get("footer_tail_chars", 1200)):])
    return " ".join(parts)


# Not inside a longer number: "2019-05-17T07:49" is a date, not a phone.
PHONE_RE = re.compile(r"(?<!\d)(\+?84|0|\(0?\d{2,3}\))[\d .()\-]{7,}\d")
EMAIL_RE = re.compile(r"[\w.+-]+\s*(@|\[at\]|\(at\))\s*[\w-]+(\.[\w-]+)+")


def contact_details(text: str) -> dict | None:
    """Address, phone and email in a text (a footer): at least two of the three are a contact block."""
    folded = fold(text)
    found = {
        "address": bool(re.search(r"\bdia chi\b|\btru so\b|\baddress\b|\bdc\b", folded)),
        "phone": bool(re.search(r"\b(dien thoai|dt|d t|tel|hotline|so dien thoai|phone|duong day nong)\b", folded))
        and bool(PHONE_RE.search(text)),
        "email": bool(EMAIL_RE.search(text)),
    }
    if sum(found.values()) < 2:
        return None
    start = min((m.start() for m in (re.search(r"(?i)địa chỉ|trụ sở|address|điện thoại|email", text),) if m), default=0)
    return {"kinds": [k for k, v in found.items() if v], "snippet": text[start:start + 240]}
