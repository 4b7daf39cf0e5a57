"""The pipeline writes a target once all its items arrived, whatever order
Scrapy's concurrent output processing delivers them in."""
from __future__ import annotations

import json
import sqlite3

from crawler.items import ObservationItem, TargetCompleted, TargetItem
from crawler.pipelines import SQLitePipeline
from crawler.registry.targets import Target
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


class Spider:
    """What the pipeline reads of a spider: its name and its targets."""
    def __init__(self, targets):
        self.name = "services"
        self.targets = {t: Target(id=t, name=t, kind=None, group=None, parent=None, portal_url=None,
                                  services_url=None, notes=None)
                        for t in targets}


def staged(db_path):
    conn = sqlite3.connect(db_path)
    return dict(conn.execute("SELECT target_id, COUNT(*) FROM staged_rows GROUP BY target_id"))


def new_run(tmp_path):
    db_path = tmp_path / "p.db"
    return db_path, store.create_run(store.open_db(db_path), mode="sweep")


def spilling_pipeline(db_path, run_id, targets, rows_in_memory):
    """A services pipeline, opened, that spills past `rows_in_memory` rows."""
    p = SQLitePipeline(str(db_path), run_id, None, "nd42-2025", {}, rows_in_memory=rows_in_memory)
    p.open_spider(Spider(targets))
    return p


def test_past_the_memory_limit_the_biggest_target_spills_and_comes_back_whole(tmp_path):
    db_path, run_id = new_run(tmp_path)
    p = spilling_pipeline(db_path, run_id, ["big", "small"], 6)
    evidence = {"url": "https://x.gov.vn/đ", "n": 1}
    p.process_item(ObservationItem(target_id="small", category="function", key="s0", outcome="pass",
                                   evidence=evidence))
    for n in range(7):
        p.process_item(ObservationItem(target_id="big", category="function", key=f"b{n}", outcome="pass",
                                       evidence=evidence))
    assert staged(db_path) == {"big": 6} and p.held == 2   # down to half the limit, biggest first
    p.process_item(TargetCompleted(target_id="big", spider="services", items=7))
    p.process_item(TargetCompleted(target_id="small", spider="services", items=1))
    conn = sqlite3.connect(db_path)
    assert [k for (k,) in conn.execute("SELECT key FROM observations WHERE target_id = 'big' ORDER BY id")] \
        == [f"b{n}" for n in range(7)]                        # staged first, in arrival order
    assert conn.execute("SELECT COUNT(*) FROM observations WHERE target_id = 'small'").fetchone()[0] == 1
    assert staged(db_path) == {} and p.held == 0
    # a staged row comes back as the row itself: types, NULLs and JSON evidence
    conn.row_factory = sqlite3.Row
    moved, direct = (dict(conn.execute("SELECT * FROM observations WHERE key = ?", [k]).fetchone())
                     for k in ("b0", "s0"))
    assert {k: type(v) for k, v in moved.items()} == {k: type(v) for k, v in direct.items()}
    assert json.loads(moved["evidence"]) == json.loads(direct["evidence"]) == {"url": "https://x.gov.vn/đ", "n": 1}
    p.close_spider(None)


def test_rows_a_killed_sweep_staged_are_dropped_when_the_target_is_redone(tmp_path):
    db_path, run_id = new_run(tmp_path)
    killed = spilling_pipeline(db_path, run_id, ["t1"], 2)
    for n in range(3):
        killed.process_item(ObservationItem(target_id="t1", category="function", key=f"old{n}", outcome="fail"))
    assert staged(db_path) == {"t1": 3}
    killed.db.conn.close()                                     # killed here: t1 never completed
    resumed = spilling_pipeline(db_path, run_id, ["t1"], 2)
    assert staged(db_path) == {}
    resumed.process_item(ObservationItem(target_id="t1", category="function", key="new", outcome="pass"))
    resumed.process_item(TargetCompleted(target_id="t1", spider="services", items=1))
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT key FROM observations").fetchall() == [("new",)]
    resumed.close_spider(None)


def test_the_space_of_staged_rows_goes_back_to_the_filesystem(tmp_path):
    db_path, run_id = new_run(tmp_path)
    p = spilling_pipeline(db_path, run_id, ["big"], 50)
    for n in range(3000):
        p.process_item(ObservationItem(target_id="big", category="function", key=f"k{n}", outcome="pass",
                                       evidence={"text": "Thủ tục hành chính " * 20}))
    p.process_item(TargetCompleted(target_id="big", spider="services", items=3000))
    p.close_spider(None)
    db = store.open_db(db_path)
    free = db.conn.execute("PRAGMA freelist_count").fetchone()[0]
    assert free > 100                       # the staged rows' pages, now free
    store.reclaim_space(db)
    assert db.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert db.conn.execute("SELECT COUNT(*) FROM observations").fetchone()[0] == 3000
