"""`sweep --redis` with real `portalcheck worker` processes and a real
redis-server: the same rows as a sweep on one machine, each target stored once,
a password never shown, and a worker killed with SIGKILL costing only a redo
of its job (crawler.distributed)."""
from __future__ import annotations

import signal
import sqlite3

import pytest
from cluster import FAST, Farm, alive, children, rows, run_status, start_sweep, start_worker, stop, stored, wait_for
from loopback import run_cli
from rq import Queue
from rq.registry import FinishedJobRegistry, StartedJobRegistry

from crawler.demo.redis_server import RedisServer
from crawler.distributed import redis_names
from crawler.distributed.jobs import SERIALIZER


@pytest.fixture(scope="module")
def farm():
    with Farm(portals=3, delay=0.05) as farm:
        yield farm


@pytest.fixture(scope="module")
def reference(farm, tmp_path_factory):
    """The farm swept on this machine, in one process: what every distributed sweep must store."""
    tmp = tmp_path_factory.mktemp("reference")
    targets = farm.write_targets(tmp / "targets.csv")
    db = tmp / "r.db"
    result = run_cli("sweep", "--targets", str(targets), "--db", str(db), "--spiders", "portal", *FAST,
                     "--workers", "1", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return targets, rows(db)


def test_two_workers_store_what_one_machine_stores_and_never_show_the_password(reference, tmp_path):
    targets, expected = reference
    with RedisServer(password="s3cr3t-pw") as server:
        workers = [start_worker(server.url, f"w{i}", tmp_path / f"w{i}.log") for i in range(2)]
        try:
            db = tmp_path / "d.db"
            result = run_cli("--lang", "en", "sweep", "--targets", str(targets), "--db", str(db), "--spiders",
                             "portal", "--redis", server.url, *FAST, timeout=300)
        finally:
            for worker in workers:
                stop(worker)  # SIGTERM: RQ's warm shutdown
        worker_logs = "".join((tmp_path / f"w{i}.log").read_text() for i in range(2))
        assert result.returncode == 0, result.stderr[-3000:]
        assert run_status(db) == "finished"
        assert rows(db) == expected
        assert max(stored(db).values()) == 1 and len(stored(db)) == 3
        # who did what is shown, the password nowhere
        assert "Enqueued 3 host group(s)" in result.stderr
        assert "(worker w0)" in result.stderr or "(worker w1)" in result.stderr
        assert "Worker w0 stopped." in worker_logs and "Worker w1 stopped." in worker_logs
        settings = sqlite3.connect(db).execute("SELECT settings FROM runs").fetchone()[0]
        for text in (result.stderr, result.stdout, worker_logs, settings):
            assert "s3cr3t-pw" not in text
        assert "redis://:***@127.0.0.1" in result.stderr
        # nothing of the sweep's own is left in Redis (RQ keeps its finished jobs for their TTL)
        connection = redis_names.connect(server.url)
        assert not connection.keys(redis_names.PREFIX + "*")


def test_a_worker_killed_with_sigkill_costs_only_a_redo_of_its_job(reference, redis_server, tmp_path):
    targets, expected = reference
    slow = Farm(portals=3, delay=0.5)  # a group takes seconds: time to kill a worker inside one
    with slow:
        targets = slow.write_targets(tmp_path / "targets.csv")
        db = tmp_path / "d.db"
        first = start_worker(redis_server.url, "w0", tmp_path / "w0.log")
        sweep = start_sweep("--targets", str(targets), "--db", str(db), "--redis", redis_server.url,
                            log=tmp_path / "sweep.log")
        second = None
        try:
            queue = Queue("portalcheck", connection=redis_names.connect(redis_server.url), serializer=SERIALIZER)
            wait_for(lambda: StartedJobRegistry(queue=queue).count > 0 and children(first.pid), 60,
                     "a job started")
            horses = children(first.pid)
            first.send_signal(signal.SIGKILL)
            first.wait()
            wait_for(lambda: not any(alive(pid) for pid in horses), 5, "the work-horse to die with its worker")
            second = start_worker(redis_server.url, "w1", tmp_path / "w1.log")
            sweep.wait(120)
        finally:
            for process in (sweep, second):
                if process is not None:
                    stop(process)
        log = (tmp_path / "sweep.log").read_text()
        assert sweep.returncode == 0, log[-3000:]
        assert run_status(db) == "finished"
        assert max(stored(db).values()) == 1 and len(stored(db)) == 3
        # one job redone by RQ (its abandoned-job cleanup), the others run once
        finished = [queue.fetch_job(job_id) for job_id in FinishedJobRegistry(queue=queue).get_job_ids()]
        assert len(finished) == 3
        assert sorted(job.retries_left for job in finished) == [2, 3, 3]
        assert log.count(" started (") == 4
        farm_rows = rows(db)
    # the same verdicts as the quick farm's (the pages are the same; only their hosts differ)
    assert sorted((k[1:], n) for k, n in farm_rows.items() if k[1] != "fetch") == \
        sorted((k[1:], n) for k, n in expected.items() if k[1] != "fetch")


def test_a_stuck_group_is_shown_with_its_worker(redis_server, tmp_path):
    """A portal that answers nothing for longer than PORTALCHECK_STUCK_GROUP_SECONDS: the coordinator
    says which group looks stuck and on which worker (then the fetch timeouts end it)."""
    with Farm(portals=1, delay=4) as hung:
        targets = hung.write_targets(tmp_path / "targets.csv")
        worker = start_worker(redis_server.url, "w-stuck", tmp_path / "w.log")
        try:
            result = run_cli("--lang", "en", "sweep", "--targets", str(targets), "--db", str(tmp_path / "d.db"),
                             "--spiders", "portal", "--redis", redis_server.url, *FAST,
                             "-s", "PORTALCHECK_STUCK_GROUP_SECONDS=1", "-s", "DOWNLOAD_TIMEOUT=3", timeout=300)
        finally:
            stop(worker)
    assert result.returncode == 0, result.stderr[-3000:]
    # the group by its target's name, never its id
    assert "Group UBND xã Thử 0 looks stuck on worker w-stuck: no target finished for" in result.stderr
