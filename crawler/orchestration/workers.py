"""A sweep spread over worker processes, one per CPU core.

A sweep is CPU-bound: judging pages (parsing, folding, classifying) and
Scrapy's own machinery both run in one Python thread, so one process uses one
core while the others idle (docs/performance.md). Each
worker is an ordinary Scrapy process (`crawler.orchestration.process.run_spiders`) over its
share of the targets, writing finished targets to the same SQLite database
(WAL, one short transaction per target, see results.store).

Targets that share a host (a province's departments listing their services on
one provincial portal) always go to the same worker, so per-host politeness
(CONCURRENT_REQUESTS_PER_DOMAIN, AutoThrottle) holds for the whole sweep,
not per process.

A worker dies with its parent (Linux PR_SET_PDEATHSIG): a sweep killed with
SIGKILL leaves no orphan writing into the run, and `sweep --resume` redoes
exactly the targets no worker finished.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from crawler.orchestration.process import project_settings, run_spiders
from crawler.orchestration.progress import ProgressDisplay
from crawler.registry.targets import Target
from results import store

_PR_SET_PDEATHSIG = 1


def worker_count(setting: int | str | None, groups: int) -> int:
    """`PORTALCHECK_WORKERS`: 0 (the default) means one per CPU core; never more
    workers than groups of targets."""
    wanted = int(setting or 0) or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                   else os.cpu_count() or 1)
    return max(1, min(wanted, groups))


def host_groups(targets: list[Target]) -> list[list[Target]]:
    """Targets joined by any host they share (portal or service portal)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for target in targets:
        hosts = [f"host:{urlsplit(u).hostname or ''}" for u in (target.portal_url, target.services_url) if u]
        for host in hosts:
            parent[find(host)] = find(f"target:{target.id}")
    groups: dict[str, list[Target]] = {}
    for target in targets:
        groups.setdefault(find(f"target:{target.id}"), []).append(target)
    return list(groups.values())


def shard(todo: dict[str, list[Target]], workers: int) -> list[dict[str, list[Target]]]:
    """Split each spider's targets into `workers` shards: host groups whole,
    the largest groups first, each to the shard with the least work so far."""
    everyone = {t.id: t for targets in todo.values() for t in targets}
    groups = sorted(host_groups(list(everyone.values())), key=len, reverse=True)
    work = Counter(t.id for targets in todo.values() for t in targets)  # spiders to run per target
    shards: list[set[str]] = [set() for _ in range(workers)]
    load = [0] * workers
    for group in groups:
        i = load.index(min(load))
        shards[i].update(t.id for t in group)
        load[i] += sum(work[t.id] for t in group)
    return [{name: [t for t in targets if t.id in ids] for name, targets in todo.items()}
            for ids in shards if ids]


def die_with_parent(parent_pid: int) -> None:
    """This process is SIGKILLed when `parent_pid` dies (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's SIGINT still reaches us
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _worker(parent_pid: int, todo: dict[str, list[Target]], db_path: str, run_id: int,
            settings: dict[str, Any], results: multiprocessing.Queue) -> None:
    die_with_parent(parent_pid)
    stats = run_spiders(todo, db_path, run_id, {**settings, "PORTALCHECK_PROGRESS": False})
    results.put({name: {key: s.get(key) for key in ("finish_reason", "item_scraped_count",
                                                     "portalcheck/write_failed", "portalcheck/disk_full")}
                 for name, s in stats.items()})


def run_in_workers(shards: list[dict[str, list[Target]]], db_path: str, run_id: int,
                   settings: dict[str, Any], on_tick=None) -> dict[str, dict]:
    """Run each shard in its own process; returns each worker's spider stats,
    keyed `spider#worker`. A worker that died reports `finish_reason` "died"."""
    context = multiprocessing.get_context("spawn")  # a fresh reactor per worker
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(os.getpid(), todo, db_path, run_id, settings, results),
                                 name=f"portalcheck-worker-{i}")
                 for i, todo in enumerate(shards)]
    for process in processes:
        process.start()
    collected: list[dict] = []
    try:
        while any(p.is_alive() for p in processes) or len(collected) < len(processes):
            try:
                collected.append(results.get(timeout=0.5))
            except queue.Empty:
                if not any(p.is_alive() for p in processes):
                    break
            if on_tick:
                on_tick()
    except KeyboardInterrupt:
        # Ctrl-C reached the workers too: let them stop cleanly, then stop.
        _join(processes, 30)
        raise
    _join(processes, 10)
    if on_tick:
        on_tick()
    stats: dict[str, dict] = {}
    for i, worker_stats in enumerate(collected):
        for name, s in worker_stats.items():
            stats[f"{name}#{i}"] = s
    for i in range(len(collected), len(processes)):
        stats[f"worker#{i}"] = {"finish_reason": "died"}
    return stats


def _join(processes, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def crawl(todo: dict[str, list[Target]], db_path: str, run_id: int, settings: dict[str, Any]) -> dict[str, dict]:
    """Crawl `todo` into run `run_id`: in this process, or spread over worker
    processes when there are several cores and several groups of targets."""
    everyone = {t.id: t for targets in todo.values() for t in targets}
    workers = worker_count(project_settings(settings).getint("PORTALCHECK_WORKERS"),
                           len(host_groups(list(everyone.values()))))
    if workers <= 1:
        return run_spiders(todo, db_path, run_id, settings)
    total = sum(len(targets) for targets in todo.values())
    names = {t.id: t.name for t in everyone.values() if t.name}
    display = ProgressDisplay(total, names) if settings.get("PORTALCHECK_PROGRESS") and total else None
    db = store.open_db(db_path)
    already = {(spider, target) for spider in todo for target in store.finished_targets(db, run_id, spider)}

    def show_finished() -> None:
        if display is None:
            return
        for spider in todo:
            for target_id in sorted(store.finished_targets(db, run_id, spider)):
                if (spider, target_id) not in already:
                    already.add((spider, target_id))
                    display.target_finished(spider, target_id)

    try:
        return run_in_workers(shard(todo, workers), db_path, run_id, settings, on_tick=show_finished)
    finally:
        if display is not None:
            display.close()
        db.conn.close()
