"""Browser audits in the portal spider (docs/audits.md): what to render and when, and whose
verdicts to emit. Measuring is crawler/browser/audits.py's (page methods); judging is checks/'s.

- accessibility: axe-core on the homepage once it is read, on the page each sampled section
  was found on, and on the target's online services portal as its target file lists it
  (PORTALCHECK_AUDIT_SAMPLE, `services_portal`); one verdict when the target is done.
- performance: the homepage in a fresh phone context with a throttled network and CPU; the
  speed verdict and the mobile width verdict as soon as it answers.
A portal whose homepage could not be read never gets here: its audits are inconclusive with the
homepage's status (checks.portal_judge.unjudged_portal). A render the budget refused, the
browser failed, or a page that ran out of time gives an inconclusive verdict with its reason.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy_playwright.page import PageMethod

from checks.functions import accessibility, mobile_width, performance
from checks.model import Observation
from crawler import __version__
from crawler.audits import AuditPlan, audit_plan
from crawler.browser.audits import measure_visitor, run_axe, visitor_context
from crawler.meta import RequestMeta

# The sample's name for the target's online services portal (the other names are section keys).
SERVICES_PORTAL = "services_portal"


class AuditsMixin:
    """Mixed into spiders.portal.PortalSpider (which gives fetch, emit and settings)."""

    audit_plan: AuditPlan = AuditPlan()

    def setup_audits(self, settings) -> None:
        self.audit_plan = audit_plan(settings)
        self.axe_results: dict[str, list[dict]] = {}
        # The phone's own user agent, and who is calling (as every portalcheck request says).
        self.user_agent_suffix = f"portalcheck/{__version__} (+{settings.get('PORTALCHECK_CONTACT_URL')})"

    # --- starting ---------------------------------------------------------
    def start_audits(self, target_id: str, home_url: str, services_url: str | None = None) -> Iterator[Any]:
        plan = self.audit_plan
        if plan.runs("accessibility"):
            self.axe_results[target_id] = []
            yield from self._axe_request(target_id, home_url, "homepage")
            if services_url and SERVICES_PORTAL in plan.sample:
                # where citizens file their applications: the page of the sample a visitor
                # of the services most certainly meets
                yield from self._axe_request(target_id, services_url, SERVICES_PORTAL)
        if plan.runs("performance"):
            yield from self._visitor_request(target_id, home_url)

    def audit_sample(self, target_id: str, key: str, observations: list[Observation]) -> Iterator[Any]:
        """A sampled section's page, once its chain found it, is audited by axe too."""
        if key not in self.audit_plan.sample or target_id not in self.axe_results:
            return
        found = [o for o in observations if o.category == "section" and o.key == key and o.outcome == "pass"]
        url = found[0].evidence.get("url") if found else None
        if url and url not in {a.get("url") for a in self.axe_results[target_id]}:
            yield from self._axe_request(target_id, url, key)

    def _axe_request(self, target_id: str, url: str, role: str) -> Iterator[Any]:
        plan = self.audit_plan
        method = PageMethod(run_axe, plan.config["accessibility"], plan.timeout)
        request = self.fetch(url, self.on_axe, target_id, "audit_accessibility", render=True, render_wait="load",
                             meta={"pc_audit_role": role, "playwright_page_methods": {"axe": method}})
        if request is None:  # the target's page or time budget is spent
            self.axe_results[target_id].append({"url": url, "role": role, "status": "page_budget"})
        else:
            yield request

    def _visitor_request(self, target_id: str, url: str) -> Iterator[Any]:
        plan = self.audit_plan
        visitor = plan.config["visitor"]
        widths = [int(w) for w in plan.config["mobile_width"]["widths"]]
        meta: RequestMeta = {
            "pc_audit_role": "homepage", "pc_visitor": visitor, "pc_pool_key": f"{target_id}~visitor",
            "playwright_context_kwargs": visitor_context(visitor, self.user_agent_suffix),
            "playwright_page_init_callback": "crawler.browser.audits.prepare_visitor_page",
            "playwright_page_methods": {"visitor": PageMethod(measure_visitor, visitor, widths, plan.timeout)},
        }
        # "commit": the navigation hands over as soon as the answer starts; measure_visitor waits
        # for the load event itself, within the audit's own time limit.
        request = self.fetch(url, self.on_visitor, target_id, "audit_performance", render=True,
                             render_wait="commit", meta=meta)
        if request is None:
            yield from self._emit_visitor(target_id, {"url": url, "status": "page_budget"})
        else:
            yield request

    # --- answers ------------------------------------------------------------
    @staticmethod
    def _method_result(meta: RequestMeta, name: str) -> dict:
        methods = meta.get("playwright_page_methods") or {}
        method = methods.get(name) if isinstance(methods, dict) else None
        result = getattr(method, "result", None)
        return result if isinstance(result, dict) else {}

    def on_axe(self, page, meta: RequestMeta):
        target_id = meta["pc_target"]
        axe = self._method_result(meta, "axe") if page.ok else {}
        self.axe_results.setdefault(target_id, []).append(
            {"url": page.final_url, "role": meta["pc_audit_role"], "status": page.status, "axe": axe})
        return ()

    def on_visitor(self, page, meta: RequestMeta):
        # What was measured counts even when the render then failed (the page method returned
        # before scrapy-playwright's own wait for the load event ran out).
        measured = self._method_result(meta, "visitor")
        status = "live" if measured.get("metrics") and (page.ok or page.status == "timeout") else page.status
        audit = {"url": page.final_url, "status": status, "metrics": measured.get("metrics") or {},
                 "widths": measured.get("widths") or {}, "error": measured.get("error")}
        yield from self._emit_visitor(meta["pc_target"], audit)

    def _emit_visitor(self, target_id: str, audit: dict) -> Iterator[Any]:
        config = self.audit_plan.config
        yield self.emit(target_id, performance.check(audit, config["performance"], config["visitor"]))
        yield self.emit(target_id, mobile_width.check(audit, config["mobile_width"]))

    def audit_observations(self, target_id: str) -> Iterator[Any]:
        """The accessibility verdict, once every audited page of the target has answered."""
        audits = self.axe_results.pop(target_id, None)
        if audits is None:
            return
        audits.sort(key=lambda a: a.get("role") != "homepage")  # the homepage first
        if not audits or audits[0].get("role") != "homepage":
            audits.insert(0, {"role": "homepage", "status": "not_fetched"})
        yield self.emit(target_id, accessibility.check(audits, self.audit_plan.config["accessibility"]))
