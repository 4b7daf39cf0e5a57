"""portalcheck diff: what changed between two sweeps (docs/diff.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from crawler.cli.i18n import t
from crawler.cli.preflight import stderr
from results import store
from results.diff import build_diff, resolve_runs


def register(sub) -> None:
    p = sub.add_parser("diff", help=t("diff.help"), description=t("diff.description"))
    p.add_argument("runs", nargs="*", metavar="RUN", help=t("diff.runs"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--json", action="store_true", help=t("diff.json"))
    p.add_argument("--all", action="store_true", help=t("diff.all"))
    p.set_defaults(func=run)


def run(args) -> int:
    if len(args.runs) not in (0, 2) or not all(r.isdigit() for r in args.runs):
        stderr(t("diff.usage"))
        return 2
    if not Path(args.db).exists():
        stderr(t("export.no_db", db=args.db))
        return 2
    db = store.open_db(args.db)
    pair = resolve_runs(db, *(args.runs or (None, None)))
    if pair is None:
        stderr(t("diff.need_two", db=args.db) if not args.runs else t("diff.no_run", runs=" ".join(args.runs)))
        return 2
    diff = build_diff(db, *pair)
    if args.json:
        sys.stdout.write(json.dumps(diff, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render(diff, show_all=args.all))
    return 0


def _score(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def render(diff: dict, show_all: bool = False) -> str:
    """The diff as text for a person."""
    a, b = diff["run_a"], diff["run_b"]
    lines = [t("diff.header", a=a["id"], a_at=(a["started_at"] or "")[:16], a_label=a["label"] or "",
               b=b["id"], b_at=(b["started_at"] or "")[:16], b_label=b["label"] or "")]
    if b.get("mode") == "rejudge":
        # the same archived pages on both sides: a change is the checks', not the portal's
        lines.append(t("diff.rejudged", a=a["id"], b=b["id"]))
    totals = diff["totals"]
    lines.append(t("diff.totals", **totals))
    if diff["targets_added"]:
        lines.append(t("diff.targets_added", ids=", ".join(diff["targets_added"])))
    if diff["targets_removed"]:
        lines.append(t("diff.targets_removed", ids=", ".join(diff["targets_removed"])))
    for target in diff["targets"]:
        if not target["changed"] and not show_all:
            continue
        lines.append("")
        lines.append(f"## {target['name']} ({target['id']})")
        ps = target["portal_status"]
        if ps["a"] != ps["b"]:
            lines.append(t("diff.portal_status", a=ps["a"] or "—", b=ps["b"] or "—"))
        for part in ("sections", "functions"):
            for change in ("gained", "lost", "now_inconclusive"):
                if target[part][change]:
                    why = target[part].get("why") or {}
                    keys = ", ".join(f"{k} ({why[k]})" if k in why else k for k in target[part][change])
                    lines.append(t(f"diff.{part}.{change}", keys=keys))
        services = target["services"]
        for change in ("gone_dead", "revived", "added", "removed"):
            items = services[change]
            if items:
                lines.append(t(f"diff.services.{change}", n=len(items)))
                lines += [f"    - {s['name'] or s['url']}" + (f" ({s['code']})" if s.get("code") else "")
                          + (f" [{s['status']}]" if s.get("status") else "") for s in items[:20]]
                if len(items) > 20:
                    lines.append(t("diff.more", n=len(items) - 20))
        if services["level_changes"]:
            lines.append(t("diff.services.level_changes", n=len(services["level_changes"])))
            lines += [f"    - {s['name'] or s['url']}: {s['from']} → {s['to']}" for s in services["level_changes"][:20]]
        for category, s in target["scores"].items():
            if s["a"] != s["b"] or s["classification_a"] != s["classification_b"] or s["rank_a"] != s["rank_b"]:
                delta = "" if s["delta"] is None else f" ({s['delta']:+.3f})"
                lines.append(t("diff.score", category=t(f"diff.category.{category}"), a=_score(s["a"]),
                               b=_score(s["b"]), delta=delta, class_a=s["classification_a"] or "—",
                               class_b=s["classification_b"] or "—", rank_a=s["rank_a"] or "—",
                               rank_b=s["rank_b"] or "—"))
    return "\n".join(lines) + "\n"
