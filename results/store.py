"""Every write to and read from the results database, through sqlite-utils.

This module stores and reads; it never judges. Writes are short transactions
so a monitor pass and a sweep can share one database (WAL + busy timeout).
"""
from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

from results import schema

# The faults, re-exported: callers say store.DatabaseError.
from results.faults import (  # noqa: F401
    DatabaseError,
    as_database_error,
    check_readable,
    check_writable_folder,
    fault_reason,
    refuse_unusable,
)
from results.schema import migrate

DEFAULT_DB = Path("results") / "portalcheck.db"
BUSY_TIMEOUT_MS = 30_000

_JSON_COLUMNS = {"evidence", "redirect_chain", "settings", "criteria"}
# Binary columns (a screenshot's image): base64 text while a row waits (in
# memory, staged as JSON, sent to a coordinator), bytes once stored.
_BLOB_COLUMNS = {"image"}
_STAMP_COLUMNS = {"fetches": "fetched_at", "observations": "observed_at", "services": "observed_at",
                  "screenshots": "taken_at"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def open_db(path: str | Path = DEFAULT_DB, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite_utils.Database:
    """Open (creating and upgrading if needed) a results database.

    Nothing is written to a file that is not a portalcheck database (another
    program's SQLite file, a truncated or foreign file) or that a newer
    portalcheck wrote: those raise DatabaseError before any write.
    """
    path = Path(path)
    try:
        refuse_unusable(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None,
                               check_same_thread=False)
        try:
            _setup(conn, path, busy_timeout_ms)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        raise as_database_error(exc, path) from exc
    db = sqlite_utils.Database(conn)
    db.pc_path = str(path)  # type: ignore[attr-defined]  # where faults are told to be
    return db


def check_writable(path: str | Path) -> None:
    """Raise DatabaseError unless a run could be written to `path`, before a
    command fetches anything. A missing file is not created; an existing one
    is opened (and upgraded, as the run would) and a write lock taken and
    given back, writing nothing."""
    path = Path(path)
    if not path.exists():
        check_writable_folder(path)
        return
    db = open_db(path)
    try:
        with transaction(db):
            pass
    finally:
        db.conn.close()


def _setup(conn: sqlite3.Connection, path: Path, busy_timeout_ms: int) -> None:
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    # Read before any write: a newer schema, or another program's database,
    # is refused untouched (journal mode and migrations write).
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version > schema.SCHEMA_VERSION:
        raise DatabaseError(path, "newer_schema", f"{version} > {schema.SCHEMA_VERSION}")
    if tables and "runs" not in tables:
        raise DatabaseError(path, "foreign", ", ".join(sorted(tables)[:5]))
    if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        # A new file: pages freed later (staged rows, pruned monitor data) can
        # be given back to the filesystem (reclaim_space). Only settable now.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)


@contextmanager
def transaction(db):
    """One write transaction, taken at once (BEGIN IMMEDIATE) so that a second
    writer waits on the busy timeout instead of failing mid-way. sqlite-utils
    calls inside nest as savepoints."""
    path = getattr(db, "pc_path", "?")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise as_database_error(exc, path) from exc
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException as exc:
        if db.conn.in_transaction:
            try:
                db.conn.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may have rolled back already (disk full)
                pass
        if isinstance(exc, (sqlite3.Error, OSError)):
            raise as_database_error(exc, path) from exc
        raise


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as it waits to be stored: JSON columns as text, booleans as
    integers, binary columns as base64 text (a row is JSON all the way)."""
    return {k: base64.b64encode(v).decode("ascii") if k in _BLOB_COLUMNS and isinstance(v, (bytes, bytearray))
            else v for k, v in _encode(row).items()}


def _blobs(row: dict[str, Any]) -> dict[str, Any]:
    """Binary columns back to bytes, as they are stored."""
    for key in _BLOB_COLUMNS & row.keys():
        if isinstance(row[key], str):
            row[key] = base64.b64decode(row[key])
    return row


@retry(retry=retry_if_exception(lambda e: isinstance(e, sqlite3.OperationalError) and "locked" in str(e)),
       wait=wait_exponential(multiplier=0.05, max=2), stop=stop_after_delay(BUSY_TIMEOUT_MS / 1000), reraise=True)
def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL is a property of the file, set once. SQLite does not wait on its busy
    timeout while another process creates the same file, so this is retried."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if key in _JSON_COLUMNS and value is not None and not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False, default=str)
        elif isinstance(value, bool):
            value = int(value)
        out[key] = value
    return out


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_COLUMNS & row.keys():
        if isinstance(row[key], str):
            try:
                row[key] = json.loads(row[key])
            except ValueError:
                pass
    return row


# --- runs -----------------------------------------------------------------

def create_run(db, mode: str, label: str | None = None, methodology: str | None = None,
               settings: dict | None = None, tool_version: str | None = None,
               targets: list[dict[str, Any]] | None = None) -> int:
    """A new run, with its targets in the same transaction (a run killed at once
    can still be resumed: it knows what it was to do)."""
    with transaction(db):
        run_id = db["runs"].insert(_encode({
            "label": label, "mode": mode, "methodology": methodology, "started_at": now(),
            "status": "running", "tool_version": tool_version, "settings": settings or {},
        })).last_pk
        if targets:
            db["run_targets"].insert_all([_encode({"run_id": run_id, **t}) for t in targets], alter=False)
    return run_id


def reopen_run(db, run_id: int) -> None:
    """A run resumed: running again, not finished."""
    with transaction(db):
        db["runs"].update(run_id, {"status": "running", "finished_at": None})


def join_run(db, run_id: int, settings: dict) -> None:
    """Another bare `scrapy crawl` joins a run (run_to_join): running again, spiders noted."""
    with transaction(db):
        db["runs"].update(run_id, _encode({"status": "running", "finished_at": None, "settings": settings}))


def finish_run(db, run_id: int, status: str = "finished") -> None:
    with transaction(db):
        db["runs"].update(run_id, {"finished_at": now(), "status": status})


def get_run(db, run_id: int | str | None = None, mode: str | tuple[str, ...] | None = None,
            ended: bool = False) -> dict | None:
    """A run by id, or the latest one ("latest" or None), optionally of a mode, and with
    `ended` only among runs no longer running."""
    if run_id not in (None, "latest"):
        rows = list(db.query("SELECT * FROM runs WHERE id = ?", [int(run_id)]))
    else:
        modes = (mode,) if isinstance(mode, str) else (mode or ("sweep", "check", "monitor"))
        marks = ",".join("?" * len(modes))
        still = " AND status != 'running'" if ended else ""
        rows = list(db.query(
            f"SELECT * FROM runs WHERE mode IN ({marks}){still} ORDER BY id DESC LIMIT 1", list(modes)))
    return _decode(rows[0]) if rows else None


def run_to_join(db, label: str, spider: str) -> dict | None:
    """The run a bare `scrapy crawl SPIDER -s PORTALCHECK_RUN_LABEL=LABEL` joins: the latest
    sweep with that label that another bare `scrapy crawl` started and this spider has not
    written into yet. `scrapy crawl portal` then `scrapy crawl services` with one label are
    one sweep, as `portalcheck sweep` makes (docs/cli.md)."""
    for row in db.query("SELECT * FROM runs WHERE mode = 'sweep' AND label = ? ORDER BY id DESC LIMIT 1", [label]):
        run = _decode(row)
        settings = run.get("settings") or {}
        if "spider" not in settings or spider in (settings.get("spiders_joined") or [settings["spider"]]):
            return None
        return run
    return None


def list_runs(db, mode: str | None = None) -> list[dict]:
    where, params = ("WHERE mode = ?", [mode]) if mode else ("", [])
    return [_decode(r) for r in db.query(f"SELECT * FROM runs {where} ORDER BY id", params)]


# --- what a sweep writes ----------------------------------------------------

def save_run_target(db, run_id: int, target: dict[str, Any]) -> None:
    """Insert or complete a target's row for a run (the only row a run updates)."""
    row = {"run_id": run_id, **target}
    with transaction(db):
        db["run_targets"].upsert(_encode(row), pk=("run_id", "target_id"), alter=False)


def save_run_targets(db, run_id: int, targets: list[dict[str, Any]]) -> None:
    """Register a run's targets (as swept) in one transaction."""
    with transaction(db):
        db["run_targets"].upsert_all([_encode({"run_id": run_id, **t}) for t in targets],
                                     pk=("run_id", "target_id"), alter=False)


def stage_rows(db, run_id: int, spider: str,
               rows: dict[str, dict[str, list[dict[str, Any]]]]) -> int:
    """Spill rows of targets still being swept ({target: {table: rows}}) out of
    memory, in one transaction; `complete_target` moves them to their tables."""
    staged = [(run_id, spider, target_id, table, json.dumps(row, ensure_ascii=False, default=str))
              for target_id, tables in rows.items()
              for table, table_rows in tables.items()
              for row in _stamped(run_id, table, table_rows, staged=True)]
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO staged_rows (run_id, spider, target_id, tbl, row) VALUES (?, ?, ?, ?, ?)", staged)
    return len(staged)


def drop_staged(db, run_id: int, spider: str, target_ids: Iterable[str]) -> None:
    """Forget the spilled rows of targets about to be (re)done: a killed sweep
    left them, and the target's rows are written whole or not at all."""
    with transaction(db):
        db.conn.executemany(
            "DELETE FROM staged_rows WHERE run_id = ? AND spider = ? AND target_id = ?",
            [(run_id, spider, t) for t in target_ids])


def _move_staged(db, run_id: int, spider: str, target_id: str) -> None:
    """Staged rows into their tables, in their arrival order (JSON decoded by
    SQLite itself: no Python object per row)."""
    key = [run_id, spider, target_id]
    screenshots = [_blobs(json.loads(r[0])) for r in db.conn.execute(
        "SELECT row FROM staged_rows WHERE run_id = ? AND spider = ? AND target_id = ? AND tbl = 'screenshots' "
        "ORDER BY id", key)]
    if screenshots:   # base64 in the staged JSON: SQLite cannot decode it itself
        db["screenshots"].insert_all(screenshots, alter=False)
    for table in ("fetches", "observations", "services"):
        columns = [c for c in db[table].columns_dict if c != "id"]
        names = ", ".join(f'"{c}"' for c in columns)
        values = ", ".join(f"json_extract(row, '$.\"{c}\"')" for c in columns)
        db.conn.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM staged_rows "
            "WHERE run_id = ? AND spider = ? AND target_id = ? AND tbl = ? ORDER BY id", key + [table])
    db.conn.execute("DELETE FROM staged_rows WHERE run_id = ? AND spider = ? AND target_id = ?", key)


def complete_target(db, run_id: int, target_id: str, spider: str,
                    rows: dict[str, list[dict[str, Any]]], target_fields: dict[str, Any],
                    staged_as: str | None = None) -> None:
    """Write everything one spider found about one target, atomically, with its
    progress marker: after a kill, a target is either all there or not at all.
    `staged_as`: some of its rows were spilled earlier (`stage_rows`, under
    that name) and come first."""
    stamp = now()
    with transaction(db):
        if staged_as:
            _move_staged(db, run_id, staged_as, target_id)
        for table, table_rows in rows.items():
            _insert_rows(db, table, run_id, table_rows)
        if target_fields:
            db["run_targets"].upsert(_encode({"run_id": run_id, "target_id": target_id, **target_fields}),
                                     pk=("run_id", "target_id"), alter=False)
        db["run_progress"].insert({"run_id": run_id, "target_id": target_id, "spider": spider,
                                   "finished_at": stamp}, replace=True)


def reclaim_space(db) -> None:
    """Give the pages of deleted rows (a sweep's staged rows) back to the
    filesystem, in a database created with incremental auto-vacuum; a no-op
    in an older one (a `VACUUM` converts it)."""
    if db.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
        # executescript steps it to the end; execute() would free one page
        db.conn.executescript("PRAGMA incremental_vacuum;")


def finished_targets(db, run_id: int, spider: str) -> set[str]:
    return {r["target_id"] for r in db.query(
        "SELECT target_id FROM run_progress WHERE run_id = ? AND spider = ?", [run_id, spider])}


def add_rows(db, table: str, run_id: int, rows: Iterable[dict[str, Any]]) -> int:
    """Append rows to fetches, observations, services or screenshots in one short transaction."""
    with transaction(db):
        return _insert_rows(db, table, run_id, rows)


def _insert_rows(db, table: str, run_id: int, rows: Iterable[dict[str, Any]]) -> int:
    stamped = _stamped(run_id, table, rows)
    if stamped:
        db[table].insert_all(stamped, alter=False)
    return len(stamped)


def _stamped(run_id: int, table: str, rows: Iterable[dict[str, Any]], staged: bool = False) -> list[dict[str, Any]]:
    """Rows with their run and time; binary columns as bytes unless `staged` (kept as JSON)."""
    stamp_column = _STAMP_COLUMNS[table]
    stamped = []
    for row in rows:
        row = {"run_id": run_id, **row}
        if not row.get(stamp_column):
            row[stamp_column] = now()
        stamped.append(_encode(row) if staged else _blobs(_encode(row)))
    return stamped


# --- reads ------------------------------------------------------------------

def run_targets(db, run_id: int) -> list[dict]:
    return [_decode(r) for r in db.query(
        "SELECT * FROM run_targets WHERE run_id = ? ORDER BY target_id", [run_id])]


def rows_for_run(db, table: str, run_id: int, target_id: str | None = None) -> list[dict]:
    assert table in {"fetches", "observations", "services"}
    sql = f"SELECT * FROM {table} WHERE run_id = ?"
    params: list[Any] = [run_id]
    if target_id is not None:
        sql += " AND target_id = ?"
        params.append(target_id)
    return [_decode(r) for r in db.query(sql + " ORDER BY id", params)]


def load_evidence(db, run_id: int) -> dict[str, Any]:
    """Everything scoring needs about a run, as plain data."""
    run = get_run(db, run_id)
    if run is None:
        raise LookupError(run_id)
    targets = []
    for t in run_targets(db, run_id):
        t["id"] = t["target_id"]
        t["group"] = t.pop("group_name")
        targets.append(t)
    return {
        "run": run,
        "targets": targets,
        "observations": rows_for_run(db, "observations", run_id),
        "services": rows_for_run(db, "services", run_id),
    }
