"""Exit statuses and global options as docs/cli.md documents them."""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from loopback import ROOT, run_cli

from crawler.demo import DemoFarm


def _popen(*args: str, out=subprocess.PIPE, err=subprocess.PIPE) -> subprocess.Popen:
    # a background process of a non-interactive shell ignores SIGINT: give it the default back
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, text=True,
                            stdout=out, stderr=err,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_serve_exits_2_on_a_missing_database(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2 and str(tmp_path / "none.db") in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_global_options_before_or_after_the_command(tmp_path):
    missing = str(tmp_path / "none.db")
    for args in (["--lang", "en", "diff", "--db", missing], ["diff", "--db", missing, "--lang", "en"],
                 ["--db", missing, "--lang", "en", "diff"], ["diff", "--lang", "en", "--db", missing]):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "none.db" in result.stderr and "unrecognized" not in result.stderr, args
    assert run_cli("targets", "diff", "--help", "--lang", "en").returncode == 0
    refused = run_cli("--db", missing, "demo", "--lang", "en")
    assert refused.returncode == 2 and "uses no results database" in refused.stderr


def test_check_refuses_a_bad_address_as_an_address(tmp_path):
    for url in ("ftp://example.gov.vn/", "http://a b/", "javascript:alert(1)"):
        result = run_cli("--lang", "en", "check", url, "--db", str(tmp_path / "r.db"))
        assert result.returncode == 2, url
        assert "Unusable address (URL)" in result.stderr and "check.csv" not in result.stderr
        assert "line" not in result.stderr
    bad = run_cli("--lang", "en", "check", "http://127.0.0.1:9/", "--fail-under", "portal=2", "--db", str(tmp_path / "r.db"))
    assert bad.returncode == 2 and "Invalid threshold" in bad.stderr
    unknown = run_cli("--lang", "en", "check", "http://127.0.0.1:9/", "--require", "nope", "--db", str(tmp_path / "r.db"))
    assert unknown.returncode == 2 and "No such criterion: nope" in unknown.stderr
    assert not (tmp_path / "r.db").exists()     # refused before anything was fetched or written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.10", 0))
        return s.getsockname()[1]


def test_demo_serve_keeps_the_portals_up_until_sigterm(tmp_path):
    port = _free_port()
    proc = _popen("--lang", "en", "demo", "--serve", "--no-sweep", "--port", str(port), "--out", str(tmp_path))
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        text = "".join(lines)
        assert f"http://127.0.0.10:{port}/" in text and "UBND tỉnh Sông Hồng" in text
        with urllib.request.urlopen(f"http://127.0.0.10:{port}/", timeout=10) as answer:
            assert answer.status == 200
        assert (tmp_path / "targets.csv").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    try:
        urllib.request.urlopen(f"http://127.0.0.10:{port}/", timeout=3)
        raise AssertionError("the demo portals are still up")
    except OSError:
        pass


def test_an_interrupted_sweep_exits_non_zero(tmp_path):
    db = tmp_path / "r.db"
    with DemoFarm(timeout_hang_seconds=10, slow_seconds=0.2) as farm:
        farm.write_targets_csv(tmp_path / "t.csv")
        log = open(tmp_path / "log", "w")   # noqa: SIM115 - read after the process ends
        proc = _popen("sweep", "--targets", str(tmp_path / "t.csv"), "--db", str(db), "-s", "PORTALCHECK_WORKERS=1",
                      out=log, err=log)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not _run_started(db):
                time.sleep(0.3)
            time.sleep(2)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=300)   # a graceful stop waits for requests in flight; slow under load
        finally:
            if proc.poll() is None:
                proc.kill()
    log.close()
    said = (tmp_path / "log").read_text()[-3000:]
    assert code != 0, said
    status = sqlite3.connect(db).execute("SELECT status FROM runs").fetchone()[0]
    assert status == "interrupted", said


def _run_started(db: Path) -> bool:
    try:
        return bool(sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return False
