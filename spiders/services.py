"""The services spider: finds a target's service portal, lists every service on
it, and checks each service's own page (issue "Online public services").

Flow per target (judgement is in checks/, this module only fetches):
  homepage -> service portal link (checks.service_portal), unless services_url
  random path on the portal host -> its not-found fingerprint (soft 404s)
  portal home -> one or more of:
    - tables / link lists with page links (checks.service_listing_html)
    - Liferay AJAX fragments, paged by their start/delta params until empty
    - an empty SPA shell: rendered once in Chromium, recording its API calls
      (crawler.browser), plus its JS bundle scanned for /api/ paths; then the
      list API is paged directly with plain POSTs and the `lastId` cursor
  each service -> its page (and, on an SPA, its API record) -> ServiceItem
  when nothing is pending -> per-target figures as observations.
"""
from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urlsplit

from scrapy.settings import default_settings

from checks import service_listing_api as api
from checks.fetch_status import NotFoundFingerprint
from checks.model import Page
from checks.service_detail import (fields_from_api, fields_from_html, level_from_detail,
                                   online_payment, online_submission, page_status, spa_status)
from checks.service_level import level_from_api, vocabulary
from checks.service_listing import ListedService, dead_examples, figures, is_spa_shell, \
    observations, script_sources
from checks.service_listing_html import Fragment, parse_list_page
from checks.service_portal import find_service_portal, portal_home, portal_observation, random_path
from crawler import browser
from crawler.items import ObservationItem, ServiceItem, TargetItem
from crawler.targets import Target
from spiders.base import PortalcheckSpider

# Priorities: the fingerprint before the home, lists before services, so click
# depths are mostly final when a service's page is judged.
P_FIRST, P_HOME, P_LIST, P_SERVICE = 100, 90, 50, 0


@dataclass
class SpaState:
    depth: int
    base_url: str
    pending: int = 0
    rendered_html: str | None = None
    calls: list[dict] = field(default_factory=list)
    bundle_paths: list[str] = field(default_factory=list)
    render_status: str | None = None
    list_call: api.ApiCall | None = None
    detail_url: str | None = None
    pattern: str | None = None
    cursors: set = field(default_factory=set)
    parts: dict[str, dict] = field(default_factory=dict)


@dataclass
class State:
    target: Target
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
    truncated: bool = False
    problem: str | None = None
    spa: SpaState | None = None
    rendered: bool = False
    emitted: set = field(default_factory=set)
    waiting: deque = field(default_factory=deque)  # services listed, their pages not yet asked for
    in_flight: int = 0                             # services whose pages are being fetched


