"""`check`'s gate for a deployment pipeline, in the manner of Lighthouse CI's assertions:
thresholds on the overall index or on each category (`--fail-under portal=0.8,services=0.7`)
and criteria that must pass (`--require van_ban,https`).

Pure: a target's scored view in, a verdict out (its exit status and what to say). A portal
that could not be judged (blocked, timed out, unreachable) is never "under the threshold": it
has an exit status of its own, EXIT_NOT_JUDGED.
"""
from __future__ import annotations

from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_FINDING = 1          # a threshold not met or a required criterion not passed
EXIT_NOT_JUDGED = 4       # the portal (or a category the gate names) could not be judged
CATEGORIES = ("overall", "portal", "services")


class GateError(ValueError):
    """An option that cannot be used; its args are a message key and its values."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _share(text: str, whole: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise GateError("check.bad_threshold", value=whole) from None
    if not 0 <= value <= 1:
        raise GateError("check.bad_threshold", value=whole)
    return value


def parse_thresholds(text: str | None) -> dict[str, float]:
    """"0.7" (or "0,7") -> {"overall": 0.7}; "portal=0.8,services=0.7" -> per category."""
    if text is None or not text.strip():
        return {}
    if "=" not in text:
        return {"overall": _share(text, text)}
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in CATEGORIES:
            raise GateError("check.bad_threshold_category", value=part.strip(), known=", ".join(CATEGORIES))
        out[name] = _share(value, part.strip())
    return out


def parse_required(text: str | None, known: set[str]) -> list[str]:
    keys = [k.strip() for k in (text or "").split(",") if k.strip()]
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise GateError("check.unknown_criteria", keys=", ".join(unknown), known=", ".join(sorted(known)))
    return keys


@dataclass
class GateVerdict:
    status: int = EXIT_OK
    # (message key, values) pairs, in the order they are to be said
    findings: list[tuple[str, dict]] = field(default_factory=list)

    def add(self, status: int, key: str, **values) -> None:
        self.findings.append((key, values))
        # a definite finding outranks "could not be judged": the pipeline must stop either way,
        # and what is known to be wrong is what a person acts on first
        if status == EXIT_FINDING or (status == EXIT_NOT_JUDGED and self.status == EXIT_OK):
            self.status = status


def judge_gate(portal_judged: bool, categories: dict[str, dict], criteria: dict[str, dict],
               thresholds: dict[str, float], required: list[str]) -> GateVerdict:
    """`categories`: {category: {"score", "label"}}; `criteria`: {key: {"outcome", "title"}}."""
    verdict = GateVerdict()
    if not portal_judged:
        verdict.add(EXIT_NOT_JUDGED, "check.gate.portal_not_judged")
        return verdict
    for category, threshold in thresholds.items():
        row = categories.get(category) or {}
        label = row.get("label") or category
        if row.get("score") is None:
            verdict.add(EXIT_NOT_JUDGED, "check.gate.category_not_judged", category=label)
        elif row["score"] < threshold:
            verdict.add(EXIT_FINDING, "check.gate.under", category=label, score=row["score"], threshold=threshold)
    for key in required:
        row = criteria.get(key) or {}
        outcome, title = row.get("outcome"), row.get("title") or key
        if outcome == "pass":
            continue
        if outcome == "not_applicable":
            verdict.findings.append(("check.gate.required_not_applicable", {"criterion": title}))
        elif outcome in ("fail", "partial"):
            verdict.add(EXIT_FINDING, "check.gate.required_failed", criterion=title)
        else:
            verdict.add(EXIT_NOT_JUDGED, "check.gate.required_not_judged", criterion=title)
    return verdict
