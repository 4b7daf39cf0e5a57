"""Results databases that cannot be used, named in words a person can act on.

`results.store` raises `DatabaseError` from `open_db` and from every write;
`check_readable` looks at a file without writing to it (`portalcheck serve`).
The CLI turns a DatabaseError into one line and exit status 2 (crawler.cli.main).
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from results import schema

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A results database that cannot be used, in words a person can act on.

    `reason` is one of: is_directory, not_a_database, foreign, newer_schema,
    read_only, disk_full, locked, corrupt, unreadable, io. Raised by `open_db`
    and by every write (`transaction`); the CLI turns it into one line and exit
    status 2 (crawler.cli.main), the sweep pipeline into an unfinished target.
    """

    def __init__(self, path: str | Path, reason: str, detail: str = ""):
        self.path, self.reason, self.detail = str(path), reason, detail
        super().__init__(f"{path}: {reason}" + (f" ({detail})" if detail else ""))


_PRIMARY_CODES = {5: "locked", 6: "locked", 8: "read_only", 10: "io", 11: "corrupt", 13: "disk_full",
                  14: "unreadable", 23: "unreadable", 26: "not_a_database", 3: "unreadable"}


def fault_reason(exc: BaseException) -> str:
    """The DatabaseError reason for an sqlite3 or OS error."""
    if isinstance(exc, DatabaseError):
        return exc.reason
    if isinstance(exc, OSError):
        return {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EISDIR: "is_directory",
                errno.EACCES: "unreadable", errno.EPERM: "unreadable", errno.EROFS: "read_only"}.get(exc.errno or 0, "io")
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _PRIMARY_CODES:
        return _PRIMARY_CODES[code & 0xFF]
    text = str(exc).lower()
    for needle, reason in (("disk is full", "disk_full"), ("locked", "locked"), ("busy", "locked"),
                           ("readonly", "read_only"), ("not a database", "not_a_database"),
                           ("malformed", "corrupt"), ("unable to open", "unreadable"),
                           ("disk i/o", "io")):
        if needle in text:
            return reason
    return "io"


def as_database_error(exc: BaseException, path: str | Path) -> DatabaseError:
    return exc if isinstance(exc, DatabaseError) else DatabaseError(path, fault_reason(exc), str(exc))


def check_readable(path: str | Path) -> None:
    """Raise DatabaseError unless `path` is a portalcheck database this version
    can read; opens it read-only, so nothing is written, whatever it is."""
    path = Path(path)
    refuse_unusable(path)
    if not path.exists():
        raise DatabaseError(path, "unreadable", "no such file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise as_database_error(exc, path) from exc
    if version > schema.SCHEMA_VERSION:
        raise DatabaseError(path, "newer_schema", f"{version} > {schema.SCHEMA_VERSION}")
    if "runs" not in tables:
        raise DatabaseError(path, "foreign", ", ".join(sorted(tables)[:5]))


def refuse_unusable(path: Path) -> None:
    """Faults seen from outside SQLite: a directory, a file that is not SQLite."""
    if path.is_dir():
        raise DatabaseError(path, "is_directory")
    if path.exists():
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise DatabaseError(path, "not_a_database")


def check_writable_folder(path: Path) -> None:
    """A database not created yet: its folder (or the nearest existing parent)
    must let us create it. Nothing is created."""
    import os

    refuse_unusable(path)
    folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseError(path, "read_only", f"cannot create files in {folder}")

