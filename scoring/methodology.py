"""Methodologies are data: YAML files in scoring/methodologies/.

A methodology names its criteria (the keys of checks.model), their
legal references, points, requirement levels and scoring methods, the category
weights, the classification cut-offs, the showstoppers and the minimum testable
share. This module only reads, completes and validates that data.
"""
from __future__ import annotations

import copy
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from checks.model import CLASSIFICATIONS

METHODOLOGY_DIR = Path(__file__).with_name("methodologies")
CATALOGUE_FILE = METHODOLOGY_DIR / "_criteria.yaml"

KINDS = ("ministry", "government_agency", "province", "department", "commune", "other")
REQUIREMENTS = ("required", "recommended", "informational")
METHODS = ("binary", "rate", "relative")
# "content": what a present section's page holds (checks/section_chain.py: one observation
# per present section, under the section's key; pass when it lists items, fail when empty).
OBSERVATION_CATEGORIES = ("section", "function", "reachability", "service", "content")
# Measures over a target's service rows; implemented in scoring.measures.
SERVICE_MEASURES = ("online_share", "full_share", "live_share", "completeness", "online_submission",
                    "payment_full", "clicks", "level_points", "online_count")
SCORED_CATEGORIES = ("portal", "services")


def list_methodologies() -> list[str]:
    """Names of the shipped methodologies (files not starting with "_")."""
    return sorted(p.stem for p in METHODOLOGY_DIR.glob("*.yaml") if not p.name.startswith("_"))


@lru_cache(maxsize=1)
def criteria_catalogue() -> dict[str, dict]:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")) or {}


