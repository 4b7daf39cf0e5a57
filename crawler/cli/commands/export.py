"""portalcheck export: a stored run as JSON (the public contract) or CSV."""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from crawler.cli.i18n import t
from crawler.cli.preflight import stderr
from results import store
from results.export import build_export, to_csv, to_json


def register(sub) -> None:
    p = sub.add_parser("export", help=t("export.help"), description=t("export.help"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--run", default="latest", help=t("cli.run"))
    p.add_argument("--format", choices=("json", "csv"), default="json", help=t("export.format"))
    p.add_argument("--out", metavar="FILE", help=t("export.out"))
    p.set_defaults(func=run)


def run(args) -> int:
    if not Path(args.db).exists():
        stderr(t("export.no_db", db=args.db))
        return 2
    db = store.open_db(args.db)
    if args.run != "latest" and not str(args.run).isdigit():
        stderr(t("export.bad_run", run=args.run))
        return 2
    from scoring.runs import scorable_run

    run_row = scorable_run(db, args.run)
    if run_row is None:
        stderr(t("export.no_run", run=args.run, db=args.db))
        return 2
    export = build_export(db, run_row["id"])
    text = to_json(export) if args.format == "json" else to_csv(export)
    # A CSV file a person opens in Excel needs a UTF-8 byte-order mark to show
    # Vietnamese text; a pipe into another program gets none.
    bom = args.format == "csv" and (args.out or _stdout_is_a_file())
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8-sig" if bom else "utf-8")
        stderr(t("export.written", path=args.out, run=run_row["id"]))
    else:
        sys.stdout.write(("\ufeff" if bom else "") + text)
    return 0


def _stdout_is_a_file() -> bool:
    """`portalcheck export --format csv > ranking.csv`: a file, not a pipe or a terminal."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):   # a captured stream has no descriptor
        return False
