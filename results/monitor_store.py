"""Monitoring history in SQLite, kept small (docs/monitoring.md, schema step 2).

A pass writes, per target, one `monitor_raw` row: a zlib-compressed byte vector
with one status code per URL slot. Only URLs that are not plainly up have a
`monitor_state` row. Once a day is over it is rolled up into one
`monitor_daily` row per target (per-slot counts), and raw rows older than the
retention window are deleted with their runs. Judgement is checks.monitor_state's
and checks.certificate's; this module stores and reads.
"""
from __future__ import annotations

import re
import sys
import zlib
from array import array
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from checks import certificate
from checks.model import DEAD_STATUSES
from checks.monitor_state import PLAIN, MonitorConfig, UrlState, advance, in_maintenance, parse_windows, sample
from results import store

# Stored codes: never renumber (old rows would change meaning); add at the end.
STATUS_CODES = {"live": 1, "not_found": 2, "soft_404": 3, "server_error": 4, "timeout": 5,
                "blocked": 6, "redirect_loop": 7, "dns_error": 8, "tls_error": 9,
                "connection_error": 10, "error": 11, "render_failed": 12}
CODE_STATUS = {code: status for status, code in STATUS_CODES.items()}
_NOT_PLAIN = re.compile(rb"[^\x00\x01]")  # checked and not live


def _table(codes) -> bytes:
    table = bytearray(256)
    for code in codes:
        table[code] = 1
    return bytes(table)


_OK = _table([1])
_FAIL = _table(STATUS_CODES[s] for s in DEAD_STATUSES)
_OTHER = _table(c for c in range(2, 256) if CODE_STATUS.get(c) not in DEAD_STATUSES)


@lru_cache(maxsize=64)  # a target's vector is mostly the same pass after pass
def pack(data: bytes) -> bytes:
    """zlib with a small window and little memory: status vectors are long runs
    of one byte, and a default zlib.compress spends most of its time setting up."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 9, 1)
    return packer.compress(data) + packer.flush()


def code_of(status: str) -> int:
    return STATUS_CODES.get(status, STATUS_CODES["error"])


@contextmanager
def _tx(db):
    """A write transaction, or a part of the caller's (a benchmark batches passes)."""
    if db.conn.in_transaction:
        yield
    else:
        with store.transaction(db):
            yield


def day_of(at: int, tz) -> date:
    return datetime.fromtimestamp(at, tz).date()


def day_start(day: date, tz) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


# --- planning a pass --------------------------------------------------------

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


def prepare_pass(db, targets: list, services_n: int | None, at: int,
                 config: MonitorConfig) -> dict[str, dict]:
    """Register each target's URLs (homepage, service-portal homepage, known
    services) and choose this pass's checks. Returns {target_id: plan}."""
    moment = datetime.fromtimestamp(at, timezone.utc)
    plans = {}
    with _tx(db):
        for target in targets:
            db.execute("INSERT INTO monitor_targets (target_id, name) VALUES (?, ?) "
                       "ON CONFLICT (target_id) DO UPDATE SET name = excluded.name",
                       [target.id, target.name])
            tid, passes = db.execute("SELECT id, passes FROM monitor_targets WHERE target_id = ?",
                                     [target.id]).fetchone()
            wanted: dict[str, tuple] = {}
            for kind, url in (("portal", target.portal_url), ("services_portal", target.services_url)):
                if url:
                    wanted.setdefault(url, (kind, None, None))
            for s in latest_services(db, target.id):
                wanted.setdefault(s["url"], ("service", s["code"], s["name"]))
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
            gone = [v[0] for url, v in known.items() if url not in wanted and v[2]]
            for uid in gone:  # left the latest sweep: no longer checked, no stale "down"
                db.execute("UPDATE monitor_urls SET active = 0 WHERE id = ?", [uid])
                db.execute("DELETE FROM monitor_state WHERE url_id = ?", [uid])
            checks = [{"slot": known[url][1], "url_id": known[url][0], "kind": kind, "url": url}
                      for url, (kind, _c, _n) in wanted.items()]
            services = [c for c in checks if c["kind"] == "service"]
            chosen = sample(services, services_n, passes)
            checks = [c for c in checks if c["kind"] != "service"] + chosen
            plans[target.id] = {
                "tid": tid, "target_id": target.id, "name": target.name, "width": next_slot,
                "maintenance": in_maintenance(parse_windows(target.maintenance, config.tz), moment, config.tz),
                "checks": checks, "url_ids": {c["slot"]: c["url_id"] for c in checks},
                "slot_of": {c["url_id"]: c["slot"] for c in checks},
            }
    return plans


