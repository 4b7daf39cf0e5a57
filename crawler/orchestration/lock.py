"""One monitor pass at a time per database: an flock'ed file next to the DB.

Cron starts a pass every few minutes whether or not the previous one ended
(a slow portal, a long timeout). A second pass on the same database must not
interleave its states with the first's: it finds the lock held and gives up
at once. The kernel drops an flock when its process dies, so a killed pass
never leaves a stale lock behind; the file itself stays (deleting it would let
two processes lock two different files).
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


class Locked(RuntimeError):
    """The lock is held by another process (`pid`, if it wrote one)."""

    def __init__(self, path: Path, pid: str | None):
        self.path, self.pid = path, pid
        super().__init__(f"{path} is held by process {pid or '?'}")


def lock_path(db_path: str | Path, name: str = "monitor") -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.{name}.lock")


@contextmanager
def hold(db_path: str | Path, name: str = "monitor"):
    """Hold the lock for `db_path` while the block runs; raise Locked at once if taken."""
    path = lock_path(db_path, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or None
        finally:
            os.close(fd)
        raise Locked(path, holder) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
