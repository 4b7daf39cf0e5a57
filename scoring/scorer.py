"""score_run: stored evidence in, scores out. Pure: no database, no network.

Per target and category: points over the criteria that could be judged
(inconclusive and not-applicable criteria leave the denominator; informational
ones never count), a 0..1 index rounded to the methodology's decimals, a class,
and a competition rank within the peer group on the rounded value. Targets with
too little testable evidence are "insufficient_data"; targets hit by a
showstopper are "showstopper"; neither is ranked.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from scoring.criteria import finish_points, judge, unreachable
from scoring.methodology import load_methodology
from scoring.ranking import classify, competition_ranks, round_score

CATEGORY_ORDER = ("portal", "services", "overall")


def peer_group(target: dict) -> str:
    """Targets are ranked within their group; a target without one is grouped by kind."""
    return target.get("group") or target.get("kind") or "other"


def _target_id(target: dict) -> str:
    return str(target.get("target_id") or target.get("id"))


def score_run(evidence: dict[str, Any], methodology: dict | str) -> list[dict]:
    """One row per target per category ("portal", "services", "overall")."""
    m = methodology if isinstance(methodology, dict) and methodology.get("complete") \
        else load_methodology(methodology)
    run_day = str((evidence.get("run") or {}).get("started_at") or "")[:10] or None
    targets = evidence.get("targets") or []
    obs_by, svc_by = defaultdict(list), defaultdict(list)
    for o in evidence.get("observations") or []:
        obs_by[o.get("target_id")].append(o)
    for s in evidence.get("services") or []:
        svc_by[s.get("target_id")].append(s)

    judged = {}
    for target in targets:
        tid = _target_id(target)
        judged[tid] = [judge(c, target, obs_by[tid], svc_by[tid], run_day) for c in m["criteria"]]
    _finish_relative(targets, judged, m)

    rows: list[dict] = []
    for target in targets:
        tid = _target_id(target)
        stoppers = [s for s in m["showstoppers"] if unreachable(s, target, obs_by[tid])]
        by_cat = {c: _category_row(target, cat=c, entries=[e for e in judged[tid] if e["category"] == c],
                                   m=m, stoppers=stoppers) for c in m["categories"]}
        rows.extend(by_cat.values())
        rows.append(_overall_row(target, by_cat, m, stoppers))
    _rank(rows, m)
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    rows.sort(key=lambda r: (str(r["group"]), order.get(r["category"], 9), r["target_id"]))
    return rows


def _finish_relative(targets: list[dict], judged: dict, m: dict) -> None:
    """"value ÷ best value in the peer group" needs the group's best first."""
    best: dict[tuple, float] = {}
    for target in targets:
        for e in judged[_target_id(target)]:
            if e["method"] == "relative" and e["outcome"] == "pending" and e.get("value") is not None:
                k = (peer_group(target), e["key"])
                best[k] = max(best.get(k, 0.0), float(e["value"]))
    for target in targets:
        for e in judged[_target_id(target)]:
            finish_points(e, best.get((peer_group(target), e["key"])))


def _base(target: dict, category: str, m: dict) -> dict:
    return {"target_id": _target_id(target), "group": peer_group(target), "category": category,
            "methodology": m["name"], "score": None, "points": None, "max_points": None,
            "classification": None, "rank": None, "status": "insufficient_data", "criteria": []}


def _category_row(target: dict, cat: str, entries: list[dict], m: dict, stoppers: list[dict]) -> dict:
    row = _base(target, cat, m)
    row["criteria"] = entries
    counted = [e for e in entries if e["counted"] and e["outcome"] != "not_applicable"]
    judged = [e for e in counted if e["points"] is not None]
    applicable_max = sum(e["max_points"] for e in counted)
    judged_max = sum(e["max_points"] for e in judged)
    points = sum(e["points"] for e in judged)
    row["points"], row["max_points"] = round(points, 4), round(judged_max, 4)
    row["testable_share"] = round(judged_max / applicable_max, 4) if applicable_max else 0.0
    # "Assessed": some criterion of the category had data at all (even inconclusive).
    row["assessed"] = any(not e.get("missing") for e in counted)
    # The services were not all read (a bound cut the list): the score says it is partial.
    partial = next((e["detail"]["coverage"] for e in entries if e.get("partial_list")), None)
    if partial:
        row["partial"] = partial
    hit = [s for s in stoppers if cat in s.get("categories", [])]
    if hit:
        row["status"] = "showstopper"
        row["showstoppers"] = [s["key"] for s in hit]
        return row
    if not applicable_max or row["testable_share"] < float(m["min_testable_share"]) or not judged_max:
        return row
    row["score"] = round_score(points / judged_max, m["decimals"])
    row["classification"] = classify(row["score"], m["classification"]["cutoffs"])
    row["status"] = "ranked"
    return row


def _overall_row(target: dict, by_cat: dict[str, dict], m: dict, stoppers: list[dict]) -> dict:
    row = _base(target, "overall", m)
    parts, weighted, weight_sum, missing = [], 0.0, 0.0, False
    for cat, meta in m["categories"].items():
        weight = float(meta.get("weight", 0))
        r = by_cat[cat]
        raw = (r["points"] / r["max_points"]) if r["status"] == "ranked" and r["max_points"] else None
        skipped = r["status"] == "insufficient_data" and not r["assessed"] and m["overall"]["skip_unassessed"]
        if r["status"] == "showstopper":
            raw = 0.0  # only reached when the showstopper spares the overall row
        parts.append({"key": cat, "legal_ref": "", "max_points": weight, "requirement": "required",
                      "points": None if raw is None else round(raw * weight, 6),
                      "outcome": "skipped" if skipped else r["status"],
                      "detail": {"score": r["score"], "weight": weight}})
        if weight <= 0 or skipped:
            continue
        if raw is None:
            missing = True
            continue
        weighted += raw * weight
        weight_sum += weight
    row["criteria"] = parts
    row["points"], row["max_points"] = round(weighted, 6), round(weight_sum, 6)
    hit = [s for s in stoppers if "overall" in s.get("categories", [])]
    if hit:
        row["status"], row["showstoppers"] = "showstopper", [s["key"] for s in hit]
    elif not missing and weight_sum > 0:
        row["score"] = round_score(weighted / weight_sum, m["decimals"])
        row["classification"] = classify(row["score"], m["classification"]["cutoffs"])
        row["status"] = "ranked"
    return row


def _rank(rows: list[dict], m: dict) -> None:
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        buckets[(r["group"], r["category"])].append(r)
    for bucket in buckets.values():
        values = [r["score"] if r["status"] == "ranked" else None for r in bucket]
        for r, rank in zip(bucket, competition_ranks(values)):
            r["rank"] = rank
