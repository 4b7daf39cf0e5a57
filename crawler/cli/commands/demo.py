"""portalcheck demo: start the bundled demo portals on loopback, sweep them,
score them, write the reports and say where everything is. No internet needed."""
from __future__ import annotations

from pathlib import Path

from crawler.cli.i18n import get_lang, t
from crawler.cli.preflight import ready_to_fetch, stderr, unknown_methodology
from crawler.cli.summary import print_summary
from crawler.orchestration.runs import execute
from crawler.registry.targets import load_targets
from results import store
from results.export import build_export, to_json

# The demo has a portal that hangs on purpose: don't wait 20 s three times for it.
DEMO_SETTINGS = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1}


def register(sub) -> None:
    p = sub.add_parser("demo", help=t("demo.help"), description=t("demo.help"))
    p.add_argument("--out", default="portalcheck-demo", help=t("demo.out"))
    p.add_argument("--methodology", default="nd42-2025", help=t("sweep.methodology"))
    p.add_argument("--no-browser", action="store_true", help=t("browser.no_browser"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def run(args) -> int:
    from crawler.demo import DemoFarm

    if unknown_methodology(args.methodology):
        stderr(unknown_methodology(args.methodology))
        return 2
    out = Path(args.out)
    db_path = out / "portalcheck.db"
    overrides = dict(DEMO_SETTINGS)
    if not ready_to_fetch(db_path, args.no_browser, overrides):
        return 2
    out.mkdir(parents=True, exist_ok=True)
    targets_path = out / "targets.csv"
    with DemoFarm() as farm:
        farm.write_targets_csv(targets_path)
        targets = load_targets(targets_path)
        stderr(t("demo.started", count=len(targets), path=targets_path))
        run_id = execute(targets, db_path, mode="sweep", label="demo", methodology=args.methodology,
                         overrides=overrides, verbose=args.verbose)
    db = store.open_db(db_path)
    export = build_export(db, run_id)
    (out / "export.json").write_text(to_json(export), encoding="utf-8")
    print_summary(export)
    written = write_reports(db, run_id, out / "reports")
    stderr(t("demo.where", db=db_path, export=out / "export.json", run=run_id))
    if written:
        stderr(t("demo.reports", path=written[0].parent, count=len(written)))
    stderr(t("demo.query", db=db_path))
    return 0


def write_reports(db, run_id: int, out_dir: Path) -> list[Path]:
    from scoring.reports import write_reports as render

    scoring = store.latest_scoring(db, run_id)
    if scoring is None:
        return []
    evidence = store.load_evidence(db, run_id)
    return list(render(evidence, store.scores_for(db, scoring["id"]), out_dir, lang=get_lang()))
