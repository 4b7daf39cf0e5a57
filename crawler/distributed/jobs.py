"""The worker's side: `portalcheck worker` runs RQ jobs, one host group each.

RQ's worker forks a fresh work-horse per job, which fits Scrapy: one Twisted
reactor per process, started once. The job (`sweep_group`) crawls its group
with the project's spiders and sends each finished target's rows to the
coordinator (crawler.distributed.outbox); it never opens the database.

What RQ gives and portalcheck only configures:
- a job stopped past PORTALCHECK_JOB_TIMEOUT_SECONDS, and redone up to
  PORTALCHECK_JOB_RETRIES times (the coordinator enqueues with both);
- a job whose worker died (SIGKILL, a machine lost) found by the started-job
  registry's cleanup once its heartbeat lapses, and redone;
- SIGTERM: a warm shutdown, the current job finished first.

Two things are adjusted here. RQ's heartbeat allowance is its monitoring
interval plus a fixed 60 s; `PortalcheckWorker` makes the 60 s
PORTALCHECK_WORKER_GRACE_SECONDS. And RQ puts its work-horse in a process
group of its own, so a SIGKILLed worker would leave it crawling on as an
orphan: the horse dies with its worker (Linux PR_SET_PDEATHSIG), so the job
is redone elsewhere, not finished twice in silence.
"""
from __future__ import annotations

import logging
import os
from importlib import import_module
from typing import Any

import redis
from rq import Queue, Worker, get_current_job
from rq.serializers import JSONSerializer
from scrapy.utils.misc import load_object, walk_modules_iter
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from crawler.cli.i18n import t
from crawler.distributed import outbox, redis_names
from crawler.orchestration.process import project_settings, run_spiders
from crawler.orchestration.workers import die_with_parent
from crawler.registry.targets import Target

log = logging.getLogger(__name__)

SERIALIZER = JSONSerializer  # job arguments and results are data, never pickles
JOB_FUNCTION = "crawler.distributed.jobs.sweep_group"
_STATS = ("finish_reason", "item_scraped_count", "portalcheck/write_failed", "portalcheck/disk_full",
          "portalcheck/targets_done")


class GroupNotSent(RuntimeError):
    """Some finished targets could not be sent to the coordinator: RQ redoes the job."""


def sweep_group(sweep: str, run_id: int, group: str, targets: dict[str, list[dict]],
                settings: dict[str, Any]) -> dict[str, dict]:
    """Crawl one host group (`targets`: each spider's targets as a run stores
    them), skipping what the coordinator already stored; returns each
    spider's stats."""
    job = get_current_job()
    wait = project_settings(settings).getfloat("PORTALCHECK_REDIS_WAIT_SECONDS")
    box = outbox.Outbox(job.connection, sweep, job.id, group, job.worker_name or "", wait)
    stored = box.stored()
    todo = {spider: [Target.from_run_target(t) for t in rows
                     if redis_names.stored_member(spider, t["target_id"]) not in stored]
            for spider, rows in targets.items()}
    box.send("started", count=sum(len(v) for v in todo.values()))
    outbox.use(box)
    overrides = {**settings, "PORTALCHECK_PROGRESS": False, "PORTALCHECK_DB": "",
                 "ITEM_PIPELINES": {"crawler.distributed.outbox.StreamPipeline": 300}}
    stats = run_spiders(todo, "", run_id, overrides)
    outbox.use(None)
    summary = {name: {key: s.get(key) for key in _STATS} for name, s in stats.items()}
    if any(s.get("portalcheck/write_failed") for s in summary.values()):
        raise GroupNotSent(f"group {group}: some targets could not be sent")
    return summary


