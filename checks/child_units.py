"""Which links on a unit's portal are its child units (docs/discover.md: the registry of
every unit).

Legal basis: Decree 42/2022/NĐ-CP Art. 7.1 — a portal links the portals of
related state agencies; a province's portal links its departments' and
communes' portals, a ministry's its general departments' and agencies'. Nobody
publishes that list as data, so it is read from those links.

A link is a child when its name says so ("Sở …", "UBND xã/phường/đặc khu …",
"Tổng cục …" under a ministry) or the group it sits in says so (an optgroup
"Sở, ban, ngành", a footer column "UBND cấp xã"). It is not a child when it is
a central body (Chính phủ, Quốc hội, a ministry), another province, a news
site, social media, a party or mass organisation, a company, one of the unit's
systems (service portal, mail, documents), or the unit itself or a unit above
it (by address or by name). Word lists: checks/data/child_units.yaml.

Pure: links (checks/link_groups.py) and the unit's family in, proposals and
rejections (with their reason) out; names are read by checks/unit_names.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from checks.link_groups import LinkSeen, links_on_page
from checks.sites import host_key, is_home, under
from checks.unit_names import (
    Vocabulary,
    core_name,
    has_phrase,
    label_kind,
    level_of_name,
    other_province_named,
    province_domain,
    province_of,
    starts_with,
    vocabulary,
)

LEGAL_REF = "NĐ 42/2022/NĐ-CP Điều 7.1"
UNIT_LEVELS = ("department", "commune", "district", "other")
# A child's kind in the registry (crawler/registry/targets.py KINDS) by its level.
KIND_OF_LEVEL = {"department": "department", "commune": "commune", "district": "other", "other": "other"}
_TOP_KINDS = ("province", "ministry", "government_agency")


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    kind: str
    portal_url: str


@dataclass(frozen=True, slots=True)
class Family:
    """The unit whose portal is read, and the units above it (its parent first)."""
    visited: Unit
    ancestors: tuple[Unit, ...] = ()
    aliases: tuple[str, ...] = ()   # other addresses of the visited unit (where its portal redirects)


@dataclass(frozen=True, slots=True)
class Proposal:
    name: str
    url: str
    level: str          # department | commune | district | other
    kind: str           # the registry's kind
    owner: str          # id of the unit it belongs to (the registry's `parent`)
    group: str          # the peer group it is ranked in
    why: str            # name | label | parent_kind
    area: str
    labels: tuple[str, ...]
    page_url: str


@dataclass(frozen=True, slots=True)
class Rejection:
    name: str
    url: str
    reason: str         # central_body, other_province, news, social_media, self, ancestor, …
    area: str
    labels: tuple[str, ...]
    page_url: str


class _FamilyFacts:
    """What the judge compares links with: hosts, names and provinces of the family."""

    def __init__(self, family: Family, voc: Vocabulary):
        self.family = family
        self.hosts = {host_key(u.portal_url): u for u in (family.visited, *family.ancestors)}
        self.hosts.update({host_key(url): family.visited for url in family.aliases})
        self.provinces: set[str] = set()
        self.domains: set[str] = set()
        self.province_is_tinh = False
        self.visited_province = None
        if family.visited.kind == "province" and (p := province_of(core_name(family.visited.name, voc), voc)):
            self.visited_province = p[0]
        for unit in (family.visited, *family.ancestors):
            core = core_name(unit.name, voc)
            if unit.kind == "province" and (p := province_of(core, voc)):
                self.provinces.add(p[0])
                self.province_is_tinh = self.province_is_tinh or p[1] == "tinh"
            self.provinces.update(p for p in voc.provinces if re.search(rf"(?<![a-z]){p}$", core))
            host = (urlsplit(unit.portal_url).hostname or "").lower()
            if (d := province_domain(host, voc)):
                self.domains.add(d)
        extra = set(voc.stopwords) | self.provinces
        self.names = {unit.id: self.tokens(unit.name, voc, extra) for unit in (family.visited, *family.ancestors)}
        self.extra = extra
        top = next((u for u in family.ancestors if u.kind in _TOP_KINDS), None)
        self.owner_for_siblings = top or (family.ancestors[0] if family.ancestors else family.visited)

    @staticmethod
    def tokens(name: str, voc: Vocabulary, drop: set[str]) -> frozenset[str]:
        text = f" {core_name(name, voc)} "
        for phrase in sorted(drop, key=len, reverse=True):
            text = text.replace(f" {phrase} ", " ")
        return frozenset(text.split())

    def same_unit(self, name: str, voc: Vocabulary) -> Unit | None:
        tokens = self.tokens(name, voc, self.extra)
        if not tokens:
            return None
        for unit in (self.family.visited, *self.family.ancestors):
            if self.names[unit.id] == tokens:
                return unit
        return None


def _decoy(core: str, hostname: str, voc: Vocabulary) -> str | None:
    """Why a link is plainly not a unit of a province or ministry, or None."""
    if any(under(hostname, h) for h in voc.social_hosts) or starts_with(core, voc.social):
        return "social_media"
    ministry = core.startswith(voc.ministry_word + " ") and not any(
        core.startswith(f"{voc.ministry_word} {w}") for w in voc.ministry_not)
    if any(under(hostname, h) for h in voc.central_hosts) or starts_with(core, voc.central) or ministry:
        return "central_body"
    news_host = any(under(hostname, h) for h in voc.news_hosts) or (
        not hostname.endswith(".gov.vn") and hostname.split(".")[0].startswith(voc.news_host_prefixes))
    if news_host or starts_with(core, voc.news):
        return "news"
    if (starts_with(core, voc.party) or any(has_phrase(core, w) for w in voc.party_within)
            or any(under(hostname, h) for h in voc.party_hosts)):
        return "party_or_mass_org"
    if starts_with(core, voc.vertical) or any(under(hostname, h) for h in voc.vertical_hosts):
        return "vertical_agency"
    if starts_with(core, voc.company):
        return "company"
    return None


def _deep(url: str, voc: Vocabulary) -> bool:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return (len(segments) > voc.data["homepage_max_segments"]
            or any(len(s) > voc.data["max_slug_chars"] for s in segments))


def judge_link(link: LinkSeen, family: Family, facts: _FamilyFacts | None = None,
               voc: Vocabulary | None = None) -> Proposal | Rejection | None:
    """A proposal, a rejection with its reason, or None for the page's own navigation."""
    voc = voc or vocabulary()
    facts = facts or _FamilyFacts(family, voc)
    hostname = (urlsplit(link.url).hostname or "").lower()
    host = host_key(link.url)
    core = core_name(link.name, voc)
    said, label = label_kind(link.labels, voc)
    boxed = link.area == "select" or said is not None

    def reject(reason: str) -> Rejection:
        return Rejection(link.name, link.url, reason, link.area, link.labels, link.page_url)

    own = facts.hosts.get(host)
    if own is not None and (is_home(link.url) or not boxed):
        # The portal's own pages; its homepage in a link box is the parent linking itself.
        return reject("self" if own is family.visited else "ancestor") if boxed else None
    if not link.name or len(core.split()) > voc.data["max_name_words"] or len(link.name) > voc.data["max_name_chars"]:
        return None if own is not None else reject("no_name" if not link.name else "not_a_name")
    if own is None and (why := _not_a_child(link, core, hostname, host, facts, voc)):
        return reject(why)
    owner_kind = family.visited.kind if family.visited.kind in _TOP_KINDS else facts.owner_for_siblings.kind
    level, why = level_of_name(core, owner_kind, voc), "name"
    if level is None and said in ("department", "commune", "district"):
        level, why = said, f"label:{label}"
    if own is not None and (level in (None, "other") or why != "name"):
        return None  # a page of the portal itself, unless its name is a unit's
    if level is None:
        return reject({"central": "central_body", "social": "social_media"}.get(said, said)
                      if said in ("central", "other_province", "news", "social") else "not_a_unit")
    if said in ("central", "other_province") and not _under_own_domain(hostname, facts):
        return reject("central_body" if said == "central" else "other_province")
    if not boxed and _deep(link.url, voc):
        return reject("not_a_homepage")
    owner = _owner(level, family, facts, any(has_phrase(core, w) for w in voc.province_words))
    return Proposal(link.name, link.url, level, KIND_OF_LEVEL[level], owner.id, _group(level, owner, voc),
                    why, link.area, link.labels, link.page_url)


