"""Measures over a target's online public services (docs/methodology.md, docs/services.md).

Each measure takes the target's service rows and the criterion's params and
returns (value, detail): value is 0..1 for shares, a count or a sum for the
"relative" measures, or None when nothing could be judged. Services whose page
could not be judged (blocked, timeout, tool error: checks.model.UNJUDGEABLE_STATUSES)
are never counted against the agency: they are left out of denominators.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checks.model import DEAD_STATUSES, FETCH_STATUSES, UNJUDGEABLE_STATUSES

ONLINE_LEVELS = frozenset({"toan_trinh", "mot_phan"})
KNOWN_LEVELS = frozenset({"toan_trinh", "mot_phan", "khong_truc_tuyen"})
MAX_EVIDENCE = 25  # failing services listed per criterion; the counts say how many in all


def _judged_status(s: dict) -> bool:
    """A status that says something about the agency (live or dead)."""
    status = s.get("status")
    return status in FETCH_STATUSES and status not in UNJUDGEABLE_STATUSES


def _ref(s: dict, why: str | None = None) -> dict:
    item = {"url": s.get("url"), "label": s.get("name") or s.get("code"), "code": s.get("code"),
            "status": s.get("status"), "http_status": s.get("http_status"), "level": s.get("level")}
    if why:
        item["reason"] = why
    return item


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _detail(counts: dict, failing: list[dict], inconclusive: int = 0) -> dict:
    return {"counts": {**counts, "inconclusive": inconclusive},
            "evidence": failing[:MAX_EVIDENCE], "evidence_total": len(failing)}


def online_share(services: list[dict], params: dict) -> tuple[float | None, dict]:
    known = [s for s in services if s.get("level") in KNOWN_LEVELS]
    online = [s for s in known if s["level"] in ONLINE_LEVELS]
    offline = [_ref(s, "khong_truc_tuyen") for s in known if s["level"] not in ONLINE_LEVELS]
    return _share(len(online), len(known)), _detail(
        {"online": len(online), "known_level": len(known)}, offline, len(services) - len(known))


def full_share(services: list[dict], params: dict) -> tuple[float | None, dict]:
    known = [s for s in services if s.get("level") in KNOWN_LEVELS]
    full = [s for s in known if s["level"] == "toan_trinh"]
    partial = [_ref(s, s["level"]) for s in known if s["level"] != "toan_trinh"]
    return _share(len(full), len(known)), _detail(
        {"toan_trinh": len(full), "known_level": len(known)}, partial, len(services) - len(known))


def live_share(services: list[dict], params: dict) -> tuple[float | None, dict]:
    # Readiness of the online services: only a dead status (not found, server error,
    # DNS, TLS, redirect loop, ...) counts against; blocked/timeout/error are left out.
    online = [s for s in services if s.get("level") in ONLINE_LEVELS] or \
        [s for s in services if s.get("level") not in KNOWN_LEVELS]
    judged = [s for s in online if _judged_status(s)]
    dead = [_ref(s) for s in judged if s["status"] in DEAD_STATUSES]
    live = sum(1 for s in judged if s["status"] == "live")
    return _share(live, len(judged)), _detail(
        {"live": live, "dead": len(dead), "judged": len(judged)}, dead, len(online) - len(judged))


def completeness(services: list[dict], params: dict) -> tuple[float | None, dict]:
    rated = [s for s in services if s.get("status") == "live" and s.get("completeness") is not None]
    short = [_ref(s, f"completeness={s['completeness']:.2f}") for s in rated if s["completeness"] < 1]
    value = sum(min(max(float(s["completeness"]), 0.0), 1.0) for s in rated) / len(rated) if rated else None
    return value, _detail({"rated": len(rated)}, short, len(services) - len(rated))


def online_submission(services: list[dict], params: dict) -> tuple[float | None, dict]:
    known = [s for s in services if s.get("has_online_submission") is not None]
    if not known:
        return None, _detail({"known": 0}, [], len(services))
    has = sum(1 for s in known if s["has_online_submission"])
    return (1.0 if has else 0.0), _detail({"with_submission": has, "known": len(known)}, [],
                                          len(services) - len(known))


def payment_full(services: list[dict], params: dict) -> tuple[float | None, dict]:
    full = [s for s in services if s.get("level") == "toan_trinh" and s.get("has_online_payment") is not None]
    missing = [_ref(s, "no_online_payment") for s in full if not s["has_online_payment"]]
    return _share(len(full) - len(missing), len(full)), _detail(
        {"with_payment": len(full) - len(missing), "toan_trinh_known": len(full)}, missing)


def clicks(services: list[dict], params: dict) -> tuple[float | None, dict]:
    limit = int(params.get("max_clicks", 3))
    known = [s for s in services if s.get("clicks") is not None]
    far = [_ref(s, f"clicks={s['clicks']}") for s in known if int(s["clicks"]) > limit]
    return _share(len(known) - len(far), len(known)), _detail(
        {"within": len(known) - len(far), "known": len(known), "max_clicks": limit}, far,
        len(services) - len(known))


def level_points(services: list[dict], params: dict) -> tuple[float | None, dict]:
    # Sum of points per service by level (legacy 1/1/4/8). A dead service earns
    # nothing; a blocked or timed-out one keeps its points (never counted as dead).
    points = params.get("points") or {}
    if not services:
        return None, _detail({"services": 0}, [])
    dead = [_ref(s) for s in services if s.get("status") in DEAD_STATUSES]
    total = sum(float(points.get(s.get("level"), 0)) for s in services
                if s.get("status") not in DEAD_STATUSES)
    return total, _detail({"services": len(services), "dead": len(dead)}, dead)


def online_count(services: list[dict], params: dict) -> tuple[float | None, dict]:
    if not services:
        return None, _detail({"services": 0}, [])
    online = [s for s in services if s.get("level") in ONLINE_LEVELS]
    dead = [_ref(s) for s in online if s.get("status") in DEAD_STATUSES]
    return float(len(online) - len(dead)), _detail({"online": len(online), "dead": len(dead)}, dead)


# What a portal offers. A service portal that answers and says its list is empty
# (services_listed: fail/empty_list) offers nothing: these measures are 0 for it.
# The others (completeness, payment, clicks, live share) judge the services
# themselves and do not apply when there are none.
OFFER_MEASURES = frozenset({"online_share", "full_share", "online_submission", "level_points", "online_count"})


def empty_list(measure: str, listed: dict) -> tuple[float | None, dict]:
    """The value of `measure` for a portal that lists nothing (None: not applicable);
    the evidence is where the portal said so."""
    ev = listed.get("evidence")
    ev = ev if isinstance(ev, dict) else {}
    where = [{"url": listed.get("evidence_url") or ev.get("url"), "label": "services_listed",
              "snippet": listed.get("snippet") or ev.get("snippet"), "reason": "empty_list", "outcome": "fail"}]
    detail = {**_detail({"services": 0}, where if measure in OFFER_MEASURES else []), "reason": "empty_list"}
    return (0.0 if measure in OFFER_MEASURES else None), detail


MEASURES: dict[str, Callable[[list[dict], dict], tuple[float | None, dict[str, Any]]]] = {
    "online_share": online_share,
    "full_share": full_share,
    "live_share": live_share,
    "completeness": completeness,
    "online_submission": online_submission,
    "payment_full": payment_full,
    "clicks": clicks,
    "level_points": level_points,
    "online_count": online_count,
}
