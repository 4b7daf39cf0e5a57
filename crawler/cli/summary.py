"""What a person sees at the end of a sweep: one table per peer group, ranked."""
from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.cli.i18n import get_lang, t
from scoring.catalogue import group_words
from scoring.l10n import format_score
from scoring.tables import fetch_status_words


def _fmt(score) -> str:
    return format_score(score, 3, get_lang())


def print_summary(export: dict, console: Console | None = None) -> None:
    # Off a terminal (cron, CI, a pipe) rich would wrap at 80 columns.
    console = console or Console(width=None if sys.stdout.isatty() else 140)
    groups: dict[str, list[dict]] = {}
    for target in export["targets"]:
        groups.setdefault(target["group"], []).append(target)
    for group, targets in groups.items():
        targets.sort(key=lambda x: (x["rank"]["overall"] is None, x["rank"]["overall"] or 0, x["id"]))
        table = Table(title=t("summary.title", group=group_words(group, get_lang())), show_lines=False)
        for column in ("rank", "name", "portal", "sections", "services", "score", "class"):
            table.add_column(t(f"summary.col.{column}"))
        ranks = [x["rank"]["overall"] for x in targets]
        for x in targets:
            rank = x["rank"]["overall"]
            shown = "—" if rank is None else str(rank)
            if rank is not None and ranks.count(rank) > 1:
                shown += " " + t("summary.tied")
            sections = x["sections"].values()
            passed = sum(s["outcome"] == "pass" for s in sections)
            judged = sum(s["outcome"] in ("pass", "fail") for s in sections)
            services = x["services"]
            live = sum(s["status"] == "live" for s in services)
            klass = x["classification"]["overall"]
            table.add_row(shown, escape(x["name"]), fetch_status_words(x["portal"]["status"], None, get_lang()),
                          f"{passed}/{judged}" if judged else "—",
                          f"{live}/{len(services)}" if services else "—",
                          _fmt(x["scores"]["overall"]),
                          t("class." + klass) if klass else t("summary.unranked"))
        console.print(table)
