"""The services spider's single-page-app part: a portal whose home is an empty
shell (the national portal since 2025) is rendered once in Chromium while its
API calls are recorded (crawler.browser), its same-host JS bundles are scanned
for `/api/v1/...` paths, and the list endpoint is then paged directly with plain
POSTs and the `lastId` cursor; each service is its shell page plus its API
record. Judgement is in checks/ (service_listing_api, service_detail).

A browser that did not start, crashed or is turned off (`render_failed`) is our
failure, not the portal's: with no API named by the bundles either, the list is
inconclusive with that reason, never "no services".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from checks import service_listing_api as api
from checks.model import Page
from checks.service_detail import judge_record, spa_status
from checks.service_figures import spa_problem
from checks.service_listing import ListedService, script_sources
from crawler.browser.pool import release_page, render_meta
from crawler.meta import RequestMeta

P_HOME, P_LIST, P_SERVICE = 90, 50, 0


@dataclass
class SpaState:
    depth: int
    base_url: str
    pending: int = 0
    rendered_html: str | None = None
    calls: list[dict] = field(default_factory=list)
    bundle_paths: list[str] = field(default_factory=list)
    render_status: str | None = None
    render_error: str | None = None
    list_call: api.ApiCall | None = None
    detail_url: str | None = None
    pattern: str | None = None
    cursors: set = field(default_factory=set)
    parts: dict[str, dict] = field(default_factory=dict)


class SpaMixin:
    """Mixed into ServicesSpider: uses its fetch, state, _add_service, _next_services,
    _row, _emit and _note_list."""

    def _start_spa(self, state, page: Page, depth: int):
        state.kinds.add("spa")
        spa = state.spa = SpaState(depth, page.final_url)
        render = self.fetch(page.final_url, self.on_render, state.target, "spa_render", render=True,
                            render_wait="networkidle", priority=P_HOME,
                            meta=render_meta(f"target-{state.target.id}"))
        requests = [render] + [
            self.fetch(src, self.on_bundle, state.target, "spa_bundle", priority=P_HOME)
            for src in script_sources(page.text, page.final_url)
            if urlsplit(src).netloc == urlsplit(page.final_url).netloc and src.split("?")[0].endswith(".js")]
        spa.pending = sum(1 for r in requests if r)
        if not spa.pending:
            state.problem = "js_shell_unlisted"
        yield from (r for r in requests if r)

    def on_render(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        release_page(meta)  # page, then its context: success or failure alike
        state.rendered = True
        state.spa.render_status, state.spa.render_error = page.status, page.error
        if page.ok:
            state.spa.rendered_html = page.text
        state.spa.calls = list(meta.get("pc_api_calls") or [])
        yield from self._spa_step(state)

    def on_bundle(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        if page.ok:
            state.spa.bundle_paths += api.find_api_paths(page.text)
        yield from self._spa_step(state)

    def _spa_step(self, state):
        spa = state.spa
        spa.pending -= 1
        if spa.pending > 0:
            return
        spa.list_call = api.choose_list_call(spa.calls, spa.bundle_paths, spa.base_url)
        spa.detail_url = api.choose_detail_url(spa.calls, spa.bundle_paths, spa.base_url)
        spa.pattern = api.detail_page_pattern(spa.rendered_html, spa.base_url)
        if not spa.list_call:
            state.problem = spa_problem(spa.render_status)
            return
        yield self._api_list_request(state, None, 0)

    def _api_list_request(self, state, cursor: str | None, n: int):
        call = state.spa.list_call
        if state.truncated:
            return None
        if n >= self.max_list_pages:
            state.truncated = "list_pages"
            return None
        state.list_pages += 1
        body = json.dumps(api.list_body(call.body, cursor), ensure_ascii=False)
        request = self.fetch(call.url, self.on_api_list, state.target, "service_api_list", method=call.method,
                             body=body, headers={"Content-Type": "application/json", "Accept": "application/json"},
                             priority=P_LIST, meta={"pc_n": n, "pc_cursor": cursor})
        if request is None:
            state.truncated = f"budget:{self.budgets_spent.get(state.target.id, 'pages')}"
        return request

    def on_api_list(self, page: Page, meta: RequestMeta):
        state = self.state[meta["pc_target"]]
        spa = state.spa
        items, cursor = api.parse_list_response(page.text) if page.ok else (None, None)
        if items is None:
            state.list_errors.append({"url": page.url, "status": page.status, "cursor": meta["pc_cursor"]})
            if not state.services:
                state.problem = spa_problem(None, page.status)
            return
        total = api.list_total(page.text)
        self._note_list(state, page.url, (total, f"total={total}") if total is not None else None,
                        "items=[]" if meta["pc_n"] == 0 and not items and not cursor else None)
        for item in items:
            svc = api.item_service(item, spa.pattern, page.url)
            if svc:
                yield from self._add_service(state, svc, spa.depth)
        if items and cursor and cursor not in spa.cursors:
            spa.cursors.add(cursor)
            yield self._api_list_request(state, cursor, meta["pc_n"] + 1)

    def _spa_service_requests(self, state, svc: ListedService):
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

    def on_spa_part(self, page: Page, meta: RequestMeta):
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
            judged, more, svc.level = judge_record(record, status)
            row.update(judged)
            evidence.update(more, api_url=api_page.url)
        yield self._emit(state, svc, row)

    @staticmethod
    def _spa_evidence(state) -> dict | None:
        spa = state.spa
        if spa is None:
            return None
        return {"list": spa.list_call.__dict__ if spa.list_call else None, "detail": spa.detail_url,
                "page_pattern": spa.pattern, "render_status": spa.render_status,
                **({"render_error": spa.render_error} if spa.render_error else {})}
