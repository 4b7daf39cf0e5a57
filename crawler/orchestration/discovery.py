"""Run the discover spider over some parent units, in this process, and hand back
what it read (one DiscoveryItem per parent, in the parents' order).

Scrapy's reactor starts once per process: the CLI calls `run_discovery` once.
"""
from __future__ import annotations

from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.items import DiscoveryItem
from crawler.orchestration.process import fast_local_settings, project_settings
from crawler.orchestration.runs import all_local
from crawler.registry.targets import Target


def run_discovery(parents: list[Target], registry: list[Target], overrides: dict[str, Any] | None = None,
                  verbose: bool = False) -> tuple[list[DiscoveryItem], dict]:
    """Read `parents`' portals; `registry` is every unit valid that day (for
    families, and the children it already lists). Returns the items and Scrapy's stats."""
    settings: dict[str, Any] = {}
    if all_local(parents):
        settings.update(fast_local_settings())
    if not verbose:
        # The printed summary says what happened; --verbose shows Scrapy's log.
        settings["LOG_LEVEL"] = "CRITICAL"
    settings.update({"PORTALCHECK_PROGRESS": True, "PORTALCHECK_PROGRESS_TOTAL": len(parents)})
    settings.update(overrides or {})
    process = CrawlerProcess(project_settings(settings))
    crawler = process.create_crawler("discover")
    process.crawl(crawler, target_list=parents, registry=registry)
    process.start()
    found = {item.target_id: item for item in getattr(crawler.spider, "discovered", [])}
    missing = [DiscoveryItem(target_id=p.id, status=None) for p in parents if p.id not in found]
    return [found[p.id] for p in parents if p.id in found] + missing, dict(crawler.stats.get_stats())
