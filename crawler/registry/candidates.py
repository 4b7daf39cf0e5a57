"""From what the discover spider read to candidate registry rows (docs/discover.md).

One row per child unit, however many times and ways its parent links it: the
links the spider grouped by site (http/https/www, `index.html`) are grouped
again by where their homepage landed (an old domain redirecting to the new
one). A child that lands on its parent (or a unit above) is the parent linking
itself; a child whose site an existing registry row already lists keeps that
row's id (never a second row for one unit), so `targets diff` shows a moved URL
or a new name as a change. New rows get an id from their name and parent.

Pure data: DiscoveryItems and the registry in, candidates and per-parent
figures out; the `discover` command writes the file.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from checks.child_units import Family, Unit
from checks.sites import host_key, is_home, site_key
from checks.unit_names import core_name
from crawler.cli.i18n import t
from crawler.items import DiscoveryItem
from crawler.registry.targets import Target

MAX_NOTE_CHARS = 600
MAX_ID_CHARS = 60
_TOP_KINDS = ("province", "ministry", "government_agency")


def family_of(target_id: str, registry: dict[str, Target]) -> Family:
    """The unit and the units above it, by the registry's `parent` column (cycles cut)."""
    def unit(target: Target) -> Unit:
        return Unit(target.id, target.name, target.kind, target.portal_url)

    target = registry[target_id]
    ancestors: list[Unit] = []
    seen, parent = {target_id}, target.parent
    while parent and parent in registry and parent not in seen and len(ancestors) < 8:
        seen.add(parent)
        ancestors.append(unit(registry[parent]))
        parent = registry[parent].parent
    return Family(unit(target), tuple(ancestors))


@dataclass
class CandidateUnit:
    """A child unit proposed for the registry: one candidate file row, with where it was found."""

    id: str
    name: str
    kind: str
    level: str
    group: str
    parent: str
    portal_url: str          # where its homepage landed, or the link when it did not answer
    linked_url: str
    services_url: str = ""
    status: str | None = None
    http_status: int | None = None
    title: str = ""
    error: str | None = None
    why: str = ""
    matched: str | None = None          # the registry row it is
    names: list[str] = field(default_factory=list)     # every name the parent gave it
    places: list[dict] = field(default_factory=list)   # {page_url, area, labels}

    def row(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "group": self.group,
                "portal_url": self.portal_url, "services_url": self.services_url or "",
                "parent": self.parent, "valid_from": "", "valid_to": "", "verified": "no",
                "notes": notes(self)}


@dataclass
class ParentFigures:
    id: str
    status: str | None
    pages: int = 0
    proposed: int = 0
    levels: Counter = field(default_factory=Counter)
    matched: int = 0
    rejected: Counter = field(default_factory=Counter)
    homepages: Counter = field(default_factory=Counter)
    budget: str | None = None


@dataclass
class Discovery:
    candidates: list[CandidateUnit]
    parents: list[ParentFigures]
    # The rows of the parents whose portals were read, with where each portal now lands:
    # in the candidate file, they tell `targets diff` whose children it may call dropped.
    parent_rows: list[dict[str, str]] = field(default_factory=list)

    def rows(self) -> list[dict[str, str]]:
        """The candidate file: parents read, then children; a parent another parent
        links (a department of a province read too) appears once, as a child."""
        children = {c.id for c in self.candidates}
        return [r for r in self.parent_rows if r["id"] not in children] + [c.row() for c in self.candidates]


def parent_row(parent: Target, item: DiscoveryItem) -> dict[str, str]:
    row = parent.as_row()
    if item.final_url and site_key(item.final_url) != site_key(parent.portal_url):
        row["portal_url"] = item.final_url
    row["verified"] = "no"
    row["notes"] = t("discover.note_parent", pages=len(item.pages))
    return row


def _keys(*urls: str | None) -> set[str]:
    return {site_key(u) for u in urls if u} - {""}


class _RegistryIndex:
    """Registry rows by the sites they are known at (as written, and where they land)."""

    def __init__(self, registry: list[Target], landed: dict[str, str]):
        self.rows = {r.id: r for r in registry}
        self.by_key: dict[str, str] = {}
        for row in registry:
            for key in _keys(row.portal_url, landed.get(row.id)):
                self.by_key.setdefault(key, row.id)

    def match(self, urls: list[str]) -> Target | None:
        for key in _keys(*urls):
            if key in self.by_key:
                return self.rows[self.by_key[key]]
        homes = {host_key(u) for u in urls if u and is_home(u)}
        for key, row_id in self.by_key.items():
            if "/" not in key and key in homes:
                return self.rows[row_id]
        return None


