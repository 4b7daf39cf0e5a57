"""Wiring shared by the sweep, check and demo commands: targets in, a stored,
scored run out. Fetching is the spiders', judging the checks', storing the
results package's, scoring the scoring package's."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from crawler import __version__
from crawler.archive.package import discard_warcs, pack
from crawler.netsafety.addresses import is_private_address
from crawler.netsafety.redact import redact_value
from crawler.orchestration import stopping
from crawler.orchestration.process import DEFAULT_SPIDERS, fast_local_settings
from crawler.orchestration.workers import crawl
from crawler.registry.targets import Target
from results import archive_store, store
from results.archive import archive_root
from scoring.runs import score_and_save

log = logging.getLogger(__name__)


@dataclass
class Distributed:
    """A sweep through RQ workers: the Redis URL (never stored nor printed
    whole), the queue, and the sweep's name in Redis (stored with the run)."""
    url: str
    queue: str
    sweep: str

    def stored(self) -> dict[str, str]:
        return {"redis_queue": self.queue, "redis_sweep": self.sweep}


class RunIncomplete(Exception):
    """A run that ended without every target stored: it is marked `incomplete`
    (or `interrupted`), not scored, and the CLI exits 3 (crawler.cli.main)."""

    def __init__(self, run_id: int, unfinished: int, reason: str, mode: str, db: str):
        self.run_id, self.unfinished, self.reason, self.mode, self.db = run_id, unfinished, reason, mode, db
        super().__init__(f"run {run_id}: {unfinished} unfinished target(s) ({reason})")


def unfinished_count(db, run_id: int, todo: dict[str, list[Target]]) -> int:
    """(spider, target) pairs of `todo` with no progress marker: not stored."""
    return sum(len({t.id for t in targets} - store.finished_targets(db, run_id, spider))
               for spider, targets in todo.items())


def run_outcome(stats: dict[str, dict] | None, unfinished: int) -> tuple[str, str | None]:
    """(status, reason) of a crawl: `finished` only when every target is stored."""
    stats = stats or {}
    if any(s.get("portalcheck/disk_full") for s in stats.values()):
        return "incomplete", "disk_full"
    if any(s.get("portalcheck/write_failed") for s in stats.values()):
        return "incomplete", "write_failed"
    reasons = {s.get("finish_reason") for s in stats.values()}
    if not stats and unfinished:
        return "interrupted", "stopped"
    if reasons <= {"finished"}:
        return ("finished", None) if unfinished == 0 else ("incomplete", "stopped")
    return "interrupted", "stopped"


def all_local(targets: list[Target]) -> bool:
    """True when every target is on this machine or a private address the user listed."""
    hosts = {urlsplit(u).hostname or "" for t in targets for u in (t.portal_url, t.services_url) if u}
    return bool(hosts) and all(is_private_address(h) for h in hosts)


def targets_of_run(db, run_id: int) -> list[Target]:
    """The targets a run was started with (as stored when it started)."""
    return [Target.from_run_target(r) for r in store.run_targets(db, run_id)]


