"""portalcheck demo: start the bundled demo portals on loopback, sweep them,
score them, write the reports and say where everything is. No internet needed.

`demo --serve` then keeps the portals up, on fixed addresses (127.0.0.10 … 127.0.0.23,
port `--port`), until Ctrl-C or SIGTERM, so a newcomer can try `check`, `sweep`, `monitor`,
`diff` and `serve` on them (README.md walks through it)."""
from __future__ import annotations

import signal
import threading
from pathlib import Path

from crawler.cli.i18n import get_lang, t
from crawler.cli.preflight import ready_to_fetch, stderr, unknown_methodology
from crawler.cli.summary import print_summary
from crawler.orchestration.runs import execute
from crawler.registry.targets import load_targets
from results import scoring_store, store
from results.export import build_export, to_json

# The demo has a portal that hangs on purpose: don't wait 20 s three times for it.
DEMO_SETTINGS = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1}
# `--serve`: one fixed port on every demo address, so the README's commands work as written.
SERVE_PORT = 8480


def register(sub) -> None:
    p = sub.add_parser("demo", help=t("demo.help"), description=t("demo.help"))
    p.add_argument("--out", default="portalcheck-demo", help=t("demo.out"))
    p.add_argument("--methodology", default="nd42-2025", help=t("sweep.methodology"))
    p.add_argument("--no-browser", action="store_true", help=t("browser.no_browser"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.add_argument("--serve", action="store_true", help=t("demo.serve"))
    p.add_argument("--no-sweep", action="store_true", help=t("demo.no_sweep"))
    p.add_argument("--port", type=int, default=SERVE_PORT, help=t("demo.port"))
    p.set_defaults(func=run)


def run(args) -> int:
    from crawler.demo import DemoFarm

    if unknown_methodology(args.methodology):
        stderr(unknown_methodology(args.methodology))
        return 2
    out = Path(args.out)
    db_path = out / "portalcheck.db"
    overrides = dict(DEMO_SETTINGS)
    if args.no_sweep and not args.serve:
        stderr(t("demo.no_sweep_alone"))
        return 2
    if not args.no_sweep and not ready_to_fetch(db_path, args.no_browser, overrides):
        return 2
    out.mkdir(parents=True, exist_ok=True)
    targets_path = out / "targets.csv"
    try:
        farm = DemoFarm(port=args.port if args.serve else 0).start()
    except OSError as exc:   # the fixed port is taken: say which, and how to choose another
        stderr(t("demo.port_taken", port=args.port, error=str(exc)))
        return 2
    try:
        farm.write_targets_csv(targets_path)
        if not args.no_sweep:
            sweep_and_report(args, farm, targets_path, db_path, overrides)
        if args.serve:
            serve_until_stopped(farm, targets_path, db_path, args.port)
    finally:
        farm.stop()
    return 0


def sweep_and_report(args, farm, targets_path: Path, db_path: Path, overrides: dict) -> None:
    out = targets_path.parent
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


def serve_until_stopped(farm, targets_path: Path, db_path: Path, port: int) -> None:
    """Keep the portals up until Ctrl-C (SIGINT) or SIGTERM; print where they are."""
    stopped = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(t("demo.serving", path=targets_path), flush=True)
        for row in farm.targets():
            print(f"  {row['portal_url']:<28} {row['name']}"
                  + (f"  ·  {t('demo.services_at')} {row['services_url']}" if row["services_url"] else ""),
                  flush=True)
        print(t("demo.try", db=db_path, targets=targets_path, port=port), flush=True)
        print(t("demo.stop_hint"), flush=True)
        while not stopped.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stderr(t("demo.stopped"))


def write_reports(db, run_id: int, out_dir: Path) -> list[Path]:
    from results.screenshots import screenshots_of
    from scoring.reports import write_reports as render

    scoring = scoring_store.latest_scoring(db, run_id)
    if scoring is None:
        return []
    evidence = store.load_evidence(db, run_id)
    return list(render(evidence, scoring_store.scores_for(db, scoring["id"]), out_dir, lang=get_lang(),
                       screenshots=lambda target_id: screenshots_of(db, run_id, target_id)))
