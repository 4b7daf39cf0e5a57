"""Reads and writes of a run's archive bookkeeping (docs/archive.md): where its
WACZ is and its digest, and which run a re-judgement re-judged. (Which record
each fetch and observation rests on is in their own rows.)"""
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