class PortalcheckWorker(Worker):
    """RQ's forking worker, with the heartbeat allowance from the settings and
    a work-horse that dies with it."""

    grace_seconds = 60

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        if job.timeout and job.timeout > 0:
            return int(min(job.timeout - working_time, self.job_monitoring_interval)) + self.grace_seconds
        return self.job_monitoring_interval + self.grace_seconds

    def main_work_horse(self, job, queue):
        die_with_parent(self._parent_pid)
        return super().main_work_horse(job, queue)

    def fork_work_horse(self, job, queue):
        self._parent_pid = os.getpid()
        return super().fork_work_horse(job, queue)


def run_worker(url: str, queue_name: str, settings: dict[str, Any], burst: bool = False,
               name: str | None = None, say=print) -> bool:
    """Run jobs from `queue_name` until stopped (or, with `burst`, until the
    queue is empty). RQ's worker leaves its loop when Redis goes away outside
    a dequeue (a heartbeat, its own teardown); it is started again once Redis
    answers, for PORTALCHECK_REDIS_WAIT_SECONDS, so a Redis restart does not
    cost the sweep its workers."""
    s = project_settings(settings)
    _preload(s)
    connection = redis_names.connect(url)
    level = s.get("LOG_LEVEL") if s.get("LOG_LEVEL") != "CRITICAL" else "WARNING"
    while True:
        queue = Queue(queue_name, connection=connection, serializer=SERIALIZER)
        worker = PortalcheckWorker([queue], connection=connection, serializer=SERIALIZER, name=name,
                                   job_monitoring_interval=s.getint("PORTALCHECK_WORKER_HEARTBEAT_SECONDS"))
        worker.grace_seconds = s.getint("PORTALCHECK_WORKER_GRACE_SECONDS")
        try:
            return worker.work(burst=burst, logging_level=level, with_scheduler=False)
        except (redis.ConnectionError, redis.TimeoutError):
            if worker._stop_requested:
                raise
            _let_the_horse_finish(worker)
            say(t("worker.redis_lost", redis=redis_names.shown(url)))
            _wait_for_redis(connection, s.getfloat("PORTALCHECK_REDIS_WAIT_SECONDS"))
            # what the finished horse wrote of this worker is not a live worker of the same name
            worker.register_death()
            say(t("worker.redis_back", redis=redis_names.shown(url)))


def _preload(s) -> None:
    """Import Scrapy, the spiders, the checks and the pipeline once, here: each
    job's work-horse is forked with them already loaded, not seconds of imports
    per job (docs/scaling.md). Importing installs no Twisted reactor; each
    horse still starts its own."""
    for module in s.getlist("SPIDER_MODULES"):
        for _ in walk_modules_iter(module):
            pass
    import_module("crawler.distributed.outbox")
    # component paths: the keys of the middleware/extension/pipeline dicts, the values of the handlers'
    names = ("DOWNLOAD_HANDLERS", "DOWNLOAD_HANDLERS_BASE", "DOWNLOADER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES_BASE",
             "SPIDER_MIDDLEWARES", "SPIDER_MIDDLEWARES_BASE", "EXTENSIONS", "EXTENSIONS_BASE", "ITEM_PIPELINES")
    paths = {p for name in names for pair in (s.getdict(name) or {}).items() for p in pair
             if isinstance(p, str) and "." in p}
    for path in sorted(paths):
        try:
            load_object(path)
        except (ImportError, NameError, AttributeError, ValueError):
            pass  # what cannot load here fails the same way in the job, where it is reported


def _let_the_horse_finish(worker: PortalcheckWorker) -> None:
    """The job running when Redis went away goes on (its rows wait for Redis,
    crawler.distributed.outbox): one job at a time per worker, none orphaned."""
    pid = getattr(worker, "_horse_pid", 0)
    if pid:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _wait_for_redis(connection, seconds: float) -> None:
    for attempt in Retrying(retry=retry_if_exception_type((redis.ConnectionError, redis.TimeoutError)),
                            stop=stop_after_delay(seconds), wait=wait_exponential(multiplier=0.2, max=5),
                            reraise=True):
        with attempt:
            connection.ping()
