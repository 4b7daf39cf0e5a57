"""Search: a search that finds existing content (NĐ 42/2022/NĐ-CP Điều 7.1).

A search box is not enough: the check submits the site's own search form (as a
browser would: for GET, the form's fields replace the action's query string) with
a word taken from the portal's own headlines, and passes only if the results
page lists links containing that word. A form that submits to another site is
judged only if the spider may leave the portal (setting PORTALCHECK_FOLLOW_OFFSITE).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from checks.functions import config, observation, page_verdict
from checks.lexicon import load_lexicon
from checks.model import Observation, Page
from checks.page_content import SiteTemplate
from checks.rendering import needs_rendering
from checks.sections import HomeDoc, clean_url, host_of, parse_html
from checks.text import fold, normalise

KEY = "search"


@dataclass
class SearchForm:
    action: str
    method: str  # GET | POST
    field: str  # the text input's name
    params: list[tuple[str, str]] = field(default_factory=list)  # other fields, in order
    label: str = ""

    @property
    def offsite_host(self) -> str:
        return host_of(self.action)


def _words(*values) -> str:
    return fold(" ".join(str(v) for v in values if v).replace("_", " ").replace("-", " "))


def _is_search_input(el, input_words: set[str]) -> bool:
    names = _words(el.get("name"), el.get("id"), " ".join(el.get("class") or []),
                   el.get("placeholder"), el.get("aria-label"), el.get("title"))
    tokens = set(names.split())
    return bool(input_words & tokens) or any(w in names for w in input_words if " " in w or len(w) > 4)


def find_form(home: HomeDoc) -> SearchForm | None:
    """The homepage's search form, or None. A search input outside any form (a box that
    only scripts submit) is reported by `script_only_box`."""
    cfg = config(KEY)
    input_words = {fold(w) for w in cfg["input_words"]}
    form_words = {fold(w) for w in cfg["form_words"]}
    best = None
    for form in home.soup.find_all("form"):
        inputs = [i for i in form.find_all("input") if (i.get("type") or "text").lower() in ("text", "search")]
        if not inputs or form.find("input", attrs={"type": "password"}):
            continue  # a login form is not a search form
        marks = _words(form.get("action"), form.get("id"), form.get("name"), " ".join(form.get("class") or []))
        search_inputs = [i for i in inputs if _is_search_input(i, input_words)]
        typed = [i for i in inputs if (i.get("type") or "").lower() == "search"]
        if not (search_inputs or typed or any(w in marks for w in form_words)):
            continue
        box = (typed or search_inputs or inputs)[0]
        if not box.get("name"):
            continue
        action = form.get("action") or ""
        if action.strip().lower().startswith("javascript:"):
            continue
        params = []
        for el in form.find_all(["input", "select", "textarea"]):
            name = el.get("name")
            kind = (el.get("type") or "").lower()
            if not name or el is box or kind in ("submit", "image", "button", "reset", "file", "password"):
                continue
            if kind in ("checkbox", "radio") and not el.has_attr("checked"):
                continue
            if el.name == "select":
                option = el.find("option", selected=True) or el.find("option")
                value = (option.get("value") if option and option.has_attr("value") else
                         option.get_text(strip=True) if option else "")
            else:
                value = el.get("value") or ""
            params.append((name, value))
        found = SearchForm(action=clean_url(urljoin(home.base_url, action)) if action else home.base_url,
                           method=(form.get("method") or "GET").upper(), field=box["name"], params=params,
                           label=normalise(box.get("placeholder") or box.get("title") or box["name"]))
        if re.search(cfg["sharepoint"]["input_pattern"], box["name"]):
            # SharePoint's small search box is submitted by a script to the results page,
            # not by the page-wide ASP.NET form it sits in.
            sp = cfg["sharepoint"]
            found = SearchForm(action=clean_url(urljoin(home.base_url, sp["results"])), method="GET",
                               field=sp["field"], label="SharePoint")
        if best is None or typed or search_inputs:
            best = found
            if typed or search_inputs:
                break
    return best


def script_only_box(home: HomeDoc) -> bool:
    """A search input that no form holds: only scripts can submit it."""
    cfg = config(KEY)
    input_words = {fold(w) for w in cfg["input_words"]}
    for el in home.soup.find_all("input"):
        if el.find_parent("form") is None and (el.get("type") or "text").lower() in ("text", "search") \
                and _is_search_input(el, input_words):
            return True
    return False


def choose_query(home: HomeDoc) -> str | None:
    """A word the portal surely holds: the most frequent long word of its headlines that is
    not in its name, menus or footer (those are on every page, results or not)."""
    cfg = config(KEY)
    stop = {fold(w) for w in cfg["stop_words"]}
    title = home.soup.title.get_text(" ", strip=True) if home.soup.title else ""
    headline_words = {w for link in home.links if link.text and (link.is_article or len(link.text.split()) > 6)
                      for w in fold(link.text).split()}
    # The footer's own words are on every page; the headlines some portals list in it are not
    # stop words (a hit must still be a link the homepage's chrome does not hold).
    stop |= set(fold(title).split()) | (set(fold(home.footer_text).split()) - headline_words)
    # The words of menu and footer labels (not of the headlines some portals put there).
    stop |= {w for link in home.links if link.context in ("menu", "footer") and not link.is_article
             and len(link.text.split()) <= 6 for w in fold(link.text).split()}
    counts: Counter[str] = Counter()
    original: dict[str, str] = {}
    # Links back to the homepage (the logo, "Trang chủ", the skip link "Chuyển đến nội dung
    # chính") are on every page: their words find nothing in particular.
    home_url = clean_url(home.base_url)
    links = [link for link in home.links if link.is_article and link.text and not link.offsite] or \
        [link for link in home.links if link.text and not link.offsite and link.href != home_url]
    for link in links:
        for word in re.findall(r"\w+", link.text):
            folded = fold(word)
            if len(folded) >= cfg["min_word_len"] and folded.isalpha() and folded not in stop:
                counts[folded] += 1
                original.setdefault(folded, word.lower())
    if not counts:
        return None
    word = max(counts, key=lambda w: (counts[w], len(w)))
    return original[word]


def request_for(form: SearchForm, query: str) -> tuple[str, str, str | None]:
    """(url, method, body) a browser would send for this form."""
    data = urlencode(form.params + [(form.field, query)])
    if form.method == "POST":
        return form.action, "POST", data
    parts = urlsplit(form.action)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, data, "")), "GET", None


def judge_results(page: Page, query: str, form: SearchForm, template: SiteTemplate | None,
                  soup: BeautifulSoup | None = None) -> Observation | None:
    """The verdict on a results page; None when it must be rendered first."""
    ev = {"query": query, "url": page.final_url, "href": page.url, "method": form.method,
          "target_status": page.status, "http_status": page.http_status, "rendered": page.rendered}
    ok, reason = page_verdict(page)
    if ok is False:
        return observation(KEY, "fail", reason=reason, **ev)
    if ok is None:
        return observation(KEY, "inconclusive", reason=f"unreadable:{reason}", **ev)
    soup = soup if soup is not None else parse_html(page.text)
    word = fold(query)
    box = re.compile(load_lexicon().settings["chrome_container_pattern"], re.I)
    hits = []
    for a in soup.find_all("a", href=True):
        if a["href"].strip().lower().startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        if any(p.name in ("nav", "footer", "header") or box.search(" ".join(p.get("class") or []) + " " + str(p.get("id") or ""))
               for p in a.parents if p.name not in ("body", "html", "[document]")):
            continue  # menus and footers are on every page, results are not
        href = clean_url(urljoin(page.final_url, a["href"]))
        if template and href in template.hrefs:
            continue
        text = fold(a.get_text(" ", strip=True) + " " + (a.get("title") or ""))
        if re.search(rf"\b{re.escape(word)}\b", text):
            hits.append((normalise(a.get_text(" ", strip=True))[:120], href))
    if len(hits) >= config(KEY)["min_result_links"]:
        return observation(KEY, "pass", label=hits[0][0], snippet=" | ".join(h[0] for h in hits[:5]),
                           result_links=len(hits), matched_by="form", **ev)
    body = fold(soup.get_text(" ", strip=True))
    if any(fold(p) in body for p in config(KEY)["no_result_phrases"]):
        return observation(KEY, "fail", reason="no_results", **ev)
    render, why = needs_rendering(page, soup)
    if render:
        return None
    return observation(KEY, "fail", reason="no_results", **ev)


def without_form(home: HomeDoc) -> Observation:
    if script_only_box(home):
        # A box submitted by scripts may work in a browser: not proof of absence.
        return observation(KEY, "inconclusive", reason="script_only_search_box", url=home.page.final_url)
    return observation(KEY, "fail", reason="no_search_form", url=home.page.final_url)
