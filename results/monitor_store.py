"""Monitoring history in SQLite, kept small (docs/monitoring.md, Storage).

A pass writes, per target, one `monitor_raw` row: a zlib-compressed byte vector
with one status code per URL slot (checks.monitor_pass.STATUS_CODES). Only URLs
that are not plainly up have a `monitor_state` row. Finished days are rolled up
into one `monitor_daily` row per target (per-slot counts), and raw rows older
than the retention window are deleted with their runs.

This module stores and reads; it never judges. What a pass changes is decided
by checks.monitor_pass, the roll-up arithmetic is scoring.uptime, and
crawler.monitoring.passes wires them in one transaction per target.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from checks.monitor_state import UrlState
from results import store


@lru_cache(maxsize=64)  # a target's vector is mostly the same pass after pass
def pack(data: bytes) -> bytes:
    """zlib with a small window and little memory: status vectors are long runs
    of one byte, and a default zlib.compress spends most of its time setting up."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 9, 1)
    return packer.compress(data) + packer.flush()


def unpack(blob: bytes) -> bytes:
    return zlib.decompress(blob)


@contextmanager
def pass_transaction(db) -> Iterator[None]:
    """A write transaction, or a part of the caller's (a benchmark batches passes)."""
    if db.conn.in_transaction:
        yield
    else:
        with store.transaction(db):
            yield


# --- a pass's URLs -------------------------------------------------------------

def latest_services(db, target_id: str) -> list[dict]:
    """Services of the latest finished sweep that found any for this target."""
    # Newest sweep first, probing the services(run_id, target_id) index: no scan
    # of a services table that grows by a whole sweep each time.
    row = db.execute(
        "SELECT r.id FROM runs r WHERE r.mode = 'sweep' AND r.status = 'finished' AND EXISTS "
        "(SELECT 1 FROM services s WHERE s.run_id = r.id AND s.target_id = ?) ORDER BY r.id DESC LIMIT 1",
        [target_id]).fetchone()
    if row is None:
        return []
    return [{"url": u, "code": c, "name": n} for u, c, n in db.execute(
        "SELECT url, code, name FROM services WHERE run_id = ? AND target_id = ? ORDER BY id",
        [row[0], target_id])]


def register_target(db, target_id: str, name: str) -> tuple[int, int]:
    """The target's row (created or renamed): (its id, passes recorded so far)."""
    db.execute("INSERT INTO monitor_targets (target_id, name) VALUES (?, ?) "
               "ON CONFLICT (target_id) DO UPDATE SET name = excluded.name", [target_id, name])
    tid, passes = db.execute("SELECT id, passes FROM monitor_targets WHERE target_id = ?", [target_id]).fetchone()
    return tid, passes


def register_urls(db, tid: int, wanted: dict[str, tuple], at: int) -> tuple[dict[str, tuple[int, int]], int]:
    """Give every wanted URL ({url: (kind, code, name)}) a row and a slot; a URL
    no longer wanted stops being checked, and its state goes with it (no stale
    "down"). Returns ({url: (url id, slot)} of the wanted URLs, the slot count)."""
    known = {url: (uid, slot, active) for uid, url, slot, active in db.execute(
        "SELECT id, url, slot, active FROM monitor_urls WHERE tid = ?", [tid])}
    next_slot = max((v[1] for v in known.values()), default=-1) + 1
    for url, (kind, code, name) in wanted.items():
        if url not in known:
            cur = db.execute("INSERT INTO monitor_urls (tid, slot, kind, url, code, name, first_seen) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", [tid, next_slot, kind, url, code, name, at])
            known[url] = (cur.lastrowid, next_slot, 1)
            next_slot += 1
        elif not known[url][2]:
            db.execute("UPDATE monitor_urls SET active = 1, kind = ? WHERE id = ?", [kind, known[url][0]])
    for url, (uid, _slot, active) in known.items():
        if url not in wanted and active:
            db.execute("UPDATE monitor_urls SET active = 0 WHERE id = ?", [uid])
            db.execute("DELETE FROM monitor_state WHERE url_id = ?", [uid])
    return {url: (known[url][0], known[url][1]) for url in wanted}, next_slot


# --- recording a pass ------------------------------------------------------------

def load_states(db, tid: int) -> dict[int, UrlState]:
    return {row[0]: UrlState(*row[1:]) for row in db.conn.execute(
        "SELECT url_id, state, notified, oks, fails, timeouts, blocks, since, last_status, last_at "
        "FROM monitor_state WHERE tid = ?", [tid])}


