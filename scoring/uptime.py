"""Uptime from the monitor's stored passes: per-slot counts of a day's passes,
and the report by day, ISO week or quarter (`portalcheck monitor --report`).

Uptime = successful checks ÷ (successful + failed checks). Timeouts, blocked
answers and tool errors count neither way (`unjudged`), and passes inside a
maintenance window not at all (docs/monitoring.md, Uptime).

Counts are kept as "lane integers": a vector of per-slot counts packed into
one big integer with a fixed-width lane per slot, so adding two integers adds
every slot at once (a day of passes in microseconds, no numpy).
"""
from __future__ import annotations

import sys
from array import array
from collections import Counter
from datetime import date, datetime, timedelta

from checks.model import DEAD_STATUSES
from checks.monitor_pass import CODE_STATUS
from results import monitor_store
from scoring import l10n
from scoring.catalogue import message


def _table(codes) -> bytes:
    table = bytearray(256)
    for code in codes:
        table[code] = 1
    return bytes(table)


_OK = _table([1])
_FAIL = _table(code for code, status in CODE_STATUS.items() if status in DEAD_STATUSES)
_OTHER = _table(c for c in range(2, 256) if CODE_STATUS.get(c) not in DEAD_STATUSES)


def day_of(at: int, tz) -> date:
    return datetime.fromtimestamp(at, tz).date()


def day_start(day: date, tz) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


def _lanes(vector: bytes, width: int = 2) -> int:
    """Bytes as one big integer with a `width`-byte lane per byte."""
    wide = bytearray(width * len(vector))
    wide[0::width] = vector
    return int.from_bytes(wide, "little")


def aggregate(rows) -> tuple[int, int, int, int, int, int]:
    """(passes, maintenance passes, ok, fail, other, slots) of (maintenance, packed statuses) rows.

    ok/fail/other are lane integers (16 bits per slot). Identical vectors, the
    common case, are decoded once."""
    passes = maint = ok = fail = other = slots = 0
    for (in_window, blob), n in Counter(rows).items():
        passes += n
        if in_window:  # maintenance passes do not count for or against uptime
            maint += n
            continue
        vector = monitor_store.unpack(blob)
        slots = max(slots, len(vector))
        ok += n * _lanes(vector.translate(_OK))
        fail += n * _lanes(vector.translate(_FAIL))
        other += n * _lanes(vector.translate(_OTHER))
    return passes, maint, ok, fail, other, slots


def day_rollup(rows) -> tuple[int, int, bytes, bytes, bytes]:
    """One target's day for monitor_daily: (passes, maintenance passes, ok, fail,
    other), the counts as packed 16-bit vectors."""
    passes, maint, ok, fail, other, slots = aggregate(rows)
    ok_b, fail_b, other_b = (monitor_store.pack(total.to_bytes(2 * slots, "little")) for total in (ok, fail, other))
    return passes, maint, ok_b, fail_b, other_b


def _rewiden(total: int, slots: int) -> int:
    """16-bit lanes to 32-bit lanes: sums over a quarter can pass 65,535."""
    raw = total.to_bytes(2 * slots, "little")
    wide = bytearray(4 * slots)
    wide[0::4], wide[1::4] = raw[0::2], raw[1::2]
    return int.from_bytes(wide, "little")


def _widen(blob: bytes) -> tuple[int, int]:
    """A stored daily vector as a 32-bit lane integer and its slot count."""
    raw = monitor_store.unpack(blob)
    return _rewiden(int.from_bytes(raw, "little"), len(raw) // 2), len(raw) // 2


def counts(total: int, slots: int, width: int = 4) -> array:
    """Per-slot counts of a lane integer."""
    values = array("I" if width == 4 else "H")
    values.frombytes(total.to_bytes(width * slots, "little"))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def daily(db, first: date, last: date, tz) -> dict[tuple[str, int], dict]:
    """{(day, tid): {passes, maintenance, ok, fail, other (32-bit lane ints), slots}} for first..last,
    rolled-up days from monitor_daily, the rest (today) from raw rows."""
    out = {}
    for day, tid, passes, maint, ok, fail, other in monitor_store.daily_rows(db, first, last):
        (ok, slots), (fail, _), (other, _) = _widen(ok), _widen(fail), _widen(other)
        out[(day, tid)] = {"passes": passes, "maintenance": maint, "ok": ok, "fail": fail,
                           "other": other, "slots": slots}
    rolled = monitor_store.rolled_through(db)
    day = max(first, rolled + timedelta(days=1)) if rolled else first
    while day <= last:
        for tid, rows in monitor_store.raw_rows(db, day_start(day, tz), day_start(day + timedelta(days=1), tz)).items():
            passes, maint, ok, fail, other, slots = aggregate(rows)
            out[(day.isoformat(), tid)] = {
                "passes": passes, "maintenance": maint, "slots": slots,
                **{k: _rewiden(v, slots) for k, v in (("ok", ok), ("fail", fail), ("other", other))}}
        day += timedelta(days=1)
    return out


def periods(by: str, last: int, today: date) -> list[tuple[str, date, date]]:
    """The last `last` days, ISO weeks or quarters up to `today`: (label, first day, last day)."""
    out = []
    if by == "day":
        for i in range(last - 1, -1, -1):
            d = today - timedelta(days=i)
            out.append((d.isoformat(), d, d))
    elif by == "week":
        monday = today - timedelta(days=today.weekday())
        for i in range(last - 1, -1, -1):
            m = monday - timedelta(weeks=i)
            year, week, _ = m.isocalendar()
            out.append((f"{year}-W{week:02d}", m, m + timedelta(days=6)))
    else:
        index = today.year * 4 + (today.month - 1) // 3
        for i in range(last - 1, -1, -1):
            year, q = divmod(index - i, 4)
            first = date(year, 3 * q + 1, 1)
            nxt = date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1)
            out.append((f"{year}-Q{q + 1}", first, nxt - timedelta(days=1)))
    return out


