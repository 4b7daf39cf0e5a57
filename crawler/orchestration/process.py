"""Run portalcheck's spiders over a list of targets, in this process.

Scrapy's reactor can start once per process: the CLI calls `run_spiders` once.
"""
from __future__ import annotations

import gc
import os
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.registry.targets import Target

DEFAULT_SPIDERS = ("portal", "services")


def project_settings(overrides: dict[str, Any] | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def fast_local_settings() -> dict[str, Any]:
    """For targets on this machine (demo, tests): no throttling delay needed."""
    return {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "PORTALCHECK_FOLLOW_OFFSITE": "private"}


def run_spiders(targets_by_spider: dict[str, list[Target]], db_path: str, run_id: int,
                overrides: dict[str, Any] | None = None) -> dict[str, dict]:
    """Crawl each spider's targets into run `run_id`, all in one reactor; returns each spider's stats."""
    settings = project_settings({
        "PORTALCHECK_DB": str(db_path), "PORTALCHECK_RUN_ID": run_id, **(overrides or {})})
    process = CrawlerProcess(settings)
    crawlers = {}
    for name, targets in targets_by_spider.items():
        if not targets:
            continue
        crawler = process.create_crawler(name)
        crawlers[name] = crawler
        process.crawl(crawler, target_list=targets)
    if not crawlers:
        return {}
    # Everything imported so far (Scrapy, Twisted, lxml, Playwright) lives as
    # long as the process: take it out of the garbage collector's scans.
    gc.collect()
    gc.freeze()
    process.start()
    return {name: dict(crawler.stats.get_stats()) for name, crawler in crawlers.items()}
