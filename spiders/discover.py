"""The discover spider: a parent's portal in, its proposed child units out (docs/discover.md).

Per parent unit (a target):
1. its homepage, then at most PORTALCHECK_DISCOVER_PAGES structure pages of its
   own site ("Cơ cấu tổ chức", "Đơn vị trực thuộc", "Liên kết website", a
   directory: checks/structure_pages.py), each judged by
   checks/child_units.py; a page whose links only scripts draw is fetched once
   more in Chromium (checks/rendering.py), unless the browser is off;
2. once those are read, each proposed child's homepage once (the same child
   linked as http/https/www or twice is one site: checks/sites.py) — https
   first, the next spelling when one fails — for its final URL after
   redirects, its status, its title and a link to its service portal
   (checks/service_portal.py); and the homepage of each child the registry
   already lists for this parent, so a unit whose URL moved is matched by
   where it lands.

Everything goes through PortalcheckSpider.fetch: the sweep's address safety,
page and time budgets, robots.txt and politeness. Nothing is stored in the
results database; the `discover` command reads `spider.discovered` (one
DiscoveryItem per parent) and writes the candidate file.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from checks.child_units import propose_children
from checks.model import Page
from checks.rendering import needs_rendering
from checks.service_portal import find_service_portal, portal_home
from checks.sites import site_key
from checks.structure_pages import structure_links
from checks.text import normalise
from crawler.items import DiscoveryItem
from crawler.meta import RequestMeta
from crawler.netsafety.addresses import is_private_address, target_is_public
from crawler.registry.candidates import family_of
from crawler.registry.targets import Target
from spiders.base import PortalcheckSpider

MAX_REJECTIONS_KEPT = 2000  # per parent; counts are kept whole


@dataclass
class _ParentState:
    pending: int = 0                       # parent pages asked for and not answered
    followed: int = 0                      # structure pages asked for
    asked: set[str] = field(default_factory=set)
    pages: list[dict] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)
    variants: dict[str, list[str]] = field(default_factory=dict)   # site key -> URLs as linked
    homepages: dict[str, dict] = field(default_factory=dict)       # site key -> homepage fetch
    known: dict[str, dict] = field(default_factory=dict)           # registry id -> homepage fetch
    children_asked: bool = False


def _title(html: str) -> str:
    try:
        title = lxml.html.fromstring(html).findtext(".//title")
    except (ValueError, lxml.etree.ParserError):
        return ""
    return normalise(title)[:200]


def _fetch_facts(page: Page) -> dict:
    facts = {"url": page.url, "final_url": page.final_url, "status": page.status,
             "http_status": page.http_status, "services_url": None, "title": ""}
    if page.ok and page.text:
        facts["title"] = _title(page.text)
        facts["services_url"], _ = portal_home(find_service_portal(page.text, page.final_url))
    return facts


class DiscoverSpider(PortalcheckSpider):
    name = "discover"
    custom_settings = {"ITEM_PIPELINES": {"crawler.pipelines.SQLitePipeline": None}}

    def __init__(self, *args: Any, registry: list[Target] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.registry = {t.id: t for t in (registry or list(self.targets.values()))}
        self.state: dict[str, _ParentState] = {}
        self.discovered: list[DiscoveryItem] = []

    # --- phase 1: the parent's own pages --------------------------------
    def start_target(self, target: Target) -> Iterable[Any]:
        state = self.state[target.id] = _ParentState()
        state.asked.add(target.portal_url)
        request = self.fetch(target.portal_url, self.parse_parent_page, target, "discover_home")
        if request is not None:
            state.pending += 1
            yield request

    def parse_parent_page(self, page: Page, meta: RequestMeta) -> Iterable[Any]:
        target = self.targets[meta["pc_target"]]
        state = self.state[target.id]
        state.pending -= 1
        state.pages.append({"url": page.url, "final_url": page.final_url, "status": page.status,
                            "purpose": meta["pc_purpose"], "rendered": page.rendered})
        if page.ok and page.text:
            yield from self._read(target, state, page)
        if state.pending <= 0 and not state.children_asked:
            state.children_asked = True
            if any(p["status"] == "live" for p in state.pages):  # nothing to compare with otherwise
                yield from self._fetch_children(target, state)

    def _read(self, target: Target, state: _ParentState, page: Page) -> Iterable[Any]:
        family = family_of(target.id, self.registry)
        # A portal that moved (old domain -> new) links its own pages on its new host.
        family = replace(family, aliases=(page.url, page.final_url))
        proposals, rejections = propose_children(page.text, page.final_url, family)
        for proposal in proposals:
            row = asdict(proposal)
            state.proposals.append(row)
            state.variants.setdefault(site_key(proposal.url), [])
            if proposal.url not in state.variants[site_key(proposal.url)]:
                state.variants[site_key(proposal.url)].append(proposal.url)
        for rejection in rejections:
            state.rejected[rejection.reason] = state.rejected.get(rejection.reason, 0) + 1
            if len(state.rejections) < MAX_REJECTIONS_KEPT:
                state.rejections.append(asdict(rejection))
        if (not page.rendered and self.settings.getbool("PORTALCHECK_BROWSER")
                and needs_rendering(page)[0]):
            request = self.fetch(page.final_url, self.parse_parent_page, target, "discover_render", render=True)
            if request is not None:
                state.pending += 1
                yield request
        limit = self.settings.getint("PORTALCHECK_DISCOVER_PAGES")
        for url in structure_links(page.text, page.final_url, (target.portal_url,)):
            if state.followed >= limit:
                break
            if url in state.asked:
                continue
            state.asked.add(url)
            request = self.fetch(url, self.parse_parent_page, target, "discover_structure")
            if request is not None:
                state.followed += 1
                state.pending += 1
                yield request

    # --- phase 2: each child's homepage, once ----------------------------
    def _fetch_children(self, target: Target, state: _ParentState) -> Iterable[Any]:
        limit = self.settings.getint("PORTALCHECK_DISCOVER_MAX_CHILDREN")
        for count, (key, urls) in enumerate(state.variants.items()):
            if count >= limit:
                self.budget_spent(target.id, "children", limit)
                break
            # https before http, a site's root before its other spellings (`/index.html`)
            ordered = sorted(urls, key=lambda u: (not u.lower().startswith("https://"), len(u)))
            request = self._child_request(target, key, ordered)
            if request is not None:
                yield request
        for known in self.registry.values():
            host = urlsplit(known.portal_url).hostname or ""
            if known.parent == target.id and known.id not in self.targets \
                    and is_private_address(host) != target_is_public(target):
                request = self.fetch(known.portal_url, self.parse_known_child, target, "discover_known_child",
                                     meta={"pc_known": known.id})
                if request is not None:
                    yield request

    def _child_request(self, target: Target, key: str, urls: list[str]):
        host = urlsplit(urls[0]).hostname or ""
        if is_private_address(host) == target_is_public(target):
            # Never asked for, not even its robots.txt: a public portal's link into a
            # private network, or a test portal's link out to the internet.
            self.state[target.id].homepages[key] = {
                "url": urls[0], "final_url": urls[0], "status": "error", "http_status": None,
                "services_url": None, "title": "", "error": "address_refused", "tried": [urls[0]]}
            return None
        return self.fetch(urls[0], self.parse_child, target, "discover_child",
                          meta={"pc_child": key, "pc_rest": urls[1:]})

    def parse_child(self, page: Page, meta: RequestMeta) -> Iterable[Any]:
        target = self.targets[meta["pc_target"]]
        state = self.state[target.id]
        key, rest = meta["pc_child"], meta["pc_rest"]
        facts = _fetch_facts(page)
        previous = state.homepages.get(key)
        state.homepages[key] = {**facts, "tried": ((previous or {}).get("tried") or []) + [page.url]}
        if not page.ok and rest:  # this spelling failed (TLS on an http-only site, a 404): try the next
            request = self._child_request(target, key, rest)
            if request is not None:
                yield request

    def parse_known_child(self, page: Page, meta: RequestMeta) -> Iterable[Any]:
        self.state[meta["pc_target"]].known[meta["pc_known"]] = _fetch_facts(page)
        return ()

    # --- the parent's result ----------------------------------------------
    def target_done(self, target: Target) -> Iterable[Any]:
        state = self.state.get(target.id) or _ParentState()
        home = next((p for p in state.pages if p["purpose"] == "discover_home"), None)
        item = DiscoveryItem(
            target_id=target.id, status=home["status"] if home else None,
            final_url=home["final_url"] if home else None, pages=state.pages,
            proposals=state.proposals, rejections=state.rejections, rejected=state.rejected,
            homepages=state.homepages, known=state.known, budget=self.budgets_spent.get(target.id))
        self.discovered.append(item)
        yield item
