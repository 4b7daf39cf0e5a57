"""How big does the results database get after a year of monitoring?

Simulates 5-minute passes over 60 targets x 2,000 services for 365 days and
writes every pass through the real code: crawler.monitoring.passes.prepare_pass
(URL registration, once: the service list of a sweep), record_target_pass
(raw row, state machine, events, certificates) and housekeeping (daily
roll-up, pruning), into a real SQLite file; then prints its size.

    .venv/bin/python bench/monitor_db_size.py            # the documented figure
    .venv/bin/python bench/monitor_db_size.py --days 30  # quicker

Synthetic behaviour (seeded, reproducible), pessimistic on purpose:
- each target: one whole-portal outage a month (portal and every service down,
  10 min to 3 h); a maintenance window every Sunday 22:00-23:00;
- each target, each day: 5 services down for 10 min to 2 h, 1 service behind
  bot protection for 1 to 6 h, and 4 one-pass timeouts (no state change);
- each target's certificate lasts 90 days, so 30/14/7-day warnings happen.
Each pass of the simulation is one transaction (the real pipeline commits per
target); the bytes written are the same.
"""
from __future__ import annotations

import argparse
import heapq
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.monitor_pass import STATUS_CODES  # noqa: E402
from checks.monitor_state import in_maintenance, load_config, parse_windows  # noqa: E402
from crawler.monitoring.passes import housekeeping, prepare_pass, record_target_pass  # noqa: E402
from crawler.registry.targets import Target  # noqa: E402
from results import store  # noqa: E402

CODE = STATUS_CODES


@lru_cache(maxsize=256)
def iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


def seed_sweep(db, n_targets: int, n_services: int) -> list[Target]:
    targets = [Target(id=f"t{i:02d}", name=f"Tỉnh {i:02d}", kind="province", group="tinh",
                      portal_url=f"https://tinh{i:02d}.gov.vn/",
                      services_url=f"https://dichvucong.tinh{i:02d}.gov.vn/",
                      maintenance="sun 22:00-23:00") for i in range(n_targets)]
    run_id = store.create_run(db, mode="sweep")
    store.save_run_targets(db, run_id, [{"target_id": t.id, "name": t.name} for t in targets])
    for t in targets:
        rows = [{"target_id": t.id, "url": f"{t.services_url}thu-tuc/{t.id}-{k:05d}",
                 "code": f"1.{k:06d}", "name": f"Thủ tục số {k}", "level": "mot_phan", "status": "live"}
                for k in range(n_services)]
        store.complete_target(db, run_id, t.id, "services", {"services": rows}, {})
    store.finish_run(db, run_id)
    return targets