# --- recording a pass ---------------------------------------------------------

def _load_states(db, tid: int) -> dict[int, UrlState]:
    return {row[0]: UrlState(*row[1:]) for row in db.conn.execute(
        "SELECT url_id, state, notified, oks, fails, timeouts, blocks, since, last_status, last_at "
        "FROM monitor_state WHERE tid = ?", [tid])}


_EVENT_COLUMNS = ("run_id", "at", "tid", "url_id", "kind", "from_state", "to_state", "status",
                  "http_status", "detail", "maintenance", "notify")
_INSERT_EVENT = (f"INSERT INTO monitor_events ({', '.join(_EVENT_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})")


def record_target_pass(db, run_id: int, plan: dict, statuses: bytes, details: dict[int, dict],
                       certs: dict[str, dict], portal_ms: int | None, at: int,
                       config: MonitorConfig) -> list[dict]:
    """Store one target's pass and advance its URLs' states, in one transaction.

    `statuses`: one code per slot (0 = not checked); `details`: {slot: {status,
    http_status, error}} for failed checks; `certs`: {host: {not_after, subject}}.
    Returns the events recorded (state changes, certificate warnings).
    """
    tid, maintenance = plan["tid"], bool(plan["maintenance"])
    statuses = bytes(statuses)
    events: list[dict] = []
    saves, deletes = [], []
    with _tx(db):
        db.conn.execute("INSERT OR REPLACE INTO monitor_raw VALUES (?,?,?,?,?,?)",
                        [at, tid, run_id, int(maintenance), portal_ms, pack(statuses)])
        states = _load_states(db, tid)
        # Only URLs that failed now or were not plainly up need a step: a live
        # check of a plain URL changes nothing (this keeps large passes cheap).
        slots = set()
        if statuses.translate(None, b"\x00\x01"):
            slots.update(m.start() for m in _NOT_PLAIN.finditer(statuses))
        slots.update(plan["slot_of"][u] for u in states if u in plan["slot_of"])
        judged: dict[tuple, tuple] = {}  # the 2,000 URLs of a portal that is down share one verdict
        for slot in sorted(slots):
            url_id = plan["url_ids"].get(slot)
            if url_id is None or slot >= len(statuses) or not statuses[slot]:
                continue
            status = CODE_STATUS.get(statuses[slot], "error")
            old = states.get(url_id, PLAIN)
            key = (old, status)
            if key not in judged:
                judged[key] = (old, *advance(old, status, at, config, maintenance))
            first, new, change = judged[key]
            if new is not first:  # unchanged (a URL that stays down) costs no write
                (deletes.append((url_id,)) if new.plain else saves.append((url_id, tid, *new)))
            if change:
                info = details.get(slot, {})
                events.append({"run_id": run_id, "at": at, "tid": tid, "url_id": url_id, "kind": "state",
                               "from_state": change.from_state, "to_state": change.to_state,
                               "status": status, "http_status": info.get("http_status"),
                               "detail": info.get("error"), "maintenance": int(change.maintenance),
                               "notify": int(change.notify)})
        db.conn.executemany("DELETE FROM monitor_state WHERE url_id = ?", deletes)
        db.conn.executemany("INSERT OR REPLACE INTO monitor_state VALUES (?,?,?,?,?,?,?,?,?,?,?)", saves)
        events += _record_certs(db, run_id, tid, certs, at, config, maintenance)
        db.conn.execute("UPDATE monitor_targets SET passes = passes + 1 WHERE id = ?", [tid])
        db.conn.executemany(_INSERT_EVENT, [[e[c] for c in _EVENT_COLUMNS] for e in events])
    return events


