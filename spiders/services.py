"""The services spider: finds a target's service portal, lists every service on
it, and checks each service's own page (docs/services.md).

Flow per target (judgement is in checks/, this module only fetches):
  homepage -> service portal links, best first (checks.service_portal); a link to
    a page of the agency's own site must show a list of services, else the next
  random path on the portal host -> its not-found fingerprint (soft 404s)
  portal home -> its lists, followed to the end within the bounds:
    - tables / link lists with page links, "Xem thêm" URLs, rel=next
    - AJAX fragments (Liferay, scripts that grow a list), HTML or JSON
    - ASP.NET pagers: the form posted back
    - an SPA shell (spiders.services_spa): rendered once, then its list API
  each service -> its page (and, on an SPA, its API record) -> ServiceItem
  when nothing is pending -> per-target figures and verdicts as observations.
"""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy.settings import default_settings

from checks.fetch_status import NotFoundFingerprint
from checks.model import UNJUDGEABLE_STATUSES, Page
from checks.service_detail import judge_page, page_status, shows_failure
from checks.service_figures import coverage, dead_examples, figures, listing_problem, observations, unread_problem
from checks.service_level import vocabulary
from checks.service_listing import ListedService, ListRequest, empty_list_marker, is_spa_shell
from checks.service_listing_html import Fragment, parse_list_page
from checks.service_listing_js import json_answer
from checks.service_portal import PortalPlan, find_service_portal, portal_observation, portal_plans, random_path
from crawler.items import ObservationItem, ServiceItem, TargetItem
from crawler.meta import RequestMeta
from crawler.registry.targets import Target
from spiders.base import PortalcheckSpider
from spiders.services_spa import SpaMixin, SpaState

# Priorities: the fingerprint before the home, lists before services, so click
# depths are mostly final when a service's page is judged.
P_FIRST, P_HOME, P_LIST, P_SERVICE = 100, 90, 50, 0


@dataclass
class ServicesCrawl:
    """What the services spider knows of one target's crawl so far."""

    target: Target
    plans: list[PortalPlan] = field(default_factory=list)   # ways to the portal still to try
    plan: PortalPlan | None = None
    portal_url: str | None = None
    how: str = ""
    discovery: dict = field(default_factory=dict)
    entries: list[str] = field(default_factory=list)
    portal_status: str | None = None
    fingerprint: NotFoundFingerprint | None = None
    kinds: set = field(default_factory=set)
    seen_pages: set = field(default_factory=set)
    list_pages: int = 0
    list_errors: list[dict] = field(default_factory=list)
    services: dict[str, ListedService] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    results: list[dict] = field(default_factory=list)
    truncated: str | None = None                   # which bound cut the list
    problem: str | None = None
    empty: list[dict] = field(default_factory=list)  # where a list said it holds nothing
    announced: dict | None = None                  # the biggest count a list announced
    spa: SpaState | None = None
    rendered: bool = False
    emitted: set = field(default_factory=set)
    screenshots: int = 0                           # failing service pages rendered for their screenshot
    waiting: deque = field(default_factory=deque)  # services listed, their pages not yet asked for
    in_flight: int = 0                             # services whose pages are being fetched


