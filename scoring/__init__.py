"""Scoring and ranking of stored evidence, and the reports built on it.

    from scoring import load_methodology, score_run
    scores = score_run(results.store.load_evidence(db, run_id), load_methodology("nd42-2025"))

Reports: scoring.reports.write_reports(evidence, scores, out_dir, ...).
"""
from scoring.methodology import choose_methodology, list_methodologies, load_methodology
from scoring.scorer import score_run

__all__ = ["choose_methodology", "list_methodologies", "load_methodology", "score_run"]
