"""The failure taxonomy: what a fetch really returned.

The statuses and why they are kept apart: docs/statuses.md (a page that works in a
browser must not be reported as failed; bot protection is `blocked`, not dead).
Pure functions: the fetcher gives status, headers, text or the exception.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import lxml.html
import yaml
from lxml import etree
from rapidfuzz import fuzz

from checks.text import fold

_DATA = Path(__file__).with_name("data") / "fetch_signatures.yaml"
_TAGS = re.compile(r"<(script|style|noscript)\b.*?</\1>|<[^>]+>", re.S | re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


@lru_cache(maxsize=1)
def signatures() -> dict:
    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


def visible_text(html: str, limit: int | None = None) -> str:
    """Rough visible text of a page, fast enough for every fetch."""
    text = _TAGS.sub(" ", html[: limit * 20] if limit else html)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] if limit else text


def page_title(html: str) -> str:
    match = _TITLE.search(html[:20000])
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


_MAIN_DROP = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "select",
                        "option", "svg", "iframe", "head", "aside"})


@lru_cache(maxsize=1)
def _chrome_names() -> re.Pattern:
    from checks.lexicon import load_lexicon

    return re.compile(load_lexicon().settings["chrome_container_pattern"], re.I)


def text_lines(html: str) -> list[str]:
    """The folded text lines (text nodes) of a page, outside scripts and styles."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    return _lines(root)


def _lines(root) -> list[str]:
    out = []
    for text in root.itertext():
        folded = fold(text) if text and not text.isspace() else ""
        if folded:
            out.append(folded)
    return out


def main_text(html: str, chrome_lines: frozenset[str] = frozenset()) -> str:
    """The folded text of a page's main content: without scripts, `<nav>`, `<header>`,
    `<footer>`, `<aside>`, containers whose id/class say menu, nav, header, footer,
    breadcrumb or banner, and (when the site's homepage is known) any text line the
    homepage also shows. Whole, not a prefix: a soft 404 that repeats a long menu differs
    from a real page only in what follows it."""
    return " ".join(main_lines(html, chrome_lines))


def main_lines(html: str, chrome_lines: frozenset[str] = frozenset()) -> list[str]:
    """The folded text lines of a page's main content (see `main_text`)."""
    if not html:
        return []
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    names = _chrome_names()
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and (
        el.tag in _MAIN_DROP or names.search(f"{el.get('class') or ''} {el.get('id') or ''}"))]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent
    return [line for line in _lines(root) if line not in chrome_lines]


def not_found_probe_url(site_url: str, token: str) -> str:
    """A page that cannot exist at the root of the site's host, to learn its
    not-found answer (NotFoundFingerprint). `token` makes it unique: random per
    crawl, or derived from the site when the same probe must be repeatable."""
    parts = urlsplit(site_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/pc-khong-ton-tai-{token}.html", "", ""))


@dataclass(frozen=True)
class NotFoundFingerprint:
    """What the site answers to a path that cannot exist (kept to judge other pages).

    `text` is the whole main content of that answer (see `main_text`); `chrome_lines`
    the homepage's text lines when the spider knows them, so that a soft 404 that
    repeats the site's menus and boxes is compared on what it says, not on its chrome."""

    http_status: int | None
    title: str
    text: str
    chrome_lines: frozenset[str] = frozenset()

    @classmethod
    def from_page(cls, http_status: int | None, html: str, home_html: str | None = None) -> NotFoundFingerprint:
        lines = frozenset(text_lines(home_html)) if home_html else frozenset()
        return cls(http_status, fold(page_title(html)), main_text(html, lines), lines)

    @property
    def is_soft(self) -> bool:
        """True when the site answers 200 to a missing page."""
        return self.http_status is not None and 200 <= self.http_status < 300

    def matches(self, html: str) -> bool:
        if not self.is_soft or fold(page_title(html)) != self.title:
            return False
        text = main_text(html, self.chrome_lines)
        if not text or not self.text:
            # Nothing but the homepage's own text on both: the site answered with its homepage.
            return not text and not self.text and bool(self.chrome_lines)
        least = signatures()["soft_404_similarity"]
        if 200 * min(len(text), len(self.text)) / (len(text) + len(self.text)) < least:
            return False  # lengths alone put the ratio below the threshold
        return fuzz.ratio(text, self.text, score_cutoff=least) >= least


def is_blocked_body(html: str) -> bool:
    return _has_blocked_phrase(page_title(html), visible_text(html, 3000))


def _has_blocked_phrase(title: str, text: str) -> bool:
    head = fold(title + " " + text)
    return any(phrase in head for phrase in signatures()["blocked_phrases"])


def says_not_found(html: str) -> bool:
    return _says_not_found(html, page_title(html), visible_text(html))


def _says_not_found(html: str, title: str, text: str) -> bool:
    sig = signatures()
    window = sig["not_found_window_chars"]
    if len(text) > sig["soft_404_max_text_chars"]:
        # A full page that mentions "not found" somewhere is not a 404 page, but its
        # title, first heading or the start of its main content (a soft 404 that repeats
        # a long menu) may still say so.
        folded = fold(text)
        text = ""
        if any(phrase in folded for phrase in sig["not_found_phrases"]):
            lines = main_lines(html)
            if sum(len(line) for line in lines) <= sig["soft_404_max_text_chars"] and any(
                    len(line.split()) <= 12 and any(phrase in line for phrase in sig["not_found_phrases"])
                    for line in lines):
                return True  # a short line of the main content says so
    head = fold(title + " " + _first_heading(html) + " " + text[:window])
    return any(phrase in head for phrase in sig["not_found_phrases"])


def _first_heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S | re.I)
    return _TAGS.sub(" ", match.group(1)) if match else ""


