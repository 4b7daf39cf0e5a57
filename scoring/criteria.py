"""One criterion judged for one target: from observations or service rows to an
outcome, a value and the evidence behind it. Points of "relative" criteria need
the whole peer group and are finished in scoring.scorer.

Outcomes of a criterion: pass, partial (a rate between 0 and 1), fail,
inconclusive (could not be judged: left out of the denominator) and
not_applicable (does not apply to this kind of agency, or the check said so).
"""
from __future__ import annotations

from typing import Any

from checks.model import DEAD_STATUSES, UNJUDGEABLE_STATUSES, outcome_for_status
from scoring.measures import MEASURES, empty_list

EPSILON = 1e-9


def requirement_for(crit: dict, run_day: str | None) -> str:
    """Phased-in criteria are informational for runs before their effective date."""
    start = crit.get("effective_from")
    if start and run_day and run_day < str(start):
        return "informational"
    return crit["requirement"]


def _obs_evidence(o: dict) -> dict:
    ev = o.get("evidence")
    ev = ev if isinstance(ev, dict) else {}
    return {"url": o.get("evidence_url") or ev.get("url"), "label": o.get("label"),
            "snippet": o.get("snippet"), "reason": o.get("reason"), "outcome": o.get("outcome"),
            "status": ev.get("status"), "http_status": ev.get("http_status"),
            "archived": o.get("archive_record_id")}  # its WARC record (--archive): "xem bản lưu"


def _from_observations(crit: dict, target: dict, observations: list[dict]) -> tuple[float | None, str | None, dict]:
    """(value, forced outcome, detail). Several observations of one key: for
    "binary" one pass proves the item exists; for "rate" the pass share counts
    (repeated reachability checks are what "stable" means)."""
    source = crit["source"]
    key = source.get("key", crit["key"])
    mine = [o for o in observations if o.get("category") == source["observation"] and o.get("key") == key]
    if not mine and source.get("status_field"):
        return _from_status_field(source["status_field"], target)
    evidence = [_obs_evidence(o) for o in mine]
    judged = [o for o in mine if o.get("outcome") in ("pass", "fail")]
    passes = sum(1 for o in judged if o["outcome"] == "pass")
    detail = {"counts": {"pass": passes, "fail": len(judged) - passes,
                         "inconclusive": sum(1 for o in mine if o.get("outcome") == "inconclusive")},
              "evidence": evidence}
    if not mine:
        return None, "missing", {**detail, "reason": "no_observation"}
    if not judged:
        if all(o.get("outcome") == "not_applicable" for o in mine):
            return None, "not_applicable", detail
        return None, "inconclusive", detail
    if crit["method"] == "binary":
        return (1.0 if passes else 0.0), None, detail
    return passes / len(judged), None, detail


def _from_status_field(field: str, target: dict) -> tuple[float | None, str | None, dict]:
    status = target.get(field)
    url_field = "portal_final_url" if field == "portal_status" else field.replace("_status", "_url")
    evidence = [{"url": target.get(url_field) or target.get("portal_url"), "status": status,
                 "http_status": target.get("portal_http_status") if field == "portal_status" else None,
                 "label": field}]
    detail = {"evidence": evidence if status else []}
    if status is None:
        return None, "missing", {**detail, "reason": "no_status"}
    outcome = outcome_for_status(status)
    if outcome == "inconclusive":
        return None, "inconclusive", {**detail, "reason": status}
    return (1.0 if outcome == "pass" else 0.0), None, detail


def _service_observation(observations: list[dict], key: str) -> dict | None:
    return next((o for o in observations if o.get("category") == "service" and o.get("key") == key), None)