def known_certificates(db, hosts: Iterable[str]) -> dict[str, tuple[str, int | None]]:
    """{host: (not_after, warned level)} of the certificates already seen."""
    out = {}
    for host in hosts:
        row = db.conn.execute("SELECT not_after, warned FROM monitor_certs WHERE host = ?", [host]).fetchone()
        if row is not None:
            out[host] = (row[0], row[1])
    return out


_EVENT_COLUMNS = ("run_id", "at", "tid", "url_id", "kind", "from_state", "to_state", "status",
                  "http_status", "detail", "maintenance", "notify")
_INSERT_EVENT = (f"INSERT INTO monitor_events ({', '.join(_EVENT_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})")


def save_raw(db, at: int, tid: int, run_id: int, maintenance: bool, portal_ms: int | None, statuses: bytes) -> None:
    db.conn.execute("INSERT OR REPLACE INTO monitor_raw VALUES (?,?,?,?,?,?)",
                    [at, tid, run_id, int(maintenance), portal_ms, pack(statuses)])


def save_outcome(db, tid: int, outcome) -> None:
    """Persist a checks.monitor_pass.PassOutcome: states, certificates, events, the pass count."""
    db.conn.executemany("DELETE FROM monitor_state WHERE url_id = ?", [(u,) for u in outcome.drops])
    db.conn.executemany("INSERT OR REPLACE INTO monitor_state VALUES (?,?,?,?,?,?,?,?,?,?,?)", outcome.saves)
    db.conn.executemany("INSERT OR REPLACE INTO monitor_certs VALUES (?,?,?,?,?)", outcome.certs)
    db.conn.execute("UPDATE monitor_targets SET passes = passes + 1 WHERE id = ?", [tid])
    db.conn.executemany(_INSERT_EVENT, [[e[c] for c in _EVENT_COLUMNS] for e in outcome.events])


# --- roll-ups and retention ------------------------------------------------------

def rolled_through(db) -> date | None:
    """The last day rolled up into monitor_daily."""
    row = db.execute("SELECT value FROM monitor_meta WHERE key = 'rolled_through'").fetchone()
    return date.fromisoformat(row[0]) if row else None


def set_rolled_through(db, day: date) -> None:
    db.execute("INSERT OR REPLACE INTO monitor_meta VALUES ('rolled_through', ?)", [day.isoformat()])


def first_raw_at(db, start: int, end: int) -> int | None:
    """The time of the first pass in [start, end), if any."""
    return db.execute("SELECT MIN(at) FROM monitor_raw WHERE at >= ? AND at < ?", [start, end]).fetchone()[0]


def raw_rows(db, start: int, end: int) -> dict[int, list[tuple[int, bytes]]]:
    """{tid: [(maintenance, packed statuses)]} of the passes in [start, end)."""
    by_tid: dict[int, list[tuple[int, bytes]]] = {}
    for tid, maint, blob in db.execute(
            "SELECT tid, maintenance, statuses FROM monitor_raw WHERE at >= ? AND at < ?", [start, end]):
        by_tid.setdefault(tid, []).append((maint, blob))
    return by_tid


def save_daily(db, day: date, tid: int, passes: int, maintenance: int, ok: bytes, fail: bytes, other: bytes) -> None:
    """One target's day, rolled up: per-slot counts as packed 16-bit vectors."""
    db.execute("INSERT OR REPLACE INTO monitor_daily VALUES (?,?,?,?,?,?,?)",
               [day.isoformat(), tid, passes, maintenance, ok, fail, other])


def daily_rows(db, first: date, last: date) -> list[tuple]:
    """(day, tid, passes, maintenance, ok, fail, other) rolled-up rows of first..last."""
    return list(db.execute("SELECT * FROM monitor_daily WHERE day >= ? AND day <= ?",
                           [first.isoformat(), last.isoformat()]))


def prune(db, before_at: int) -> None:
    """Raw rows older than `before_at`, with their service-level events and monitor runs."""
    db.execute("DELETE FROM monitor_raw WHERE at < ?", [before_at])
    # Service-level events go with the raw rows (a portal outage makes one per
    # service); portal-level and certificate events are the lasting incident log.
    db.execute("DELETE FROM monitor_events WHERE at < ? AND EXISTS (SELECT 1 FROM monitor_urls u "
               "WHERE u.id = monitor_events.url_id AND u.kind = 'service')", [before_at])
    row = db.execute("SELECT run_id FROM monitor_raw ORDER BY at LIMIT 1").fetchone()
    if row is not None:
        db.execute("DELETE FROM runs WHERE mode = 'monitor' AND id < ? AND status != 'running'", [row[0]])


# --- reading ----------------------------------------------------------------------