def period_words(label: str, lang: str) -> str:
    """A period's label (as `periods` writes it, the key a script reads in --json) as a
    person reads it: 27/11/2026, "tuần 47/2026", "quý 4/2026"."""
    head, sep, tail = label.partition("-")
    if sep and tail[:1] == "W" and tail[1:].isdigit():
        return message("monitor_period.week", lang, week=int(tail[1:]), year=head)
    if sep and tail[:1] == "Q" and tail[1:].isdigit():
        return message("monitor_period.quarter", lang, quarter=int(tail[1:]), year=head)
    return l10n.format_date(label, lang)


def tally(ok: int, fail: int, other: int) -> dict:
    judged = ok + fail
    return {"ok": ok, "fail": fail, "unjudged": other,
            "uptime": round(100 * ok / judged, 3) if judged else None}


def _period_totals(data: dict, tid: int, first: date, end: date) -> dict:
    total = {"ok": 0, "fail": 0, "other": 0, "passes": 0, "maintenance": 0, "slots": 0}
    day = first
    while day <= end:
        for key, value in data.get((day.isoformat(), tid), {}).items():
            total[key] = max(total[key], value) if key == "slots" else total[key] + value
        day += timedelta(days=1)
    return total


def _target_report(info: dict, spans: list, data: dict, problems: list[dict], each_service: bool) -> dict:
    tid = info["tid"]
    row = {"id": info["id"], "name": info["name"], "periods": {},
           "problems": [p for p in problems if p["target_id"] == info["id"]]}
    services = {u["slot"]: {"url": u["url"], "name": u["name"], "code": u["code"], "periods": {}}
                for u in info["urls"] if u["kind"] == "service"}
    for label, first, end in spans:
        total = _period_totals(data, tid, first, end)
        per = {k: counts(total[k], total["slots"]) for k in ("ok", "fail", "other")}
        entry = {"passes": total["passes"], "maintenance_passes": total["maintenance"]}
        for kind in ("portal", "services_portal", "service"):
            slots = [u["slot"] for u in info["urls"] if u["kind"] == kind and u["slot"] < total["slots"]]
            entry[kind] = tally(*(sum(per[k][s] for s in slots) for k in ("ok", "fail", "other")))
        row["periods"][label] = entry
        if each_service:
            for slot, service in services.items():
                got = [per[k][slot] if slot < total["slots"] else 0 for k in ("ok", "fail", "other")]
                service["periods"][label] = tally(*got)
    if each_service:
        row["services"] = list(services.values())
    return row


def build_report(db, by: str, last: int, now_at: int, tz, only: str | None, each_service: bool) -> dict:
    """Uptime per target (and per service) over the last `last` periods up to `now_at`."""
    spans = periods(by, last, day_of(now_at, tz))
    data = daily(db, spans[0][1], spans[-1][2], tz)
    problems = monitor_store.problems(db)
    targets = [_target_report(info, spans, data, problems, each_service)
               for _tid, info in sorted(monitor_store.targets_and_urls(db).items(), key=lambda x: x[1]["id"])
               if not only or info["id"] == only]
    return {"by": by, "periods": [label for label, *_ in spans], "targets": targets}


def pass_summary(vectors: list[tuple[str, int, bytes]]) -> dict[str, dict]:
    """{target_id: {"counts": {status: n}, "maintenance": bool}} of one pass's vectors."""
    out = {}
    for target_id, maint, vector in vectors:
        found = Counter(CODE_STATUS.get(c, "error") for c in vector if c)
        out[target_id] = {"counts": dict(found), "maintenance": bool(maint)}
    return out
