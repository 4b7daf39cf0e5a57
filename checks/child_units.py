"""Which links on a unit's portal are its child units (issue #19: the registry of
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
rejections (with their reason) out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from checks.link_groups import LinkSeen, links_on_page
from checks.sites import host_key, is_home, under
from checks.text import fold

LEGAL_REF = "NĐ 42/2022/NĐ-CP Điều 7.1"
_DATA = Path(__file__).with_name("data") / "child_units.yaml"
UNIT_LEVELS = ("department", "commune", "district", "other")
# A child's kind in the registry (crawler/targets.py KINDS) by its level.
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


def _phrases(items) -> tuple[str, ...]:
    return tuple(sorted({fold(x) for x in items or ()} - {""}, key=len, reverse=True))


class Vocabulary:
    """child_units.yaml, folded once."""

    def __init__(self, data: dict):
        self.data = data
        self.prefixes = _phrases(data["name_prefixes"])
        self.kinds = {k: (_phrases(v["starts"]), _phrases(v.get("except"))) for k, v in data["name_kinds"].items()}
        self.provinces = {fold(p["name"]): tuple(p["hosts"]) for p in data["provinces"]}
        self.province_slugs = {h for hosts in self.provinces.values() for h in hosts}
        self.province_words = _phrases(data["province_words"])
        central = data["central"]
        self.central = (_phrases(central["names"]), ())
        self.central_hosts = tuple(central["hosts"])
        self.ministry_word = fold(central["ministry_word"])
        self.ministry_not = _phrases(central["ministry_word_not_followed_by"])
        self.news = (_phrases(data["news"]["names"]), _phrases(data["news"].get("except")))
        self.news_hosts = tuple(data["news"]["hosts"])
        self.news_host_prefixes = tuple(data["news"]["host_prefixes"])
        self.social = (_phrases(data["social"]["names"]), ())
        self.social_hosts = tuple(data["social"]["hosts"])
        self.party = (_phrases(data["party_or_mass_org"]["names"]), ())
        self.party_within = _phrases(data["party_or_mass_org"]["within"])
        self.party_hosts = tuple(data["party_or_mass_org"]["hosts"])
        self.vertical = (_phrases(data["vertical_agency"]["names"]), ())
        self.vertical_hosts = tuple(data["vertical_agency"]["hosts"])
        self.abbreviations = {fold(k): fold(v) for k, v in data["abbreviations"].items()}
        self.company = (_phrases(data["company"]["names"]), ())
        self.systems = (_phrases(data["systems"]["names"]), ())
        self.system_hosts = tuple(data["systems"]["host_prefixes"])
        self.generic = tuple(data["generic_texts"])
        self.stopwords = _phrases(data["compare_stopwords"])
        self.labels = [(g["kind"], _phrases(g["phrases"])) for g in data["group_labels"]]
        self.label_except = _phrases(data["label_except"])
        self.groups = data["groups"]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(yaml.safe_load(_DATA.read_text(encoding="utf-8")))


def _starts(core: str, rule: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    starts, excepts = rule
    if any(core == e or core.startswith(e + " ") for e in excepts):
        return False
    return any(core == s or core.startswith(s + " ") for s in starts)


def core_name(name: str, voc: Vocabulary | None = None) -> str:
    """The folded name without "UBND", "Cổng thông tin điện tử", "Website" before it."""
    voc = voc or vocabulary()
    core = fold(name)
    first, _, rest = core.partition(" ")
    if first in voc.abbreviations:
        core = f"{voc.abbreviations[first]} {rest}".strip()
    changed = True
    while changed:
        changed = False
        for prefix in voc.prefixes:
            if core.startswith(prefix + " "):
                core, changed = core[len(prefix) + 1:], True
    return core


def level_of_name(core: str, owner_kind: str, voc: Vocabulary) -> str | None:
    """commune, district, department or other from a folded core name, or None."""
    if owner_kind in ("ministry", "government_agency") and _starts(core, voc.kinds["department_for_ministry"]):
        return "department"
    for level in ("commune", "district", "department", "other"):
        if _starts(core, voc.kinds[level]):
            return level
    return None


def name_tokens(name: str, drop: set[str] | frozenset[str] = frozenset()) -> frozenset[str]:
    """The words that tell two names apart: folded core name without the
    comparison stopwords ("và", "tỉnh", "UBND"), province names and `drop`."""
    voc = vocabulary()
    text = f" {core_name(name, voc)} "
    phrases = set(voc.stopwords) | set(voc.provinces) | set(drop)
    for phrase in sorted(phrases, key=len, reverse=True):
        text = text.replace(f" {phrase} ", " ").replace(f" {phrase} ", " ")
    return frozenset(text.split())


def province_phrase(name: str) -> str | None:
    """"ha noi" for "UBND Thành phố Hà Nội", "mau" for "UBND tỉnh Mẫu"; None when not a province's name."""
    found = _province_of(core_name(name), vocabulary())
    return found[0] if found else None


