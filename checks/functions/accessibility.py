"""Accessibility: the homepage and a sample of pages pass axe-core's WCAG 2.1 A/AA rules
(NĐ 43/2011/NĐ-CP Điều 8; TT 26/2020/TT-BTTTT, which takes its criteria from WCAG).

The browser side (crawler/browser/audits.py) runs axe-core inside each rendered page and hands
back, per page, its rules violated (id, impact, help, help URL, a few target selectors, how
many elements). This module judges them against the thresholds of checks/data/audits.yaml, as
a methodology overrides them: by default no critical or serious rule violated on the homepage,
no critical one on a sampled page. A page that could not be audited (blocked, timed out, the
browser failed) is inconclusive with its reason, never a fail. Pure.
"""
from __future__ import annotations

from typing import Any

from checks.functions import observation
from checks.model import Observation

KEY = "accessibility"
IMPACTS = ("critical", "serious", "moderate", "minor")


def impact_of(rule: dict) -> str:
    """axe gives every violation an impact; an unknown one counts as the mildest."""
    impact = str(rule.get("impact") or "").lower()
    return impact if impact in IMPACTS else "minor"


def worst_first(violations: list[dict]) -> list[dict]:
    return sorted(violations, key=lambda r: (IMPACTS.index(impact_of(r)), -int(r.get("nodes") or 0), str(r.get("id"))))


def counts(violations: list[dict]) -> dict[str, int]:
    """Rules violated, per impact (axe's own way of counting violations)."""
    out = dict.fromkeys(IMPACTS, 0)
    for rule in violations:
        out[impact_of(rule)] += 1
    return out


def over(found: dict[str, int], limits: dict[str, int]) -> list[str]:
    """The impacts whose number of violated rules is above the limit."""
    return [impact for impact, most in (limits or {}).items() if found.get(impact, 0) > int(most)]


def _kept(violations: list[dict], config: dict) -> list[dict]:
    """The worst rules, bounded, in the evidence's shape."""
    most_targets, chars = int(config["max_targets"]), int(config["max_selector_chars"])
    out = []
    for rule in worst_first(violations)[: int(config["max_rules"])]:
        out.append({"id": str(rule.get("id"))[:80], "impact": impact_of(rule), "help": str(rule.get("help") or "")[:300],
                    "help_url": str(rule.get("helpUrl") or rule.get("help_url") or "")[:300],
                    "nodes": int(rule.get("nodes") or 0),
                    "targets": [str(t)[:chars] for t in (rule.get("targets") or [])[:most_targets]],
                    "tags": [str(t) for t in rule.get("tags") or [] if str(t).startswith("wcag")][:6]})
    return out


def page_summary(audit: dict, config: dict) -> dict[str, Any]:
    """One page's audit as evidence: where, its status, its counts and worst rules (or why none)."""
    out: dict[str, Any] = {"url": audit.get("url"), "role": audit.get("role"), "status": audit.get("status")}
    axe = audit.get("axe") or {}
    if audit.get("status") != "live" or axe.get("error") or "violations" not in axe:
        out["reason"] = _unaudited_reason(audit)
        return out
    violations = axe["violations"]
    out.update(counts=counts(violations), violations=_kept(violations, config))
    return out


def _unaudited_reason(audit: dict) -> str:
    status = audit.get("status") or "not_fetched"
    if status != "live":
        return status
    error = str((audit.get("axe") or {}).get("error") or "audit_failed")
    return "audit_timeout" if "timeout" in error.lower() else "audit_failed"


def check(audits: list[dict], config: dict) -> Observation:
    """`audits`: the homepage's first (role "homepage"), then the sampled pages'. `config`: the
    `accessibility` block of checks.audit_config.audit_config()."""
    pages = [page_summary(a, config) for a in audits]
    home = pages[0] if pages else {"status": "not_fetched", "reason": "not_fetched"}
    axe = (audits[0].get("axe") or {}) if audits else {}
    ev: dict[str, Any] = {"url": home.get("url"), "axe_version": axe.get("version"),
                          "wcag_tags": list(config["wcag_tags"]),
                          "thresholds": {"homepage_max": config["homepage_max"], "sample_max": config["sample_max"]},
                          "pages": pages}
    if "counts" not in home:
        # Not audited: a dead homepage is reachability's finding, not an accessibility fault.
        return observation(KEY, "inconclusive", reason=home.get("reason"), **ev)
    ev.update(counts=home["counts"], violations=home["violations"])
    home_over = over(home["counts"], config["homepage_max"])
    sample_over = [p["url"] for p in pages[1:] if "counts" in p and over(p["counts"], config["sample_max"])]
    unaudited = [{"url": p.get("url"), "reason": p.get("reason")} for p in pages[1:] if "counts" not in p]
    if unaudited:
        ev["unaudited"] = unaudited
    if home_over:
        return observation(KEY, "fail", reason="homepage_over_threshold", over=home_over, **ev)
    if sample_over:
        return observation(KEY, "fail", reason="sample_over_threshold", over_pages=sample_over, **ev)
    return observation(KEY, "pass", **ev)
