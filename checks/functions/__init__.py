"""Support functions of a portal (requirements.md §3), one module per function.

Each module carries its legal reference (checks/data/functions.yaml) and is pure:
it reads the homepage (a `HomeDoc`) and the pages the spider fetched for it, and
returns an `Observation(category="function")`. Where a function needs another
page (a search results page, a feed, a site map, an article), the module says
which URLs to fetch and judges each page the spider hands back.

Shared here: the verdict helpers and a link finder driven by labels, slugs and
image names from the YAML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from checks.lexicon import legal_ref_text, load_functions, load_lexicon
from checks.model import DEAD_STATUSES, Observation, Page
from checks.sections import HomeDoc, Link, host_of
from checks.text import file_words, fold

# Criteria only a browser audit measures (docs/audits.md), by the audit that measures them.
AUDITED = {"accessibility": ("accessibility",), "performance": ("performance", "mobile_width")}
NOT_MEASURED = tuple(key for keys in AUDITED.values() for key in keys)


def config(key: str) -> dict:
    return load_functions()[key]


def legal_ref(key: str) -> str:
    return legal_ref_text(config(key).get("legal_ref"))


def observation(key: str, outcome: str, **evidence) -> Observation:
    return Observation("function", key, outcome, legal_ref(key),
                       {k: v for k, v in evidence.items() if v is not None})


def not_measured(key: str) -> Observation:
    """A criterion of a browser audit that was not turned on (`--audits`)."""
    return observation(key, "inconclusive", reason="not_measured")


def page_verdict(page: Page) -> tuple[bool | None, str | None]:
    """(False, reason) for a dead page, (None, status) for one we could not read, (True, None) if live."""
    if page.status == "soft_404":
        return False, "soft_404"
    if page.status in DEAD_STATUSES:
        return False, "link_dead"
    if not page.ok:
        return None, page.status
    return True, None


@dataclass
class Found:
    href: str
    label: str
    matched_by: str

    def evidence(self) -> dict:
        return {"href": self.href, "label": self.label, "matched_by": self.matched_by}


def _squeeze(src: str) -> str:
    name = re.sub(r"[?#].*$", "", src or "").rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-z]", "", file_words(name).replace(" ", ""))


def find_links(home: HomeDoc, key: str, onsite_only: bool = False) -> list[Found]:
    """Links labelled as function `key` (site map, RSS, English): exact label in the text,
    title or alt; slug or host patterns; image name patterns. Best first."""
    cfg = config(key)
    labels = {fold(label) for label in cfg.get("labels", [])}
    slugs = [re.compile(p) for p in cfg.get("slug_patterns", [])]
    hosts = [re.compile(p) for p in cfg.get("host_patterns", [])]
    images = [re.compile(p) for p in cfg.get("img_patterns", [])]
    ranked: list[tuple[int, Found]] = []
    seen = set()
    lex = load_lexicon()
    for link in home.links:
        if not link.href or link.href in seen or (onsite_only and link.offsite) or link.hidden \
                or lex.foreign(host_of(link.href)):
            continue  # a web archive's copy of the site map is not the portal's
        hit = _match_link(link, labels, slugs, hosts, images)
        if hit:
            seen.add(link.href)
            ranked.append(hit)
    ranked.sort(key=lambda pair: pair[0])
    return [found for _, found in ranked]


def _match_link(link: Link, labels, slugs, hosts, images) -> tuple[int, Found] | None:
    sources = (("text", link.text), ("title", link.title), ("alt", link.alt), ("aria", link.aria))
    for rank, (source, value) in enumerate(sources):
        if value and fold(value) in labels:
            return rank, Found(link.href, value, source)
    # A short label that holds a label of two words or more ("Sơ đồ cổng thông tin").
    for source, value in sources:
        words = f" {fold(value)} "
        if value and len(words.split()) <= 6 and any(len(lb.split()) >= 2 and f" {lb} " in words for lb in labels):
            return 3, Found(link.href, value, source)
    parts = urlsplit(link.href)
    where = unquote(parts.path + ("?" + parts.query if parts.query else "")).lower()
    if link.offsite and any(p.search(parts.hostname or "") for p in hosts):
        return 4, Found(link.href, parts.hostname or "", "slug")
    if not link.text or len(link.text.split()) <= 3:
        if any(p.search(where) for p in slugs):
            return 5, Found(link.href, where[-80:], "slug")
        if link.img_src and any(p.search(_squeeze(link.img_src)) for p in images):
            return 6, Found(link.href, link.img_src.rsplit("/", 1)[-1][:80], "img_name")
    return None


def chain_observation(key: str, results: list[tuple[bool | None, Observation]], missing: Observation) -> Observation:
    """The verdict of a function whose candidates were tried in turn, from (ok, observation)
    pairs: the first pass; else (print) the first judged article; else, if one could not
    be read, inconclusive; else the best candidate's fail; `missing` when there was none."""
    if not results:
        return missing
    decided = [obs for ok, obs in results if ok] or \
        ([obs for ok, obs in results if ok is False] if key == "print" else [])
    unread = [obs for ok, obs in results if ok is None]
    obs = decided[0] if decided else unread[0] if unread else results[0][1]
    obs.evidence["tried"] = [o.evidence.get("url") or o.evidence.get("href") for _, o in results]
    return obs
