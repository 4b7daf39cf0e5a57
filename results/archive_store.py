"""Reads and writes of a run's archive bookkeeping (docs/archive.md): where its
WACZ is and its digest, which run a re-judgement re-judged, which archived
records its evidence and screenshots are."""
from __future__ import annotations

from results.store import transaction


def set_run_archive(db, run_id: int, path: str, digest: str) -> None:
    with transaction(db):
        db["runs"].update(run_id, {"archive_path": path, "archive_digest": digest})


def mark_rejudge(db, run_id: int, original: int) -> None:
    with transaction(db):
        db["runs"].update(run_id, {"rejudge_of": original})


def run_archive(db, run_id: int) -> dict | None:
    """{path, digest, rejudge_of} of a run, or None when the run does not exist."""
    rows = list(db.query("SELECT archive_path AS path, archive_digest AS digest, rejudge_of "
                         "FROM runs WHERE id = ?", [int(run_id)]))
    return rows[0] if rows else None


def screenshots(db, run_id: int, target_id: str) -> list[dict]:
    """The screenshots kept of a target's rendered pages: url, purpose, record id."""
    return list(db.query(
        "SELECT final_url AS url, purpose, screenshot_record_id AS record_id FROM fetches "
        "WHERE run_id = ? AND target_id = ? AND screenshot_record_id IS NOT NULL ORDER BY id",
        [int(run_id), target_id]))


def record_belongs_to_run(db, run_id: int, record_id: str) -> bool:
    """True when a record id is one this run's rows name (serve shows no other)."""
    query = ("SELECT 1 FROM fetches WHERE run_id = :run AND (archive_record_id = :rec OR screenshot_record_id = :rec) "
             "UNION ALL SELECT 1 FROM observations WHERE run_id = :run AND archive_record_id = :rec LIMIT 1")
    return bool(list(db.query(query, {"run": int(run_id), "rec": record_id})))
