"""The pipeline writes a target once all its items arrived, whatever order
Scrapy's concurrent output processing delivers them in."""
from __future__ import annotations

import sqlite3

from crawler.items import ObservationItem, TargetCompleted, TargetItem
from crawler.pipelines import SQLitePipeline
from results import store


def pipeline(tmp_path):
    db_path = tmp_path / "p.db"
    db = store.open_db(db_path)
    run_id = store.create_run(db, mode="sweep", targets=[{"target_id": "t1", "name": "T1"}])
    db.conn.close()
    p = SQLitePipeline(str(db_path), run_id, None, "nd42-2025", {})
    p.open_spider(None)
    return p, db_path


def rows(db_path):
    conn = sqlite3.connect(db_path)
    return (conn.execute("SELECT key FROM observations ORDER BY key").fetchall(),
            conn.execute("SELECT target_id, spider FROM run_progress").fetchall())


def obs(key):
    return ObservationItem(target_id="t1", category="function", key=key, outcome="inconclusive")


def test_done_overtaking_the_last_items_waits_for_them(tmp_path):
    p, db_path = pipeline(tmp_path)
    p.process_item(obs("rss"))
    p.process_item(TargetCompleted(target_id="t1", spider="portal", items=3))
    assert rows(db_path) == ([], [])          # two items still on their way: nothing written yet
    p.process_item(obs("emc"))
    p.process_item(TargetItem(target_id="t1", portal_status="live"))
    assert rows(db_path) == ([("emc",), ("rss",)], [("t1", "portal")])  # then all at once
    p.close_spider(None)


def test_items_in_order_are_written_at_done(tmp_path):
    p, db_path = pipeline(tmp_path)
    for key in ("a", "b"):
        p.process_item(obs(key))
    p.process_item(TargetCompleted(target_id="t1", spider="portal", items=2))
    assert rows(db_path) == ([("a",), ("b",)], [("t1", "portal")])
    p.close_spider(None)


def test_a_count_that_never_adds_up_still_keeps_what_arrived(tmp_path):
    p, db_path = pipeline(tmp_path)
    p.process_item(obs("a"))
    p.process_item(TargetCompleted(target_id="t1", spider="portal", items=3))
    p.close_spider(None)
    assert rows(db_path) == ([("a",)], [("t1", "portal")])