def outages(rng: random.Random, n_passes: int, per_day: int, width: int, interval: int,
            n_targets: int, n_services: int) -> list[tuple[int, int, int, bytes | None, int]]:
    """(pass index, target, slot or -1 for all, code, +1 start / -1 end) events, as a heap."""
    events = []
    day = 86400 // interval
    for target in range(n_targets):
        for month_start in range(0, n_passes, 30 * day):
            start = month_start + rng.randrange(30 * day)
            length = rng.randint(10 * 60 // interval, 3 * 3600 // interval)
            events += [(start, target, -1, CODE["connection_error"], 1), (start + length, target, -1, 0, -1)]
        for day_start in range(0, n_passes, day):
            for _ in range(per_day):
                slot, start = 2 + rng.randrange(n_services), day_start + rng.randrange(day)
                length = rng.randint(2, 2 * 3600 // interval)
                code = rng.choice((CODE["server_error"], CODE["not_found"], CODE["connection_error"]))
                events += [(start, target, slot, code, 1), (start + length, target, slot, 0, -1)]
            slot, start = 2 + rng.randrange(n_services), day_start + rng.randrange(day)
            length = rng.randint(3600 // interval, 6 * 3600 // interval)
            events += [(start, target, slot, CODE["blocked"], 1), (start + length, target, slot, 0, -1)]
    heapq.heapify(events)
    return events


# Long on purpose: the benchmark's whole simulation loop in one place, as docs/monitoring.md
# describes it; its parts share a dozen counters.
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=60)
    ap.add_argument("--services", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--interval", type=int, default=5, help="minutes between passes")
    ap.add_argument("--db", help="SQLite file to write (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=20261121)
    args = ap.parse_args()

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="pc-monitor-bench-")) / "monitor.db"
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    config = load_config()
    rng = random.Random(args.seed)
    interval = args.interval * 60
    n_passes = args.days * 86400 // interval
    t0 = time.monotonic()
    db = store.open_db(path)
    targets = seed_sweep(db, args.targets, args.services)
    start_at = int(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=7))).timestamp())
    plans = prepare_pass(db, targets, None, start_at, config)
    plan_list = [plans[t.id] for t in targets]
    width = plan_list[0].width
    live = bytes([CODE["live"]]) * width
    vectors = [bytearray(live) for _ in targets]
    down_all = [0] * len(targets)
    heap = outages(rng, n_passes, 5, width, interval, len(targets), args.services)
    windows = [parse_windows(t.maintenance, config.tz) for t in targets]
    cert_life = 90 * 86400
    for i in range(n_passes):
        at = start_at + i * interval
        while heap and heap[0][0] <= i:
            _, target, slot, code, sign = heapq.heappop(heap)
            if slot < 0:
                down_all[target] += sign
            else:
                vectors[target][slot] = code if sign > 0 else CODE["live"]
        run_id = store.create_run(db, mode="monitor")
        moment = datetime.fromtimestamp(at, UTC)
        with store.transaction(db):
            for k, plan in enumerate(plan_list):
                plan.maintenance = in_maintenance(windows[k], moment, config.tz)
                vector = bytes([CODE["connection_error"]]) * width if down_all[k] > 0 else bytes(vectors[k])
                if down_all[k] <= 0:
                    blips = bytearray(vector)
                    if i % 72 == k % 72:  # a one-pass timeout every 6 hours per target
                        blips[2 + rng.randrange(args.services)] = CODE["timeout"]
                    vector = bytes(blips)
                expiry = start_at + (at - start_at) // cert_life * cert_life + cert_life + k * 3600
                certs = {f"tinh{k:02d}.gov.vn:443": {"not_after": iso(expiry), "subject": "CN=x"}}
                record_target_pass(db, run_id, plan, vector, {}, certs, 120, at, config)
            housekeeping(db, at, config)
        store.finish_run(db, run_id)
        if i and i % (n_passes // 20 or 1) == 0:
            print(f"  {100 * i // n_passes:3d}%  {i} passes  {time.monotonic() - t0:6.0f} s", file=sys.stderr)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    tables = db.conn.execute(
        "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    free = db.conn.execute("PRAGMA freelist_count").fetchone()[0] * db.conn.execute("PRAGMA page_size").fetchone()[0]
    print(f"{args.days} days of {args.interval}-minute passes, {args.targets} targets x {args.services} services "
          f"({n_passes} passes, {n_passes * args.targets * (args.services + 2):,} checks) "
          f"in {time.monotonic() - t0:.0f} s")
    print(f"database file: {size / 1e6:.1f} MB ({path}); free pages inside: {free / 1e6:.1f} MB")
    monitor = sum(size for name, size in tables if "monitor_" in name)
    print(f"monitoring tables and their indexes: {monitor / 1e6:.1f} MB "
          f"(the rest is the seeded sweep: its services table, {args.targets * args.services:,} rows)")
    for name, pgsize in tables[:12]:
        print(f"  {name:32s} {pgsize / 1e6:8.2f} MB")
    counts = {name: db.conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
              for name in ("monitor_raw", "monitor_daily", "monitor_state", "monitor_events", "runs")}
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
