"""Run inside a mount namespace (`unshare -m`): the results database lives on
a 16 MB tmpfs, which a filler file fills up as soon as the portal is asked for
its homepage; then the filler is removed and the run resumed. Prints JSON."""
import errno
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from loopback import PYTHON, LoopbackServer, write_targets  # noqa: E402


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as fh:
        chunk = b"\0" * 65536
        try:
            while True:
                fh.write(chunk)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    try:  # the last few bytes too
        with filler.open("ab") as fh:
            while True:
                fh.write(b"\0")
                fh.flush()
    except OSError:
        pass
    return filler


def main(tmp: str) -> None:
    disk = Path(tmp) / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], check=True)
    db = disk / "r.db"
    filled = threading.Event()

    def homepage(h):
        if not filled.is_set():
            fill(disk)
            filled.set()
            time.sleep(0.5)
        h.reply(200, "<html><head><title>Cổng thông tin</title></head><body>" + "<p>Giới thiệu</p>" * 2000
                + "</body></html>")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with LoopbackServer({"/": homepage, "/robots.txt": lambda h: h.reply(404, "")}) as server:
        targets = write_targets(Path(tmp) / "t.csv", [{"id": "so-a", "name": "Sở A", "portal_url": server.url + "/"}])
        first = subprocess.run([PYTHON, "-m", "crawler", "--lang", "en", "sweep", "--targets", str(targets),
                                "--db", str(db), "--spiders", "portal", "--workers", "1",
                                "-s", "PORTALCHECK_WRITE_WAIT_SECONDS=1"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        status1 = conn.execute("SELECT status FROM runs WHERE id = 1").fetchone()[0]
        progress1 = conn.execute("SELECT COUNT(*) FROM run_progress").fetchone()[0]
        conn.close()
        (disk / "filler").unlink()
        again = subprocess.run([PYTHON, "-m", "crawler", "--lang", "en", "sweep", "--resume", "1", "--db", str(db)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    conn = sqlite3.connect(db)
    print(json.dumps({
        "first_rc": first.returncode, "first_stderr": first.stderr[-2000:], "status_after_first": status1,
        "progress_after_first": progress1, "resume_rc": again.returncode, "resume_stderr": again.stderr[-2000:],
        "status_after_resume": conn.execute("SELECT status FROM runs WHERE id = 1").fetchone()[0],
        "progress_after_resume": conn.execute("SELECT COUNT(*) FROM run_progress").fetchone()[0]}))


if __name__ == "__main__":
    main(sys.argv[1])
