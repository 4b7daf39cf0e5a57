"""Lists of services in server-rendered HTML: tables with a "Mức độ" column,
link lists, their page links, and Liferay AJAX fragments.

Legal basis: Decree 42/2022 Art. 11 / Decree 43/2011 Art. 3 (see
checks.service_listing). Pure: (html, url) in, ListPage out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

from checks.service_level import UNKNOWN, Level, level_from_label, vocabulary
from checks.service_listing import ListedService, ListRequest, canonical_url
from checks.text import fold, normalise, url_words

_STATIC = re.compile(r"\.(js|css|png|jpe?g|gif|svg|ico|woff2?|ttf|pdf|docx?|xlsx?|zip)$", re.I)
_QUOTED = re.compile(r"""["']([^"'\s<>]{0,400}\?[^"'\s<>]{1,800})["']""")
_HREF_ATTR = re.compile(r"""\shref\s*=\s*(["']).*?\1""", re.S | re.I)


def _voc() -> dict:
    return vocabulary()["listing"]


@lru_cache(maxsize=1)
def _code_rx() -> re.Pattern:
    return re.compile(_voc()["code_pattern"])


@dataclass(frozen=True)
class Fragment:
    """A list fragment URL found in a page's markup or inline script, with its
    paging parameters (Liferay: `_x_WAR_yportlet_start`, `_delta`, `mucDo`)."""

    url: str
    offset_key: str | None
    size_key: str | None
    level_key: str | None
    by_page: bool = False            # the offset counts pages (cur, page), not rows
    method: str = "GET"
    # A POST's form fields (jQuery's $.post with an object): the offset may be one.
    form: tuple[tuple[str, str], ...] = ()

    def _next(self, pairs: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
        values = dict(pairs)
        start = _int(values.get(self.offset_key), 1 if self.by_page else 0)  # type: ignore[arg-type]  # None: absent
        size = _int(values.get(self.size_key), _voc()["fragment_default_size"]) if self.size_key \
            else _voc()["fragment_default_size"]
        new = start + n if self.by_page else start + n * size
        return [(k, str(new) if k == self.offset_key else v) for k, v in pairs]

    def page_url(self, n: int) -> str:
        """The fragment's n-th page (n = 0 is the URL as found)."""
        if not self.offset_key or n == 0 or self.form:
            return self.url
        parts = urlsplit(self.url)
        query = self._next(parse_qsl(parts.query, keep_blank_values=True), n)
        return urlunsplit(parts._replace(query=urlencode(query)))

    def request(self, n: int) -> ListRequest:
        """The n-th page as a request (a GET of page_url, or the POST of its form)."""
        if self.method != "POST":
            return ListRequest.get(self.page_url(n))
        form = self._next(list(self.form), n) if self.offset_key and n else list(self.form)
        body = urlencode(form)
        return ListRequest(self.url, "POST", body, "application/x-www-form-urlencoded",
                           f"POST {canonical_url(self.url)} {urlencode(sorted(form))}")


@dataclass
class ListPage:
    services: list[ListedService] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)        # pagination and "Xem thêm" links
    entries: list[str] = field(default_factory=list)      # links to (other) lists
    fragments: list[Fragment] = field(default_factory=list)
    level_column: bool = False
    posts: list[ListRequest] = field(default_factory=list)  # ASP.NET pagers: the form posted back
    page_key: str | None = None       # which page of a posted-back list this is ("…#page=3")
    announced: tuple[int, str] | None = None              # "Tổng số: 1.234 thủ tục"
    empty: str | None = None          # the words with which the list says it is empty

    @property
    def grows(self) -> bool:
        """The page holds a list that more requests would grow."""
        return bool(self.pages or self.fragments or self.posts)


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _text(el) -> str:
    return normalise(" ".join(el.itertext()) if el is not None else "")


def _is_chrome(el) -> bool:
    """Inside a menu, header, footer, breadcrumb or pager: never a service."""
    words = _voc()["chrome_words"]
    for anc in el.iterancestors():
        if anc.tag in ("nav", "header", "footer"):
            return True
        tokens = re.split(r"[^a-z0-9]+", f"{anc.get('class') or ''} {anc.get('id') or ''}".lower())
        if any(tok and any(w == tok if len(w) < 4 else w in tok for w in words) for tok in tokens):
            return True
    return False