def _from_services(source: dict, observations: list[dict], services: list[dict]) -> tuple[float | None, str | None, dict]:
    """(value, forced outcome, detail) of a measure over the service rows.

    No rows: a portal that said its list is empty offers nothing (its offer
    measures are 0, the others do not apply); otherwise nothing could be judged
    and the reason the services check gave is shown (not discovered, blocked,
    render_failed…). A list not read to its end (truncated by a bound, pages
    unread) makes the value partial: the coverage goes into the detail.
    """
    listed = _service_observation(observations, "services_listed") or {}
    ev = listed.get("evidence")
    ev = ev if isinstance(ev, dict) else {}
    if not services and listed.get("outcome") == "fail" and (listed.get("reason") or ev.get("reason")) == "empty_list":
        value, detail = empty_list(source["services"], listed)
        return value, None if value is not None else "not_applicable", detail
    value, detail = MEASURES[source["services"]](services, source.get("params") or {})
    forced = None
    if value is None:
        forced = "inconclusive" if services else "missing"
        if not services:
            portal = _service_observation(observations, "services_portal") or {}
            detail["reason"] = listed.get("reason") or ev.get("reason") or portal.get("reason") or "no_services"
        else:   # every service that counts could not be judged: say what stopped us
            stopped = [s.get("status") for s in services if s.get("status") in UNJUDGEABLE_STATUSES]
            detail["reason"] = max(set(stopped), key=stopped.count) if stopped else "nothing_judgeable"
    cover = ev.get("coverage")
    if services and isinstance(cover, dict) and cover.get("complete") is False:
        detail["coverage"] = cover
    return value, forced, detail


def judge(crit: dict, target: dict, observations: list[dict], services: list[dict],
          run_day: str | None) -> dict[str, Any]:
    """The criterion entry for one target; `points` is None until finish_points."""
    requirement = requirement_for(crit, run_day)
    entry = {"key": crit["key"], "category": crit["category"], "legal_ref": crit["legal_ref"],
             "max_points": crit["max_points"], "points": None, "outcome": "not_applicable",
             "requirement": requirement, "counted": requirement != "informational",
             "method": crit["method"], "detail": {}}
    if target.get("kind") not in crit["kinds"]:
        entry["detail"] = {"reason": "kind_not_applicable"}
        return entry
    source = crit["source"]
    if "observation" in source:
        value, forced, detail = _from_observations(crit, target, observations)
    else:
        value, forced, detail = _from_services(source, observations, services)
        if detail.get("coverage"):
            entry["partial_list"] = True   # the list was not read to its end: the score is partial
    entry["detail"] = detail
    entry["value"] = value
    if forced == "not_applicable":
        entry["outcome"] = "not_applicable"
    elif forced in ("inconclusive", "missing"):
        entry["outcome"] = "inconclusive"
        entry["missing"] = forced == "missing"  # no data at all, vs. data that could not be judged
    else:
        entry["outcome"] = "pending"
    return entry


def finish_points(entry: dict, best: float | None = None) -> dict:
    """Points and outcome once the peer group's best value is known."""
    value = entry.pop("value", None)
    if entry["outcome"] != "pending":
        return entry
    max_points = entry["max_points"]
    if entry["method"] == "relative":
        ratio = (value / best) if best else 0.0
        entry["detail"].update({"value": value, "best": best})
    else:
        ratio = float(value)
        entry["detail"]["value"] = round(ratio, 6)
    ratio = min(max(ratio, 0.0), 1.0)
    entry["points"] = round(ratio * max_points, 6)
    if entry["method"] == "binary":
        entry["outcome"] = "pass" if ratio >= 1 - EPSILON else "fail"
    else:
        entry["outcome"] = "pass" if ratio >= 1 - EPSILON else ("fail" if ratio <= EPSILON else "partial")
    return entry


def unreachable(show: dict, target: dict, observations: list[dict]) -> bool:
    """A showstopper: every judged reachability check of the key failed, or with no
    such check, the recorded status is dead. Blocked/timeout never trigger it."""
    key = show.get("reachability_key")
    checks = [o for o in observations if o.get("category") == "reachability" and o.get("key") == key
              and o.get("outcome") in ("pass", "fail")] if key else []
    if checks:
        return all(o["outcome"] == "fail" for o in checks)
    status = target.get(show.get("status_field") or "")
    return status in DEAD_STATUSES and status not in UNJUDGEABLE_STATUSES
