"""portalcheck check: a province's or agency's self-test of one portal."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.cli.commands.rejudge import say_archive
from crawler.cli.i18n import t
from crawler.cli.preflight import (
    audits_option,
    ready_to_fetch,
    stderr,
    unknown_methodology,
    warn_audits_without_browser,
)
from crawler.orchestration.runs import execute
from crawler.registry.targets import KINDS, TargetFileError, parse_targets
from results import store
from results.export import build_export

OUTCOME_STYLE = {"pass": "green", "fail": "red", "inconclusive": "yellow", "not_applicable": "dim"}


def register(sub) -> None:
    p = sub.add_parser("check", help=t("check.help"), description=t("check.help"))
    p.add_argument("url", help=t("check.url"))
    p.add_argument("--services-url", default="", help=t("check.services_url"))
    p.add_argument("--kind", choices=KINDS, default="province", help=t("check.kind"))
    p.add_argument("--name", help=t("check.name"))
    p.add_argument("--fail-under", type=float, metavar="X", help=t("check.fail_under"))
    p.add_argument("--hints", metavar="FILE", help=t("check.hints"))
    p.add_argument("--methodology", default="nd42-2025", help=t("sweep.methodology"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--no-browser", action="store_true", help=t("browser.no_browser"))
    p.add_argument("--archive", action="store_true", help=t("archive.flag"))
    p.add_argument("--audits", metavar="LIST", type=audits_option, help=t("audits.help"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def target_csv(url: str, services_url: str, kind: str, name: str | None) -> bytes:
    host = urlsplit(url).hostname or "portal"
    target_id = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "portal"
    rows = ["id,name,kind,group,portal_url,services_url",
            ",".join([target_id, (name or host).replace(",", " "), kind, "self-test", url, services_url])]
    return ("\n".join(rows) + "\n").encode("utf-8")


def print_report(target: dict, console: Console) -> None:
    # Names, labels and URLs come from the target and its pages: text, never rich markup.
    console.print(f"[bold]{escape(target['name'])}[/bold]  {escape(target['portal']['final_url'] or '')}")
    console.print(t("check.portal_status", status=target["portal"]["status"],
                    http=target["portal"]["http_status"]))
    for title, rows in ((t("check.sections"), target["sections"]), (t("check.functions"), target["functions"])):
        table = Table(title=title)
        table.add_column(t("check.col.key"))
        table.add_column(t("check.col.outcome"))
        table.add_column(t("check.col.evidence"))
        for key, row in rows.items():
            style = OUTCOME_STYLE.get(row["outcome"], "")
            evidence = " ".join(x for x in (row.get("label"), row.get("evidence_url"), row.get("reason")) if x)
            table.add_row(key, f"[{style}]{t('outcome.' + row['outcome'])}[/{style}]", escape(evidence))
        console.print(table)
    services = target["services"]
    if services:
        by_level: dict[str, list] = {}
        for s in services:
            by_level.setdefault(s["level"], []).append(s)
        for level, items in sorted(by_level.items()):
            live = sum(s["status"] == "live" for s in items)
            console.print(t("check.services_line", level=level, count=len(items), live=live))
    for category in ("portal", "services", "overall"):
        score = target["scores"][category]
        console.print(t("check.score_line", category=category,
                        score="—" if score is None else f"{score:.3f}",
                        klass=target["classification"][category] or "—"))


def run(args) -> int:
    if unknown_methodology(args.methodology):
        stderr(unknown_methodology(args.methodology))
        return 2
    try:
        targets = parse_targets(target_csv(args.url, args.services_url, args.kind, args.name), "check.csv")
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    overrides = {"PORTALCHECK_HINTS": args.hints} if args.hints else {}
    if args.archive:
        overrides["PORTALCHECK_ARCHIVE"] = True
    if args.audits is not None:
        overrides["PORTALCHECK_AUDITS"] = args.audits
    if not ready_to_fetch(args.db, args.no_browser, overrides):
        return 2
    warn_audits_without_browser(args)
    run_id = execute(targets, args.db, mode="check", methodology=args.methodology,
                     overrides=overrides, verbose=args.verbose)
    target = build_export(store.open_db(args.db), run_id)["targets"][0]
    print_report(target, Console())
    say_archive(store.open_db(args.db), run_id)
    if args.fail_under is not None:
        score = target["scores"]["overall"]
        if score is None or score < args.fail_under:
            stderr(t("check.under", score="—" if score is None else f"{score:.3f}",
                     threshold=args.fail_under))
            return 1
    return 0