def _record_certs(db, run_id, tid, certs, at, config, maintenance) -> list[dict]:
    events = []
    now = datetime.fromtimestamp(at, timezone.utc)
    for host, facts in sorted(certs.items()):
        row = db.conn.execute("SELECT not_after, warned FROM monitor_certs WHERE host = ?", [host]).fetchone()
        warned = certificate.warned_after_renewal(row[0] if row else None, facts["not_after"],
                                                  row[1] if row else None)
        due = certificate.due(facts["not_after"], now, config.cert_warn_days, warned)
        if due is not None and not maintenance:  # in a window it waits until the window closes
            warned = due
            events.append({"run_id": run_id, "at": at, "tid": tid, "url_id": None, "kind": "cert",
                           "from_state": host, "to_state": str(due), "status": None, "http_status": None,
                           "detail": facts["not_after"], "maintenance": 0, "notify": 1})
        if row is None or (row[0], row[1]) != (facts["not_after"], warned):
            db.conn.execute("INSERT OR REPLACE INTO monitor_certs VALUES (?,?,?,?,?)",
                            [host, tid, facts["not_after"], facts.get("subject"), warned])
    return events


# --- after a pass: roll up finished days, forget old raw rows --------------------

def _lanes(vector: bytes, width: int = 2) -> int:
    """Bytes as one big integer with a `width`-byte lane per byte: adding such
    integers adds every slot at once (no numpy; a day of passes in microseconds)."""
    wide = bytearray(width * len(vector))
    wide[0::width] = vector
    return int.from_bytes(wide, "little")


def aggregate(rows) -> tuple[int, int, int, int, int, int]:
    """(passes, maintenance passes, ok, fail, other, slots) of (maintenance, zlib statuses) rows.

    ok/fail/other are lane integers (16 bits per slot). Identical vectors, the
    common case, are decoded once."""
    passes = maint = ok = fail = other = slots = 0
    for (in_window, blob), n in Counter(rows).items():
        passes += n
        if in_window:  # maintenance passes do not count for or against uptime
            maint += n
            continue
        vector = zlib.decompress(blob)
        slots = max(slots, len(vector))
        ok += n * _lanes(vector.translate(_OK))
        fail += n * _lanes(vector.translate(_FAIL))
        other += n * _lanes(vector.translate(_OTHER))
    return passes, maint, ok, fail, other, slots


def _pack(total: int, slots: int) -> bytes:
    return pack(total.to_bytes(2 * slots, "little"))


def rollup_day(db, day: date, tz) -> int:
    start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
    by_tid: dict[int, list] = {}
    for tid, maint, blob in db.execute(
            "SELECT tid, maintenance, statuses FROM monitor_raw WHERE at >= ? AND at < ?", [start, end]):
        by_tid.setdefault(tid, []).append((maint, blob))
    for tid, rows in by_tid.items():
        passes, maint, ok, fail, other, slots = aggregate(rows)
        db.execute("INSERT OR REPLACE INTO monitor_daily VALUES (?,?,?,?,?,?,?)",
                   [day.isoformat(), tid, passes, maint, _pack(ok, slots), _pack(fail, slots),
                    _pack(other, slots)])
    return len(by_tid)


def housekeeping(db, now_at: int, config: MonitorConfig) -> None:
    """Roll up every finished day not rolled up yet; delete raw rows (with their
    monitor runs and service-level events) older than `raw_retention_days`."""
    tz = config.tz
    today = day_of(now_at, tz)
    with _tx(db):
        row = db.execute("SELECT value FROM monitor_meta WHERE key = 'rolled_through'").fetchone()
        cursor = day_start(date.fromisoformat(row[0]) + timedelta(days=1), tz) if row else 0
        while True:
            nxt = db.execute("SELECT MIN(at) FROM monitor_raw WHERE at >= ? AND at < ?",
                             [cursor, day_start(today, tz)]).fetchone()[0]
            if nxt is None:
                break
            day = day_of(nxt, tz)
            rollup_day(db, day, tz)
            cursor = day_start(day + timedelta(days=1), tz)
        db.execute("INSERT OR REPLACE INTO monitor_meta VALUES ('rolled_through', ?)",
                   [(today - timedelta(days=1)).isoformat()])
        db.execute("DELETE FROM monitor_raw WHERE at < ?", [now_at - config.raw_retention_days * 86400])
        # Service-level events go with the raw rows (a portal outage makes one per
        # service); portal-level and certificate events are the lasting incident log.
        db.execute("DELETE FROM monitor_events WHERE at < ? AND EXISTS (SELECT 1 FROM monitor_urls u "
                   "WHERE u.id = monitor_events.url_id AND u.kind = 'service')",
                   [now_at - config.raw_retention_days * 86400])
        row = db.execute("SELECT run_id FROM monitor_raw ORDER BY at LIMIT 1").fetchone()
        if row is not None:
            oldest = row[0]
            db.execute("DELETE FROM runs WHERE mode = 'monitor' AND id < ? AND status != 'running'", [oldest])


