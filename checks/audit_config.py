"""The browser audits' settings: checks/data/audits.yaml, overridden by a methodology's
`audits:` block (scoring/methodologies/*.yaml). Pure: data in, data out."""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "audits.yaml"
AUDITS = ("accessibility", "performance")


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def merged(base: dict, over: dict) -> dict:
    """`over` on top of `base`, mapping by mapping (a list or a value replaces)."""
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else copy.deepcopy(value)
    return out


def audit_config(methodology_audits: dict | None = None) -> dict:
    """The defaults with a methodology's overrides; `enabled` is the audits it turns on by default."""
    config = merged(_defaults(), {k: v for k, v in (methodology_audits or {}).items() if k != "enabled"})
    config["enabled"] = [a for a in (methodology_audits or {}).get("enabled", []) if a in AUDITS]
    return config


def parse_audits(value: str | list | tuple | None) -> list[str]:
    """"accessibility,performance" (or a list) as the known audit names, in order; raises on an unknown one."""
    if value is None:
        return []
    names = [v.strip().lower() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in AUDITS and n not in ("none", "all")]
    if unknown:
        raise ValueError(", ".join(unknown))
    if "all" in names:
        return list(AUDITS)
    return [a for a in AUDITS if a in names]
