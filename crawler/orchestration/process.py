"""Run portalcheck's spiders over a list of targets, in this process.

Scrapy's reactor can start once per process: the CLI calls `run_spiders` once.
"""
from __future__ import annotations

import gc
import os
import signal
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.orchestration import stopping
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
    stop_requested = _start_watching_stop(process)
    try:
        process.start(install_signal_handlers=False)
    finally:
        _stop_watching_stop(stop_requested)
    stats = {name: dict(crawler.stats.get_stats()) for name, crawler in crawlers.items()}
    if stop_requested["signal"] is not None or stopping.requested():
        # Ctrl-C or SIGTERM came: the run was interrupted even when Scrapy, asked before its
        # engines started, crawled to the end; `sweep` must say so (exit 3) and `--resume` redo it.
        for s in stats.values():
            if s.get("finish_reason") == "finished":
                s["finish_reason"] = "shutdown"
    return stats


SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _start_watching_stop(process: CrawlerProcess) -> dict:
    """Scrapy installs its shutdown handlers only once its reactor has started, and leaves
    them installed after: a Ctrl-C just before was lost (the sweep ran to its end and exited
    0), and one just after was ignored. Ours cover the whole crawl, remember that a stop was
    asked, and hand the signal to Scrapy's own graceful shutdown (a second one forces it)."""
    state: dict[str, Any] = {"signal": None, "previous": {}}

    def on_signal(signum, frame):
        state["signal"] = signum
        stopping.note(signum)
        process._signal_shutdown(signum, frame)  # Scrapy's handler: graceful, then forced

    for signum in SHUTDOWN_SIGNALS:
        state["previous"][signum] = signal.getsignal(signum)
        signal.signal(signum, on_signal)
    return state


def _stop_watching_stop(state: dict) -> None:
    for signum, handler in state["previous"].items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
