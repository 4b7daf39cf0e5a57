"""`portalcheck score`: re-score stored observations without fetching anything."""
from __future__ import annotations

import sys
from pathlib import Path

from crawler.cli.i18n import get_lang, t


def register(subparsers) -> None:
    from results.store import DEFAULT_DB
    from scoring.methodology import list_methodologies

    p = subparsers.add_parser("score", help=t("score.help"), description=t("score.help"))
    p.add_argument("--db", default=str(DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--run", default="latest", help=t("cli.run"))
    p.add_argument("--methodology", default=None,
                   help=t("score.methodology", names=", ".join(list_methodologies())))
    p.set_defaults(func=run)


def open_existing(path: str):
    """The results database, or None (with a message) when the file is missing:
    reading commands must not create an empty database by mistake."""
    from results.store import open_db

    if not Path(path).exists():
        print(t("score.no_db", path=path), file=sys.stderr)
        return None
    return open_db(path)


def open_run(args):
    """(db, run) named by --db and --run, or (None, None) after saying why.
    Shared by `score` and `report`; a missing file or run is bad input (exit 2)."""
    from scoring.runs import resolve_run

    db = open_existing(args.db)
    if db is None:
        return None, None
    the_run = resolve_run(db, args.run)
    if the_run is None:
        print(t("score.no_run", run=args.run), file=sys.stderr)
        return None, None
    return db, the_run


def run(args) -> int:
    from results.store import load_evidence
    from scoring.runs import score_and_save

    db, the_run = open_run(args)
    if the_run is None:
        return 2
    try:
        scoring_id, scores, m = score_and_save(db, the_run, args.methodology)
    except (FileNotFoundError, ValueError) as exc:
        print(t("score.bad_methodology", error=exc), file=sys.stderr)
        return 2
    evidence = load_evidence(db, the_run["id"])
    print_ranking(evidence, scores, m)
    print(t("score.saved", run_id=the_run["id"], methodology=m["name"], scoring_id=scoring_id,
            targets=len(evidence["targets"])))
    return 0


def print_ranking(evidence: dict, scores: list[dict], m: dict, lang: str | None = None) -> None:
    """Per peer group: overall rank, name, overall score and class, category scores
    and status. A rich table on a terminal, tab-separated text otherwise."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from scoring.tables import category_label, fmt_score, rank_text, ranking_tables, tr

    lang = lang or get_lang()
    tables = ranking_tables(evidence, scores, m, lang)
    if not tables:
        print(t("score.no_targets"))
        return
    by_key = {(s["target_id"], s["category"]): s for s in scores}
    cats = [c for c in m["categories"]]
    header = [tr("rank", lang), tr("name", lang), tr("score", lang), tr("classification", lang)] + \
        [category_label(m, c, lang) for c in cats] + [tr("status", lang)]
    console = Console()
    for table in (tb for tb in tables if tb["category"] == "overall"):
        rows = []
        for r in table["rows"]:
            rows.append([rank_text(r, lang), r["name"], r["score_text"], r["class_label"]] +
                        [fmt_score((by_key.get((r["target_id"], c)) or {}).get("score"), m["decimals"], lang)
                         for c in cats] + [r["status_label"]])
        title = t("score.table_title", group=table["group_label"])
        if console.is_terminal:
            out = Table(title=title)
            for i, h in enumerate(header):
                out.add_column(h, justify="right" if i in (0, 2) or 4 <= i < 4 + len(cats) else "left")
            for row in rows:
                out.add_row(*(escape(str(cell)) for cell in row))  # names are text, not markup
            console.print(out)
        else:
            print(title)
            print("\t".join(header))
            for row in rows:
                print("\t".join(row))
            print()
