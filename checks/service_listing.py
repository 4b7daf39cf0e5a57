"""Every service a service portal lists, and the per-target figures over them
(issue "Online public services", items 2 and 6).

Legal basis: Decree 42/2022/NĐ-CP Art. 11 (toàn trình / một phần) and Decree
43/2011/NĐ-CP Art. 3 (levels 1-4): what share of a target's procedures is
offered online, and whether each online service answers.

The parsers live beside this module, one per kind of portal:
- `service_listing_html`: server-rendered tables and link lists with page links,
  and the AJAX fragments of Liferay portlets;
- `service_listing_api`: single-page apps over a JSON API (the national portal).
This module holds what they share: the listed service, the SPA-shell test, and
`figures()` / `observations()` over judged services. Pure: no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import lxml.html

from checks.fetch_status import visible_text
from checks.model import DEAD_STATUSES, Observation
from checks.service_level import UNKNOWN, Level, vocabulary

LEGAL_REF = "Decree 42/2022 Art. 11; Decree 43/2011 Art. 3"
ONLINE = ("toan_trinh", "mot_phan")
KNOWN = ("toan_trinh", "mot_phan", "khong_truc_tuyen")


@dataclass(slots=True)  # a sweep holds one per listed service: tens of thousands
class ListedService:
    """A service as a list shows it, before its own page is fetched."""

    url: str
    code: str | None = None
    name: str | None = None
    level: Level = UNKNOWN
    list_url: str | None = None          # the list page or API call it came from
    api_id: str | None = None            # the JSON API's id, to ask for its record
    extra: dict[str, Any] = field(default_factory=dict)


def is_spa_shell(html: str) -> bool:
    """An empty single-page-app shell: `<div id="root"></div>` and almost no text.

    Such a page means "needs rendering or the API", never "no services"
    (real example: dichvucong.gov.vn in 2026).
    """
    if not html:
        return False
    api = vocabulary()["api"]
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return False
    roots = [el for rid in api["shell_root_ids"] for el in doc.xpath(f'//*[@id="{rid}"]')]
    if not roots or any(len(el) or (el.text or "").strip() for el in roots):
        return False
    body = doc.find("body")
    text = visible_text(lxml.html.tostring(body, encoding="unicode")) if body is not None else ""
    has_script = bool(doc.xpath("//script[@src]"))
    return has_script and len(text) <= api["shell_max_text_chars"]


def script_sources(html: str, base_url: str) -> list[str]:
    """The JS bundles a shell loads (`/assets/index-*.js`), to scan for API paths."""
    from urllib.parse import urljoin
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    return [urljoin(base_url, s) for s in doc.xpath("//script/@src") if s.strip()]


# --- figures ------------------------------------------------------------

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


def observations(figs: dict[str, Any], portal_kind: str | None = None,
                 listing_problem: str | None = None, dead_examples: list[dict] | None = None
                 ) -> list[Observation]:
    """The per-target verdicts, each carrying the figures as evidence.

    `listing_problem` says why nothing could be listed (e.g. `js_shell_unlisted`):
    zero listed services is then inconclusive, never a fail.
    """
    from checks.service_detail import LEGAL_REF as DETAIL_REF
    thresholds = vocabulary()["thresholds"]
    base = {"portal_kind": portal_kind, "by_level": figs["by_level"], "by_status": figs["by_status"]}
    obs = []
    listed = figs["services_listed"]
    if listed:
        obs.append(Observation("service", "services_listed", "pass", LEGAL_REF,
                               {**base, "services_listed": listed, "known_level": figs["known_level"]}))
    else:
        obs.append(Observation("service", "services_listed", "inconclusive", LEGAL_REF,
                               {**base, "services_listed": 0,
                                "reason": listing_problem or "no_services_found"}))
    online = "inconclusive" if figs["online_share"] is None else "pass" if figs["online"] else "fail"
    obs.append(Observation("service", "online_share", online, LEGAL_REF, {
        **base, "online": figs["online"], "known_level": figs["known_level"],
        "online_share": figs["online_share"],
        **({"reason": "no_known_level"} if figs["online_share"] is None else {})}))
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
    out = []
    for s in services:
        if _get(s, "status") in DEAD_STATUSES and len(out) < limit:
            out.append({"url": _get(s, "url"), "code": _get(s, "code"), "level": _get(s, "level"),
                        "status": _get(s, "status"), "http_status": _get(s, "http_status")})
    return out


__all__ = ["ListedService", "is_spa_shell", "script_sources", "figures", "observations",
           "dead_examples"]