def _has(folded: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", folded) is not None


def label_kind(labels: tuple[str, ...], voc: Vocabulary) -> tuple[str | None, str]:
    """What the innermost label that says something says, and that label."""
    for label in labels:
        folded = fold(label)
        if any(_has(folded, e) for e in voc.label_except):
            continue
        for kind, phrases in voc.labels:
            if any(_has(folded, p) for p in phrases):
                return kind, label
    return None, ""


def _province_of(core: str, voc: Vocabulary) -> tuple[str, str] | None:
    """("nghe an", "tinh") for "tinh nghe an"; ("ha noi", "") for "ha noi"; None
    when the name is not a province's. A "tỉnh" not in the list is still a province."""
    if core in voc.provinces:
        return core, ""
    for word in voc.province_words:
        if core.startswith(word + " "):
            rest = core[len(word) + 1:]
            if rest in voc.provinces or word == "tinh":
                return rest, word
            return None
    return None


def _other_province_named(core: str, voc: Vocabulary, own: set[str]) -> bool:
    """"Sở Tư pháp tỉnh Nghệ An" linked from another province."""
    for word in voc.province_words:
        for match in re.finditer(rf"(?<![a-z]){word} ([a-z ]+)$", core):
            tail = match.group(1)
            if tail in voc.provinces and tail not in own:
                return True
    return False


def _province_domain(host: str, voc: Vocabulary) -> str | None:
    labels = host.split(":")[0].split(".")
    if len(labels) >= 3 and labels[-2:] == ["gov", "vn"] and labels[-3] in voc.province_slugs:
        return ".".join(labels[-3:])
    return None


class _FamilyFacts:
    """What the judge compares links with: hosts, names and provinces of the family."""

    def __init__(self, family: Family, voc: Vocabulary):
        self.family = family
        self.hosts = {host_key(u.portal_url): u for u in (family.visited, *family.ancestors)}
        self.provinces: set[str] = set()
        self.domains: set[str] = set()
        self.province_is_tinh = False
        self.visited_province = None
        if family.visited.kind == "province" and (p := _province_of(core_name(family.visited.name, voc), voc)):
            self.visited_province = p[0]
        for unit in (family.visited, *family.ancestors):
            core = core_name(unit.name, voc)
            if unit.kind == "province" and (p := _province_of(core, voc)):
                self.provinces.add(p[0])
                self.province_is_tinh = self.province_is_tinh or p[1] == "tinh"
            self.provinces.update(p for p in voc.provinces if re.search(rf"(?<![a-z]){p}$", core))
            host = (urlsplit(unit.portal_url).hostname or "").lower()
            if (d := _province_domain(host, voc)):
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
    if any(under(hostname, h) for h in voc.social_hosts) or _starts(core, voc.social):
        return "social_media"
    ministry = core.startswith(voc.ministry_word + " ") and not any(
        core.startswith(f"{voc.ministry_word} {w}") for w in voc.ministry_not)
    if any(under(hostname, h) for h in voc.central_hosts) or _starts(core, voc.central) or ministry:
        return "central_body"
    news_host = any(under(hostname, h) for h in voc.news_hosts) or (
        not hostname.endswith(".gov.vn") and hostname.split(".")[0].startswith(voc.news_host_prefixes))
    if news_host or _starts(core, voc.news):
        return "news"
    if (_starts(core, voc.party) or any(_has(core, w) for w in voc.party_within)
            or any(under(hostname, h) for h in voc.party_hosts)):
        return "party_or_mass_org"
    if _starts(core, voc.vertical) or any(under(hostname, h) for h in voc.vertical_hosts):
        return "vertical_agency"
    if _starts(core, voc.company):
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
    if not link.name or len(core.split()) > voc.data["max_name_words"]:
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
    owner = _owner(level, family, facts, any(_has(core, w) for w in voc.province_words))
    return Proposal(link.name, link.url, level, KIND_OF_LEVEL[level], owner.id, _group(level, owner, voc),
                    why, link.area, link.labels, link.page_url)


def _under_own_domain(hostname: str, facts: _FamilyFacts) -> bool:
    return any(under(hostname, d) for d in facts.domains)


def _not_a_child(link: LinkSeen, core: str, hostname: str, host: str, facts: _FamilyFacts,
                 voc: Vocabulary) -> str | None:
    """Why a link on another host is not a child (central, province, news, self, …), or None."""
    if (why := _decoy(core, hostname, voc)):
        return why
    province = _province_of(core, voc)
    if province is not None:
        name, word = province
        city_of_province = word in ("thanh pho", "tp") and name in facts.provinces and facts.province_is_tinh
        if not city_of_province:
            if name not in facts.provinces:
                return "other_province"
            return "self" if name == facts.visited_province else "ancestor"
    domain = _province_domain(hostname, voc)
    if domain and domain not in facts.domains:
        return "other_province"
    if domain and host == domain:
        return "ancestor"
    if _other_province_named(core, voc, facts.provinces):
        return "other_province"
    if (unit := facts.same_unit(link.name, voc)) is not None:
        return "self" if unit is facts.family.visited else "ancestor"
    if hostname.split(".")[0] in voc.system_hosts or _starts(core, voc.systems):
        return "service_system"
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
