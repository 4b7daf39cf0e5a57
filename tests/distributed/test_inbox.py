"""The coordinator's side of the row stream (crawler.distributed.inbox), with a
real Redis and a real SQLite database: a target sent twice is stored once (the
first answer), an entry leaves the stream only once stored, and Redis-side
bookkeeping says what is stored so a redone job skips it."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from crawler.distributed import redis_names
from crawler.distributed.inbox import Inbox
from crawler.distributed.outbox import Outbox
from crawler.items import FetchItem
from results import store


def _fetch_rows(target: str, status: str) -> dict:
    item = FetchItem(target_id=target, purpose="home", url=f"http://127.0.0.9/{target}", status=status,
                     http_status=200 if status == "ok" else None)
    return {"fetches": [store.encode_row(asdict(item))]}


def test_a_target_judged_twice_is_stored_once_the_first_answer(redis_server, tmp_path):
    connection = redis_names.connect(redis_server.url)
    db = store.open_db(tmp_path / "r.db")
    run_id = store.create_run(db, mode="sweep", targets=[{"target_id": "xa-a", "name": "Xã A"},
                                                          {"target_id": "xa-b", "name": "Xã B"}])
    sweep = redis_names.new_sweep_id()
    slow = Outbox(connection, sweep, "job-1", "g1", "w0", wait_seconds=5)  # a worker thought dead…
    redo = Outbox(connection, sweep, "job-2", "g1", "w1", wait_seconds=5)  # …and the one redoing its job
    slow.send("started", count=2)
    slow.send("target", spider="portal", target="xa-a", body={"rows": _fetch_rows("xa-a", "ok"),
                                                               "fields": {"portal_status": "live"}})
    redo.send("target", spider="portal", target="xa-a", body={"rows": _fetch_rows("xa-a", "timeout"),
                                                               "fields": {"portal_status": "timeout"}})
    redo.send("target", spider="portal", target="xa-b", body={"rows": _fetch_rows("xa-b", "ok"), "fields": {}})
    inbox = Inbox(connection, sweep, db, run_id, write_wait_seconds=5)
    inbox.load_stored(["portal"])
    messages = inbox.drain()
    assert [(m.kind, m.target, m.worker, m.written) for m in messages] == [
        ("started", "", "w0", False), ("target", "xa-a", "w0", True), ("target", "xa-a", "w1", False),
        ("target", "xa-b", "w1", True)]
    assert inbox.duplicates == 1
    assert [(r["target_id"], r["status"]) for r in db.query("SELECT target_id, status FROM fetches ORDER BY id")] \
        == [("xa-a", "ok"), ("xa-b", "ok")]
    assert store.finished_targets(db, run_id, "portal") == {"xa-a", "xa-b"}
    assert {r["target_id"]: r["portal_status"] for r in store.run_targets(db, run_id)}["xa-a"] == "live"
    assert connection.xlen(redis_names.rows_key(sweep)) == 0  # written, then deleted
    assert redo.stored() == {"portal\x1fxa-a", "portal\x1fxa-b"}
    # a coordinator started again later (a resumed run) knows from the database what is stored
    again = Inbox(connection, sweep, db, run_id, write_wait_seconds=5)
    again.load_stored(["portal"])
    redo.send("target", spider="portal", target="xa-b", body={"rows": _fetch_rows("xa-b", "ok"), "fields": {}})
    assert [m.written for m in again.drain()] == [False]
    assert db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 2


def test_an_entry_stays_in_the_stream_until_its_transaction_committed(redis_server, tmp_path):
    connection = redis_names.connect(redis_server.url)
    db = store.open_db(tmp_path / "r.db")
    run_id = store.create_run(db, mode="sweep", targets=[{"target_id": "xa-a", "name": "Xã A"}])
    sweep = redis_names.new_sweep_id()
    box = Outbox(connection, sweep, "job-1", "g1", "w0", wait_seconds=5)
    bad = _fetch_rows("xa-a", "ok")
    bad["fetches"][0]["no_such_column"] = 1  # the write fails (as a full disk would)
    box.send("target", spider="portal", target="xa-a", body={"rows": bad, "fields": {}})
    inbox = Inbox(connection, sweep, db, run_id, write_wait_seconds=1)
    with pytest.raises(Exception, match="no_such_column"):  # nothing written
        inbox.drain()
    assert connection.xlen(redis_names.rows_key(sweep)) == 1
    assert store.finished_targets(db, run_id, "portal") == set()
