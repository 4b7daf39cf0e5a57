"""The level of an online public service, from whatever the portal shows.

Legal basis: Decree 42/2022/NĐ-CP Art. 11 (from 15/8/2022: "toàn trình" and
"một phần") and Decree 43/2011/NĐ-CP Art. 3 (until 14/8/2022: levels 1-4).
Portals built before 2022 still say "mức độ 3/4", so both vocabularies are
read: level 4 -> toan_trinh, 3 -> mot_phan, 1-2 -> khong_truc_tuyen.

Every function returns a `Level` with the normalised key, the raw label as the
portal wrote it (kept as evidence), where it came from and which vocabulary.
Vocabularies are in data/service_levels.yaml. Pure: no I/O beyond reading it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from checks.text import fold, normalise

LEGAL_REF = "Decree 42/2022 Art. 11; Decree 43/2011 Art. 3"
_DATA = Path(__file__).with_name("data") / "service_levels.yaml"


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The whole service_levels.yaml (also read by the listing and portal checks)."""
    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


def _levels() -> dict:
    return vocabulary()["levels"]


@dataclass(frozen=True, slots=True)
class Level:
    key: str = "unknown"            # toan_trinh | mot_phan | khong_truc_tuyen | unknown
    raw: str | None = None          # the label or field as found
    source: str | None = None       # list | fragment_param | api | prose | submission_channel
    vocabulary: str | None = None   # nd43_levels | nd42_kinds | api | channel

    @property
    def known(self) -> bool:
        return self.key != "unknown"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


UNKNOWN = Level()


@cache
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _has_phrase(folded: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", folded) is not None


def _from_number(number: str, raw: str, source: str | None) -> Level:
    key = _levels()["numbers"].get(str(number))
    return Level(key, raw, source, "nd43_levels") if key else UNKNOWN


def level_from_label(label: Any, source: str | None = "list") -> Level:
    """A short label: a list cell, an option, a fragment's `mucDo` value.

    "Mức độ 4", "4", "Toàn trình", "DVC trực tuyến một phần", "Dịch vụ công"
    (the MC option for value 2), "Chưa cung cấp dịch vụ công trực tuyến".
    """
    if label is None or label == "":
        return UNKNOWN
    raw = normalise(str(label))
    folded = fold(raw)
    if not folded:
        return UNKNOWN
    voc = _levels()
    for key, phrase in voc["label_rules"]:
        if _has_phrase(folded, phrase):
            return Level(key, raw, source, "nd42_kinds" if key != "khong_truc_tuyen" else "label")
    match = _rx(voc["number_pattern"]).search(folded) or _rx(voc["bare_number_pattern"]).match(folded)
    if match:
        return _from_number(match.group(1), raw, source)
    if folded in voc["exact_offline_labels"]:
        return Level("khong_truc_tuyen", raw, source, "label")
    return UNKNOWN


def level_from_prose(text: str | None) -> Level:
    """A detail page's own statement: "được cung cấp dịch vụ công trực tuyến
    mức độ 4", "Mức độ: Toàn trình", "chưa cung cấp dịch vụ công trực tuyến".

    `text` is the page's main visible text (menus and news boxes removed by the
    caller: a headline "Đẩy mạnh … mức độ 4" says nothing about this service).
    """
    folded = fold(text)
    if not folded:
        return UNKNOWN
    for kind, pattern in _levels()["prose_patterns"]:
        match = _rx(pattern).search(folded)
        if not match:
            continue
        snippet = match.group(0).strip()
        if kind != "label":
            return Level(kind, snippet, "prose", "label")
        level = level_from_label(match.group(1), "prose")
        if level.known:
            return Level(level.key, snippet, "prose", level.vocabulary)
    return UNKNOWN


def level_from_channels(channels: Iterable[str] | None) -> Level:
    """The old national portal's "Hình thức nộp" values (2021 scrape):
    "Trực tuyến" present -> một phần (online submission; whether fees and results
    are online too is not stated, so never toàn trình); only "Trực tiếp" /
    "Dịch vụ bưu chính" -> not online."""
    values = [normalise(c) for c in (channels or []) if c and normalise(c)]
    if not values:
        return UNKNOWN
    voc = _levels()
    folded = [fold(v) for v in values]
    raw = "Hình thức nộp: " + ", ".join(dict.fromkeys(values))
    if any(_has_phrase(f, voc["submission_channel_online"]) for f in folded):
        return Level("mot_phan", raw, "submission_channel", "channel")
    if any(any(_has_phrase(f, off) for off in voc["submission_channel_offline"]) for f in folded):
        return Level("khong_truc_tuyen", raw, "submission_channel", "channel")
    return UNKNOWN


def record_2021_channels(record: dict) -> list[str]:
    """The "Hình thức nộp" values of one record of the 2021 scrape."""
    return [m.get("Hình thức nộp", "") for m in record.get("Cách thức thực hiện") or []
            if isinstance(m, dict)]


def level_from_api(record: dict | None) -> Level:
    """A JSON record: the national portal's `isFullProcess` and
    `executionMethods[].submissionMethod`, or a numeric `mucDo`, or a label field.

    isFullProcess true -> toàn trình; ONLINE without full -> một phần;
    only DIRECT/POSTAL (or isOfflineOnly) -> not online.
    """
    if not isinstance(record, dict):
        return UNKNOWN
    if isinstance(record.get("data"), dict):  # a whole API answer {"code": "OK", "data": {...}}
        record = record["data"]
    api = _levels()["api"]
    methods = [m.get(api["method_field"]) for m in record.get(api["methods"]) or []
               if isinstance(m, dict) and m.get(api["method_field"])]
    method_text = "[" + ", ".join(dict.fromkeys(str(m) for m in methods)) + "]"
    full = record.get(api["full_flag"])
    if full is True:
        return Level("toan_trinh", f"{api['full_flag']}=true; {api['method_field']}={method_text}",
                     "api", "api")
    if record.get(api["offline_flag"]) is True:
        return Level("khong_truc_tuyen", f"{api['offline_flag']}=true", "api", "api")
    if methods:
        if any(m in api["online_methods"] for m in methods):
            return Level("mot_phan", f"{api['full_flag']}={str(full).lower()}; "
                         f"{api['method_field']}={method_text}", "api", "api")
        if all(m in api["offline_methods"] for m in methods):
            return Level("khong_truc_tuyen", f"{api['method_field']}={method_text}", "api", "api")
    for field in api["number_fields"]:
        value = record.get(field)
        if value not in (None, ""):
            level = _from_number(str(value).strip(), f"{field}={value}", "api")
            if level.known:
                return level
    for field in api["label_fields"]:
        if record.get(field):
            level = level_from_label(record[field], "api")
            if level.known:
                return Level(level.key, f"{field}={record[field]}", "api", level.vocabulary)
    return UNKNOWN
