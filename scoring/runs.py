"""Glue between the results database and the pure scorer, for the commands.

Reads and writes go through results.store and results.scoring_store only.
"""
from __future__ import annotations

from typing import Any

from results import scoring_store, store
from scoring.methodology import choose_methodology, load_methodology
from scoring.scorer import score_run

# Runs that inspect portals (monitor passes only re-check reachability).
SCORABLE_MODES = ("sweep", "check")


def scorable_run(db, run: str | int | None) -> dict | None:
    """A run by id, or "latest": the latest sweep/check that is no longer running (one still
    running has few of its rows yet, and a report of it would show most units as missing),
    else the latest sweep/check."""
    if run not in (None, "latest"):
        return store.get_run(db, int(run))
    return (store.get_run(db, "latest", mode=SCORABLE_MODES, ended=True)
            or store.get_run(db, "latest", mode=SCORABLE_MODES))


def resolve_run(db, run: str | int | None) -> dict | None:
    """scorable_run, else (a database of monitoring passes only) the latest run of any mode."""
    return scorable_run(db, run) or (store.get_run(db, "latest") if run in (None, "latest") else None)


def score_and_save(db, run: dict, methodology: str | None = None) -> tuple[int, list[dict], dict]:
    """Score a stored run afresh and store the scoring; returns (scoring_id, scores, methodology)."""
    m = load_methodology(methodology or choose_methodology(run))
    evidence = store.load_evidence(db, run["id"])
    scores = score_run(evidence, m)
    scoring_id = scoring_store.save_scoring(db, run["id"], m["name"], scores,
                                    settings={"options": m.get("options", {}),
                                              "decimals": m["decimals"],
                                              "min_testable_share": m["min_testable_share"]})
    return scoring_id, scores, m


def stored_scores(db, run_id: int) -> tuple[str, list[dict]] | None:
    """The latest stored scoring of a run as (methodology name, score rows), or None."""
    scoring = scoring_store.latest_scoring(db, run_id)
    if scoring is None:
        return None
    rows = scoring_store.scores_for(db, scoring["id"])
    for r in rows:
        r["methodology"] = scoring["methodology"]
    return scoring["methodology"], rows


def scores_for_run(db, run: dict, methodology: str | None = None,
                   save: bool = True) -> tuple[list[dict], dict]:
    """Stored scores of the run (if made with the wanted methodology), else a fresh
    scoring, stored when `save`."""
    found = stored_scores(db, run["id"])
    if found and (methodology is None or found[0] == methodology):
        try:
            return found[1], load_methodology(found[0])
        except FileNotFoundError:
            pass  # scored with a methodology file no longer shipped: score again
    if save:
        _, scores, m = score_and_save(db, run, methodology)
        return scores, m
    m = load_methodology(methodology or choose_methodology(run))
    return score_run(store.load_evidence(db, run["id"]), m), m


def previous_run(db, run: dict) -> dict | None:
    """The latest earlier run of the scorable modes, for the change chart."""
    earlier = [r for r in store.list_runs(db) if r["id"] < run["id"] and r["mode"] in SCORABLE_MODES]
    return earlier[-1] if earlier else None


def previous_bundle(db, run: dict, methodology: dict) -> dict[str, Any] | None:
    """{"evidence", "scores"} of the previous run, scored with the same methodology
    (in memory when not stored that way) so the change compares like with like."""
    prev = previous_run(db, run)
    if prev is None:
        return None
    evidence = store.load_evidence(db, prev["id"])
    found = stored_scores(db, prev["id"])
    if found and found[0] == methodology["name"]:
        scores = found[1]
    else:
        scores = score_run(evidence, methodology)
    return {"evidence": evidence, "scores": scores}