def is_login_url(url: str) -> bool:
    from checks.text import url_words

    words = url_words(url)
    return any(w in words for w in signatures()["login_url_words"])


def classify_response(http_status: int, html: str = "",
                      not_found: NotFoundFingerprint | None = None) -> str:
    """Taxonomy status of a response that arrived (after redirects were followed)."""
    sig = signatures()
    if http_status in sig["blocked_http_statuses"]:
        if is_blocked_body(html) or http_status in sig["blocked_without_body"]:
            return "blocked"
        if http_status == 503:
            return "server_error"
        # 401/403 with an ordinary body: access refused to us, not proof of death.
        return "blocked"
    if http_status in (404, 410):
        return "not_found"
    if http_status >= 500:
        return "server_error"
    if http_status >= 400:
        return "not_found" if http_status in (400, 405) else "error"
    if 300 <= http_status < 400:
        # A redirect reached us unfollowed: no Location, or one we could not use.
        return "error"
    if 200 <= http_status < 300:
        if not html:
            return "live"
        # Every page of a sweep passes here: the visible text is computed once.
        text = visible_text(html)
        title = page_title(html)
        if len(text) < 2000 and _has_blocked_phrase(title, text[:3000]):
            return "blocked"
        if _says_not_found(html, title, text) or (not_found and not_found.matches(html)):
            return "soft_404"
        return "live"
    return "error"


_EXCEPTION_RULES = (
    # (status, words found in the exception's class name or message), first match wins
    # A re-judgement asked for a page its archive does not hold (crawler.archive).
    ("not_archived", ("notarchived", "not_archived")),
    # Our browser, not the portal: it did not start, died, or is turned off.
    ("render_failed", ("browserunavailable", "browsertype.launch", "executable doesn't exist",
                       "failed to launch", "browser has been closed", "browser closed",
                       "target page, context or browser has been closed", "target closed",
                       "browser has disconnected", "connection closed while reading from the driver")),
    # robots.txt told us not to fetch: not the agency's fault, so never "dead".
    ("blocked", ("forbidden by robots.txt",)),
    # Our own policy refused the address (crawler.netsafety.middleware.AddressSafetyMiddleware).
    ("error", ("address_refused",)),
    ("redirect_loop", ("max redirections", "redirect loop", "too many redirects")),
    ("dns_error", ("cannotresolvehost", "dnslookup", "dns lookup", "name or service not known",
                   "no address associated", "nodename nor servname")),
    ("tls_error", ("ssl", "tls", "certificate", "handshake")),
    ("timeout", ("timeout", "timed out", "took longer than")),
    ("connection_error", ("connectionrefused", "connection refused", "connectionlost",
                          "connectiondone", "connecterror", "connection was closed",
                          "connection reset", "responsefailed", "dataloss", "downloadfailed",
                          "partialdownload", "net::err_connection", "net::err_empty_response")),
    ("dns_error", ("net::err_name_not_resolved",)),
    ("tls_error", ("net::err_cert", "net::err_ssl")),
)


def classify_exception(exc: BaseException | str) -> str:
    """Taxonomy status of a fetch that raised instead of answering."""
    if isinstance(exc, BaseException):
        words = f"{type(exc).__name__} {exc}".lower()
        for cls in type(exc).__mro__:
            words += " " + cls.__name__.lower()
    else:
        words = str(exc).lower()
    for status, needles in _EXCEPTION_RULES:
        if any(n in words for n in needles):
            return status
    return "error"
