"""Which browser audits a crawl runs, and with which thresholds (docs/audits.md).

`PORTALCHECK_AUDITS` ("accessibility,performance", "none"; `--audits` on `sweep` and `check`)
names them; unset, the methodology's `audits.enabled` does (scoring/methodologies/*.yaml).
Thresholds: checks/data/audits.yaml under the methodology's `audits:` block.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from checks.audit_config import audit_config, parse_audits
from scoring.methodology import load_methodology


@dataclass(frozen=True)
class AuditPlan:
    audits: tuple[str, ...] = ()
    config: dict = field(default_factory=dict)
    sample: tuple[str, ...] = ()  # section keys whose found page axe audits too
    timeout: float = 30.0         # seconds an audit may take inside a page

    def runs(self, audit: str) -> bool:
        return audit in self.audits


def methodology_audits(name: str | None) -> dict:
    """The `audits:` block of a methodology (empty when it has none or cannot be read:
    the run itself reports an unknown methodology)."""
    if not name:
        return {}
    try:
        return dict(load_methodology(name).get("audits") or {})
    except (OSError, ValueError):
        return {}


def audit_plan(settings) -> AuditPlan:
    methodology = methodology_audits(settings.get("PORTALCHECK_METHODOLOGY"))
    config = audit_config(methodology)
    asked = settings.get("PORTALCHECK_AUDITS")
    audits = parse_audits(asked) if asked is not None else config["enabled"]
    sample = tuple(k.strip() for k in str(settings.get("PORTALCHECK_AUDIT_SAMPLE") or "").split(",") if k.strip())
    return AuditPlan(tuple(audits), config, sample, settings.getfloat("PORTALCHECK_AUDIT_TIMEOUT"))
