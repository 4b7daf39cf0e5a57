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
    # 2: monitoring (`portalcheck monitor`, docs/monitoring.md). Kept small on
    # purpose: a pass writes one row per target whose statuses are a compressed
    # byte vector indexed by a URL's slot; after the retention window only daily
    # per-slot counts remain. URLs that are plainly up have no state row.
    """
    CREATE TABLE monitor_targets (
        id INTEGER PRIMARY KEY,           -- the small integer the raw tables use
        target_id TEXT NOT NULL UNIQUE,
        name TEXT,
        passes INTEGER NOT NULL DEFAULT 0 -- passes recorded: drives the sample rotation
    );
    CREATE TABLE monitor_urls (
        id INTEGER PRIMARY KEY,
        tid INTEGER NOT NULL REFERENCES monitor_targets(id),
        slot INTEGER NOT NULL,            -- position in the target's status vectors, never reused
        kind TEXT NOT NULL,               -- portal | services_portal | service
        url TEXT NOT NULL,
        code TEXT,
        name TEXT,
        active INTEGER NOT NULL DEFAULT 1, -- 0: no longer in the latest sweep
        first_seen INTEGER,
        UNIQUE (tid, slot)                -- URLs are matched in code: an index on url would double their size
    );
    CREATE TABLE monitor_raw (
        at INTEGER NOT NULL,              -- unix seconds the pass started (passes never share a second: lock)
        tid INTEGER NOT NULL,
        run_id INTEGER NOT NULL,          -- the pass (runs.mode = 'monitor')
        maintenance INTEGER NOT NULL DEFAULT 0,
        portal_ms INTEGER,
        statuses BLOB NOT NULL,           -- zlib: one byte per slot, 0 = not checked, else a status code
        PRIMARY KEY (at, tid)             -- time order: roll-ups and pruning read ranges, no extra index
    ) WITHOUT ROWID;
    CREATE TABLE monitor_daily (
        day TEXT NOT NULL,                -- local date
        tid INTEGER NOT NULL,
        passes INTEGER NOT NULL,
        maintenance INTEGER NOT NULL,     -- passes inside a maintenance window (not counted below)
        ok BLOB, fail BLOB, other BLOB,   -- zlib: uint16 little-endian per slot
        PRIMARY KEY (day, tid)
    );
    CREATE TABLE monitor_state (
        url_id INTEGER PRIMARY KEY,       -- absent: up, told so, nothing pending
        tid INTEGER NOT NULL,
        state TEXT NOT NULL, notified TEXT NOT NULL,
        oks INTEGER NOT NULL, fails INTEGER NOT NULL, timeouts INTEGER NOT NULL, blocks INTEGER NOT NULL,
        since INTEGER, last_status TEXT, last_at INTEGER
    );
    CREATE INDEX monitor_state_tid ON monitor_state(tid);
    CREATE TABLE monitor_certs (
        host TEXT PRIMARY KEY,            -- host:port
        tid INTEGER NOT NULL,
        not_after TEXT NOT NULL,
        subject TEXT,
        warned INTEGER                    -- smallest threshold (days) already warned for this certificate
    );
    CREATE TABLE monitor_events (
        id INTEGER PRIMARY KEY,
        run_id INTEGER,
        at INTEGER NOT NULL,
        tid INTEGER NOT NULL,
        url_id INTEGER,
        kind TEXT NOT NULL,               -- state | cert
        from_state TEXT, to_state TEXT,   -- cert: to_state is the threshold in days
        status TEXT, http_status INTEGER, detail TEXT,
        maintenance INTEGER NOT NULL DEFAULT 0,
        notify INTEGER NOT NULL DEFAULT 0, -- 1: to be told to people
        sent_at INTEGER                   -- unix seconds it was delivered
    );
    CREATE INDEX monitor_events_at ON monitor_events(at);
    CREATE TABLE monitor_meta (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 3: rows of a target still being swept, spilled out of memory (a portal of
    # thousands of services must not hold them all in RAM). Moved to their
    # table in the transaction that completes the target; rows of a target a
    # killed sweep never completed are dropped when `sweep --resume` redoes it.
    """
    CREATE TABLE staged_rows (
        id INTEGER PRIMARY KEY,           -- arrival order, kept when the rows are moved
        run_id INTEGER NOT NULL REFERENCES runs(id),
        spider TEXT NOT NULL,
        target_id TEXT NOT NULL,
        tbl TEXT NOT NULL,                -- fetches | observations | services
        row TEXT NOT NULL                 -- JSON object: the row as it will be stored
    );
    CREATE INDEX staged_rows_target ON staged_rows(run_id, spider, target_id);
    """,
    # 4: evidence that can be replayed (docs/archive.md): a run's web archive
    # (its WACZ and SHA-256), a re-judgement's original run, and each fetch's and
    # observation's WARC record in it.
    """
    ALTER TABLE runs ADD COLUMN archive_path TEXT;
    ALTER TABLE runs ADD COLUMN archive_digest TEXT;
    ALTER TABLE runs ADD COLUMN rejudge_of INTEGER REFERENCES runs(id);
    ALTER TABLE fetches ADD COLUMN archive_record_id TEXT;
    ALTER TABLE fetches ADD COLUMN screenshot_record_id TEXT;
    ALTER TABLE observations ADD COLUMN archived_url TEXT;
    ALTER TABLE observations ADD COLUMN archive_record_id TEXT;
    """,
    # 5: views a person browsing the database (`portalcheck serve`) reads. The
    # monitor's own tables hold packed vectors and unix seconds; these give
    # one row per pass and per change, with times as text (UTC and Việt Nam's,
    # UTC+7 all year). latest_verdicts puts the unit's group and kind beside each
    # verdict of its latest run, so Datasette can facet on group, kind and outcome.
    """
    CREATE VIEW monitor_passes AS
        SELECT r.run_id, datetime(r.at, 'unixepoch') AS at_utc,
               datetime(r.at, 'unixepoch', '+7 hours') AS at_vietnam,
               t.target_id, t.name, r.maintenance, r.portal_ms
        FROM monitor_raw r JOIN monitor_targets t ON t.id = r.tid;
    CREATE VIEW monitor_changes AS
        SELECT e.id, e.run_id, datetime(e.at, 'unixepoch') AS at_utc,
               datetime(e.at, 'unixepoch', '+7 hours') AS at_vietnam,
               t.target_id, t.name, e.kind, u.kind AS url_kind, u.url, u.name AS url_name, u.code,
               e.from_state, e.to_state, e.status, e.http_status, e.maintenance,
               datetime(e.sent_at, 'unixepoch') AS sent_at_utc
        FROM monitor_events e JOIN monitor_targets t ON t.id = e.tid
        LEFT JOIN monitor_urls u ON u.id = e.url_id;
    CREATE VIEW latest_verdicts AS
        SELECT o.run_id, o.target_id, rt.name, rt.group_name, rt.kind, o.category, o.key, o.outcome,
               o.reason, o.legal_ref, o.evidence_url, o.label, o.observed_at
        FROM latest_observations o
        LEFT JOIN run_targets rt ON rt.run_id = o.run_id AND rt.target_id = o.target_id;
    """,
    # 6: screenshots as evidence (docs/screenshots.md): the rendered pages a
    # verdict rests on (the homepage, a failing service's page), as the browser
    # showed them, kept with the run whether or not it was archived. The image
    # is bounded (viewport only, PORTALCHECK_SCREENSHOT_MAX_BYTES); its kind and
    # size are what its own bytes say.
    """
    CREATE TABLE screenshots (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        target_id TEXT NOT NULL,
        url TEXT NOT NULL,                -- the page as the browser ended on it
        purpose TEXT NOT NULL,            -- the fetch's: homepage_rendered, spa_render, service_screenshot
        page_status TEXT,                 -- the render's fetch status (live, not_found…)
        http_status INTEGER,
        taken_at TEXT NOT NULL,           -- UTC
        media_type TEXT NOT NULL,         -- image/jpeg (image/png from an older archive)
        width INTEGER, height INTEGER,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        image BLOB NOT NULL,
        archive_record_id TEXT            -- the same screenshot in the run's archive (--archive)
    );
    CREATE INDEX screenshots_run_target ON screenshots(run_id, target_id);
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
    if start == SCHEMA_VERSION:
        return start  # nothing to do, and nothing written (a read-only file stays readable)
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
