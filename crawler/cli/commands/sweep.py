"""portalcheck sweep: inspect every target of a registry file."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.cli.commands.rejudge import say_archive
from crawler.cli.i18n import t
from crawler.cli.preflight import (
    audits_option,
    ready_to_fetch,
    scrapy_overrides,
    stderr,
    unknown_methodology,
    warn_audits_without_browser,
)
from crawler.cli.summary import print_summary
from crawler.orchestration.process import DEFAULT_SPIDERS, project_settings
from crawler.orchestration.runs import Distributed, execute, targets_of_run, unfinished_count
from crawler.registry.targets import TargetFileError, load_targets, map_date, targets_on
from results import store
from results.export import build_export


def register(sub) -> None:
    p = sub.add_parser("sweep", help=t("sweep.help"), description=t("sweep.help"))
    p.add_argument("--targets", metavar="FILE", help=t("sweep.targets"))
    p.add_argument("--resume", metavar="RUN", type=int, help=t("sweep.resume"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--label", help=t("sweep.label"))
    p.add_argument("--only", metavar="ID,...", help=t("sweep.only"))
    p.add_argument("--on", metavar="YYYY-MM-DD", type=map_date, help=t("sweep.on"))
    p.add_argument("--methodology", default="nd42-2025", help=t("sweep.methodology"))
    p.add_argument("--spiders", default=",".join(DEFAULT_SPIDERS), help=t("sweep.spiders"))
    p.add_argument("--ignore-robots", metavar="WHY", help=t("sweep.ignore_robots"))
    p.add_argument("--workers", metavar="N", type=int, help=t("sweep.workers"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help=t("sweep.set"))
    p.add_argument("--redis", metavar="URL", help=t("worker.sweep_redis"))
    p.add_argument("--queue", metavar="NAME", help=t("worker.sweep_queue", default=_default_queue()))
    p.add_argument("--no-browser", action="store_true", help=t("browser.no_browser"))
    p.add_argument("--archive", action="store_true", help=t("archive.flag"))
    p.add_argument("--audits", metavar="LIST", type=audits_option, help=t("audits.help"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def run(args) -> int:
    if args.resume is not None:
        return resume(args)
    if not args.targets:
        stderr(t("sweep.need_targets"))
        return 2
    if unknown_methodology(args.methodology):
        stderr(unknown_methodology(args.methodology))
        return 2
    try:
        only = [x.strip() for x in args.only.split(",")] if args.only else None
        on = args.on or date.today()
        targets = targets_on(load_targets(args.targets, only), on, only, args.targets)
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    spiders = tuple(s.strip() for s in args.spiders.split(",") if s.strip())
    overrides = scrapy_overrides(args)
    if args.archive:
        overrides["PORTALCHECK_ARCHIVE"] = True
    if not _ready(args, overrides):
        return 2
    warn_audits_without_browser(args)
    stderr(t("sweep.starting", count=len(targets), db=args.db))
    stderr(t("sweep.map_of", on=on.isoformat()))
    run_id = execute(targets, args.db, mode="sweep", label=args.label,
                     methodology=args.methodology, spiders=spiders,
                     overrides=overrides, verbose=args.verbose, valid_on=on,
                     distributed=_distributed(args, None))
    return report(args, run_id)


def resume(args) -> int:
    if not Path(args.db).exists():
        stderr(t("export.no_db", db=args.db))
        return 2
    db = store.open_db(args.db)
    previous = store.get_run(db, args.resume)
    if previous is None or previous["mode"] != "sweep":
        stderr(t("export.no_run", run=args.resume, db=args.db))
        return 2
    settings = previous["settings"] or {}
    spiders = tuple(settings.get("spiders") or DEFAULT_SPIDERS)
    targets = targets_of_run(db, args.resume)
    # "finished" is believed only when every target is stored (an older
    # portalcheck could call a run finished after losing a write)
    if previous["status"] == "finished" and not unfinished_count(db, args.resume,
                                                                {s: targets for s in spiders}):
        stderr(t("sweep.already_finished", run=args.resume))
        return report(args, args.resume)
    db.conn.close()
    stderr(t("sweep.resuming", run=args.resume, db=args.db))
    if settings.get("valid_on"):
        stderr(t("sweep.map_of", on=settings["valid_on"]))
    overrides = {k: v for k, v in settings.items() if k.isupper() and not k.startswith("PORTALCHECK_PROGRESS")}
    overrides.update(scrapy_overrides(args))
    if args.archive:
        overrides["PORTALCHECK_ARCHIVE"] = True
    if not _ready(args, overrides):
        return 2
    run_id = execute(targets, args.db, mode="sweep", methodology=previous["methodology"] or args.methodology,
                     spiders=spiders, overrides=overrides, verbose=args.verbose, resume_run=args.resume,
                     distributed=_distributed(args, settings))
    return report(args, run_id)


def _ready(args, overrides: dict) -> bool:
    """With --redis, Chromium is the workers' (each says at its start whether
    its own can start): here only the database must take a write. An archive is
    refused with --redis: each worker would write its records on its own machine."""
    if args.redis and overrides.get("PORTALCHECK_ARCHIVE"):
        stderr(t("archive.not_with_redis"))
        return False
    if args.redis and not args.no_browser:
        store.check_writable(args.db)
        return True
    return ready_to_fetch(args.db, args.no_browser, overrides)


def _default_queue() -> str:
    return project_settings().get("PORTALCHECK_REDIS_QUEUE")


def _distributed(args, previous: dict | None) -> Distributed | None:
    """`--redis`: the run's groups go to RQ workers. A resumed run keeps its
    queue and its name in Redis (so it adopts its jobs still queued or running)."""
    if not args.redis:
        return None
    from crawler.distributed import redis_names  # redis only for --redis

    previous = previous or {}
    return Distributed(url=args.redis, queue=args.queue or previous.get("redis_queue") or _default_queue(),
                       sweep=previous.get("redis_sweep") or redis_names.new_sweep_id())


def report(args, run_id: int) -> int:
    db = store.open_db(args.db)
    print_summary(build_export(db, run_id))
    stderr(t("sweep.done", run=run_id, db=args.db))
    say_archive(db, run_id)
    return 0
