"""portalcheck sweep: inspect every target of a registry file."""
from __future__ import annotations

from crawler.i18n import t
from crawler.runs import execute, stderr
from crawler.summary import print_summary
from crawler.sweep import DEFAULT_SPIDERS
from crawler.targets import TargetFileError, load_targets
from results import store
from results.export import build_export


def register(sub) -> None:
    p = sub.add_parser("sweep", help=t("sweep.help"), description=t("sweep.help"))
    p.add_argument("--targets", required=True, metavar="FILE", help=t("sweep.targets"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--label", help=t("sweep.label"))
    p.add_argument("--only", metavar="ID,...", help=t("sweep.only"))
    p.add_argument("--methodology", default="nd42-2025", help=t("sweep.methodology"))
    p.add_argument("--spiders", default=",".join(DEFAULT_SPIDERS), help=t("sweep.spiders"))
    p.add_argument("--ignore-robots", metavar="WHY", help=t("sweep.ignore_robots"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help=t("sweep.set"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def scrapy_overrides(args) -> dict:
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name.strip()] = value
    if getattr(args, "ignore_robots", None):
        overrides["ROBOTSTXT_OBEY"] = False
        overrides["PORTALCHECK_ROBOTS_OVERRIDE_REASON"] = args.ignore_robots
    return overrides


def run(args) -> int:
    try:
        only = [x.strip() for x in args.only.split(",")] if args.only else None
        targets = load_targets(args.targets, only)
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    spiders = tuple(s.strip() for s in args.spiders.split(",") if s.strip())
    stderr(t("sweep.starting", count=len(targets), db=args.db))
    run_id = execute(targets, args.db, mode="sweep", label=args.label,
                     methodology=args.methodology, spiders=spiders,
                     overrides=scrapy_overrides(args), verbose=args.verbose)
    db = store.open_db(args.db)
    print_summary(build_export(db, run_id))
    stderr(t("sweep.done", run=run_id, db=args.db))
    return 0
