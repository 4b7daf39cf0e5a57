"""`--run latest` (report, score, export) is the latest sweep or self-test that is no longer
running: a sweep still under way has few rows yet and would show most units as missing."""
from __future__ import annotations

from results import store
from scoring.runs import resolve_run


def test_latest_skips_a_sweep_still_running(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    done = store.create_run(db, "sweep", label="quý 3")
    store.finish_run(db, done)
    store.create_run(db, "monitor")                      # a monitoring pass is never "latest" to score
    running = store.create_run(db, "sweep", label="quý 4")
    assert resolve_run(db, "latest")["id"] == done
    assert resolve_run(db, None)["id"] == done
    assert resolve_run(db, str(running))["id"] == running   # asked by number: that run
    store.finish_run(db, running, "incomplete")              # ended, some writes lost: it is the latest now
    assert resolve_run(db, "latest")["id"] == running


def test_with_only_a_running_sweep_latest_is_that_sweep(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    only = store.create_run(db, "sweep")
    assert resolve_run(db, "latest")["id"] == only