def targets_and_urls(db) -> dict[int, dict]:
    out = {tid: {"tid": tid, "id": target_id, "name": name, "urls": []}
           for tid, target_id, name in db.execute("SELECT id, target_id, name FROM monitor_targets")}
    for uid, tid, slot, kind, url, code, name, active in db.execute(
            "SELECT id, tid, slot, kind, url, code, name, active FROM monitor_urls ORDER BY tid, slot"):
        out[tid]["urls"].append({"url_id": uid, "slot": slot, "kind": kind, "url": url, "code": code,
                                 "name": name, "active": bool(active)})
    return out


def problems(db, target_ids: list[str] | None = None) -> list[dict]:
    """Active URLs whose state is not up, with their target."""
    sql = ("SELECT t.target_id, t.name, u.kind, u.url, u.name, u.code, s.state, s.since, s.last_status "
           "FROM monitor_state s JOIN monitor_urls u ON u.id = s.url_id JOIN monitor_targets t ON t.id = s.tid "
           "WHERE u.active = 1 AND s.state != 'up' ORDER BY t.target_id, u.slot")
    keys = ("target_id", "target_name", "kind", "url", "name", "code", "state", "since", "last_status")
    rows = [dict(zip(keys, r)) for r in db.execute(sql)]
    return [r for r in rows if target_ids is None or r["target_id"] in target_ids]


def pending_events(db, since_at: int) -> list[dict]:
    """Events to tell people that are not sent yet (this pass's, and older ones a
    failed delivery left, back to `since_at`)."""
    sql = ("SELECT e.*, t.target_id, t.name AS target_name, u.kind AS kind_url, u.url, u.name AS url_name, u.code "
           "FROM monitor_events e JOIN monitor_targets t ON t.id = e.tid "
           "LEFT JOIN monitor_urls u ON u.id = e.url_id "
           "WHERE e.at >= ? AND e.notify = 1 AND e.sent_at IS NULL ORDER BY e.id")
    cursor = db.execute(sql, [since_at])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def mark_sent(db, event_ids: list[int], at: int) -> None:
    with pass_transaction(db):
        db.conn.executemany("UPDATE monitor_events SET sent_at = ? WHERE id = ?", [(at, i) for i in event_ids])


def pass_vectors(db, at: int) -> list[tuple[str, int, bytes]]:
    """(target id, maintenance, statuses) of every target's pass started at `at`."""
    return [(target_id, maint, unpack(blob)) for target_id, maint, blob in db.execute(
        "SELECT t.target_id, r.maintenance, r.statuses FROM monitor_raw r "
        "JOIN monitor_targets t ON t.id = r.tid WHERE r.at = ? ORDER BY t.target_id", [at])]


# --- reading for the status page (scoring.monitor_page) ----------------------------

def last_passes(db) -> dict[int, tuple[int, int, int | None]]:
    """{tid: (at, maintenance, portal_ms)} of each target's latest pass still held raw."""
    return {tid: (at, maint, ms) for tid, at, maint, ms in db.execute(
        "SELECT r.tid, r.at, r.maintenance, r.portal_ms FROM monitor_raw r JOIN "
        "(SELECT tid, MAX(at) AS at FROM monitor_raw GROUP BY tid) m ON m.tid = r.tid AND m.at = r.at")}


def portal_times(db, tid: int, since_at: int) -> list[tuple[int, int | None]]:
    """(at, portal response in ms or None) of a target's passes since `since_at`, in time order."""
    return list(db.execute("SELECT at, portal_ms FROM monitor_raw WHERE tid = ? AND at >= ? ORDER BY at",
                           [tid, since_at]))


def state_events(db, tid: int) -> list[dict]:
    """A target's state changes (oldest first), with the URL each one is about."""
    cursor = db.execute(
        "SELECT e.id, e.at, e.url_id, e.from_state, e.to_state, e.status, e.http_status, e.maintenance, "
        "u.kind AS url_kind, u.url, u.name AS url_name FROM monitor_events e "
        "LEFT JOIN monitor_urls u ON u.id = e.url_id WHERE e.tid = ? AND e.kind = 'state' ORDER BY e.at, e.id",
        [tid])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def certificates(db) -> dict[int, list[dict]]:
    """{tid: [{host, not_after, subject}]} of the certificates the monitor has seen."""
    out: dict[int, list[dict]] = {}
    for host, tid, not_after, subject in db.execute(
            "SELECT host, tid, not_after, subject FROM monitor_certs ORDER BY host"):
        out.setdefault(tid, []).append({"host": host, "not_after": not_after, "subject": subject})
    return out
