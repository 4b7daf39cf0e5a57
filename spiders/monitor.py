"""The monitor spider: one quick availability pass (docs/monitoring.md).

Each target's homepage, its service portal's homepage and the services the
latest sweep found (all, or a rotating sample) get one plain GET. A page that
comes back `blocked` is fetched once more with the browser (a JavaScript
challenge lets a browser through), at most `render_blocked` per target and
pass. Results go to the monitor's own pipeline below, which stores each
target's pass in one transaction (crawler/monitoring/passes.py): the sweep
pipeline's per-fetch rows would be far too many for a pass every 5 minutes.

Settings: PORTALCHECK_DB, PORTALCHECK_RUN_ID, PORTALCHECK_MONITOR_AT (unix
seconds the pass started), PORTALCHECK_MONITOR_SERVICES ("all" or
"sample:N"), PORTALCHECK_MONITOR_CONFIG (a YAML file over checks/data/monitor.yaml).
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from checks.model import Page
from checks.monitor_pass import PassPlan, code_of
from checks.monitor_state import load_config, parse_services_mode
from crawler.meta import RequestMeta
from crawler.monitoring.passes import prepare_pass, record_target_pass
from crawler.registry.targets import Target
from results import store
from spiders.base import PortalcheckSpider


@dataclass
class MonitorResult:
    """One target's pass, as plain data, for MonitorPipeline."""

    target_id: str
    plan: PassPlan
    statuses: bytes
    details: dict[int, dict] = field(default_factory=dict)
    certs: dict[str, dict] = field(default_factory=dict)
    portal_ms: int | None = None


class MonitorSpider(PortalcheckSpider):
    name = "monitor"
    custom_settings = {
        "ITEM_PIPELINES": {"crawler.pipelines.SQLitePipeline": None,
                           "spiders.monitor.MonitorPipeline": 300},
        # A big service list is the point here; the pass's own timeout bounds it.
        "PORTALCHECK_MAX_PAGES_PER_TARGET": 1_000_000,
    }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.config = load_config(s.get("PORTALCHECK_MONITOR_CONFIG"))
        spider.at = s.getint("PORTALCHECK_MONITOR_AT") or int(time.time())
        spider.services_n = parse_services_mode(s.get("PORTALCHECK_MONITOR_SERVICES") or spider.config.services)
        spider.plans = {}      # target id -> PassPlan (crawler.monitoring.passes.prepare_pass)
        spider.vectors = {}    # target id -> status code per slot
        spider.details = {}    # target id -> {slot: failure details}
        spider.certs = {}      # target id -> {host:port: certificate facts}
        spider.portal_ms = {}
        spider.renders = {}    # browser fetches spent per target
        return spider

    async def start(self):
        db = store.open_db(self.settings.get("PORTALCHECK_DB"))
        try:
            self.plans = prepare_pass(db, list(self.targets.values()), self.services_n,
                                                    self.at, self.config)
        finally:
            db.conn.close()
        async for item in super().start():
            yield item

    def start_target(self, target: Target) -> Iterable[Any]:
        plan = self.plans[target.id]
        self.vectors[target.id] = bytearray(plan.width)
        self.details[target.id] = {}
        self.certs[target.id] = {}
        for check in plan.checks:
            request = self.fetch(check.url, self.on_check, target, purpose=f"monitor_{check.kind}",
                                 meta={"pc_slot": check.slot, "pc_kind": check.kind},
                                 timeout=self.config.download_timeout)
            if request is not None:
                yield request

    def on_check(self, page: Page, meta: RequestMeta) -> Iterable[Any]:
        target_id, slot = meta["pc_target"], meta["pc_slot"]
        if page.status == "blocked" and not page.rendered and self._may_render(target_id):
            # Cheap first, the browser only when the cheap answer was "blocked".
            request = self.fetch(page.url, self.on_check, target_id, purpose="monitor_render", render=True,
                                 meta={"pc_slot": slot, "pc_kind": meta["pc_kind"], "pc_plain": page},
                                 timeout=self.config.download_timeout)
            if request is not None:
                yield request
                return
        if page.status == "render_failed" and meta.get("pc_plain") is not None:
            page = meta["pc_plain"]  # our browser failed: the plain fetch's "blocked" stands
        self.vectors[target_id][slot] = code_of(page.status)
        if page.status == "live":
            self.details[target_id].pop(slot, None)
        else:
            self.details[target_id][slot] = {"status": page.status, "http_status": page.http_status,
                                             "error": page.error}
        if meta["pc_kind"] == "portal":
            self.portal_ms[target_id] = int(page.elapsed_ms or 0)
        if page.tls_not_after:
            parts = urlsplit(page.final_url or page.url)
            host = f"{parts.hostname}:{parts.port or 443}"
            self.certs[target_id].setdefault(host, {"not_after": page.tls_not_after,
                                                    "subject": page.tls_subject})

    def _may_render(self, target_id: str) -> bool:
        if self.renders.get(target_id, 0) >= self.config.render_blocked:
            return False
        self.renders[target_id] = self.renders.get(target_id, 0) + 1
        return True

    def target_done(self, target: Target) -> Iterable[Any]:
        yield MonitorResult(target_id=target.id, plan=self.plans[target.id],
                            statuses=bytes(self.vectors.get(target.id, b"")),
                            details=self.details.get(target.id, {}), certs=self.certs.get(target.id, {}),
                            portal_ms=self.portal_ms.get(target.id))


class MonitorPipeline:
    """Stores each MonitorResult with its state changes; ignores the per-fetch items."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.db = store.open_db(self.crawler.settings.get("PORTALCHECK_DB"))
        self.run_id = self.crawler.settings.get("PORTALCHECK_RUN_ID")
        self.owns_run = self.run_id is None  # a bare `scrapy crawl monitor`
        if self.owns_run:
            self.run_id = store.create_run(self.db, mode="monitor")

    def process_item(self, item, spider=None):
        spider = self.crawler.spider
        if isinstance(item, MonitorResult):
            record_target_pass(
                self.db, int(self.run_id), item.plan, item.statuses,
                item.details, item.certs, item.portal_ms, spider.at, spider.config)
            self.crawler.stats.inc_value("portalcheck/monitor_targets")
        return item

    def close_spider(self, spider=None):
        if self.db is not None:
            if self.owns_run:
                store.finish_run(self.db, int(self.run_id))
            self.db.conn.close()