class ServicesSpider(PortalcheckSpider):
    name = "services"
    custom_settings = {
        # Playwright's own timeouts are transient failures too: retried like Scrapy's.
        "RETRY_EXCEPTIONS": list(default_settings.RETRY_EXCEPTIONS) + ["playwright.async_api.TimeoutError"],
        # A cursor-paged API or a long pager is a deep chain of requests; the
        # bounds here are PORTALCHECK_MAX_SERVICES/LIST_PAGES/PAGES_PER_TARGET.
        "DEPTH_LIMIT": 0,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.state: dict[str, State] = {}

    max_services = property(lambda self: self.settings.getint("PORTALCHECK_MAX_SERVICES_PER_TARGET", 5000))
    # Services whose pages are asked for at once, per target: a portal of
    # thousands of services does not hold a Request for each in the scheduler
    # (about 2.5 kB apiece), and a host sees at most its per-host concurrency anyway.
    services_in_flight = property(lambda self: self.settings.getint("PORTALCHECK_SERVICES_IN_FLIGHT", 16))
    max_list_pages = property(lambda self: self.settings.getint(
        "PORTALCHECK_MAX_LIST_PAGES_PER_TARGET", vocabulary()["listing"]["max_pages_per_list"]))

    # --- discovery ------------------------------------------------------
    def start_target(self, target: Target):
        state = self.state[target.id] = State(target)
        if target.services_url:
            state.portal_url, state.how = target.services_url, "services_url"
            return [r for r in self._start_portal(state) if r]
        return [r for r in [self.fetch(target.portal_url, self.on_homepage, target, "homepage")] if r]

    def on_homepage(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        state.discovery = {"homepage": page.final_url, "homepage_status": page.status}
        if not page.ok:
            return
        candidates = find_service_portal(page.text, page.final_url)
        state.discovery["candidates"] = [c.__dict__ for c in candidates[:5]]
        home, state.entries = portal_home(candidates)
        if home:
            state.portal_url, state.how = home, "homepage_link"
            yield from self._start_portal(state)

    def _start_portal(self, state: State):
        yield self.fetch(random_path(state.portal_url), self.on_random_path, state.target,
                         "random_path", priority=P_FIRST)

    def on_random_path(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        if page.http_status is not None:
            state.fingerprint = NotFoundFingerprint.from_page(page.http_status, page.text)
        yield self._list_request(state, state.portal_url, 0, "services_portal", self.on_portal_home)

    def on_portal_home(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        state.portal_status, _ = page_status(page)
        if state.portal_status != "live" and state.entries:
            # The host's root does not answer, but the homepage linked one of its
            # pages (`/dich-vu-truc-tuyen`): that page becomes the portal's home.
            state.portal_url = state.entries.pop(0)
            yield self._list_request(state, state.portal_url, 0, "services_portal", self.on_portal_home)
            return
        yield TargetItem(target_id=state.target.id, services_portal_url=state.portal_url,
                         services_portal_status=state.portal_status)
        if state.portal_status != "live":
            return
        if is_spa_shell(page.text):
            yield from self._start_spa(state, page, 0)
            return
        if state.fingerprint and state.fingerprint.is_soft:
            # Not an SPA: a page like the answer to a random path is a soft 404.
            self.not_found[state.target.id] = state.fingerprint
        yield from self._handle_list(state, page, 0, home=True)
        for url in state.entries:
            yield self._list_request(state, url, 1, "service_list", self.on_list_page)

    # --- HTML lists and AJAX fragments ---------------------------------------
    def _list_request(self, state: State, url: str, depth: int, purpose: str, handler,
                      extra: dict | None = None):
        state.depth[url] = min(depth, state.depth.get(url, depth))
        if url in state.seen_pages or state.list_pages >= self.max_list_pages or state.truncated:
            return None
        state.seen_pages.add(url)
        state.list_pages += 1
        return self.fetch(url, handler, state.target, purpose, priority=P_LIST - depth,
                          meta={"pc_depth": depth, **(extra or {})})

    def _handle_list(self, state: State, page: Page, depth: int, home: bool = False):
        depth = min(depth, state.depth.get(page.url, depth))  # reached by a shorter path since
        listing = parse_list_page(page.text, page.final_url, strict=home)
        if listing.services:
            state.kinds.add("table" if listing.level_column else "links")
        for svc in listing.services:
            yield from self._add_service(state, svc, depth)
        for url in listing.pages:
            yield self._list_request(state, url, depth + 1, "service_list", self.on_list_page)
        for frag in listing.fragments:
            state.kinds.add("ajax")
            yield self._list_request(state, frag.url, depth, "service_fragment", self.on_fragment,
                                     {"pc_fragment": frag, "pc_n": 0, "pc_codes": []})
        if home:
            # A link already listed as a service is a detail page, not a list.
            for url in (u for u in listing.entries if u not in state.services):
                yield self._list_request(state, url, depth + 1, "service_list", self.on_list_page)

    def on_list_page(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        if not page.ok:
            state.list_errors.append({"url": page.url, "status": page.status})
            return
        yield from self._handle_list(state, page, meta["pc_depth"])

    def on_fragment(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        frag: Fragment = meta["pc_fragment"]
        n = meta["pc_n"]
        if not page.ok:
            state.list_errors.append({"url": page.url, "status": page.status})
            return
        listing = parse_list_page(page.text, page.url, permissive=True)
        urls = [s.url for s in listing.services]
        # An empty fragment ends the list; so does one that repeats the last
        # (a server that ignores the paging parameter).
        if not urls or urls == meta["pc_codes"]:
            return
        window = vocabulary()["listing"].get("pager_window", 10)
        depth = meta["pc_depth"] + math.ceil(n / window)
        for svc in listing.services:
            yield from self._add_service(state, svc, depth)
        nxt = frag.page_url(n + 1)
        if nxt != page.url:
            yield self._list_request(state, nxt, meta["pc_depth"], "service_fragment", self.on_fragment,
                                     {"pc_fragment": frag, "pc_n": n + 1, "pc_codes": urls})

    def _add_service(self, state: State, svc: ListedService, depth: int):
        known = state.services.get(svc.url)
        if known:
            if not known.level.known and svc.level.known:
                known.level = svc.level
            state.depth[svc.url] = min(depth, state.depth.get(svc.url, depth))
            return
        if len(state.services) >= self.max_services:
            state.truncated = True
            return
        state.services[svc.url] = svc
        state.depth[svc.url] = depth
        state.waiting.append(svc.url)
        yield from self._next_services(state)

    def _next_services(self, state: State, done: int = 0):
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
                return
            state.in_flight += 1
            yield from requests

    def on_service(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        yield from self._next_services(state, done=1)
        svc = state.services[meta["pc_service"]]
        status, evidence = page_status(page)
        row = self._row(svc, status, page, evidence)
        # Behind a login (or not answering) the service's own content cannot be seen.
        if status == "live" and not evidence.get("login_redirect"):
            fields = fields_from_html(page.text, svc.name)
            row["completeness"] = fields.completeness
            row["has_online_submission"], sub_label = online_submission(page.text)
            row["has_online_payment"], pay_phrase = online_payment(page.text)
            detail_level = level_from_detail(page.text)
            evidence.update(fields=fields.to_dict(), submission_entry=sub_label, payment_phrase=pay_phrase,
                            detail_level=detail_level.to_dict())
            if not svc.level.known and detail_level.known:
                svc.level = detail_level
        yield self._emit(state, svc, row)

    # --- single-page apps over a JSON API --------------------------------------
    def _start_spa(self, state: State, page: Page, depth: int):
        state.kinds.add("spa")
        spa = state.spa = SpaState(depth, page.final_url)
        render = self.fetch(page.final_url, self.on_render, state.target, "spa_render", render=True,
                            render_wait="networkidle", priority=P_HOME, meta=browser.render_meta(f"target-{state.target.id}"))
        requests = [render] + [
            self.fetch(src, self.on_bundle, state.target, "spa_bundle", priority=P_HOME)
            for src in script_sources(page.text, page.final_url)
            if urlsplit(src).netloc == urlsplit(page.final_url).netloc and src.split("?")[0].endswith(".js")]
        spa.pending = sum(1 for r in requests if r)
        if not spa.pending:
            state.problem = "js_shell_unlisted"
        yield from (r for r in requests if r)

    def on_render(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        browser.release_page(meta)  # page, then its context: success or failure alike
        state.rendered = True
        state.spa.render_status = page.status
        if page.ok:
            state.spa.rendered_html = page.text
        state.spa.calls = list(meta.get("pc_api_calls") or [])
        yield from self._spa_step(state)

    def on_bundle(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        if page.ok:
            state.spa.bundle_paths += api.find_api_paths(page.text)
        yield from self._spa_step(state)

    def _spa_step(self, state: State):
        spa = state.spa
        spa.pending -= 1
        if spa.pending > 0:
            return
        spa.list_call = api.choose_list_call(spa.calls, spa.bundle_paths, spa.base_url)
        spa.detail_url = api.choose_detail_url(spa.calls, spa.bundle_paths, spa.base_url)
        spa.pattern = api.detail_page_pattern(spa.rendered_html, spa.base_url)
        if not spa.list_call:
            # our browser failing is not the portal hiding its list
            state.problem = "render_failed" if spa.render_status == "render_failed" else "js_shell_unlisted"
            return
        yield self._api_list_request(state, None, 0)

    def _api_list_request(self, state: State, cursor: str | None, n: int):
        call = state.spa.list_call
        if n >= self.max_list_pages or state.truncated:
            return None
        state.list_pages += 1
        body = json.dumps(api.list_body(call.body, cursor), ensure_ascii=False)
        return self.fetch(call.url, self.on_api_list, state.target, "service_api_list", method=call.method,
                          body=body, headers={"Content-Type": "application/json", "Accept": "application/json"},
                          priority=P_LIST, meta={"pc_n": n, "pc_cursor": cursor})

    def on_api_list(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        spa = state.spa
        items, cursor = api.parse_list_response(page.text) if page.ok else (None, None)
        if items is None:
            state.list_errors.append({"url": page.url, "status": page.status, "cursor": meta["pc_cursor"]})
            if not state.services:
                state.problem = "js_shell_unlisted"
            return
        for item in items:
            svc = api.item_service(item, spa.pattern, page.url)
            if svc:
                yield from self._add_service(state, svc, spa.depth)
        if items and cursor and cursor not in spa.cursors:
            spa.cursors.add(cursor)
            yield self._api_list_request(state, cursor, meta["pc_n"] + 1)

    def _spa_service_requests(self, state: State, svc: ListedService):
        spa = state.spa
        parts = spa.parts[svc.url] = {"need": 1 + bool(spa.detail_url), "shell": None, "api": None}
        reqs = [self.fetch(svc.url, self.on_spa_part, state.target, "service", priority=P_SERVICE,
                           meta={"pc_service": svc.url, "pc_part": "shell"})]
        if spa.detail_url:
            reqs.append(self.fetch(spa.detail_url, self.on_spa_part, state.target, "service_api",
                                   method="POST", body=json.dumps(api.detail_body(svc)),
                                   headers={"Content-Type": "application/json"}, priority=P_SERVICE,
                                   meta={"pc_service": svc.url, "pc_part": "api"}))
        parts["need"] = sum(1 for r in reqs if r)
        return reqs

    def on_spa_part(self, page: Page, meta: dict):
        state = self.state[meta["pc_target"]]
        svc = state.services[meta["pc_service"]]
        parts = state.spa.parts[svc.url]
        parts[meta["pc_part"]] = page
        parts["need"] -= 1
        if parts["need"] > 0:
            return
        yield from self._next_services(state, done=1)
        shell, api_page = parts["shell"], parts["api"]
        if shell is None:  # the shell request was never sent (page budget spent)
            return
        record = api.parse_detail_response(api_page.text, svc.code) if api_page and api_page.ok else None
        if not state.spa.detail_url:  # no API to confirm the shell: nothing can be judged
            status, evidence = "error", {"reason": "api_detail_unknown"}
        else:
            status, evidence = spa_status(shell, api_page, record)
        row = self._row(svc, status, shell, evidence)
        if record is not None:
            svc.level = level_from_api(record)
            fields = fields_from_api(record)
            evidence["fields"] = fields.to_dict()
            evidence["api_url"] = api_page.url
            if status == "live":
                row["completeness"] = fields.completeness
                row["has_online_submission"] = svc.level.key in ("toan_trinh", "mot_phan")
                evidence["submission_source"] = "api executionMethods"
        yield self._emit(state, svc, row)

    # --- items ----------------------------------------------------------
    @staticmethod
    def _row(svc: ListedService, status: str, page: Page, evidence: dict) -> dict:
        evidence.update(list_url=svc.list_url, final_url=page.final_url, redirect_chain=page.redirect_chain,
                        error=page.error, elapsed_ms=round(page.elapsed_ms or 0, 1))
        return {"status": status, "http_status": page.http_status, "evidence": evidence,
                "completeness": None, "has_online_submission": None, "has_online_payment": None}

    def _emit(self, state: State, svc: ListedService, row: dict) -> ServiceItem:
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

    def handler_failed(self, page: Page, meta: dict):
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
        problem = state.problem or (None if state.portal_status == "live" else state.portal_status)
        portal = portal_observation(state.portal_url, state.portal_status, state.how, {
            **state.discovery, "portal_kind": kind, "list_pages": state.list_pages,
            "list_errors": state.list_errors[:20], "truncated": state.truncated,
            "api": ({"list": state.spa.list_call.__dict__ if state.spa.list_call else None,
                     "detail": state.spa.detail_url, "page_pattern": state.spa.pattern,
                     "render_status": state.spa.render_status} if state.spa else None)})
        for obs in [portal] + observations(figs, kind, problem, dead_examples(state.results)):
            if obs.key == "services_listed":
                obs.evidence["figures"] = figs  # every figure, once per target
            yield ObservationItem.from_observation(target.id, obs)
        # services_portal_status is a fetch status (the export's contract); "no
        # service portal found" is told by the services_portal observation.
        yield TargetItem(target_id=target.id, services_portal_url=state.portal_url,
                         services_portal_status=state.portal_status or None,
                         rendered=True if state.rendered else None)