def _new_id(name: str, owner: str, taken: set[str]) -> str:
    words = core_name(name).split()
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > MAX_ID_CHARS - len(owner) - 4:
            break
        base = f"{base}-{word}" if base else word
    base = f"{base or 'don-vi'}-{owner}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _merge_proposals(item: DiscoveryItem) -> list[CandidateUnit]:
    """One candidate per landing site of one parent's proposals."""
    merged: dict[str, CandidateUnit] = {}
    for proposal in item.proposals:
        linked_key = site_key(proposal["url"])
        fetched = item.homepages.get(linked_key) or {}
        answered = fetched.get("http_status") is not None
        landed = fetched.get("final_url") if answered else None
        key = site_key(landed) if landed else linked_key
        place = {"page_url": proposal["page_url"], "area": proposal["area"], "labels": list(proposal["labels"])}
        known = merged.get(key)
        if known is None:
            merged[key] = CandidateUnit(
                id="", name=proposal["name"], kind=proposal["kind"], level=proposal["level"],
                group=proposal["group"], parent=proposal["owner"],
                portal_url=landed if fetched.get("status") == "live" else proposal["url"],
                linked_url=proposal["url"], services_url=fetched.get("services_url") or "",
                status=fetched.get("status"), http_status=fetched.get("http_status"),
                title=fetched.get("title") or "", error=fetched.get("error"), why=proposal["why"], names=[proposal["name"]], places=[place])
            continue
        if proposal["name"] not in known.names:
            known.names.append(proposal["name"])
        if place not in known.places:
            known.places.append(place)
        if proposal["why"] == "name" and known.why != "name":
            # A name that says what the unit is beats a group label.
            known.level, known.kind, known.group, known.why = (proposal["level"], proposal["kind"],
                                                              proposal["group"], proposal["why"])
    return list(merged.values())


def consolidate(items: list[DiscoveryItem], registry: list[Target]) -> Discovery:
    """Candidates for every parent discovered, deduplicated and matched with the registry."""
    by_id = {r.id: r for r in registry}
    landed = {rid: facts.get("final_url") for item in items for rid, facts in item.known.items()
              if facts.get("http_status") is not None}
    landed.update({item.target_id: item.final_url for item in items if item.final_url})
    index = _RegistryIndex(registry, landed)
    taken = set(by_id)
    seen: dict[str, CandidateUnit] = {}
    figures: list[ParentFigures] = []
    for item in items:
        fig = ParentFigures(item.target_id, item.status, pages=len(item.pages),
                            rejected=Counter(item.rejected), budget=item.budget)
        family = family_of(item.target_id, by_id) if item.target_id in by_id else None
        family_ids = {u.id for u in (family.visited, *family.ancestors)} if family else set()
        for facts in item.homepages.values():
            fig.homepages[facts.get("status") or "error"] += 1
        for cand in _merge_proposals(item):
            urls = [cand.portal_url, cand.linked_url]
            row = index.match(urls)
            if row is not None and (row.id in family_ids or row.kind in _TOP_KINDS):
                reason = ("self" if row.id == item.target_id else "ancestor") if row.id in family_ids else (
                    "other_province" if row.kind == "province" else "central_body")
                fig.rejected[reason] += 1  # it landed on a unit that cannot be this parent's child
                continue
            key = site_key(cand.portal_url)
            if key in seen:  # linked by two parents: one row, the first parent's
                continue
            if row is not None:
                cand.id, cand.matched = row.id, row.id
                fig.matched += 1
            else:
                cand.id = _new_id(cand.name, cand.parent, taken)
            seen[key] = cand
            fig.proposed += 1
            fig.levels[cand.level] += 1
        figures.append(fig)
    parents = [parent_row(by_id[item.target_id], item) for item in items
               if item.status == "live" and item.target_id in by_id]
    return Discovery(list(seen.values()), figures, parents)


def _where(place: dict) -> str:
    area = t(f"discover.area_{place['area']}")
    labels = " › ".join(f"'{label}'" for label in reversed(place["labels"]))
    return f"{place['page_url']} ({area}{' › ' + labels if labels else ''})"


def notes(cand: CandidateUnit) -> str:
    """Where a candidate was found and what its homepage answered, for the person who reviews it."""
    parts = [t("discover.note_found", where="; ".join(_where(p) for p in cand.places[:3]))]
    if len(cand.places) > 3:
        parts.append(t("discover.note_more_places", count=len(cand.places) - 3))
    if cand.status == "live":
        parts.append(t("discover.note_live", http=cand.http_status))
    elif cand.status:
        reason = cand.error if cand.error == "address_refused" else cand.status
        word = t(f"discover.status_{reason}")
        parts.append(t("discover.note_unreached", status=cand.status if word == f"discover.status_{reason}" else word))
    else:
        parts.append(t("discover.note_not_fetched"))
    if cand.status == "live" and site_key(cand.linked_url) != site_key(cand.portal_url):
        parts.append(t("discover.note_redirect", url=cand.linked_url))
    if cand.title:
        parts.append(t("discover.note_title", title=cand.title))
    if len(cand.names) > 1:
        parts.append(t("discover.note_aka", names=", ".join(cand.names[1:3])))
    if cand.why.startswith("label:"):
        parts.append(t("discover.note_kind_from_label", label=cand.why[6:]))
    if cand.level == "district":
        parts.append(t("discover.note_district"))
    if cand.matched:
        parts.append(t("discover.note_matched", id=cand.matched))
    text = "; ".join(parts)
    return text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"
