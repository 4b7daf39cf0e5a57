"""What a distributed sweep survives, each with a real redis-server and real
workers: Redis restarted empty in the middle of a sweep (at most the unfinished
groups re-enqueued from the database), and the coordinator killed and resumed
(only what is not stored enqueued again; the jobs still queued adopted)."""
from __future__ import annotations

import os
import re
import signal

from cluster import Farm, run_status, start_sweep, start_worker, stop, stored, wait_for
from loopback import run_cli
from rq import Queue
from rq.registry import FinishedJobRegistry

from crawler.distributed import redis_names
from crawler.distributed.jobs import SERIALIZER

PORTALS = 4


def test_a_redis_restart_costs_at_most_a_re_enqueue_of_the_unfinished_groups(redis_server, tmp_path):
    with Farm(portals=PORTALS, delay=0.4) as farm:
        targets = farm.write_targets(tmp_path / "targets.csv")
        db = tmp_path / "d.db"
        workers = [start_worker(redis_server.url, f"w{i}", tmp_path / f"w{i}.log") for i in range(2)]
        sweep = start_sweep("--targets", str(targets), "--db", str(db), "--redis", redis_server.url,
                            log=tmp_path / "sweep.log")
        try:
            wait_for(lambda: len(stored(db)) >= 1 or sweep.poll() is not None, 120, "a target stored")
            before = len(stored(db))
            redis_server.restart(down_seconds=1.0)  # no persistence: the queue, jobs and stream are gone
            sweep.wait(180)
        finally:
            for process in (sweep, *workers):
                stop(process)
        log = (tmp_path / "sweep.log").read_text()
        assert sweep.returncode == 0, log[-3000:]
        assert before < PORTALS, "Redis restarted too late to test anything"
        assert run_status(db) == "finished"
        assert len(stored(db)) == PORTALS and max(stored(db).values()) == 1
        assert "Lost Redis redis://127.0.0.1:" in log and "is back" in log
        # only groups not stored when Redis came back were enqueued again
        assert 1 <= log.count("re-enqueued what is not stored") <= PORTALS - before


def test_a_coordinator_killed_and_resumed_re_enqueues_only_what_is_not_stored(redis_server, tmp_path):
    with Farm(portals=PORTALS, delay=0.4) as farm:
        targets = farm.write_targets(tmp_path / "targets.csv")
        db = tmp_path / "d.db"
        worker = start_worker(redis_server.url, "w0", tmp_path / "w0.log")
        sweep = start_sweep("--targets", str(targets), "--db", str(db), "--redis", redis_server.url,
                            log=tmp_path / "sweep.log")
        queue = Queue("portalcheck", connection=redis_names.connect(redis_server.url), serializer=SERIALIZER)
        try:
            wait_for(lambda: len(stored(db)) >= 1, 120, "a target stored")
            os.killpg(sweep.pid, signal.SIGKILL)
            sweep.wait()
            stop(worker)  # SIGTERM: the job it runs is finished first (RQ's warm shutdown)
            assert worker.returncode == 0
        finally:
            stop(sweep)
            stop(worker)
        assert run_status(db) == "running"  # killed: nobody could mark it
        ran = FinishedJobRegistry(queue=queue).count
        assert 1 <= ran < PORTALS, "killed too late to test anything"
        second = start_worker(redis_server.url, "w1", tmp_path / "w1.log")
        try:
            result = run_cli("--lang", "en", "sweep", "--resume", "1", "--db", str(db), "--redis",
                             redis_server.url, "-s", "PORTALCHECK_COORDINATOR_POLL_SECONDS=0.2", timeout=300)
        finally:
            stop(second)
        assert result.returncode == 0, result.stderr[-3000:]
        assert run_status(db) == "finished"
        assert len(stored(db)) == PORTALS and max(stored(db).values()) == 1
        # the groups left were still queued: adopted, none enqueued again; every group's job ran once
        enqueued = re.search(r"Enqueued (\d+) host group\(s\).*\((\d+) already queued or running\)", result.stderr)
        assert enqueued and enqueued.groups() == ("0", str(PORTALS - ran)), result.stderr[-2000:]
        assert FinishedJobRegistry(queue=queue).count == PORTALS
