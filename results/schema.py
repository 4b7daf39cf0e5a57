"""The results database: tables, views and the migrations that build them.

History is append-only: every run is kept, rows are never updated except a
run's own bookkeeping (finished_at, status). The schema version lives in
SQLite's `user_version`; a database written by an older portalcheck is
upgraded step by step when it is opened.
"""
from __future__ import annotations

import sqlite3

# Each entry upgrades the schema from version i to i+1. Never edit a shipped
# step: add a new one.
MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        label TEXT,
        mode TEXT NOT NULL,               -- sweep | check | monitor
        methodology TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',   -- running | finished | interrupted | failed
        tool_version TEXT,
        settings TEXT                     -- JSON
    );
    CREATE TABLE run_targets (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT NOT NULL,
        name TEXT, kind TEXT, group_name TEXT, parent TEXT,
        portal_url TEXT, services_url TEXT, notes TEXT,
        portal_status TEXT, portal_http_status INTEGER, portal_final_url TEXT,
        services_portal_url TEXT, services_portal_status TEXT,
        rendered INTEGER DEFAULT 0,
        finished_at TEXT,
        PRIMARY KEY (run_id, target_id)
    );
    -- Which spider has finished which target of a run: what `sweep --resume` skips.
    CREATE TABLE run_progress (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT NOT NULL,
        spider TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (run_id, target_id, spider)
    );
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT,
        purpose TEXT,                     -- homepage, section, service, random_path, ...
        url TEXT NOT NULL,
        final_url TEXT,
        redirect_chain TEXT,              -- JSON list
        http_status INTEGER,
        status TEXT NOT NULL,             -- failure taxonomy
        elapsed_ms REAL,
        bytes INTEGER,
        rendered INTEGER DEFAULT 0,
        error TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX fetches_run_target ON fetches(run_id, target_id);
    CREATE TABLE observations (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT NOT NULL,
        category TEXT NOT NULL,           -- section | function | reachability | service
        key TEXT NOT NULL,
        outcome TEXT NOT NULL,            -- pass | fail | inconclusive | not_applicable
        legal_ref TEXT,
        evidence_url TEXT,
        label TEXT,
        snippet TEXT,
        reason TEXT,
        evidence TEXT,                    -- JSON, everything else
        observed_at TEXT NOT NULL
    );
    CREATE INDEX observations_run_target ON observations(run_id, target_id);
    CREATE TABLE services (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT NOT NULL,
        url TEXT NOT NULL,
        code TEXT, name TEXT,
        level TEXT, level_raw TEXT,
        status TEXT, http_status INTEGER,
        completeness REAL,
        has_online_submission INTEGER,
        has_online_payment INTEGER,
        clicks INTEGER,
        evidence TEXT,                    -- JSON
        observed_at TEXT NOT NULL
    );
    CREATE INDEX services_run_target ON services(run_id, target_id);
    CREATE TABLE scorings (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        methodology TEXT NOT NULL,
        created_at TEXT NOT NULL,
        settings TEXT
    );
    CREATE TABLE scores (
        id INTEGER PRIMARY KEY,
        scoring_id INTEGER NOT NULL REFERENCES scorings(id),
        run_id INTEGER NOT NULL,
        target_id TEXT NOT NULL,
        group_name TEXT,
        category TEXT NOT NULL,           -- portal | services | overall
        score REAL,
        points REAL, max_points REAL,
        classification TEXT,
        rank INTEGER,
        status TEXT,                      -- ranked | insufficient_data | showstopper
        criteria TEXT                     -- JSON list, one entry per criterion
    );
    CREATE INDEX scores_scoring ON scores(scoring_id, target_id);
    CREATE VIEW latest_run_per_target AS
        SELECT rt.target_id, MAX(rt.run_id) AS run_id
        FROM run_targets rt JOIN runs r ON r.id = rt.run_id
        WHERE r.mode IN ('sweep', 'check')
        GROUP BY rt.target_id;
    CREATE VIEW latest_observations AS
        SELECT o.* FROM observations o
        JOIN latest_run_per_target l ON l.run_id = o.run_id AND l.target_id = o.target_id;
    CREATE VIEW latest_services AS
        SELECT s.* FROM services s
        JOIN latest_run_per_target l ON l.run_id = s.run_id AND l.target_id = s.target_id;
    CREATE VIEW latest_scores AS
        SELECT sc.* FROM scores sc
        WHERE sc.scoring_id = (SELECT MAX(s2.id) FROM scorings s2 WHERE s2.run_id = sc.run_id)
          AND sc.run_id = (SELECT MAX(id) FROM runs WHERE mode IN ('sweep', 'check') AND status = 'finished'
                           AND id IN (SELECT run_id FROM scorings));
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3 tells where one ends)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


def migrate(conn: sqlite3.Connection) -> int:
    """Bring `conn` to SCHEMA_VERSION; returns the version it started at.

    Each step runs in a write transaction taken before the version is read,
    so two processes opening a new database at once cannot both apply it.
    """
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    if start > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {start} is newer than this portalcheck ({SCHEMA_VERSION})"
        )
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= SCHEMA_VERSION:
                conn.execute("COMMIT")
                return start
            for statement in statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