class ServicesSpider(SpaMixin, PortalcheckSpider):
    name = "services"
    custom_settings = {
        # Playwright's own timeouts are transient failures too: retried like Scrapy's.
        "RETRY_EXCEPTIONS": list(default_settings.RETRY_EXCEPTIONS) + ["playwright.async_api.TimeoutError"],
        # A cursor-paged API or a long pager is a deep chain of requests; the
        # bounds here are PORTALCHECK_MAX_SERVICES_PER_TARGET, PORTALCHECK_MAX_LIST_PAGES_PER_TARGET
        # and PORTALCHECK_MAX_PAGES_PER_TARGET.
        "DEPTH_LIMIT": 0,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.state: dict[str, ServicesCrawl] = {}

    max_services = property(lambda self: self.settings.getint("PORTALCHECK_MAX_SERVICES_PER_TARGET"))
    # Services whose pages are asked for at once, per target: a portal of
    # thousands of services does not hold a Request for each in the scheduler.
    services_in_flight = property(lambda self: self.settings.getint("PORTALCHECK_SERVICES_IN_FLIGHT"))
    max_list_pages = property(lambda self: self.settings.getint("PORTALCHECK_MAX_LIST_PAGES_PER_TARGET"))

    # --- discovery ------------------------------------------------------
    def start_target(self, target: Target):
        state = self.state[target.id] = ServicesCrawl(target)
        if target.services_url:
            state.plans, state.how = [PortalPlan(target.services_url, [], True)], "services_url"
            return [r for r in self._next_plan(state) if r]
        return [r for r in [self.fetch(target.portal_url, self.on_homepage, target, "homepage")] if r]

    def on_homepage(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        state.discovery = {"homepage": page.final_url, "homepage_status": page.status, "rejected": []}
        if not page.ok:
            state.problem = f"homepage_{page.status}" if page.status in UNJUDGEABLE_STATUSES else None
            return
        candidates = find_service_portal(page.text, page.final_url, state.discovery["rejected"])
        state.discovery["candidates"] = [c.__dict__ for c in candidates[:5]]
        state.plans, state.how = portal_plans(candidates), "homepage_link"
        yield from self._next_plan(state)

    def _next_plan(self, state: ServicesCrawl):
        """Try the next way to the portal: its not-found fingerprint, then its home."""
        if not state.plans:
            state.plan = state.portal_url = None
            state.problem = state.problem or unread_problem(state.discovery.get("rejected", []))
            return
        state.plan = state.plans.pop(0)
        state.portal_url, state.entries = state.plan.home, list(state.plan.entries)
        yield self.fetch(random_path(state.portal_url), self.on_random_path, state.target,
                         "random_path", priority=P_FIRST)

    def on_random_path(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        if page.http_status is not None:
            state.fingerprint = NotFoundFingerprint.from_page(page.http_status, page.text)
        yield self._list_request(state, state.portal_url, 0, "services_portal", self.on_portal_home)

    def on_portal_home(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        status, _ = page_status(page)
        if status != "live" and state.entries:
            # The host's root does not answer, but the homepage linked one of its
            # pages (`/dich-vu-truc-tuyen`): that page becomes the portal's home.
            state.portal_url = state.entries.pop(0)
            yield self._list_request(state, state.portal_url, 0, "services_portal", self.on_portal_home)
            return
        if not state.plan.established and not (page.ok and self._lists_services(page)):
            # A page of the agency's own site that lists no service (an empty
            # section, a news page) is not the service portal: try the next link.
            state.discovery.setdefault("rejected", []).append(
                {"url": page.final_url, "label": state.plan.label, "status": status,
                 "reason": "not_a_service_list" if page.ok else status})
            yield from self._next_plan(state)
            return
        state.portal_status = status
        yield TargetItem(target_id=state.target.id, services_portal_url=state.portal_url,
                         services_portal_status=status)
        if status != "live":
            return
        if is_spa_shell(page.text):
            yield from self._start_spa(state, page, 0)
            return
        if state.fingerprint and state.fingerprint.is_soft:
            # Not an SPA: a page like the answer to a random path is a soft 404.
            self.not_found[state.target.id] = state.fingerprint
        # A portal's own home is full of news links: only tables and coded links
        # count there; a page of the agency's site that lists services is a list.
        yield from self._handle_list(state, page, 0, home=state.plan.established, key=meta["pc_key"])
        for url in state.entries:
            yield self._list_request(state, url, 1, "service_list", self.on_list_page)

    @staticmethod
    def _lists_services(page: Page) -> bool:
        """A page of the agency's own site counts as its service portal only if it
        lists services, grows a list, or is a single-page app's shell."""
        if is_spa_shell(page.text):
            return True
        listing = parse_list_page(page.text, page.final_url)
        return bool(listing.services or listing.grows)

    # --- lists: pages, fragments, postbacks -------------------------------------
    def _list_request(self, state: ServicesCrawl, req: ListRequest | str, depth: int, purpose: str, handler,
                      extra: dict | None = None):
        req = ListRequest.get(req) if isinstance(req, str) else req
        state.depth[req.key] = min(depth, state.depth.get(req.key, depth))
        if req.key in state.seen_pages or state.truncated:
            return None
        if state.list_pages >= self.max_list_pages:
            state.truncated = "list_pages"
            return None
        state.seen_pages.add(req.key)
        state.list_pages += 1
        request = self.fetch(req.url, handler, state.target, purpose, priority=P_LIST - depth, method=req.method,
                             body=req.body, headers={"Content-Type": req.content_type} if req.content_type else None,
                             meta={"pc_depth": depth, "pc_key": req.key, **(extra or {})})
        if request is None:
            state.truncated = f"budget:{self.budgets_spent.get(state.target.id, 'pages')}"
        return request

    def _list_answer(self, state: ServicesCrawl, page: Page, fragment: bool = False) -> bool:
        """Whether a list page can be read. A page that says "không tìm thấy thủ tục"
        is classified a soft 404, yet is a list that says it is empty."""
        if page.ok:
            return True
        marker = empty_list_marker(page.text, fragment) if page.status == "soft_404" else None
        if marker:
            state.empty.append({"url": page.url, "marker": marker})
        else:
            state.list_errors.append({"url": page.url, "status": page.status})
        return False

    def _handle_list(self, state: ServicesCrawl, page: Page, depth: int, home: bool = False, key: str | None = None):
        depth = min(depth, state.depth.get(key, depth))  # reached by a shorter path since
        listing = parse_list_page(page.text, page.final_url, strict=home)
        if listing.page_key and listing.page_key != key:
            if listing.page_key in state.seen_pages:
                return                          # a postback that led to a page already read
            state.seen_pages.add(listing.page_key)
        if listing.services:
            state.kinds.add("table" if listing.level_column else "links")
        self._note_list(state, page.url, listing.announced, listing.empty)
        known = len(state.services)
        for svc in listing.services:
            yield from self._add_service(state, svc, depth)
        for url in listing.pages:
            yield self._list_request(state, url, depth + 1, "service_list", self.on_list_page)
        for post in listing.posts:
            # "Trang sau" is followed from a page that brought new services only
            # (the last page's "next" may lead to itself).
            if "#page=" in post.key or len(state.services) > known:
                state.kinds.add("postback")
                yield self._list_request(state, post, depth + 1, "service_list", self.on_list_page)
        for frag in listing.fragments:
            state.kinds.add("ajax")
            yield self._list_request(state, frag.request(0), depth, "service_fragment", self.on_fragment,
                                     {"pc_fragment": frag, "pc_n": 0, "pc_previous_urls": []})
        if home:
            # A link already listed as a service is a detail page, not a list.
            for url in (u for u in listing.entries if u not in state.services):
                yield self._list_request(state, url, depth + 1, "service_list", self.on_list_page)

    @staticmethod
    def _note_list(state: ServicesCrawl, url: str, announced: tuple[int, str] | None, empty: str | None) -> None:
        if announced and announced[0] > (state.announced or {}).get("count", -1):
            state.announced = {"count": announced[0], "phrase": announced[1], "url": url}
        if empty:
            state.empty.append({"url": url, "marker": empty})

    def on_list_page(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        if self._list_answer(state, page):
            yield from self._handle_list(state, page, meta["pc_depth"], key=meta["pc_key"])

    def on_fragment(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        frag: Fragment = meta["pc_fragment"]
        n = meta["pc_n"]
        if not self._list_answer(state, page, fragment=True):
            return
        answer = json_answer(page.text, page.url) if page.text.lstrip()[:1] in ("{", "[") else None
        if answer is not None:
            services, total = answer
            self._note_list(state, page.url, (total, f"total={total}") if total is not None else None,
                            "total=0" if n == 0 and total == 0 else None)
        else:
            listing = parse_list_page(page.text, page.url, permissive=True)
            services = listing.services
            self._note_list(state, page.url, listing.announced, listing.empty if n == 0 else None)
        urls = [s.url for s in services]
        # An empty fragment ends the list; so does one that repeats the last
        # (a server that ignores the paging parameter).
        if not urls or urls == meta["pc_previous_urls"]:
            return
        depth = meta["pc_depth"] + math.ceil(n / vocabulary()["listing"].get("pager_window", 10))
        for svc in services:
            yield from self._add_service(state, svc, depth)
        nxt = frag.request(n + 1)
        if nxt.key != meta.get("pc_key"):
            yield self._list_request(state, nxt, meta["pc_depth"], "service_fragment", self.on_fragment,
                                     {"pc_fragment": frag, "pc_n": n + 1, "pc_previous_urls": urls})

    # --- services ------------------------------------------------------------
    def _add_service(self, state: ServicesCrawl, svc: ListedService, depth: int):
        known = state.services.get(svc.url)
        if known:
            if not known.level.known and svc.level.known:
                known.level = svc.level
            state.depth[svc.url] = min(depth, state.depth.get(svc.url, depth))
            return
        if len(state.services) >= self.max_services:
            state.truncated = "services"
            return
        state.services[svc.url] = svc
        state.depth[svc.url] = depth
        state.waiting.append(svc.url)
        yield from self._next_services(state)

    def _next_services(self, state: ServicesCrawl, done: int = 0):
        """Ask for waiting services' pages while fewer than `services_in_flight`
        are being fetched; `done`: services just answered. Called first thing
        in a service's handler, so a check that crashes cannot stall the rest."""
        state.in_flight -= done
        while state.waiting and state.in_flight < self.services_in_flight:
            svc = state.services[state.waiting.popleft()]
            requests = [r for r in (self._spa_service_requests(state, svc) if state.spa is not None
                                    else [self.fetch(svc.url, self.on_service, state.target, "service",
                                                     priority=P_SERVICE, meta={"pc_service": svc.url})]) if r]
            if not requests:  # the target's page or time budget is spent: ask for no more
                state.waiting.clear()
                state.truncated = state.truncated or f"budget:{self.budgets_spent.get(state.target.id, 'pages')}"
                return
            state.in_flight += 1
            yield from requests

    def on_service(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        yield from self._next_services(state, done=1)
        svc = state.services[meta["pc_service"]]
        status, evidence = page_status(page)
        row = self._row(svc, status, page, evidence)
        # Behind a login (or not answering) the service's own content cannot be seen.
        if status == "live" and not evidence.get("login_redirect"):
            judged, more, svc.level = judge_page(page.text, svc.name, svc.level)
            row.update(judged)
            evidence.update(more)
        yield self._emit(state, svc, row)
        if shows_failure(status, page.http_status):
            yield from self._failure_screenshot(state, page)

    # --- screenshots of failing services (docs/screenshots.md) -----------------
    @property
    def screenshots_per_target(self) -> int:
        """Failing service pages rendered for a screenshot, per target: none without
        screenshots or a browser, or on a re-judgement (nothing is rendered again)."""
        s = self.settings
        if not (s.getbool("PORTALCHECK_SCREENSHOTS") and s.getbool("PORTALCHECK_BROWSER")) \
                or s.get("PORTALCHECK_REPLAY_FROM"):
            return 0
        return s.getint("PORTALCHECK_SCREENSHOTS_PER_TARGET")

    def _failure_screenshot(self, state: ServicesCrawl, page: Page):
        """The failing page as a citizen's browser shows it: rendered once, for its
        screenshot only (its verdict is the plain fetch's, already given)."""
        if page.rendered or state.screenshots >= self.screenshots_per_target:
            return
        request = self.fetch(page.url, self.on_service_screenshot, state.target, "service_screenshot",
                             render=True, priority=P_SERVICE - 1, meta={"pc_screenshot_wanted": True})
        if request is not None:
            state.screenshots += 1
            yield request

    def on_service_screenshot(self, page: Page, meta: RequestMeta):
        """Nothing to judge: the screenshot (if one was taken) is stored by spiders.base."""
        return ()

    # --- items ----------------------------------------------------------
    @staticmethod
    def _row(svc: ListedService, status: str, page: Page, evidence: dict) -> dict:
        evidence.update(list_url=svc.list_url, final_url=page.final_url, redirect_chain=page.redirect_chain,
                        error=page.error, elapsed_ms=round(page.elapsed_ms or 0, 1))
        return {"status": status, "http_status": page.http_status, "evidence": evidence,
                "completeness": None, "has_online_submission": None, "has_online_payment": None}

    def _emit(self, state: ServicesCrawl, svc: ListedService, row: dict) -> ServiceItem:
        state.emitted.add(svc.url)
        depth = state.depth.get(svc.url)
        clicks = None if depth is None else depth + 1
        row["evidence"].update(level_source=svc.level.source, level_vocabulary=svc.level.vocabulary,
                               **({"api_id": svc.api_id} if svc.api_id else {}), **svc.extra)
        item = ServiceItem(target_id=state.target.id, url=svc.url, code=svc.code, name=svc.name,
                           level=svc.level.key, level_raw=svc.level.raw, clicks=clicks, **row)
        state.results.append({k: getattr(item, k) for k in (
            "url", "code", "level", "status", "http_status", "completeness",
            "has_online_submission", "has_online_payment", "clicks")})
        return item

    def handler_failed(self, page: Page, meta: RequestMeta):
        """A check that crashed on a service page: a tool error, never a dead service."""
        state = self.state.get(meta.get("pc_target"))
        url = meta.get("pc_service")
        pending = state.spa.parts.get(url, {}).get("need", 0) if state and state.spa else 0
        if state and url in state.services and url not in state.emitted and pending <= 0:
            svc = state.services[url]
            yield self._emit(state, svc, self._row(svc, "error", page, {"reason": "tool_error"}))

    def target_done(self, target: Target) -> Iterator[Any]:
        state = self.state[target.id]
        figs = figures(state.results)
        kind = "+".join(sorted(k for k in state.kinds if k)) or None
        unread = sum(1 for e in state.list_errors if e.get("status") in UNJUDGEABLE_STATUSES)
        cover = coverage(len(state.services), state.announced, state.truncated, unread)
        problem = listing_problem(state.problem, len(state.services), state.portal_url, state.portal_status)
        portal = portal_observation(state.portal_url, state.portal_status, state.how, {
            **state.discovery, "portal_kind": kind, "list_pages": state.list_pages,
            "list_errors": state.list_errors[:20], "truncated": bool(state.truncated), "coverage": cover,
            "api": self._spa_evidence(state)})
        verdicts = observations(figs, kind, problem, dead_examples(state.results), empty=state.empty,
                                established=bool(state.plan and state.plan.established), cover=cover)
        for obs in [portal] + verdicts:
            if obs.key == "services_listed":
                obs.evidence["figures"] = figs  # every figure, once per target
            yield ObservationItem.from_observation(target.id, obs)
        # services_portal_status is a fetch status (the export's contract); "no
        # service portal found" is told by the services_portal observation.
        yield TargetItem(target_id=target.id, services_portal_url=state.portal_url,
                         services_portal_status=state.portal_status or None,
                         rendered=True if state.rendered else None)