def execute(targets: list[Target], db_path: str | Path, mode: str = "sweep", label: str | None = None,
            methodology: str = "nd42-2025", spiders: tuple[str, ...] = DEFAULT_SPIDERS,
            overrides: dict | None = None, verbose: bool = False, progress: bool = True,
            resume_run: int | None = None, valid_on: date | None = None,
            rejudge_of: int | None = None, distributed: Distributed | None = None) -> int:
    """Create a run (or resume one), crawl `targets` into it, score it; returns the run id.

    `rejudge_of`: the run whose archive this run judges again (`portalcheck rejudge`).
    With PORTALCHECK_ARCHIVE on, the run's WARC files are packed into one WACZ
    at its end, recorded on the run; a run whose archive could not be written is
    `incomplete` (reason archive_failed), never finished.

    `valid_on`: the day whose map of units `targets` are (crawler.registry.targets.targets_on),
    stored with the run: its ranking holds those units only, and a resume the same.

    Resuming redoes, per spider, exactly the targets that spider had not
    finished: finished targets were stored whole, unfinished ones not at all.

    `distributed`: the host groups go to RQ workers through Redis, and this
    process only writes what they send back (crawler.distributed).
    """
    settings = dict(overrides or {})
    if all_local(targets):
        settings = {**fast_local_settings(), **settings}
    if not verbose:
        # Failures are data here (stored with their status); the screen shows
        # progress and the summary. --verbose shows Scrapy's log.
        settings.setdefault("LOG_LEVEL", "CRITICAL")
    settings.setdefault("PORTALCHECK_PROGRESS", progress)
    settings["PORTALCHECK_METHODOLOGY"] = methodology
    db = store.open_db(db_path)
    if resume_run is None:
        # The targets are stored with the run before any crawling, so a run
        # killed at its first instant can still be resumed.
        run_id = store.create_run(db, mode=mode, label=label, methodology=methodology,
                                  settings=redact_value({"spiders": list(spiders), "targets": len(targets),
                                                         **({"valid_on": valid_on.isoformat()} if valid_on else {}),
                                                         **(distributed.stored() if distributed else {}),
                                                         **{k: v for k, v in settings.items() if k.isupper()}}),
                                  tool_version=__version__, targets=[t.as_run_target() for t in targets])
        todo = {name: list(targets) for name in spiders}
        if rejudge_of is not None:
            archive_store.mark_rejudge(db, run_id, rejudge_of)
    else:
        run_id = resume_run
        store.reopen_run(db, run_id)
        todo = {name: [t for t in targets if t.id not in store.finished_targets(db, run_id, name)]
                for name in spiders}
    db.conn.close()
    settings.setdefault("PORTALCHECK_PROGRESS_TOTAL", sum(len(v) for v in todo.values()))
    stats = None
    try:
        if stopping.requested():   # a Ctrl-C some library swallowed before the crawl
            raise KeyboardInterrupt
        if distributed is not None:
            # RQ and redis only for a distributed sweep (`import redis` needs more on some Pythons)
            from crawler.distributed.coordinator import coordinate

            stats = coordinate(targets, todo, str(db_path), run_id, settings, distributed.url,
                               distributed.queue, distributed.sweep)
        else:
            stats = crawl(todo, str(db_path), run_id, settings)
    except KeyboardInterrupt:
        _close_run(db_path, run_id, "interrupted", None)
        raise
    except BaseException:
        _close_run(db_path, run_id, "failed", None)
        raise
    try:
        db = store.open_db(db_path)
        unfinished = unfinished_count(db, run_id, todo)
        db.conn.close()
        status, reason = run_outcome(stats, unfinished)
    except store.DatabaseError as fault:
        # The results cannot even be read back: nothing can be called finished.
        reason = "disk_full" if fault.reason == "disk_full" else "write_failed"
        status, unfinished = "incomplete", sum(len(v) for v in todo.values())
    if status == "finished" and settings.get("PORTALCHECK_ARCHIVE"):
        if not _pack_archive(db_path, run_id, settings.get("PORTALCHECK_ARCHIVE_DIR"), label):
            status, reason = "incomplete", "archive_failed"
    _close_run(db_path, run_id, status, methodology)
    if status != "finished":
        raise RunIncomplete(run_id, unfinished, reason or "stopped", mode, str(db_path))
    return run_id


def _pack_archive(db_path, run_id: int, directory: str | None, label: str | None) -> bool:
    """The run's WARC files into its WACZ, its path and digest on the run."""
    root = archive_root(db_path, directory)
    try:
        packed = pack(root, run_id, label or f"portalcheck run {run_id}")
        if packed is not None:
            db = store.open_db(db_path)
            archive_store.set_run_archive(db, run_id, str(packed[0]), packed[1])
            db.conn.close()
            discard_warcs(root, run_id)
        return True
    except (OSError, RuntimeError, store.DatabaseError) as fault:
        log.error("could not write the archive of run %s in %s: %s", run_id, root, fault)
        return False


def _close_run(db_path, run_id: int, status: str, methodology: str | None) -> None:
    """Record how the run ended (and score it when finished). A database that
    refuses even this leaves the run `running`, which is never taken as finished."""
    try:
        db = store.open_db(db_path)
        store.finish_run(db, run_id, status)
        store.reclaim_space(db)
        if status == "finished" and methodology:
            score_and_save(db, store.get_run(db, run_id), methodology)
        db.conn.close()
    except store.DatabaseError as fault:
        log.error("could not record the end of run %s: %s", run_id, fault)
