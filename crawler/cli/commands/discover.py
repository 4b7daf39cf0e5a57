"""portalcheck discover: propose the child units (departments, communes, a
ministry's general departments and agencies) that parents' portals link, as a
candidate file for a person to review (docs/discover.md)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from crawler.cli.i18n import t
from crawler.cli.preflight import scrapy_overrides, stderr
from crawler.registry.targets import TargetFileError, load_targets, map_date, targets_on

REASONS = ("central_body", "other_province", "news", "social_media", "self", "ancestor", "service_system",
           "party_or_mass_org", "vertical_agency", "company", "not_a_unit", "not_a_homepage", "no_name", "not_a_name")


def register(sub) -> None:
    p = sub.add_parser("discover", help=t("discover.help"), description=t("discover.description"))
    p.add_argument("--targets", metavar="FILE", required=True, help=t("discover.targets"))
    p.add_argument("--only", metavar="ID", nargs="+", action="extend", help=t("discover.only"))
    p.add_argument("--out", metavar="CANDIDATES.csv", required=True, help=t("discover.out"))
    p.add_argument("--on", metavar="YYYY-MM-DD", type=map_date, help=t("discover.on"))
    p.add_argument("--force", action="store_true", help=t("discover.force"))
    p.add_argument("--no-browser", action="store_true", help=t("discover.no_browser"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help=t("sweep.set"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def _check_out(args) -> str | None:
    out, registry = Path(args.out), Path(args.targets)
    if out.exists() and registry.exists() and out.resolve() == registry.resolve():
        return t("discover.out_is_registry", out=args.out)
    if out.exists() and not args.force:
        return t("discover.out_exists", out=args.out)
    if not out.parent.exists():
        return t("discover.out_dir_missing", dir=str(out.parent))
    return None


def run(args) -> int:
    from crawler.orchestration.discovery import run_discovery
    from crawler.registry.candidates import consolidate
    from crawler.registry.files import registry_text, write_atomically

    on = args.on or date.today()
    only = [i.strip() for value in (args.only or []) for i in value.split(",") if i.strip()] or None
    try:
        registry = targets_on(load_targets(args.targets), on, only, args.targets)
        if only:
            unknown = [i for i in only if i not in {r.id for r in registry}]
            if unknown:
                raise TargetFileError(args.targets, [(0, t("targets.unknown_only", ids=", ".join(unknown)))])
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    if (problem := _check_out(args)):
        stderr(problem)
        return 2
    parents = [r for r in registry if not only or r.id in only]
    overrides = scrapy_overrides(args)
    if args.no_browser:
        overrides["PORTALCHECK_BROWSER"] = False
    stderr(t("discover.starting", count=len(parents), on=on.isoformat()))
    items, _ = run_discovery(parents, registry, overrides, verbose=args.verbose)
    found = consolidate(items, registry)
    names = {r.id: r.name for r in registry}
    for figures in found.parents:
        print(_parent_line(figures, names.get(figures.id, figures.id)))
    total = sum(f.proposed for f in found.parents)
    if not found.candidates:
        stderr(t("discover.nothing", out=args.out))
        return 0
    write_atomically(args.out, registry_text(found.rows(), args.out))
    print(t("discover.written", count=total, parents=len(parents), out=args.out))
    print(t("discover.next", targets=args.targets, out=args.out))
    sys.stdout.flush()
    return 0


def _parent_line(fig, name: str) -> str:
    if fig.status != "live":
        return t("discover.parent_unreached", id=fig.id, name=name, status=fig.status or "error")
    levels = ", ".join(f"{t('discover.level_' + level)} {n}" for level, n in fig.levels.most_common())
    rejected = ", ".join(f"{t('discover.reason_' + reason)} {fig.rejected[reason]}"
                         for reason in REASONS if fig.rejected.get(reason))
    reached = fig.homepages.get("live", 0)
    line = t("discover.parent", id=fig.id, name=name, pages=fig.pages, proposed=fig.proposed,
             levels=levels or "—", matched=fig.matched, rejected=sum(fig.rejected.values()),
             reasons=rejected or "—", reached=reached, unreached=sum(fig.homepages.values()) - reached)
    if fig.budget:
        line += "\n" + t("discover.budget", budget=fig.budget)
    return line
