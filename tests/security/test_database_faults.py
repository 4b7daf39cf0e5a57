"""Every command meets a database it cannot use with one clear line, exit 2,
and the file untouched: a directory, random bytes, a truncated database,
another program's SQLite file, a schema from a newer portalcheck, a read-only
file. Nothing here reaches the network: each command stops at the database."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from loopback import PYTHON, ROOT

from crawler.cli.i18n import get_lang, set_lang
from crawler.cli.main import main
from results import store


@pytest.fixture(autouse=True)
def keep_language():
    before = get_lang()
    yield
    set_lang(before)


def valid_db(path: Path) -> Path:
    db = store.open_db(path)
    run_id = store.create_run(db, mode="sweep", label="q4", targets=[{"target_id": "so-a", "name": "Sở A"}])
    store.complete_target(db, run_id, "so-a", "portal",
                          {"fetches": [{"target_id": "so-a", "purpose": "homepage", "url": "http://127.0.0.1/",
                                        "status": "live", "http_status": 200, "error": "x" * 4000}] * 30}, {})
    store.finish_run(db, run_id)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def make_fault(kind: str, tmp: Path) -> Path:
    path = tmp / "r.db"
    if kind == "directory":
        path.mkdir()
    elif kind == "random_bytes":
        path.write_bytes(os.urandom(9000))
    elif kind == "truncated":
        valid_db(path)
        with path.open("r+b") as fh:
            fh.truncate(6000)
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, password TEXT)")
        conn.execute("INSERT INTO users VALUES (1, 'x')")
        conn.commit()
        conn.close()
    elif kind == "newer_schema":
        valid_db(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    return path


def fingerprint(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commands(db: Path, tmp: Path) -> dict[str, list[str]]:
    targets = tmp / "t.csv"
    targets.write_text("id,name,kind,group,portal_url,services_url\nso-a,Sở A,province,tinh,http://127.0.0.1:9/,\n",
                       encoding="utf-8")
    return {
        "sweep": ["sweep", "--targets", str(targets), "--db", str(db)],
        "sweep --resume": ["sweep", "--resume", "1", "--db", str(db)],
        "check": ["check", "http://127.0.0.1:9/", "--db", str(db)],
        "export": ["export", "--db", str(db)],
        "score": ["score", "--db", str(db)],
        "report": ["report", "--db", str(db), "--out", str(tmp / "reports")],
        "diff": ["diff", "--db", str(db)],
        "monitor": ["monitor", "--targets", str(targets), "--db", str(db)],
        "monitor --report": ["monitor", "--report", "--db", str(db)],
        "serve": ["serve", "--db", str(db), "--port", "9"],
    }


REASONS = {"directory": "it is a directory", "random_bytes": "not an SQLite database",
           "truncated": None, "foreign": "another program's SQLite database",
           "newer_schema": "a newer portalcheck wrote it"}


@pytest.mark.parametrize("fault", sorted(REASONS))
def test_every_command_meets_a_database_fault_with_one_line_and_exit_2(fault, tmp_path, capsys):
    db = make_fault(fault, tmp_path)
    before = fingerprint(db)
    for name, argv in commands(db, tmp_path).items():
        code = main(["--lang", "en", *argv])
        err = capsys.readouterr().err
        assert code == 2, (name, code, err)
        lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Kiểm tra")]
        assert "Traceback" not in err, (name, err)
        fault_lines = [line for line in lines if "Cannot use the results database" in line]
        assert len(fault_lines) == 1, (name, err)
        assert str(db) in fault_lines[0] and "was not changed" in fault_lines[0]
        if REASONS[fault]:
            assert REASONS[fault] in fault_lines[0], (name, err)
        assert fingerprint(db) == before, f"{name} changed the {fault} file"


def test_a_read_only_database_is_refused_for_writing_and_left_as_it_was(tmp_path):
    """Run as an unprivileged user (root ignores file modes)."""
    folder = Path(tempfile_dir())
    try:
        db = valid_db(folder / "r.db")
        targets = folder / "t.csv"
        targets.write_text("id,name,kind,group,portal_url,services_url\n"
                           "so-a,Sở A,province,tinh,http://127.0.0.1:9/,\n", encoding="utf-8")
        db.chmod(0o444)
        folder.chmod(0o555)
        before = fingerprint(db)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        if prefix and shutil.which("setpriv") is None:
            pytest.fail("setpriv (util-linux) is needed to test as an unprivileged user", pytrace=False)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder), "TMPDIR": str(folder)}
        result = subprocess.run([*prefix, PYTHON, "-m", "crawler", "--lang", "en", "sweep", "--targets",
                                 str(targets), "--db", str(db)], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 2, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert "Cannot use the results database" in result.stderr and "read-only" in result.stderr
        assert fingerprint(db) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def tempfile_dir() -> str:
    import tempfile

    path = tempfile.mkdtemp(prefix="pc-ro-", dir="/tmp")
    os.chmod(path, 0o755)
    return path
