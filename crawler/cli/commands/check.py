"""portalcheck check: a province's or agency's self-test of one portal.

Prints the self-test report (crawler/cli/check_report.py), optionally writes the per-target
HTML page (`--report DIR`) and the target in the export contract (`--json FILE`), and gates
a deployment pipeline (`--fail-under`, `--require`: crawler/cli/gate.py). Exit statuses:
docs/cli.md.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from crawler.cli import gate
from crawler.cli.check_report import print_report
from crawler.cli.commands.rejudge import say_archive
from crawler.cli.i18n import get_lang, t
from crawler.cli.preflight import (
    audits_option,
    ready_to_fetch,
    stderr,
    unknown_methodology,
    warn_audits_without_browser,
)
from crawler.orchestration.runs import execute
from crawler.registry.targets import KINDS, TargetFileError, check_url, parse_targets
from results import scoring_store, store
from results.export import build_export, to_json

SELF_TEST_GROUP = "self-test"


def register(sub) -> None:
    p = sub.add_parser("check", help=t("check.help"), description=t("check.description"))
    p.add_argument("url", help=t("check.url"))
    p.add_argument("--services-url", default="", help=t("check.services_url"))
    p.add_argument("--kind", choices=KINDS, default="province", help=t("check.kind"))
    p.add_argument("--name", help=t("check.name"))
    p.add_argument("--fail-under", metavar="X|CATEGORY=X,…", help=t("check.fail_under"))
    p.add_argument("--require", metavar="KEY[,KEY]", help=t("check.require"))
    p.add_argument("--report", metavar="DIR", help=t("check.report"))
    p.add_argument("--json", metavar="FILE", help=t("check.json"))
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
    name = re.sub(r"[\s,\"]+", " ", name or host).strip() or host
    rows = ["id,name,kind,group,portal_url,services_url",
            ",".join([target_id, name, kind, SELF_TEST_GROUP, url, services_url])]
    return ("\n".join(rows) + "\n").encode("utf-8")


def _refuse_url(option: str, url: str) -> str | None:
    """A bad address is said to be a bad address, naming the option it came in."""
    problem = check_url(url)
    return t("check.bad_url", option=option, reason=problem) if problem else None


def _options(args):
    """Everything a person can get wrong, refused before anything is fetched."""
    if unknown_methodology(args.methodology):
        return unknown_methodology(args.methodology)
    for option, url in (("URL", args.url), ("--services-url", args.services_url)):
        if url and (problem := _refuse_url(option, url)):
            return problem
    from scoring.methodology import load_methodology

    try:
        thresholds = gate.parse_thresholds(args.fail_under)
        known = {c["key"] for c in load_methodology(args.methodology)["criteria"]}
        required = gate.parse_required(args.require, known)
    except gate.GateError as exc:
        return t(exc.key, **exc.values)
    return thresholds, required


def run(args) -> int:
    options = _options(args)
    if isinstance(options, str):
        stderr(options)
        return 2
    thresholds, required = options
    try:
        targets = parse_targets(target_csv(args.url, args.services_url, args.kind, args.name), "URL")
    except TargetFileError as exc:   # the checks above should catch it all; never name a file the user never gave
        stderr("\n".join(t("check.bad_url", option="URL", reason=reason)
                         for _, reason in exc.problems))
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
    return _report(store.open_db(args.db), run_id, args, thresholds, required)


def _scored_view(db, run_id: int) -> tuple[dict, dict, list[dict], dict]:
    from scoring.reports import methodology_for
    from scoring.tables import target_views

    evidence = store.load_evidence(db, run_id)
    scoring = scoring_store.latest_scoring(db, run_id)
    scores = scoring_store.scores_for(db, scoring["id"]) if scoring else []
    m = methodology_for(evidence, scores)
    return target_views(evidence, scores, m, get_lang())[0], evidence, scores, m


def _report(db, run_id: int, args, thresholds: dict, required: list[str]) -> int:
    export = build_export(db, run_id)
    view, evidence, scores, m = _scored_view(db, run_id)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    print_report(view, export["targets"][0], evidence.get("run") or {}, console)
    say_archive(db, run_id)
    if args.json:
        Path(args.json).write_text(to_json(export), encoding="utf-8")
        stderr(t("check.json_written", path=args.json))
    if args.report:
        from results.screenshots import screenshots_of
        from scoring.reports import write_reports

        write_reports(evidence, scores, args.report, formats=("html",), lang=get_lang(), methodology=m,
                      screenshots=lambda target_id: screenshots_of(db, run_id, target_id))
        stderr(t("check.report_written", path=Path(args.report) / "targets" / f"{view['slug']}.html"))
    portal_judged = view["target"].get("portal_status") == "live"
    if not portal_judged:
        stderr(t("check.portal_not_judged", status=view["portal_status_label"]))
    if not thresholds and not required:
        return gate.EXIT_NOT_JUDGED if not portal_judged else gate.EXIT_OK
    categories = {c["category"]: {"score": c.get("score"), "label": c["label"]} for c in view["categories"]}
    criteria = {c["key"]: c for cat in view["categories"] if cat["category"] != "overall" for c in cat["criteria"]}
    verdict = gate.judge_gate(portal_judged, categories, criteria, thresholds, required)
    from scoring.l10n import format_score

    for key, values in verdict.findings:
        shown = {k: format_score(v, int(m["decimals"]), get_lang()) if k in ("score", "threshold") else v
                 for k, v in values.items()}
        stderr(t(key, **shown))
    return verdict.status
