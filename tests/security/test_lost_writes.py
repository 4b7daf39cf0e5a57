"""A write that fails never becomes a "finished" run: another process holding
the write lock past PORTALCHECK_WRITE_WAIT_SECONDS, or a full disk, leaves
the target unfinished, the run `incomplete` (exit 3, said in words), and
`sweep --resume` redoes exactly those targets."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from loopback import ROOT, LoopbackServer, run_cli, write_targets

PAGE = "<html><head><title>Cổng thông tin điện tử</title></head><body><p>Giới thiệu</p></body></html>"


def hold_write_lock(db, release: threading.Event, held: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    conn.execute("BEGIN EXCLUSIVE")
    held.set()
    release.wait(180)
    conn.execute("ROLLBACK")
    conn.close()


def test_a_write_kept_waiting_leaves_the_run_incomplete_and_resume_redoes_it(tmp_path):
    db = tmp_path / "r.db"
    held, release = threading.Event(), threading.Event()
    holder: list[threading.Thread] = []

    def homepage(h):
        # The crawl has started (its spider is open): take the write lock and
        # keep it until the sweep's log says both targets could not be stored.
        if not holder:
            holder.append(threading.Thread(target=hold_write_lock, args=(db, release, held), daemon=True))
            holder[0].start()
        held.wait(5)
        h.reply(200, PAGE)

    with LoopbackServer({"/": homepage, "/robots.txt": lambda h: h.reply(404, "")}) as server:
        targets = write_targets(tmp_path / "t.csv", [{"id": "so-a", "name": "Sở A", "portal_url": server.url + "/?a"},
                                                     {"id": "so-b", "name": "Sở B", "portal_url": server.url + "/?b"}])
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "--lang", "en", "sweep", "--targets", str(targets),
                                 "--db", str(db), "--spiders", "portal", "--workers", "1", "--verbose",
                                 "-s", "PORTALCHECK_WRITE_WAIT_SECONDS=1"],
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stderr_lines: list[str] = []
        for line in proc.stderr:
            stderr_lines.append(line)
            failed = "".join(stderr_lines)
            if "could not store so-a" in failed and "could not store so-b" in failed:
                release.set()
        release.set()
        proc.wait(timeout=240)
        holder[0].join()
        first_stderr = "".join(stderr_lines)
        assert proc.returncode == 3, first_stderr[-3000:]
        assert "Run 1 is INCOMPLETE" in first_stderr and "writing to the database failed" in first_stderr
        assert "portalcheck sweep --resume 1" in first_stderr
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT status FROM runs WHERE id = 1").fetchone()[0] == "incomplete"
        assert conn.execute("SELECT COUNT(*) FROM run_progress").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM scorings").fetchone()[0] == 0   # an incomplete run is not ranked
        conn.close()

        again = run_cli("--lang", "en", "sweep", "--resume", "1", "--db", str(db), timeout=240)
    assert again.returncode == 0, again.stderr[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM runs WHERE id = 1").fetchone()[0] == "finished"
    assert {r[0] for r in conn.execute("SELECT target_id FROM run_progress")} == {"so-a", "so-b"}
    # each target's rows once: nothing of the failed attempt was kept
    homes = conn.execute("SELECT target_id, COUNT(*) FROM fetches WHERE purpose = 'homepage' GROUP BY target_id")
    assert dict(homes) == {"so-a": 1, "so-b": 1}
    assert conn.execute("SELECT COUNT(*) FROM scorings WHERE run_id = 1").fetchone()[0] == 1


def test_a_full_disk_is_said_as_such_and_resume_finishes(tmp_path):
    """In a mount namespace of its own, the database lives on a small tmpfs
    that fills up while the target is being crawled (tests/security/disk_full_scenario.py)."""
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.fail("needs `unshare -m` (root, or CAP_SYS_ADMIN in a container): "
                    + probe.stderr.decode()[:200], pytrace=False)
    result = subprocess.run(["unshare", "-m", sys.executable, "tests/security/disk_full_scenario.py", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["first_rc"] == 3, data["first_stderr"]
    assert "the disk is full" in data["first_stderr"], data["first_stderr"]
    assert "Traceback" not in data["first_stderr"]
    assert data["status_after_first"] in ("incomplete", "running")   # never "finished"
    assert data["progress_after_first"] == 0
    assert data["resume_rc"] == 0, data["resume_stderr"]
    assert data["status_after_resume"] == "finished" and data["progress_after_resume"] == 1
