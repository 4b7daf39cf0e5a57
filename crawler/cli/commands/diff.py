"""portalcheck diff: what changed between two sweeps (docs/diff.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from crawler.cli.i18n import get_lang, t, w
from crawler.cli.preflight import stderr
from results import store
from results.diff import build_diff, resolve_runs
from scoring import l10n
from scoring.catalogue import criterion_words, reason_words


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


def _at(value) -> str:
    return l10n.format_datetime(value, get_lang()) if value else "—"


def render(diff: dict, show_all: bool = False) -> str:
    """The diff as text for a person: every stored code in words, numbers and times through Babel."""
    a, b = diff["run_a"], diff["run_b"]
    lines = [t("diff.header", a=a["id"], a_at=_at(a["started_at"]), a_label=a["label"] or "",
               b=b["id"], b_at=_at(b["started_at"]), b_label=b["label"] or "")]
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
        if target["changed"] or show_all:
            lines += ["", f"## {target['name']} ({target['id']})", *_target_lines(target)]
    return "\n".join(lines) + "\n"


def _target_lines(target: dict) -> list[str]:
    lang = get_lang()
    lines = []
    ps = target["portal_status"]
    if ps["a"] != ps["b"]:
        lines.append(t("diff.portal_status", a=w("status", ps["a"]), b=w("status", ps["b"])))
    for part in ("sections", "functions"):
        for change in ("gained", "lost", "now_inconclusive"):
            if target[part][change]:
                why = target[part].get("why") or {}
                keys = "; ".join(criterion_words(k, lang) + (f" ({reason_words(why[k], lang)})" if k in why else "")
                                 for k in target[part][change])
                lines.append(t(f"diff.{part}.{change}", keys=keys))
    services = target["services"]
    for change in ("gone_dead", "revived", "added", "removed"):
        items = services[change]
        if items:
            lines.append(t(f"diff.services.{change}", n=l10n.format_count(len(items), lang)))
            lines += [f"    - {s['name'] or s['url']}" + (f" ({s['code']})" if s.get("code") else "")
                      + (f" [{w('status', s['status'])}]" if s.get("status") else "") for s in items[:20]]
            if len(items) > 20:
                lines.append(t("diff.more", n=len(items) - 20))
    if services["level_changes"]:
        lines.append(t("diff.services.level_changes", n=l10n.format_count(len(services["level_changes"]), lang)))
        lines += [f"    - {s['name'] or s['url']}: {w('level', s['from'])} → {w('level', s['to'])}"
                  for s in services["level_changes"][:20]]
    for category, s in target["scores"].items():
        if s["a"] != s["b"] or s["classification_a"] != s["classification_b"] or s["rank_a"] != s["rank_b"]:
            delta = "" if s["delta"] is None else f" ({l10n.format_signed(s['delta'], 3, lang)})"
            lines.append(t("diff.score", category=t(f"diff.category.{category}"),
                           a=l10n.format_score(s["a"], 3, lang), b=l10n.format_score(s["b"], 3, lang), delta=delta,
                           class_a=w("class", s["classification_a"]), class_b=w("class", s["classification_b"]),
                           rank_a=s["rank_a"] or "—", rank_b=s["rank_b"] or "—"))
    return lines
