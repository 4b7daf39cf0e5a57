"""Scorings in SQLite: each scoring of a run kept, a new one every time (scorings are history
too), with its scores per target and category. Stores and reads; the scores themselves come from
scoring/ (docs/results.md)."""
from __future__ import annotations

from typing import Any

from results.store import _decode, _encode, now, transaction


def save_scoring(db, run_id: int, methodology: str, scores: list[dict[str, Any]],
                 settings: dict | None = None) -> int:
    """Store one scoring of a run (a new one each time: scorings are history too)."""
    with transaction(db):
        scoring_id = db["scorings"].insert(_encode({
            "run_id": run_id, "methodology": methodology, "created_at": now(),
            "settings": settings or {}})).last_pk
        db["scores"].insert_all([_encode({
            "scoring_id": scoring_id, "run_id": run_id,
            "target_id": s["target_id"], "group_name": s.get("group"),
            "category": s["category"], "score": s.get("score"),
            "points": s.get("points"), "max_points": s.get("max_points"),
            "classification": s.get("classification"), "rank": s.get("rank"),
            "status": s.get("status"), "criteria": s.get("criteria", []),
        }) for s in scores], alter=False)
    return scoring_id


def latest_scoring(db, run_id: int) -> dict | None:
    rows = list(db.query(
        "SELECT * FROM scorings WHERE run_id = ? ORDER BY id DESC LIMIT 1", [run_id]))
    return _decode(rows[0]) if rows else None


def scores_for(db, scoring_id: int) -> list[dict]:
    out = []
    for r in db.query("SELECT * FROM scores WHERE scoring_id = ? ORDER BY id", [scoring_id]):
        r = _decode(r)
        r["group"] = r.pop("group_name")
        out.append(r)
    return out