# --- reading ------------------------------------------------------------------

def counts(total: int, slots: int, width: int = 4) -> array:
    """Per-slot counts of a lane integer."""
    values = array("I" if width == 4 else "H")
    values.frombytes(total.to_bytes(width * slots, "little"))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _widen(blob: bytes) -> tuple[int, int]:
    """A stored daily vector as a 32-bit lane integer and its slot count."""
    raw = zlib.decompress(blob)
    return _rewiden(int.from_bytes(raw, "little"), len(raw) // 2), len(raw) // 2


def daily(db, first: date, last: date, now_at: int, tz) -> dict[tuple[str, int], dict]:
    """{(day, tid): {passes, maintenance, ok, fail, other (32-bit lane ints), slots}} for first..last,
    rolled-up days from monitor_daily, the rest (today) from raw rows."""
    out = {}
    for day, tid, passes, maint, ok, fail, other in db.execute(
            "SELECT * FROM monitor_daily WHERE day >= ? AND day <= ?", [first.isoformat(), last.isoformat()]):
        (ok, slots), (fail, _), (other, _) = _widen(ok), _widen(fail), _widen(other)
        out[(day, tid)] = {"passes": passes, "maintenance": maint, "ok": ok, "fail": fail,
                           "other": other, "slots": slots}
    row = db.execute("SELECT value FROM monitor_meta WHERE key = 'rolled_through'").fetchone()
    start = max(first, date.fromisoformat(row[0]) + timedelta(days=1)) if row else first
    day = start
    while day <= last:
        by_tid: dict[int, list] = {}
        for tid, maint, blob in db.execute(
                "SELECT tid, maintenance, statuses FROM monitor_raw WHERE at >= ? AND at < ?",
                [day_start(day, tz), day_start(day + timedelta(days=1), tz)]):
            by_tid.setdefault(tid, []).append((maint, blob))
        for tid, rows in by_tid.items():
            passes, maint, ok, fail, other, slots = aggregate(rows)
            out[(day.isoformat(), tid)] = {
                "passes": passes, "maintenance": maint, "slots": slots,
                **{k: _rewiden(v, slots) for k, v in (("ok", ok), ("fail", fail), ("other", other))}}
        day += timedelta(days=1)
    return out


def _rewiden(total: int, slots: int) -> int:
    """16-bit lanes to 32-bit lanes: sums over a quarter can pass 65,535."""
    raw = total.to_bytes(2 * slots, "little")
    wide = bytearray(4 * slots)
    wide[0::4], wide[1::4] = raw[0::2], raw[1::2]
    return int.from_bytes(wide, "little")


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
    with _tx(db):
        db.conn.executemany("UPDATE monitor_events SET sent_at = ? WHERE id = ?", [(at, i) for i in event_ids])


def pass_summary(db, at: int) -> dict[str, dict[str, Any]]:
    """{target_id: {"counts": {status: n}, "maintenance": bool}} of the pass started at `at`."""
    out = {}
    for target_id, maint, blob in db.execute(
            "SELECT t.target_id, r.maintenance, r.statuses FROM monitor_raw r "
            "JOIN monitor_targets t ON t.id = r.tid WHERE r.at = ? ORDER BY t.target_id", [at]):
        tally = Counter(CODE_STATUS.get(c, "error") for c in zlib.decompress(blob) if c)
        out[target_id] = {"counts": dict(tally), "maintenance": bool(maint)}
    return out
