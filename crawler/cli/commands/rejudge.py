"""portalcheck rejudge: judge an archived run again, offline (docs/archive.md).

The same spiders and checks run unchanged; every request is answered from the
run's WACZ (crawler.archive.middleware.ReplayMiddleware), nothing reaches the
network, and the result is a new run marked as a re-judgement of the first.
`portalcheck diff N M` then says what changed.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.cli.i18n import t
from crawler.cli.preflight import scrapy_overrides, stderr, unknown_methodology
from crawler.cli.summary import print_summary
from crawler.orchestration.process import DEFAULT_SPIDERS
from crawler.orchestration.runs import execute, targets_of_run
from results import archive_store, store
from results.archive import sha256_of
from results.export import build_export

# Settings of the original run a re-judgement does not take over: where things are
# written, the progress display, and archiving (a re-judgement writes no archive).
_NOT_REPLAYED = ("PORTALCHECK_DB", "PORTALCHECK_RUN_ID", "PORTALCHECK_ARCHIVE", "PORTALCHECK_ARCHIVE_DIR",
                 "PORTALCHECK_PROGRESS", "PORTALCHECK_PROGRESS_TOTAL", "PORTALCHECK_REPLAY_FROM")


def register(sub) -> None:
    p = sub.add_parser("rejudge", help=t("rejudge.help"), description=t("rejudge.description"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--run", required=True, type=int, metavar="N", help=t("rejudge.run"))
    p.add_argument("--only", metavar="ID,...", help=t("rejudge.only"))
    p.add_argument("--methodology", default=None, help=t("sweep.methodology"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help=t("sweep.set"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def say_archive(db, run_id: int) -> None:
    """One line after a sweep or check: where its archive is, and its digest."""
    archive = archive_store.run_archive(db, run_id)
    if archive and archive["path"]:
        stderr(t("archive.written", path=archive["path"], digest=archive["digest"], run=run_id))


def archive_of(db, run_id: int) -> tuple[Path | None, str | None]:
    """(the run's WACZ, None) when it can be re-judged, else (None, why)."""
    original = store.get_run(db, run_id)
    if original is None:
        return None, t("rejudge.no_run", run=run_id)
    archive = archive_store.run_archive(db, run_id) or {}
    if not archive.get("path"):
        return None, t("rejudge.not_archived", run=run_id)
    path = Path(archive["path"])
    if not path.is_file():
        return None, t("rejudge.missing", run=run_id, path=path)
    if sha256_of(path) != archive["digest"]:
        # a changed archive is not the evidence the run stood on
        return None, t("rejudge.digest", run=run_id, path=path)
    return path, None


def run(args) -> int:
    if not Path(args.db).exists():
        stderr(t("export.no_db", db=args.db))
        return 2
    db = store.open_db(args.db)
    path, why = archive_of(db, args.run)
    if path is None:
        stderr(why)
        return 2
    original = store.get_run(db, args.run)
    methodology = args.methodology or original["methodology"] or "nd42-2025"
    if unknown_methodology(methodology):
        stderr(unknown_methodology(methodology))
        return 2
    settings = original["settings"] or {}
    spiders = tuple(settings.get("spiders") or DEFAULT_SPIDERS)
    targets = targets_of_run(db, args.run)
    db.conn.close()
    if args.only:
        wanted = {x.strip() for x in args.only.split(",") if x.strip()}
        unknown = wanted - {target.id for target in targets}
        if unknown:
            stderr(t("rejudge.unknown_targets", run=args.run, ids=", ".join(sorted(unknown))))
            return 2
        targets = [target for target in targets if target.id in wanted]
    overrides = {k: v for k, v in settings.items() if k.isupper() and k not in _NOT_REPLAYED}
    overrides.update(scrapy_overrides(args))  # -s: e.g. a trial lexicon (PORTALCHECK_LEXICON)
    overrides.update({  # after -s: a re-judgement never reaches the network, whatever it is told
        "PORTALCHECK_REPLAY_FROM": str(path), "PORTALCHECK_ARCHIVE": False,
        # and should a request slip past the archive, there is nothing to fetch it with
        "DOWNLOAD_HANDLERS": {"http": None, "https": None},
        # nothing to be polite to
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
    })
    valid_on = settings.get("valid_on")
    stderr(t("rejudge.starting", run=args.run, path=path, count=len(targets)))
    run_id = execute(targets, args.db, mode="rejudge", label=t("rejudge.label", run=args.run),
                     methodology=methodology, spiders=spiders, overrides=overrides, verbose=args.verbose,
                     valid_on=date.fromisoformat(valid_on) if valid_on else None, rejudge_of=args.run)
    print_summary(build_export(store.open_db(args.db), run_id))
    stderr(t("rejudge.done", run=run_id, original=args.run, db=args.db))
    return 0
