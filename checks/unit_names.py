"""Reading a unit's name as Vietnamese portals write it (docs/discover.md).

"UBND xã Tân Lập" is the commune "xã Tân Lập"; "Sở …" a department; "Tổng cục
…" a ministry's department; "Thành phố Hà Nội" a province, "Thành phố Hà Tĩnh"
(of the province Hà Tĩnh) a district before 2025-07-01; "VP" is "Văn phòng".
Group labels ("Sở, ban, ngành", "UBND cấp xã") are read the same way. Word
lists: checks/data/child_units.yaml, folded once. Pure.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from checks.text import fold

_DATA = Path(__file__).with_name("data") / "child_units.yaml"


def phrases(items) -> tuple[str, ...]:
    return tuple(sorted({fold(x) for x in items or ()} - {""}, key=len, reverse=True))


class Vocabulary:
    """child_units.yaml, folded once."""

    def __init__(self, data: dict):
        self.data = data
        self.prefixes = phrases(data["name_prefixes"])
        self.kinds = {k: (phrases(v["starts"]), phrases(v.get("except"))) for k, v in data["name_kinds"].items()}
        self.provinces = {fold(p["name"]): tuple(p["hosts"]) for p in data["provinces"]}
        self.province_slugs = {h for hosts in self.provinces.values() for h in hosts}
        self.province_words = phrases(data["province_words"])
        central = data["central"]
        self.central = (phrases(central["names"]), ())
        self.central_hosts = tuple(central["hosts"])
        self.ministry_word = fold(central["ministry_word"])
        self.ministry_not = phrases(central["ministry_word_not_followed_by"])
        self.news = (phrases(data["news"]["names"]), phrases(data["news"].get("except")))
        self.news_hosts = tuple(data["news"]["hosts"])
        self.news_host_prefixes = tuple(data["news"]["host_prefixes"])
        self.social = (phrases(data["social"]["names"]), ())
        self.social_hosts = tuple(data["social"]["hosts"])
        self.party = (phrases(data["party_or_mass_org"]["names"]), ())
        self.party_within = phrases(data["party_or_mass_org"]["within"])
        self.party_hosts = tuple(data["party_or_mass_org"]["hosts"])
        self.vertical = (phrases(data["vertical_agency"]["names"]), ())
        self.vertical_hosts = tuple(data["vertical_agency"]["hosts"])
        self.abbreviations = {fold(k): fold(v) for k, v in data["abbreviations"].items()}
        self.company = (phrases(data["company"]["names"]), ())
        self.systems = (phrases(data["systems"]["names"]), ())
        self.system_hosts = tuple(data["systems"]["host_prefixes"])
        self.generic = tuple(data["generic_texts"])
        self.stopwords = phrases(data["compare_stopwords"])
        self.labels = [(g["kind"], phrases(g["phrases"])) for g in data["group_labels"]]
        self.label_except = phrases(data["label_except"])
        self.groups = data["groups"]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(yaml.safe_load(_DATA.read_text(encoding="utf-8")))


def starts_with(core: str, rule: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
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
    if owner_kind in ("ministry", "government_agency") and starts_with(core, voc.kinds["department_for_ministry"]):
        return "department"
    for level in ("commune", "district", "department", "other"):
        if starts_with(core, voc.kinds[level]):
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
    found = province_of(core_name(name), vocabulary())
    return found[0] if found else None


def has_phrase(folded: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", folded) is not None


def label_kind(labels: tuple[str, ...], voc: Vocabulary) -> tuple[str | None, str]:
    """What the innermost label that says something says, and that label."""
    for label in labels:
        folded = fold(label)
        if any(has_phrase(folded, e) for e in voc.label_except):
            continue
        for kind, phrases in voc.labels:
            if any(has_phrase(folded, p) for p in phrases):
                return kind, label
    return None, ""


def province_of(core: str, voc: Vocabulary) -> tuple[str, str] | None:
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


def other_province_named(core: str, voc: Vocabulary, own: set[str]) -> bool:
    """"Sở Tư pháp tỉnh Nghệ An" linked from another province."""
    for word in voc.province_words:
        for match in re.finditer(rf"(?<![a-z]){word} ([a-z ]+)$", core):
            tail = match.group(1)
            if tail in voc.provinces and tail not in own:
                return True
    return False


def province_domain(host: str, voc: Vocabulary) -> str | None:
    labels = host.split(":")[0].split(".")
    if len(labels) >= 3 and labels[-2:] == ["gov", "vn"] and labels[-3] in voc.province_slugs:
        return ".".join(labels[-3:])
    return None
