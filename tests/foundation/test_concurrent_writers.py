"""One database, two writers at once (a monitor pass and a sweep): both finish,
nothing is lost, nothing is corrupted."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

from loopback import ROOT


def test_two_processes_write_one_database(tmp_path):
    db = tmp_path / "shared.db"
    env = {"PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "tests/foundation/concurrent_writer.py", str(db), mode, "300"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for mode in ("sweep", "monitor")]
    outputs = [w.communicate(timeout=240) for w in writers]
    for writer, (_out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for out, _ in outputs:
        run_id = int(out.strip())
        assert conn.execute("SELECT COUNT(*) FROM fetches WHERE run_id = ?", [run_id]).fetchone()[0] == 300 * 40
        assert conn.execute("SELECT COUNT(*) FROM run_progress WHERE run_id = ?", [run_id]).fetchone()[0] == 300
        assert conn.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()[0] == "finished"
