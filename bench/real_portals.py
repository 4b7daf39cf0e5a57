"""Real portal homepages judged offline, for `make accuracy` (bench/accuracy.py) and the tests.

A fixture is a folder tests/fixtures/real-portals/<id>/ (README.md there): the saved homepage
(index.html), the same-site pages the source kept (`<path>/index.html`), PROVENANCE.md and
truth.yaml (an expert reading of the live site). It is judged by
checks.portal_judge.judge_offline — the spider's own chains — and each page a chain asks for
is answered as the live site answered it, as far as the fixture can tell:

- a page of the site the folder holds: that page (the folder served as a static site with
  directory indexes, the agency's absolute links mapped onto it);
- a page of the site the folder does not hold: 404, when the folder is the whole site (the
  Đắk Nông static sites: a page missing there was missing live); when only the homepage was
  kept (no other page in the folder), a neutral stand-in;
- a page of another site (the provincial DVC portal, chinhphu.vn): a neutral stand-in.

A stand-in (`stand_in`) is built from the homepage alone, never from the truth file: the
page carries the words the homepage's own links to that address show (text, title,
aria-label, alt) as its title, breadcrumb and heading, and a list of dated items. It
confirms no section the homepage does not name, and denies none it does; so where stand-ins
answer, what is measured is the reading of the homepage — which links are candidates for
which section and which is tried first — and the destination checks only on saved pages.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from checks.fetch_status import classify_response
from checks.model import FUNCTION_KEYS, SECTION_KEYS, Page
from checks.portal_judge import judge_offline
from checks.section_chain import Fetch
from checks.sections import HomeDoc, clean_url, host_of, read_home

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "real-portals"
# Functions a homepage-only fixture can be judged on: decided by the homepage itself, or (site
# map) by the link the homepage offers. Search, RSS, English and print need their real pages.
OFFLINE_FUNCTIONS = ("related_links", "emc", "mobile", "site_map")


def _outcome(value) -> str | None:
    return value.get("outcome") if isinstance(value, dict) else value


def stand_in(home: HomeDoc, url: str) -> Page:
    """The neutral page answered for an address whose page was not saved (see the module doc)."""
    target = clean_url(url)
    names = []
    for link in home.links:
        if link.href == target:
            names += [v for v in (link.text, link.title, link.aria, link.alt) if v and len(v.split()) <= 16]
    name = names[0] if names else ""
    site = home.soup.title.get_text(" ", strip=True) if home.soup.title else ""
    title = f"{name} - {site}" if name and site else (name or site)
    items = "".join(f'<li><a href="{html.escape(target)}?muc={i}">Nội dung thứ {i} của trang</a> '
                    f'<span class="date">{i + 1:02d}/0{1 + i % 9}/2024</span></li>' for i in range(12))
    crumb = f'<div class="breadcrumb">Trang chủ › {html.escape(name)}</div><h1>{html.escape(name)}</h1>' if name else ""
    body = (f"<html><head><title>{html.escape(title)}</title></head><body><div id=\"content\">{crumb}"
            f"<ul class=\"list\">{items}</ul></div></body></html>")
    return Page(url=url, final_url=url, http_status=200, text=body, headers={"content-type": "text/html"},
                rendered=True)


@dataclass
class Fixture:
    folder: Path

    @property
    def id(self) -> str:
        return self.folder.name

    @cached_property
    def written(self) -> dict:
        return yaml.safe_load((self.folder / "truth.yaml").read_text(encoding="utf-8")) or {}

    @cached_property
    def base_url(self) -> str:
        """The homepage's address when it was saved (its relative links resolve against it)."""
        source = self.written.get("source") or {}
        for value in (source.get("url"), self.written.get("url")):
            if value:
                return str(value)
        return f"https://{self.id}.invalid/"

    @cached_property
    def homepage_only(self) -> bool:
        """Only the homepage was kept: every other page of the site is a stand-in."""
        return not any(p.is_dir() for p in self.folder.iterdir())

    def saved_file(self, url: str) -> Path | None:
        """The folder's file for an address of the site, or None."""
        parts = urlsplit(url)
        if host_of(url) != host_of(self.base_url) or parts.query:
            return None
        rel = unquote(parts.path).strip("/")
        for option in ([rel, rel + "/index.html", rel + ".html"] if rel else ["index.html"]):
            path = (self.folder / option).resolve()
            if path.is_file() and self.folder.resolve() in path.parents and path.suffix in (".html", ".htm", ""):
                return path
        return None

    def homepage(self) -> Page:
        text = (self.folder / "index.html").read_text(encoding="utf-8", errors="replace")
        return Page(url=self.base_url, final_url=self.base_url, http_status=200, text=text,
                    headers={"content-type": "text/html"})

    def truth(self) -> dict[str, dict[str, str]]:
        sections = {k: _outcome(v) for k, v in (self.written.get("sections") or {}).items() if k in SECTION_KEYS}
        functions = {}
        for key, value in (self.written.get("functions") or {}).items():
            # A homepage-only fixture cannot show what search, RSS, English or print lead to.
            if key in FUNCTION_KEYS and _outcome(value) in ("pass", "fail", "inconclusive") and \
                    (key in OFFLINE_FUNCTIONS or not self.homepage_only):
                functions[key] = _outcome(value)
        # A present section the expert saw empty ("Đang cập nhật …"): its content observation fails.
        content = {k: "fail" for k, v in (self.written.get("sections") or {}).items()
                   if isinstance(v, dict) and v.get("content") == "empty" and _outcome(v) == "pass"}
        return {"section": {k: v for k, v in sections.items() if v}, "function": functions, "content": content}

    def answer(self, home: HomeDoc, fetch: Fetch) -> Page:
        """What the live site answered, as far as the fixture tells (see the module doc)."""
        path = self.saved_file(fetch.url)
        if path is not None:
            # Classified as the spider's fetcher does: a saved stub saying "404 Not Found" is a soft 404.
            text = path.read_text(encoding="utf-8", errors="replace")
            return Page(url=fetch.url, final_url=fetch.url, http_status=200, rendered=True, text=text,
                        headers={"content-type": "text/html"}, status=classify_response(200, text))
        if host_of(fetch.url) == host_of(self.base_url) and not self.homepage_only:
            return Page(url=fetch.url, final_url=fetch.url, http_status=404, status="not_found",
                        text="<html><body><h1>404</h1></body></html>")
        return stand_in(home, fetch.url)

    def judge(self):
        home_page = self.homepage()
        home = read_home(home_page)
        return judge_offline(home_page, lambda fetch: self.answer(home, fetch))


def fixtures(root: Path = FIXTURES) -> list[Fixture]:
    if not root.is_dir():
        return []
    return [Fixture(d) for d in sorted(root.iterdir()) if (d / "truth.yaml").is_file() and (d / "index.html").is_file()]