def _abs(href: str | None, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    url = urljoin(base, href).split("#", 1)[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def level_from_url(url: str) -> Level:
    """A list filtered by level (`?mucDo=4`): rows without a level column get it."""
    keys = _voc()["fragment_level_params"]
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if v and any(k.lower().endswith(p) for p in keys):
            level = level_from_label(v, "list_param")
            if level.known:
                return Level(level.key, f"{k.split('_')[-1] or k}={v}", "list_param", level.vocabulary)
    return UNKNOWN


def _code(*texts: str) -> str | None:
    for t in texts:
        m = _code_rx().search(t or "")
        if m:
            return m.group(1)
    return None


def _header_index(headers: list[str], names: list[str]) -> int | None:
    for i, h in enumerate(headers):
        if any(h == n or h.startswith(n + " ") for n in names):
            return i
    return None


def _from_tables(doc, base: str, page_level: Level) -> tuple[list[ListedService], bool]:
    voc, out, level_column = _voc(), [], False
    for table in doc.iter("table"):
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        if len(rows) < 2:
            continue
        headers = [fold(_text(c)) for c in rows[0].xpath("./th|./td")]
        lvl_i = _header_index(headers, voc["level_headers"])
        code_i = _header_index(headers, voc["code_headers"])
        name_i = _header_index(headers, voc["name_headers"])
        if lvl_i is None and code_i is None and name_i is None:
            continue
        found = []
        for tr in rows[1:]:
            cells = tr.xpath("./th|./td")
            if len(cells) < 2:
                continue
            pick = cells[name_i] if name_i is not None and name_i < len(cells) else tr
            links = [a for a in pick.iter("a") if _abs(a.get("href"), base)] or \
                    [a for a in tr.iter("a") if _abs(a.get("href"), base)]
            if not links:
                continue
            link = links[0]
            name = _text(link) if len(_text(link)) >= 4 else _text(pick)
            code = _code(_text(cells[code_i]) if code_i is not None and code_i < len(cells) else "",
                         link.get("href") or "", _text(tr))
            level = level_from_label(_text(cells[lvl_i])) if lvl_i is not None and lvl_i < len(cells) \
                else UNKNOWN
            found.append(ListedService(_abs(link.get("href"), base), code, name,  # type: ignore[arg-type]
                                       level if level.known else page_level, base))
        if found:
            out.extend(found)
            level_column = level_column or lvl_i is not None
    return out, level_column


def _container(a):
    """The row-like element around a link, if it holds little more than the link
    (real procedure names run to 600 characters: the rest is what counts)."""
    own = len(_text(a))
    for anc in a.iterancestors():
        if anc.tag in ("li", "tr", "article", "div", "p", "dd", "section"):
            return anc if len(_text(anc)) - own <= 400 else None
    return None


def _from_links(doc, base: str, page_level: Level, permissive: bool, strict: bool) -> list[ListedService]:
    voc, out, seen = _voc(), [], set()
    entry_words = set(voc["entry_words"])
    for a in doc.iter("a"):
        url = _abs(a.get("href"), base)
        if not url or url in seen or url.rstrip("/") == base.rstrip("/") or _STATIC.search(urlsplit(url).path):
            continue
        name = _text(a)
        folded = fold(name)
        if folded in entry_words or _is_chrome(a) or _is_pager_text(name):
            continue
        # "Nộp hồ sơ", "Thanh toán" buttons; a procedure may be named "Thanh toán chi phí…".
        if len(folded.split()) <= 6 and any(folded.startswith(w) for w in voc.get("action_link_words", ())):
            continue
        row = _container(a)
        row_text = _text(row) if row is not None else name
        code = _code(url, name, row_text)
        words = f" {url_words(url)} "
        detailish = any(f" {w} " in words for w in voc["detail_url_words"]) and \
            not any(f" {w} " in words for w in voc["exclude_url_words"])
        if len(name) < voc["min_name_chars"] and not code:
            continue
        # A home page is full of long links: there a service must show its code.
        if not (code or (detailish and not strict) or (permissive and not strict)):
            continue
        rest = _code_rx().sub(" ", row_text.replace(name, " ")) if row is not None else ""
        level = level_from_label(rest) if rest.strip() else UNKNOWN
        seen.add(url)
        out.append(ListedService(url, code, name, level if level.known else page_level, base))
    return out


def _is_pager_text(text: str) -> bool:
    raw = normalise(text).lower()
    return raw.isdigit() or raw in _voc()["next_words"] or fold(raw) in _voc()["next_words"]


def _is_load_more(text: str) -> bool:
    return fold(text) in _voc()["load_more_words"]


def _list_path(path: str) -> str:
    """The path without the page number it may carry (`/tthc/page-2/` -> `/tthc`)."""
    return re.sub(_voc()["page_path_pattern"], "", path).rstrip("/") or "/"


def _size_values(url: str) -> tuple:
    sizes = _voc()["size_params"]
    return tuple(sorted((k, v) for k, v in parse_qsl(urlsplit(url).query)
                        if any(k.lower().endswith(p) for p in sizes)))


def _same_size(page_url: str, urls: list[str]) -> list[str]:
    """Drop the links that change how many rows a page shows (Liferay's delta
    selector): they list the same services again. The page's own size is the
    one in its URL, else the one most of its page links carry."""
    own = _size_values(page_url)
    if not own:
        counts: dict[tuple, int] = {}
        for url in urls:
            counts[_size_values(url)] = counts.get(_size_values(url), 0) + 1
        own = max(counts, key=lambda k: counts[k]) if counts else ()
    keys = {k for k, _ in own}
    return [u for u in urls if not _size_values(u) or
            (keys == {k for k, _ in _size_values(u)} and _size_values(u) == own)]


def pagination_links(doc, page_url: str) -> list[str]:
    """Page links of a list: "Trang sau", "»", numbered links (`?page=N`, `cur=N`,
    `/page-2/`), `rel="next"` (infinite scroll reads it), and the URLs "Xem thêm"
    buttons carry in their data attributes. A link that changes the page size
    is never followed."""
    cur = urlsplit(page_url)
    params = _voc()["page_params"]
    out: list[str] = []

    def add(url: str | None) -> None:
        if url and url != page_url and url not in out and urlsplit(url).netloc == cur.netloc:
            out.append(url)
    for a in doc.xpath("//a[@href]|//link[@rel='next'][@href]"):
        url = _abs(a.get("href"), page_url)
        if not url:
            continue
        parts = urlsplit(url)
        if "next" in (a.get("rel") or "").lower().split():
            add(url)
            continue
        label = a.get("title") or a.get("aria-label") or ""
        text = _text(a)
        is_pager = _is_pager_text(text) or (label and _is_pager_text(label)) or _is_load_more(text)
        has_param = any(k.lower() in params or k.lower().endswith(tuple(f"_{p}" for p in params))
                        for k, _ in parse_qsl(parts.query))
        if is_pager and (parts.path == cur.path or has_param or _list_path(parts.path) == _list_path(cur.path)):
            add(url)
    for el in doc.xpath("//*[@*[starts-with(name(), 'data-')]]"):
        if _is_load_more(_text(el)) or _is_load_more(el.get("title") or ""):
            for name, value in el.attrib.items():
                if name.startswith("data-") and ("/" in value or "?" in value):
                    add(_abs(value, page_url))
    return _same_size(page_url, out)


def entry_links(doc, page_url: str) -> list[str]:
    """Links from a portal's home page to its lists of procedures (menus included)."""
    voc = _voc()
    host = urlsplit(page_url).netloc
    ranked: list = []
    for a in doc.iter("a"):
        url = _abs(a.get("href"), page_url)
        if not url or urlsplit(url).netloc != host or url.rstrip("/") == page_url.rstrip("/"):
            continue
        text = fold(_text(a) or a.get("title") or "")
        if len(text.split()) > 8 or _STATIC.search(urlsplit(url).path):
            continue
        words = f" {url_words(url)} "
        if any(f" {w} " in words for w in voc["exclude_url_words"]):
            continue
        rank = next((i for i, w in enumerate(voc["entry_words"])
                     if f" {w} " in f" {text} " or f" {w} " in words), None)
        if level_from_url(url).known:
            rank = -1
        if rank is not None and url not in [u for _, u in ranked]:
            ranked.append((rank, url))
    return [u for _, u in sorted(ranked, key=lambda r: r[0])][: voc["max_entry_links"]]


def find_fragments(html: str, base_url: str) -> list[Fragment]:
    """URLs of AJAX list fragments in markup and inline scripts (not in links)."""
    voc = _voc()
    text = _HREF_ATTR.sub(" ", html).replace("\\/", "/").replace("\\u0026", "&").replace("&amp;", "&")
    out: dict[str, Fragment] = {}
    for match in _QUOTED.finditer(text):
        raw = match.group(1)
        if raw.startswith(("javascript:", "data:")):
            continue
        url = urljoin(base_url, raw)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _STATIC.search(parts.path):
            continue
        keys = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]

        def key_for(names, keys=keys):
            return next((k for k in keys if any(k.lower().endswith(n) for n in names)), None)
        offset = key_for(voc["fragment_offset_params"])
        size = key_for(voc["fragment_size_params"])
        level = key_for(voc["fragment_level_params"])
        if not (level or (offset and size)):
            continue
        by_page = bool(offset) and any(offset.lower().endswith(p) for p in ("page", "pageindex", "cur"))
        out.setdefault(url, Fragment(url, offset, size, level, by_page))
    return list(out.values())


def parse_list_page(html: str, page_url: str, permissive: bool = False,
                    strict: bool = False) -> ListPage:
    """Services, page links, list entries and AJAX fragments of one page.

    `permissive` is for AJAX fragments, whose every titled link is a service;
    `strict` for a portal's home page, where only tables and coded links count.
    """
    if not html or not html.strip():
        return ListPage()
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ListPage()
    from checks.service_listing import announced_total, empty_list_marker
    from checks.service_listing_js import script_sources
    from checks.service_listing_postback import postback_pages
    page_level = level_from_url(page_url)
    services, level_column = _from_tables(doc, page_url, page_level)
    if not services:
        services = _from_links(doc, page_url, page_level, permissive, strict)
    unique: dict[str, ListedService] = {}
    for s in services:
        unique.setdefault(s.url, s)
    posts, page_key = postback_pages(doc, page_url)
    fragments = find_fragments(html, page_url)
    known = {f.url for f in fragments}
    fragments += [f for f in script_sources(html, page_url) if f.url not in known]
    return ListPage(list(unique.values()), pagination_links(doc, page_url), entry_links(doc, page_url),
                    fragments, level_column, posts, page_key, announced_total(_text(doc)),
                    None if unique else empty_list_marker(html, fragment=permissive))