def _under_own_domain(hostname: str, facts: _FamilyFacts) -> bool:
    return any(under(hostname, d) for d in facts.domains)


def _not_a_child(link: LinkSeen, core: str, hostname: str, host: str, facts: _FamilyFacts,
                 voc: Vocabulary) -> str | None:
    """Why a link on another host is not a child (central, province, news, self, …), or None."""
    if (why := _decoy(core, hostname, voc)):
        return why
    province = province_of(core, voc)
    if province is not None:
        name, word = province
        city_of_province = word in ("thanh pho", "tp") and name in facts.provinces and facts.province_is_tinh
        if not city_of_province:
            if name not in facts.provinces:
                return "other_province"
            return "self" if name == facts.visited_province else "ancestor"
    domain = province_domain(hostname, voc)
    if domain and domain not in facts.domains:
        return "other_province"
    if domain and host == domain:
        return "ancestor"
    if other_province_named(core, voc, facts.provinces):
        return "other_province"
    if (unit := facts.same_unit(link.name, voc)) is not None:
        return "self" if unit is facts.family.visited else "ancestor"
    bare = core.split(" ", 1)[1] if core.startswith(("cong ", "trang ")) and " " in core else core
    if hostname.split(".")[0] in voc.system_hosts or starts_with(core, voc.systems) or starts_with(bare, voc.systems):
        return "service_system"  # "Cổng Dịch vụ công tỉnh …", "Trang Hỏi đáp", mail, documents
    return None


def _owner(level: str, family: Family, facts: _FamilyFacts, province_level: bool = False) -> Unit:
    """A department, commune or district linked from a department's or commune's
    portal is a sibling: it belongs to the province (or ministry) above; so does
    another unit whose name says it is the province's ("Công an tỉnh")."""
    visited = family.visited
    if visited.kind in _TOP_KINDS:
        return visited
    if level == "other" and not province_level:
        return visited
    return facts.owner_for_siblings


def _group(level: str, owner: Unit, voc: Vocabulary) -> str:
    templates = voc.groups.get(owner.kind) or voc.groups["default"]
    template = templates.get(level) or voc.groups["default"][level]
    return template.format(parent=owner.id.replace("-", "_"))


def judge_links(links: list[LinkSeen], family: Family) -> tuple[list[Proposal], list[Rejection]]:
    voc = vocabulary()
    facts = _FamilyFacts(family, voc)
    proposals, rejections = [], []
    for link in links:
        verdict = judge_link(link, family, facts, voc)
        if isinstance(verdict, Proposal):
            proposals.append(verdict)
        elif isinstance(verdict, Rejection):
            rejections.append(verdict)
    return proposals, rejections


def propose_children(html: str, page_url: str, family: Family) -> tuple[list[Proposal], list[Rejection]]:
    """The child units a page proposes, and the links it rejected with their reason."""
    return judge_links(links_on_page(html, page_url, vocabulary().generic), family)
