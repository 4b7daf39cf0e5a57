"""Real portal homepages judged offline, for `make accuracy` (bench/accuracy.py) and the tests.

A fixture is a folder tests/fixtures/real-portals/<id>/ with the saved homepage (index.html),
sometimes saved section pages, PROVENANCE.md and truth.yaml (written by an expert reading of
the real site). It is judged by checks.portal_judge.judge_offline — the spider's own chains —
with every page a chain asks for answered by:

- the saved copy, when the fixture has one for that address;
- otherwise a neutral stand-in built from the homepage alone (`stand_in`), never from the
  truth file: the page carries the words the homepage's own links to that address show
  (text, title, aria-label, alt) as its title, breadcrumb and heading, and a list of dated
  items. It confirms no section the homepage does not name, and denies none it does; so
  what is measured is the reading of the homepage — which links are candidates for which
  section and which is tried first — and the destination checks only on saved pages.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin

import yaml

from checks.model import FUNCTION_KEYS, SECTION_KEYS, Page
from checks.portal_judge import judge_offline
from checks.section_chain import Fetch
from checks.sections import HomeDoc, clean_url, read_home

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
        for key in ("url", "homepage", "portal_url", "base_url"):
            if self.written.get(key):
                return str(self.written[key])
        provenance = self.folder / "PROVENANCE.md"
        if provenance.is_file():
            found = re.search(r"https?://[^\s)>\]`'\"]+", provenance.read_text(encoding="utf-8"))
            if found:
                return found.group(0)
        return f"https://{self.id}.invalid/"

    @cached_property
    def saved(self) -> dict[str, Path]:
        """{clean absolute URL: file} of the pages saved besides the homepage."""
        out = {}
        for url, name in (self.written.get("pages") or {}).items():
            path = self.folder / str(name)
            if path.is_file():
                out[clean_url(urljoin(self.base_url, str(url)))] = path
        return out

    def homepage(self) -> Page:
        text = (self.folder / "index.html").read_text(encoding="utf-8", errors="replace")
        return Page(url=self.base_url, final_url=self.base_url, http_status=200, text=text,
                    headers={"content-type": "text/html"})

    def truth(self) -> dict[str, dict[str, str]]:
        sections = {k: _outcome(v) for k, v in (self.written.get("sections") or {}).items() if k in SECTION_KEYS}
        functions = {}
        for key, value in (self.written.get("functions") or {}).items():
            if key in FUNCTION_KEYS and _outcome(value) in ("pass", "fail", "inconclusive") and \
                    (key in OFFLINE_FUNCTIONS or self._function_page_saved(value)):
                functions[key] = _outcome(value)
        return {"section": {k: v for k, v in sections.items() if v}, "function": functions}

    def _function_page_saved(self, value) -> bool:
        href = value.get("href") if isinstance(value, dict) else None
        return bool(href) and clean_url(urljoin(self.base_url, href)) in self.saved

    def judge(self):
        home_page = self.homepage()
        home = read_home(home_page)

        def get(fetch: Fetch) -> Page:
            path = self.saved.get(clean_url(fetch.url))
            if path is not None:
                return Page(url=fetch.url, final_url=fetch.url, http_status=200, rendered=True,
                            text=path.read_text(encoding="utf-8", errors="replace"),
                            headers={"content-type": "text/html"})
            return stand_in(home, fetch.url)

        return judge_offline(home_page, get)


def fixtures(root: Path = FIXTURES) -> list[Fixture]:
    if not root.is_dir():
        return []
    return [Fixture(d) for d in sorted(root.iterdir()) if (d / "truth.yaml").is_file() and (d / "index.html").is_file()]