def _path_for(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = METHODOLOGY_DIR / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    raise FileNotFoundError(
        f"unknown methodology {str(name_or_path)!r}; known: {', '.join(list_methodologies())}")


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if path in seen:
        raise ValueError(f"methodology {path.name} extends itself")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parent_name = data.pop("extends", None)
    if not parent_name:
        return data
    parent = _read(_path_for(parent_name), seen + (path,))
    return _merge(parent, data)


def _merge(parent: dict, child: dict) -> dict:
    """Child values win; criteria merge by key (a child entry updates or adds)."""
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key == "criteria":
            by_key = {c["key"]: c for c in out.get("criteria", [])}
            for crit in value:
                if crit["key"] in by_key:
                    by_key[crit["key"]].update(crit)
                else:
                    out.setdefault("criteria", []).append(crit)
        elif key == "remove_criteria":
            out["criteria"] = [c for c in out.get("criteria", []) if c["key"] not in value]
        elif isinstance(value, dict) and isinstance(out.get(key), dict) and key != "title":
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def load_methodology(name_or_path: str | Path | dict, options: dict | None = None) -> dict:
    """A complete, validated methodology. `options` overrides the file's options
    (e.g. {"legacy_points": True}); criteria switched off by options are dropped."""
    if isinstance(name_or_path, dict):
        data = copy.deepcopy(name_or_path)
        # A dict may still extend a shipped file (handy for tests and local variants).
        if data.get("extends"):
            data = _merge(_read(_path_for(data.pop("extends"))), data)
    else:
        data = _read(_path_for(name_or_path))
    data["options"] = {**(data.get("options") or {}), **(options or {})}
    return _complete(data)


def _complete(m: dict) -> dict:
    m.setdefault("name", "custom")
    m.setdefault("title", {"vi": m["name"], "en": m["name"]})
    m.setdefault("decimals", 3)
    m.setdefault("min_testable_share", 0.5)
    m.setdefault("overall", {}).setdefault("skip_unassessed", True)
    m["overall"].setdefault("title", {"vi": "Tổng hợp", "en": "Overall"})
    m.setdefault("showstoppers", [])
    catalogue = criteria_catalogue()
    criteria = []
    for crit in m.get("criteria", []):
        crit = dict(crit)
        flag = crit.get("enabled_by")
        if flag and not m["options"].get(flag):
            continue
        entry = catalogue.get(crit["key"], {})
        crit.setdefault("title", entry.get("title", {"vi": crit["key"], "en": crit["key"]}))
        crit.setdefault("fix", entry.get("fix", {"vi": "", "en": ""}))
        kinds = crit.get("kinds", "all")
        crit["kinds"] = list(KINDS) if kinds in ("all", None) else list(kinds)
        crit.setdefault("requirement", "required")
        crit.setdefault("legal_ref", "")
        crit["max_points"] = float(crit.get("max_points", 1))
        if isinstance(crit.get("effective_from"), (date, datetime)):
            crit["effective_from"] = crit["effective_from"].isoformat()
        criteria.append(crit)
    m["criteria"] = criteria
    for key in ("valid_from", "valid_to"):
        if isinstance(m.get(key), (date, datetime)):
            m[key] = m[key].isoformat()
    validate(m)
    m["complete"] = True  # score_run takes such a dict as is; anything else is loaded first
    return m


def validate(m: dict) -> None:
    """Raise ValueError naming the first thing wrong with a methodology."""
    name = m.get("name")
    cats = m.get("categories") or {}
    if not cats or any(c not in SCORED_CATEGORIES for c in cats):
        raise ValueError(f"{name}: categories must be among {SCORED_CATEGORIES}")
    if sum(float(c.get("weight", 0)) for c in cats.values()) <= 0:
        raise ValueError(f"{name}: category weights must add up to more than 0")
    cutoffs = (m.get("classification") or {}).get("cutoffs") or []
    if not cutoffs or any(c.get("class") not in CLASSIFICATIONS for c in cutoffs):
        raise ValueError(f"{name}: classification.cutoffs must use {CLASSIFICATIONS}")
    if not 0 <= float(m["min_testable_share"]) <= 1:
        raise ValueError(f"{name}: min_testable_share must be within 0..1")
    seen = set()
    for crit in m["criteria"]:
        where = f"{name}: criterion {crit.get('key')!r}"
        if crit["key"] in seen:
            raise ValueError(f"{where} appears twice")
        seen.add(crit["key"])
        if crit.get("category") not in cats:
            raise ValueError(f"{where}: category must be one of {list(cats)}")
        if crit.get("method") not in METHODS:
            raise ValueError(f"{where}: method must be one of {METHODS}")
        if crit["requirement"] not in REQUIREMENTS:
            raise ValueError(f"{where}: requirement must be one of {REQUIREMENTS}")
        if any(k not in KINDS for k in crit["kinds"]):
            raise ValueError(f"{where}: kinds must be among {KINDS}")
        if crit["max_points"] < 0:
            raise ValueError(f"{where}: max_points must not be negative")
        source = crit.get("source") or {}
        if "observation" in source:
            if source["observation"] not in OBSERVATION_CATEGORIES:
                raise ValueError(f"{where}: source.observation must be one of {OBSERVATION_CATEGORIES}")
        elif "services" in source:
            if source["services"] not in SERVICE_MEASURES:
                raise ValueError(f"{where}: source.services must be one of {SERVICE_MEASURES}")
        else:
            raise ValueError(f"{where}: source needs 'observation' or 'services'")


def choose_methodology(run: dict | None) -> str:
    """The methodology recorded on the run if it is a known one, else the one whose
    validity period holds the run's start date (docs/methodology.md)."""
    known = list_methodologies()
    if run and run.get("methodology") in known:
        return run["methodology"]
    day = str((run or {}).get("started_at") or date.today().isoformat())[:10]
    best = None
    for name in known:
        m = _read(_path_for(name))
        start = str(m.get("valid_from") or "0000-00-00")
        end = str(m.get("valid_to") or "9999-99-99")
        if start <= day <= end and not m.get("options", {}).get("legacy_points"):
            if best is None or start > best[0]:
                best = (start, name)
    return best[1] if best else known[-1]


def text(value: Any, lang: str) -> str:
    """A {vi, en} text in `lang` (falls back to Vietnamese), or a plain string."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("vi") or next(iter(value.values()), "")
    return "" if value is None else str(value)
