"""`portalcheck report`: write the reports of a run (scoring it first if needed)."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

from crawler.cli.i18n import get_lang, t


def register(subparsers) -> None:
    from results.store import DEFAULT_DB

    p = subparsers.add_parser("report", help=t("report.help"), description=t("report.help"))
    p.add_argument("--db", default=str(DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--run", default="latest", help=t("cli.run"))
    p.add_argument("--format", action="append", dest="formats", default=None, help=t("report.format"))
    p.add_argument("--out", default=None, help=t("report.out"))
    # dest differs from the global --lang so the subcommand's default cannot mask it.
    p.add_argument("--lang", dest="report_lang", choices=("vi", "en"), default=None, help=t("report.lang"))
    p.add_argument("--methodology", default=None, help=t("report.methodology"))
    p.set_defaults(func=run)


def run(args) -> int:
    from crawler.cli.commands.score import open_run
    from results.screenshots import screenshots_of
    from results.store import load_evidence
    from scoring.reports import parse_formats, write_reports
    from scoring.runs import previous_bundle, scores_for_run

    try:
        formats = parse_formats(args.formats)
    except ValueError as exc:
        print(t("report.bad_format", error=exc), file=sys.stderr)
        return 2
    db, the_run = open_run(args)
    if the_run is None:
        return 2
    try:
        scores, m = scores_for_run(db, the_run, args.methodology)
    except (FileNotFoundError, ValueError) as exc:
        print(t("score.bad_methodology", error=exc), file=sys.stderr)
        return 2
    out = Path(args.out or Path("reports") / f"run-{the_run['id']}")
    lang = args.report_lang or get_lang()
    evidence = load_evidence(db, the_run["id"])
    if evidence["run"].get("rejudge_of") and not evidence["run"].get("archive_path"):
        # a re-judgement's evidence points at the archive it judged (docs/archive.md)
        from results.archive_store import run_archive

        evidence["run"]["archive_path"] = (run_archive(db, evidence["run"]["rejudge_of"]) or {}).get("path")
    written = write_reports(evidence, scores, out, formats=formats, lang=lang,
                            previous=previous_bundle(db, the_run, m), methodology=m,
                            screenshots=functools.partial(screenshots_of, db, the_run["id"]))
    index = out / "index.html" if "html" in formats else written[0] if written else out
    print(t("report.written", count=len(written), path=out, index=index))
    return 0
