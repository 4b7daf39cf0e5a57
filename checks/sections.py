"""Reading a portal's homepage: its navigation, and which links lead to each required section.

Reference: requirements.md §2 (the keys), labels.md (how real portals label them).
Only navigation-like links count — menus, box (portlet) titles and their links,
footers and image banners — never the words of a headline or an article
(Liferay `/-/view_content/` links, long link texts). Image-only links are read
through their title, alt, image file name and href slug, since on real portals
(Hà Nội's Sở TT&TT) half of the required sections are reachable only that way.
Pure: a Page (and its parsed soup) in, links and candidates out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from checks.lexicon import Lexicon, load_lexicon
from checks.model import Page
from checks.text import fold, normalise

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5")


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


def attr_words(tag: Tag) -> str:
    return " ".join(f"{k}={v if isinstance(v, str) else ' '.join(v)}" for k, v in tag.attrs.items()
                    if k in ("id", "class", "role"))


@dataclass
class Link:
    href: str  # absolute, no fragment ("" for a menu parent without a target)
    text: str
    title: str = ""
    alt: str = ""
    img_src: str = ""
    context: str = "content"  # menu | box | footer | banner | content
    box_titles: list[str] = field(default_factory=list)  # enclosing boxes, nearest first
    is_article: bool = False
    offsite: bool = False
    children: list["Link"] = field(default_factory=list)

    @property
    def image_only(self) -> bool:
        return not self.text and bool(self.img_src or self.title or self.alt)


@dataclass
class Candidate:
    key: str
    href: str
    label: str  # the text or attribute that matched, as shown on the page
    matched_by: str  # text | title | alt | img_name | slug | box_title | hint
    score: float
    context: str = ""
    offsite: bool = False

    def evidence(self) -> dict:
        return {"label": self.label, "matched_by": self.matched_by, "href": self.href,
                "context": self.context, "offsite": self.offsite}


@dataclass
class HomeDoc:
    """The homepage as read once: links with their context, boxes and footer."""

    page: Page
    soup: BeautifulSoup
    base_url: str
    links: list[Link]
    footer_text: str
    box_titles: list[str]

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


def _context(a: Tag, boxes: dict[int, str], lex: Lexicon) -> tuple[str, list[str]]:
    """(context, enclosing box titles, nearest first)."""
    menu = re.compile(lex.settings["menu_container_pattern"], re.I)
    footer = re.compile(lex.settings["footer_container_pattern"], re.I)
    context, titles = "", []
    for anc in a.parents:
        if anc.name in ("body", "html", "[document]"):
            break
        if id(anc) in boxes:
            titles.append(boxes[id(anc)])
            context = context or "box"
            continue
        names = _classes(anc)
        if anc.name == "footer" or footer.search(names):
            return context or "footer", titles
        if anc.name == "nav" or menu.search(names) or anc.get("role") == "navigation":
            return context or "menu", titles
    return context or "content", titles


def _absolute(base: str, href: str) -> str:
    href = (href or "").strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return ""
    try:
        return clean_url(urljoin(base, href))
    except ValueError:
        return ""


def read_home(page: Page, soup: BeautifulSoup | None = None, lex: Lexicon | None = None) -> HomeDoc:
    lex = lex or load_lexicon()
    soup = soup if soup is not None else parse_html(page.text)
    base_tag = soup.find("base", href=True)
    base = urljoin(page.final_url or page.url, base_tag["href"]) if base_tag else (page.final_url or page.url)
    boxes = _box_titles(soup, lex)
    home_host = host_of(base)
    links: list[Link] = []
    by_tag: dict[int, Link] = {}
    for a in soup.find_all("a"):
        href = _absolute(base, a.get("href", ""))
        img = a.find("img")
        link = Link(
            href=href, text=words_of(a), title=normalise(a.get("title") or ""),
            alt=normalise(img.get("alt") or "") if img else "",
            img_src=(img.get("src") or img.get("data-src") or "") if img else "")
        if not link.title and img is not None:
            link.title = normalise(img.get("title") or "")
        link.context, link.box_titles = _context(a, boxes, lex)
        if link.context == "content" and link.image_only:
            link.context = "banner"
        link.offsite = bool(href) and host_of(href) != home_host
        label_words = len((link.text or link.title or link.alt).split())
        link.is_article = bool(href) and lex.is_article_href(href) or label_words > lex.max_words
        by_tag[id(a)] = link
        links.append(link)
    # Menu parents that lead nowhere ("#") stand for their submenu.
    for a in soup.find_all("a"):
        parent = by_tag[id(a)]
        if parent.href or a.parent is None or a.parent.name != "li":
            continue
        sub = a.parent.find(["ul", "ol", "div"])
        if sub is not None:
            parent.children = [by_tag[id(c)] for c in sub.find_all("a") if id(c) in by_tag and by_tag[id(c)].href]
    return HomeDoc(page=page, soup=soup, base_url=base, links=links,
                   footer_text=footer_text(soup, lex), box_titles=sorted(set(boxes.values())))


def footer_text(soup: BeautifulSoup, lex: Lexicon | None = None) -> str:
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
        parts.append(words_of(soup.body)[-1200:])
    return " ".join(parts)


PHONE_RE = re.compile(r"(\+?84|0|\(0?\d{2,3}\))[\d .()\-]{7,}\d")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def contact_details(text: str) -> dict | None:
    """Address, phone and email in a text (a footer): at least two of the three are a contact block."""
    folded = fold(text)
    found = {
        "address": bool(re.search(r"\bdia chi\b|\btru so\b|\baddress\b", folded)),
        "phone": bool(re.search(r"\b(dien thoai|dt|tel|hotline|so dien thoai|phone)\b", folded)) and bool(PHONE_RE.search(text)),
        "email": bool(EMAIL_RE.search(text)),
    }
    if sum(found.values()) < 2:
        return None
    start = min((m.start() for m in (re.search(r"(?i)địa chỉ|address|điện thoại|email", text),) if m), default=0)
    return {"kinds": [k for k, v in found.items() if v], "snippet": text[start:start + 240]}


def _sources(link: Link) -> list[tuple[str, str]]:
    """(matched_by, label) pairs a link offers. A link with text is read by its text (and
    title), and by its slug only if the text names no section ("Thông báo - Chỉ đạo" ->
    `com=chi-dao-dieu-hanh`); a link without text by its title, alt, image name and slug."""
    if link.text:
        out = [("text", link.text)]
        if link.title and fold(link.title) != fold(link.text):
            out.append(("title", link.title))
        if link.href and len(link.text.split()) <= 6:
            out.append(("slug_fallback", link.href))
        return out
    out = []
    if link.title:
        out.append(("title", link.title))
    if link.alt:
        out.append(("alt", link.alt))
    if link.img_src:
        out.append(("img_name", link.img_src))
    if link.href:
        out.append(("slug", link.href))
    return out


def _matches(lex: Lexicon, source: str, value: str, link: Link):
    if source == "img_name":
        return lex.match_image(value)
    if source in ("slug", "slug_fallback"):
        matches = lex.match_slug(value, link.offsite)
        if source == "slug_fallback":
            words = fold(link.text).split()
            if lex.match_words(fold(link.text)) or lex.match_words(fold(link.title)):
                return []  # the text already says which section this is
            # Nor may the slug give a key whose decoy the text shows ("Thăm dò ý kiến" -> /lay-y-kien).
            matches = [m for m in matches if not any(lex._find(words, d, False) for d in lex.sections[m.key].decoys)]
        return matches
    return lex.match_words(fold(value))


def find_candidates(home: HomeDoc, lex: Lexicon | None = None,
                    hints: dict[str, dict] | None = None) -> dict[str, list[Candidate]]:
    """Per key, the links that may lead to its section, best first (at most max_candidates)."""
    lex = lex or load_lexicon()
    found: dict[str, list[Candidate]] = {key: [] for key in lex.sections}
    strict = float(lex.settings.get("content_min_coverage", 0.75))
    for link in home.links:
        if link.is_article:
            continue
        targets = [link] if link.href else link.children
        if not targets:
            continue
        offers = _sources(link) + [("box_title", title) for title in link.box_titles]
        for offered, value in offers:
            source = "slug" if offered == "slug_fallback" else offered
            for m in _matches(lex, offered, value, link):
                # Outside menus, boxes, footers and banners a text must be almost all label.
                if link.context == "content" and source == "text" and m.coverage < strict:
                    continue
                score = lex.weight(source) * m.coverage * (0.9 if m.fuzzy else 1.0)
                # A section the portal publishes itself beats a link to another site.
                score *= float(lex.settings.get("offsite_factor", 0.9)) if link.offsite else 1.0
                for target in targets:
                    label = value if source not in ("img_name", "slug") else _tail(value)
                    if source == "box_title":
                        label = f"{value} › {target.text or target.title or target.alt or target.href}"
                    elif target is not link:
                        label = f"{value} › {target.text or target.href}"
                    found[m.key].append(Candidate(m.key, target.href, label, source, round(score, 3),
                                                  link.context, target.offsite))
    for key, value in (hints or {}).items():
        if key in found:
            found[key] = hint_candidates(home, key, value)
    limit = int(lex.settings["max_candidates"])
    per_box = int(lex.settings.get("max_candidates_per_box", 2))
    out = {}
    for key, cands in found.items():
        cands.sort(key=lambda c: (-c.score, c.offsite))
        seen, best, boxes = set(), [], {}
        for cand in cands:
            # The links of one box are alike (one box of TTHC fields): leave room for others.
            group = cand.label.split(" › ")[0] if cand.matched_by == "box_title" else None
            if cand.href in seen or (group and boxes.get(group, 0) >= per_box):
                continue
            seen.add(cand.href)
            if group:
                boxes[group] = boxes.get(group, 0) + 1
            best.append(cand)
        out[key] = best[:limit] if not (hints and key in hints) else best
    return out


def _tail(url: str) -> str:
    """The readable end of an href or image path: `ttpbgdpl.png/ttpbgdpl03f5.png`."""
    path = unquote(urlsplit(url).path)
    return "/".join(path.rstrip("/").split("/")[-2:]).lstrip("/")[-120:] or url[-120:]


def hint_candidates(home: HomeDoc, key: str, hint: dict) -> list[Candidate]:
    """An agency's hint replaces detection for one key: a URL, or a CSS selector on the homepage."""
    if hint.get("url"):
        href = _absolute(home.base_url, hint["url"])
        return [Candidate(key, href, hint["url"], "hint", 9.0, "hint", host_of(href) != home.host)] if href else []
    out = []
    try:
        elements = home.soup.select(hint["selector"])
    except Exception:  # a bad selector in a hints file is the agency's typo, not a crash
        return []
    for el in elements:
        anchors = [el] if el.name == "a" else el.find_all("a")
        for a in anchors:
            href = _absolute(home.base_url, a.get("href", ""))
            if href:
                out.append(Candidate(key, href, words_of(a) or hint["selector"], "hint", 9.0, "hint",
                                     host_of(href) != home.host))
    return out
