"""The coordinator: `sweep --redis URL` enqueues the run's host groups as RQ
jobs, writes what they send back, and watches them until each is done.

It is the only writer of the run's SQLite database (crawler.distributed.inbox).
What it watches, each PORTALCHECK_COORDINATOR_POLL_SECONDS:

- RQ's started-job registry cleanup: a job whose worker stopped beating is
  abandoned, and RQ redoes it (retries) or puts it in the failed-job registry;
- each group's job: finished (its stats kept), failed for good (the run ends
  incomplete; `sweep --resume` tries again), or gone from Redis (a Redis
  restarted without its data): re-enqueued with its targets not yet stored;
- the row stream, drained into SQLite;
- a group with no target finished for PORTALCHECK_STUCK_GROUP_SECONDS: shown
  as stuck, with its worker.

Redis unreachable: retried for PORTALCHECK_REDIS_WAIT_SECONDS, then the run
stops as interrupted (what was stored stays; `sweep --resume` goes on).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from crawler.distributed import redis_names
from crawler.distributed.board import Board
from crawler.distributed.inbox import Inbox
from crawler.distributed.jobs import JOB_FUNCTION, SERIALIZER
from crawler.orchestration.process import project_settings
from crawler.orchestration.workers import host_groups
from crawler.registry.targets import Target
from results import store

_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
# A run is cut into at least this many jobs when it has as many host groups,
# whatever PORTALCHECK_TARGETS_PER_JOB says: a sweep of a hundred targets still
# spreads over a dozen workers.
MIN_JOBS = 16
RESULT_TTL = 7 * 86400  # a job's stats, for a coordinator resumed days later


@dataclass
class Group:
    key: str
    targets: dict[str, list[Target]]  # each spider's targets of this group still to store
    job_id: str | None = None
    state: str = "waiting"            # queued, started, finished, failed
    worker: str = ""
    done: int = 0
    last_news: float = field(default_factory=time.monotonic)
    stats: dict | None = None
    stuck_shown: bool = False

    @property
    def target_ids(self) -> set[str]:
        return {t.id for targets in self.targets.values() for t in targets}

    def size(self) -> int:
        return sum(len(v) for v in self.targets.values())


def plan_groups(everyone: list[Target], todo: dict[str, list[Target]], per_job: int) -> dict[str, Group]:
    """The run's jobs: its host groups, formed over all its targets and packed
    in the run's order into jobs of up to `per_job` targets (fewer when the
    run is small: at least MIN_JOBS jobs; one Scrapy
    process crawls a job's portals side by side, as a local worker does; a
    job of one commune would leave a worker idle between its few pages).
    Formed over every target, not only what is left, so a resumed
    coordinator names them the same and adopts their jobs. Each keeps what
    is left to do."""
    order = {t.id: i for i, t in enumerate(everyone)}
    per_job = max(1, min(per_job, -(-len(everyone) // MIN_JOBS)))
    batches: list[set[str]] = []
    for members in sorted(host_groups(everyone), key=lambda g: min(order[t.id] for t in g)):
        ids = {t.id for t in members}
        if batches and len(batches[-1]) + len(ids) <= max(1, per_job):
            batches[-1] |= ids
        else:
            batches.append(ids)
    groups = {}
    for ids in batches:
        part = {spider: [t for t in targets if t.id in ids] for spider, targets in todo.items()}
        if any(part.values()):
            key = redis_names.group_key(ids)
            groups[key] = Group(key, part)
    return groups


class Coordinator:
    def __init__(self, url: str, queue_name: str, sweep: str, run_id: int, db_path: str,
                 settings: dict[str, Any], board: Board):
        s = project_settings(settings)
        self.settings, self.sweep, self.run_id, self.board = settings, sweep, run_id, board
        self.connection = redis_names.connect(url)
        self.queue = Queue(queue_name, connection=self.connection, serializer=SERIALIZER)
        self.db = store.open_db(db_path)
        self.inbox = Inbox(self.connection, sweep, self.db, run_id, s.getfloat("PORTALCHECK_WRITE_WAIT_SECONDS"))
        self.job_timeout = s.getint("PORTALCHECK_JOB_TIMEOUT_SECONDS")
        self.retries = s.getint("PORTALCHECK_JOB_RETRIES")
        self.stuck_after = s.getfloat("PORTALCHECK_STUCK_GROUP_SECONDS")
        self.redis_wait = s.getfloat("PORTALCHECK_REDIS_WAIT_SECONDS")
        self.poll = s.getfloat("PORTALCHECK_COORDINATOR_POLL_SECONDS")
        self.per_job = s.getint("PORTALCHECK_TARGETS_PER_JOB")
        self.groups: dict[str, Group] = {}
        self.enqueued = self.adopted = 0

    def run(self, everyone: list[Target], todo: dict[str, list[Target]]) -> dict[str, dict]:
        """Until every group is finished or failed; returns stats keyed `spider#group`."""
        self.inbox.load_stored(todo)
        self.groups = plan_groups(everyone, todo, self.per_job)
        down_since = None
        started = False
        try:
            while True:
                try:
                    if not started:
                        self._drain()  # rows sent while no coordinator was listening
                        self._start()
                        started = True
                    if not self._tick():
                        break
                    if down_since is not None:
                        self.board.redis_back()
                        down_since = None
                except (redis.ConnectionError, redis.TimeoutError):
                    if down_since is None:
                        down_since = time.monotonic()
                        self.board.redis_down()
                    elif time.monotonic() - down_since > self.redis_wait:
                        self.board.redis_gave_up()
                        return self._stats(gave_up=True)
                time.sleep(self.poll)
            self._forget()
            return self._stats()
        finally:
            self.db.conn.close()

    def _start(self) -> None:
        """Adopt each group's job still queued or running (a resumed
        coordinator), enqueue the others."""
        known = {k.decode(): v.decode() for k, v in
                 self.connection.hgetall(redis_names.jobs_key(self.sweep)).items()}
        # the longest jobs first (a service portal of thousands of services is
        # politeness-bound on its one host): they must not start last
        for group in sorted(self.groups.values(), key=_weight, reverse=True):
            status = self._status(known.get(group.key))
            if status in _LIVE:
                group.job_id, group.state = known[group.key], "queued"
                self.adopted += 1
            else:
                self._enqueue(group)
        self.board.enqueued(self.enqueued, self.adopted, self.queue.name)

    def _status(self, job_id: str | None):
        if not job_id:
            return None
        try:
            return Job.fetch(job_id, connection=self.connection, serializer=SERIALIZER).get_status()
        except NoSuchJobError:
            return None

    def _left(self, group: Group) -> dict[str, list[Target]]:
        """Each spider's targets of `group` not stored yet."""
        return {spider: [t for t in targets if (spider, t.id) not in self.inbox.stored]
                for spider, targets in group.targets.items()}

    def _enqueue(self, group: Group) -> None:
        """A job for what of `group` is not stored yet (none needed when all is)."""
        left = self._left(group)
        if not any(left.values()):
            group.state, group.stats = "finished", group.stats or {}
            return
        stored = [redis_names.stored_member(spider, t.id) for spider, targets in group.targets.items()
                  for t in targets if (spider, t.id) in self.inbox.stored]
        if stored:  # a Redis that lost them: a redone job must still skip them
            self.connection.sadd(redis_names.stored_key(self.sweep), *stored)
        names = sorted(group.target_ids)
        job = self.queue.enqueue_call(
            JOB_FUNCTION, kwargs={"sweep": self.sweep, "run_id": self.run_id, "group": group.key,
                                  "targets": {s: [t.as_run_target() for t in ts] for s, ts in left.items() if ts},
                                  "settings": self.settings},
            timeout=self.job_timeout, retry=Retry(max=self.retries) if self.retries > 0 else None,
            result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL,
            description=f"portalcheck run {self.run_id}: {', '.join(names[:3])}"
                        + (f" +{len(names) - 3}" if len(names) > 3 else ""))
        self.connection.hset(redis_names.jobs_key(self.sweep), group.key, job.id)
        group.job_id, group.state, group.worker = job.id, "queued", ""
        group.last_news = time.monotonic()
        self.enqueued += 1

    def _tick(self) -> bool:
        """One look at everything; False when no group is left to wait for."""
        StartedJobRegistry(queue=self.queue).cleanup()  # RQ's abandoned-job handling
        pending = [g for g in self.groups.values() if g.state in ("queued", "started")]
        jobs = {g.key: self._job(g.job_id) for g in pending}  # before draining: a finished job's rows are in
        self._drain()
        for group in pending:
            self._follow(group, jobs[group.key])
        self.board.show_workers(self.groups.values())
        return any(g.state in ("queued", "started") for g in self.groups.values())

    def _job(self, job_id):
        try:
            return Job.fetch(job_id, connection=self.connection, serializer=SERIALIZER)
        except NoSuchJobError:
            return None

    def _drain(self) -> None:
        for message in self.inbox.drain():
            group = self.groups.get(message.group)
            if group is None:
                continue
            group.last_news, group.stuck_shown = time.monotonic(), False
            group.worker = message.worker or group.worker
            if message.kind == "started":
                group.state, group.done = "started", 0
                self.board.group_started(group, message.count)
            elif message.kind == "target" and message.written:
                group.done += 1
                self.board.target_finished(message.spider, message.target, message.worker)

    def _follow(self, group: Group, job) -> None:
        if job is None:  # Redis lost it (restarted empty): redo what is not stored
            if not any(self._left(group).values()):
                # every target was stored before Redis went: the job had finished and only its
                # status was lost; nothing is enqueued again, so nothing is said to be
                group.state, group.stats = "finished", group.stats or {}
                self.board.group_finished(group)
                return
            self.board.group_lost(group)
            self._enqueue(group)
            return
        status = job.get_status(refresh=False)
        if status == JobStatus.FINISHED:
            group.state, group.stats = "finished", job.return_value() or {}
            self.board.group_finished(group)
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            group.state = "failed"
            self.board.group_failed(group, job.id)
        elif status == JobStatus.STARTED:
            if job.worker_name and group.state == "queued":
                group.state, group.worker = "started", job.worker_name
            if time.monotonic() - group.last_news > self.stuck_after and not group.stuck_shown:
                group.stuck_shown = True
                self.board.group_stuck(group, time.monotonic() - group.last_news)

    def _stats(self, gave_up: bool = False) -> dict[str, dict]:
        stats: dict[str, dict] = {}
        for group in self.groups.values():
            if group.state == "finished":
                for spider, s in (group.stats or {}).items():
                    stats[f"{spider}#{group.key}"] = s
                if not group.stats:
                    stats[f"group#{group.key}"] = {"finish_reason": "finished"}
            else:
                stats[f"group#{group.key}"] = {"finish_reason": "redis_unavailable" if gave_up else group.state}
        return stats

    def _forget(self) -> None:
        """The sweep's own keys, once every group is done (RQ keeps its jobs for their TTLs)."""
        if self.connection.xlen(redis_names.rows_key(self.sweep)) == 0:
            self.connection.delete(redis_names.stored_key(self.sweep), redis_names.jobs_key(self.sweep),
                                   redis_names.rows_key(self.sweep))


def _weight(group: Group) -> tuple[int, int]:
    """How long a job will take, roughly: its service portals, then its targets."""
    return sum(1 for t in group.targets.get("services", []) if t.services_url), group.size()


def coordinate(everyone: list[Target], todo: dict[str, list[Target]], db_path: str, run_id: int,
               settings: dict[str, Any], url: str, queue_name: str, sweep: str) -> dict[str, dict]:
    """Crawl `todo` into run `run_id` through RQ workers; returns the stats `run_outcome` reads."""
    total = sum(len(targets) for targets in todo.values())
    board = Board(total, bool(settings.get("PORTALCHECK_PROGRESS")), redis_names.shown(url),
                  {t.id: t.name for t in everyone if t.name})
    try:
        return Coordinator(url, queue_name, sweep, run_id, db_path, settings, board).run(everyone, todo)
    finally:
        board.close()
