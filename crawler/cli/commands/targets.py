"""portalcheck targets diff | merge: review a candidate file against a registry
and apply it (docs/targets.md, docs/discover.md). Logic: crawler/registry/diff.py."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from crawler.cli.i18n import t
from crawler.cli.preflight import stderr
from crawler.registry.targets import Target, TargetFileError, load_targets, map_date, parse_targets


def register(sub) -> None:
    p = sub.add_parser("targets", help=t("targets_cmd.help"), description=t("targets_cmd.help"))
    commands = p.add_subparsers(dest="targets_command", metavar="diff|merge")
    d = commands.add_parser("diff", help=t("targets_cmd.diff_help"), description=t("targets_cmd.diff_help"))
    d.add_argument("old", metavar="OLD", help=t("targets_cmd.old"))
    d.add_argument("new", metavar="NEW", help=t("targets_cmd.new"))
    d.add_argument("--all", action="store_true", dest="everything", help=t("targets_cmd.all"))
    d.add_argument("--on", metavar="YYYY-MM-DD", type=map_date, help=t("targets_cmd.on"))
    d.add_argument("--json", action="store_true", help=t("targets_cmd.json"))
    d.add_argument("--exit-code", action="store_true", help=t("targets_cmd.exit_code"))
    d.set_defaults(func=run_diff)
    m = commands.add_parser("merge", help=t("targets_cmd.merge_help"), description=t("targets_cmd.merge_help"))
    m.add_argument("registry", metavar="REGISTRY", help=t("targets_cmd.registry"))
    m.add_argument("reviewed", metavar="REVIEWED", help=t("targets_cmd.reviewed"))
    where = m.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="FILE", help=t("targets_cmd.out"))
    where.add_argument("--in-place", action="store_true", help=t("targets_cmd.in_place"))
    m.add_argument("--force", action="store_true", help=t("targets_cmd.force"))
    m.add_argument("--include-unverified", action="store_true", help=t("targets_cmd.include_unverified"))
    m.add_argument("--on", metavar="YYYY-MM-DD", type=map_date, help=t("targets_cmd.on"))
    m.set_defaults(func=run_merge)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _load(old_path: str, new_path: str) -> tuple[list[Target], list[Target]]:
    old = load_targets(old_path)
    return old, load_targets(new_path, known_ids=[r.id for r in old])


def _row_text(row: Target) -> str:
    return f"{row.id}  {row.name}  [{row.kind}, {row.group}]  {row.portal_url}"


def print_diff(plan, out=print) -> None:
    out(t("targets_cmd.added", count=len(plan.added)))
    for row in plan.added:
        out(f"  + {_row_text(row)}  (verified={row.verified or '—'})")
    out(t("targets_cmd.changed", count=len(plan.changed)))
    for change in plan.changed:
        out(f"  ~ {change.id}  {change.old.name}")
        for column, (before, after) in change.fields.items():
            out(f"      {column}: {before or '—'} → {after}")
    out(t("targets_cmd.dropped", count=len(plan.dropped)))
    for row in plan.dropped:
        out(f"  - {_row_text(row)}")
    if plan.conflicts:
        out(t("targets_cmd.conflicts", count=len(plan.conflicts)))
        for new, old in plan.conflicts:
            out("  ! " + t("targets_cmd.conflict", new=new.id, old=old.id, url=new.portal_url))
    out(t("targets_cmd.summary", unchanged=len(plan.unchanged), out_of_scope=plan.out_of_scope))


def _diff_json(plan) -> str:
    def row(r: Target) -> dict:
        return r.as_row()
    return json.dumps({
        "added": [row(r) for r in plan.added],
        "changed": [{"id": c.id, "fields": {k: {"old": a, "new": b} for k, (a, b) in c.fields.items()}}
                    for c in plan.changed],
        "dropped": [row(r) for r in plan.dropped],
        "conflicts": [{"new": n.id, "old": o.id} for n, o in plan.conflicts],
        "unchanged": len(plan.unchanged), "out_of_scope": plan.out_of_scope,
    }, ensure_ascii=False, indent=2)


def run_diff(args) -> int:
    from crawler.registry.diff import diff

    try:
        old, new = _load(args.old, args.new)
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    plan = diff(old, new, args.on or date.today(), everything=args.everything)
    if args.json:
        print(_diff_json(plan))
    else:
        print_diff(plan)
        if plan.dropped:
            print(t("targets_cmd.dropped_hint"))
    return 1 if args.exit_code and not plan.empty else 0


def run_merge(args) -> int:
    from crawler.registry.diff import merge
    from crawler.registry.files import backup, header_of, registry_text, write_atomically

    try:
        old, reviewed = _load(args.registry, args.reviewed)
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    target = args.registry if args.in_place else args.out
    if args.out and Path(args.out).exists() and not args.force:
        stderr(t("targets_cmd.out_exists", out=args.out))
        return 2
    result = merge(old, reviewed, args.on or date.today(), include_unverified=args.include_unverified)
    print(t("targets_cmd.merge_added", count=len(result.added)))
    for row in result.added:
        print(f"  + {_row_text(row)}")
    print(t("targets_cmd.merge_changed", count=len(result.changed)))
    for change in result.changed:
        print(f"  ~ {change.id}: " + ", ".join(f"{c} {a or '—'} → {b}" for c, (a, b) in change.fields.items()))
    if result.skipped:
        print(t("targets_cmd.merge_skipped", count=len(result.skipped), ids=", ".join(r.id for r in result.skipped[:20])))
    for new, existing in result.conflicts:
        print("  ! " + t("targets_cmd.conflict", new=new.id, old=existing.id, url=new.portal_url))
    if result.not_removed:
        print(t("targets_cmd.merge_not_removed", count=len(result.not_removed)))
    if target is None:
        print(t("targets_cmd.dry_run"))
        return 0
    text = registry_text([r.as_row() for r in result.rows], target, header_of(args.registry))
    try:
        parse_targets(text.encode("utf-8"), str(target))
    except TargetFileError as exc:
        stderr(t("targets_cmd.merged_invalid"))
        stderr(str(exc))
        return 2
    if args.in_place:
        copy = backup(args.registry, datetime.now())
        print(t("targets_cmd.backup", path=str(copy)))
    write_atomically(target, text)
    print(t("targets_cmd.written", path=str(target), count=len(result.rows)))
    return 0
