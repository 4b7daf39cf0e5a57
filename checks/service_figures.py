"""Per-target figures and verdicts over a target's judged services (docs/services.md:
an empty portal, a partial list).

Legal basis: Decree 42/2022/NĐ-CP Art. 11 (toàn trình / một phần) and Decree
43/2011/NĐ-CP Art. 3 (levels 1-4): what share of a target's procedures is
offered online, and whether each online service answers; Circular 32/2017 for
the detail, click and submission verdicts. A tool failure (blocked, timeout,
render_failed, error) is never held against the agency: nothing listed for such
a reason is inconclusive, and a list we could not read to its end is "partial".
Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checks.model import DEAD_STATUSES, UNJUDGEABLE_STATUSES, Observation
from checks.service_level import vocabulary

LEGAL_REF = "Decree 42/2022 Art. 11; Decree 43/2011 Art. 3"
ONLINE = ("toan_trinh", "mot_phan")
KNOWN = ("toan_trinh", "mot_phan", "khong_truc_tuyen")


def _get(service: Any, key: str) -> Any:
    return service.get(key) if isinstance(service, dict) else getattr(service, key, None)


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def figures(services: Iterable[Any]) -> dict[str, Any]:
    """Per-target figures over judged services (dicts or ServiceItems).

    Shares leave out what says nothing about the agency: unknown levels from
    the level shares, and blocked / timed-out / tool-error pages from the live
    shares (checks.model.UNJUDGEABLE_STATUSES). A live or blocked service is
    never counted dead.
    """
    services = list(services)
    detail = vocabulary_detail()
    by_level = {key: 0 for key in (*KNOWN, "unknown")}
    by_status: dict[str, int] = {}
    per_level: dict[str, dict[str, int]] = {k: {"live": 0, "dead": 0, "unjudgeable": 0} for k in by_level}
    for s in services:
        level = _get(s, "level") if _get(s, "level") in by_level else "unknown"
        status = _get(s, "status") or "error"
        by_level[level] += 1
        by_status[status] = by_status.get(status, 0) + 1
        bucket = "live" if status == "live" else "dead" if status in DEAD_STATUSES else "unjudgeable"
        per_level[level][bucket] += 1
    known = sum(by_level[k] for k in KNOWN)
    online = by_level["toan_trinh"] + by_level["mot_phan"]
    out: dict[str, Any] = {
        "services_listed": len(services), "by_level": by_level, "by_status": by_status,
        "online": online, "known_level": known, "online_share": _share(online, known),
        "dead": sum(v["dead"] for v in per_level.values()),
        "unjudgeable": sum(v["unjudgeable"] for v in per_level.values()),
    }
    for level in (*KNOWN, "unknown"):
        judged = per_level[level]["live"] + per_level[level]["dead"]
        out[f"live_share_{level}"] = _share(per_level[level]["live"], judged)
        out[f"judged_{level}"] = judged
        out[f"dead_{level}"] = per_level[level]["dead"]
    judged_online = sum(per_level[k]["live"] + per_level[k]["dead"] for k in ONLINE)
    out["live_share_online"] = _share(sum(per_level[k]["live"] for k in ONLINE), judged_online)
    rated = [float(_get(s, "completeness")) for s in services
             if _get(s, "status") == "live" and _get(s, "completeness") is not None]
    out["completeness_rated"] = len(rated)
    out["completeness_share"] = round(sum(rated) / len(rated), 4) if rated else None
    out["complete_services"] = sum(1 for r in rated if r >= detail["complete_min"])
    out["complete_share"] = _share(out["complete_services"], len(rated))
    sub = [s for s in services if _get(s, "level") in ONLINE and _get(s, "has_online_submission") is not None]
    out["online_submission_share"] = _share(sum(1 for s in sub if _get(s, "has_online_submission")), len(sub))
    pay = [s for s in services if _get(s, "level") == "toan_trinh" and _get(s, "has_online_payment") is not None]
    out["online_payment_share"] = _share(sum(1 for s in pay if _get(s, "has_online_payment")), len(pay))
    clicks = [int(_get(s, "clicks")) for s in services if _get(s, "clicks") is not None]
    out["max_clicks"] = detail["max_clicks"]
    out["within_clicks_share"] = _share(sum(1 for c in clicks if c <= detail["max_clicks"]), len(clicks))
    return out


def vocabulary_detail() -> dict:
    from checks.service_detail import detail_vocabulary
    return detail_vocabulary()


def _verdict(share: float | None, minimum: float) -> str:
    if share is None:
        return "inconclusive"
    return "pass" if share >= minimum else "fail"


def coverage(seen: int, announced: dict | None, truncated_by: str | None, unjudged_lists: int) -> dict[str, Any]:
    """How much of the list was read: the services seen, the count the portal
    announced ("Tổng số: 1.234 thủ tục"), whether a bound cut the list (and which),
    and list pages we could not read (blocked, timeout). `complete` is False when
    any of these says the list was not read to its end: the score is partial."""
    share = vocabulary()["listing"]["complete_share"]
    count = (announced or {}).get("count")
    short = bool(count) and seen < count * share
    out = {"seen": seen, "announced": count, "truncated": bool(truncated_by),
           "complete": not (truncated_by or unjudged_lists or short)}
    if announced:
        out["announced_phrase"], out["announced_url"] = announced.get("phrase"), announced.get("url")
    if truncated_by:
        out["truncated_by"] = truncated_by
    if unjudged_lists:
        out["unread_list_pages"] = unjudged_lists
    if not out["complete"]:
        out["reason"] = ("truncated" if truncated_by else "list_pages_unread" if unjudged_lists
                         else "fewer_than_announced")
    return out


def unread_problem(rejected: list[dict]) -> str | None:
    """Why no service portal was found, when a link to one could not be read:
    a link that was blocked or timed out was not shown to be no portal."""
    unread = [r["status"] for r in rejected if r.get("status") in UNJUDGEABLE_STATUSES]
    return unread[0] if unread else None


def listing_problem(problem: str | None, services_found: int, portal_url: str | None,
                    portal_status: str | None) -> str | None:
    """The reason a target's service list cannot be judged, if any: no portal
    found, a portal that did not answer, or what the crawl ran into (`problem`),
    which services found outweigh."""
    if not portal_url:
        return (problem if not services_found else None) or "not_discovered"
    if portal_status != "live":
        return portal_status
    return problem if not services_found else None


def spa_problem(render_status: str | None, api_status: str | None = None) -> str:
    """Why a single-page portal's list could not be read: our browser failing
    (or being turned off) or its API refusing us (a firewall, a timeout) is not
    the portal hiding its list (`js_shell_unlisted`)."""
    if render_status == "render_failed":
        return "render_failed"
    if api_status in UNJUDGEABLE_STATUSES:
        return api_status
    return "js_shell_unlisted"


def listing_verdict(listed: int, problem: str | None, empty: list[dict], established: bool,
                    cover: dict | None = None) -> tuple[str, dict[str, Any]]:
    """(outcome, evidence) of `services_listed`.

    Services listed: pass (with the coverage). None listed: inconclusive with
    the reason nothing could be listed (not discovered, blocked, render_failed,
    js_shell_unlisted…); fail `empty_list` only when a service portal that is
    established (its own host, the national one, or the target file's address)
    answered and said where its list is that it holds nothing, and no list page
    was left unread.
    """
    if listed:
        return "pass", {"coverage": cover} if cover else {}
    if problem:
        return "inconclusive", {"reason": problem}
    if empty and established and not (cover or {}).get("unread_list_pages"):
        return "fail", {"reason": "empty_list", "url": empty[0]["url"], "snippet": empty[0]["marker"],
                        "empty_lists": empty[:10]}
    return "inconclusive", {"reason": "no_services_found", **({"empty_lists": empty[:10]} if empty else {})}


def observations(figs: dict[str, Any], portal_kind: str | None = None,
                 listing_problem: str | None = None, dead_examples: list[dict] | None = None,
                 *, empty: list[dict] | None = None, established: bool = True,
                 cover: dict | None = None) -> list[Observation]:
    """The per-target verdicts, each carrying the figures as evidence.

    `listing_problem` says why nothing could be listed (e.g. `js_shell_unlisted`):
    zero listed services is then inconclusive, never a fail. An empty list
    (`empty`: where the portal said so) fails services_listed and online_share.
    """
    from checks.service_detail import LEGAL_REF as DETAIL_REF
    thresholds = vocabulary()["thresholds"]
    base = {"portal_kind": portal_kind, "by_level": figs["by_level"], "by_status": figs["by_status"]}
    listed = figs["services_listed"]
    outcome, ev = listing_verdict(listed, listing_problem, empty or [], established, cover)
    obs = [Observation("service", "services_listed", outcome, LEGAL_REF,
                       {**base, "services_listed": listed, "known_level": figs["known_level"], **ev})]
    is_empty = ev.get("reason") == "empty_list"
    online = "inconclusive" if figs["online_share"] is None else "pass" if figs["online"] else "fail"
    obs.append(Observation("service", "online_share", "fail" if is_empty else online, LEGAL_REF, {
        **base, "online": figs["online"], "known_level": figs["known_level"],
        "online_share": figs["online_share"],
        **({"reason": "empty_list"} if is_empty else {"reason": "no_known_level"}
           if figs["online_share"] is None else {})}))
    for level in ONLINE:
        n = figs["by_level"][level]
        share = figs[f"live_share_{level}"]
        ev = {"level": level, "services": n, "judged": figs[f"judged_{level}"],
              "dead": figs[f"dead_{level}"], "live_share": share, "examples_dead":
              [d for d in (dead_examples or []) if d.get("level") == level][:25]}
        if not n:
            outcome, ev["reason"] = "not_applicable", f"no_{level}_services"
        else:
            outcome = _verdict(share, thresholds["live_share_pass"])
            if share is None:
                ev["reason"] = "nothing_judgeable"
        obs.append(Observation("service", f"live_share_{level}", outcome, LEGAL_REF, ev))
    detail = vocabulary_detail()
    comp = figs["completeness_share"]
    obs.append(Observation("service", "completeness_share", _verdict(comp, detail["complete_min"]),
                           DETAIL_REF, {"completeness_share": comp, "rated": figs["completeness_rated"],
                                        "complete_services": figs["complete_services"],
                                        "complete_share": figs["complete_share"],
                                        **({"reason": "nothing_rated"} if comp is None else {})}))
    within = figs["within_clicks_share"]
    obs.append(Observation("service", "within_clicks", _verdict(within, 1.0), DETAIL_REF, {
        "within_clicks_share": within, "max_clicks": figs["max_clicks"],
        **({"reason": "no_click_depth"} if within is None else {})}))
    for key, share in (("online_submission", figs["online_submission_share"]),
                       ("online_payment", figs["online_payment_share"])):
        obs.append(Observation("service", key, _verdict(share, 1.0), DETAIL_REF, {
            f"{key}_share": share, **({"reason": "not_known"} if share is None else {})}))
    return obs


def dead_examples(services: Iterable[Any], limit: int = 50) -> list[dict]:
    """A few dead services per target, as evidence (url, code, status)."""
    out: list[dict] = []
    for s in services:
        if _get(s, "status") in DEAD_STATUSES and len(out) < limit:
            out.append({"url": _get(s, "url"), "code": _get(s, "code"), "level": _get(s, "level"),
                        "status": _get(s, "status"), "http_status": _get(s, "http_status")})
    return out




__all__ = ["figures", "coverage", "listing_verdict", "observations", "dead_examples"]
