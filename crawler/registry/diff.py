"""What a candidate file would change in a registry, and applying a reviewed one.

`diff(old, new)` compares rows by id, and by site for rows of NEW with an id
OLD lacks (the same unit under another id is a conflict, never a second row).
Only the part of OLD that NEW speaks about is compared: the rows NEW names and
the children of the parents whose own rows NEW holds (a candidate file holds
the rows of the parents whose portals were read; a discovery of one province
says nothing about the others, nor a department's portal about all of its
province's units), unless `everything` is asked. Rows of OLD no longer valid
on the day are already retired and not compared.

A change is what a person would call one: a name that says something else
("Sở Thông tin và Truyền thông" -> "Sở Khoa học và Công nghệ" after the 2025
merger), not "Sở Tài chính" for "Sở Tài chính tỉnh X"; a URL that moved to
another site, not http -> https; an empty value in NEW is "not known", not
"remove".

`merge(old, reviewed)` applies rows a person marked `verified=yes`: new rows
are added, changed fields of existing rows updated (their notes kept). Rows
still `verified=no` are skipped (or only added, with `include_unverified`);
nothing is ever removed — a unit that ended gets a `valid_to` in the reviewed
file. Pure data.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from checks.sites import site_key
from checks.unit_names import name_tokens, province_phrase
from crawler.registry.targets import Target

COMPARED = ("name", "kind", "group", "portal_url", "services_url", "parent", "valid_from", "valid_to")
_SITE_FIELDS = ("portal_url", "services_url")


@dataclass
class Change:
    old: Target
    new: Target
    fields: dict[str, tuple[str, str]]   # column -> (old value, new value)

    @property
    def id(self) -> str:
        return self.old.id


@dataclass
class RegistryDiff:
    added: list[Target] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    dropped: list[Target] = field(default_factory=list)
    unchanged: list[Target] = field(default_factory=list)
    conflicts: list[tuple[Target, Target]] = field(default_factory=list)  # (new row, the old row of its site)
    out_of_scope: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.dropped or self.conflicts)


def _provinces_above(row: Target, rows: dict[str, Target]) -> set[str]:
    found, seen, current = set(), set(), row
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if (phrase := province_phrase(current.name)):
            found.add(phrase)
        current = rows.get(current.parent)
    return found


def same_name(a: str, b: str, drop: set[str]) -> bool:
    return name_tokens(a, drop) == name_tokens(b, drop)


def compare_rows(old: Target, new: Target, rows: dict[str, Target]) -> dict[str, tuple[str, str]]:
    """The columns in which NEW says something else than OLD."""
    changed: dict[str, tuple[str, str]] = {}
    for column in COMPARED:
        before, after = getattr(old, column), getattr(new, column)
        if not after or before == after:
            continue
        if column in _SITE_FIELDS and before and site_key(before) == site_key(after):
            continue
        if column == "name" and same_name(before, after, _provinces_above(old, rows)):
            continue
        changed[column] = (before, after)
    return changed


def diff(old: list[Target], new: list[Target], on: date, everything: bool = False) -> RegistryDiff:
    rows = {r.id: r for r in old}
    current = {r.id for r in old if r.is_current(on)}
    by_site = {}
    for row in old:
        if row.id in current:
            by_site.setdefault(site_key(row.portal_url), row)
    result = RegistryDiff()
    matched: set[str] = set()
    for row in new:
        before = rows.get(row.id)
        if before is None:
            other = by_site.get(site_key(row.portal_url))
            if other is not None:
                result.conflicts.append((row, other))
                matched.add(other.id)
            else:
                result.added.append(row)
            continue
        matched.add(row.id)
        fields = compare_rows(before, row, rows)
        if fields:
            result.changed.append(Change(before, row, fields))
        else:
            result.unchanged.append(before)
    listed = {r.id for r in new}
    parents = {r.parent for r in new if r.parent in listed}
    for row in old:
        in_scope = everything or row.id in matched or row.parent in parents
        if not in_scope or row.id not in current:
            if row.id not in matched:
                result.out_of_scope += 1
            continue
        if row.id not in matched:
            result.dropped.append(row)
    return result


def is_verified(row: Target) -> bool:
    return row.verified.strip().lower() == "yes"


@dataclass
class MergeResult:
    rows: list[Target]
    added: list[Target] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    skipped: list[Target] = field(default_factory=list)       # still verified=no
    conflicts: list[tuple[Target, Target]] = field(default_factory=list)
    not_removed: list[Target] = field(default_factory=list)   # dropped in the diff: left as they are


def merge(old: list[Target], reviewed: list[Target], on: date, include_unverified: bool = False) -> MergeResult:
    """The registry with the reviewed rows applied (see the module's docstring)."""
    plan = diff(old, reviewed, on)
    rows = {r.id: r for r in old}
    result = MergeResult(rows=list(old), conflicts=plan.conflicts, not_removed=plan.dropped)
    for change in plan.changed:
        if not is_verified(change.new):
            result.skipped.append(change.new)
            continue
        updates = {column: after for column, (_, after) in change.fields.items()}
        rows[change.id] = replace(rows[change.id], **updates, verified="yes")
        result.changed.append(change)
    for row in plan.added:
        if is_verified(row) or include_unverified:
            rows[row.id] = row
            result.added.append(row)
            result.rows.append(row)
        else:
            result.skipped.append(row)
    result.rows = [rows[r.id] for r in result.rows]
    return result
