"""A monitor pass, wired: read what is stored, judge it (checks.monitor_pass),
store the outcome (results.monitor_store), one transaction per target; after
the pass, finished days are rolled up (scoring.uptime) and old rows pruned.

The monitor spider (spiders/monitor.py) calls `prepare_pass` before it fetches
and `record_target_pass` as each target's fetches are done; the `monitor`
command calls `housekeeping` once the pass is stored.
"""
from __future__ import annotations

from datetime import timedelta

from checks.monitor_pass import PassOutcome, PassPlan, judge_certificates, judge_pass, plan_pass, wanted_urls
from checks.monitor_state import MonitorConfig
from results import monitor_store
from scoring.uptime import day_of, day_rollup, day_start


def prepare_pass(db, targets: list, services_n: int | None, at: int,
                 config: MonitorConfig) -> dict[str, PassPlan]:
    """Register each target's URLs (homepage, service-portal homepage, the
    services of its latest sweep) and plan this pass's checks. {target_id: plan}."""
    plans = {}
    with monitor_store.pass_transaction(db):
        for target in targets:
            tid, passes = monitor_store.register_target(db, target.id, target.name)
            wanted = wanted_urls(target, monitor_store.latest_services(db, target.id))
            registered, width = monitor_store.register_urls(db, tid, wanted, at)
            plans[target.id] = plan_pass(target, tid, passes, registered, width, wanted, services_n, at, config)
    return plans


def record_target_pass(db, run_id: int, plan: PassPlan, statuses: bytes, details: dict[int, dict],
                       certs: dict[str, dict], portal_ms: int | None, at: int,
                       config: MonitorConfig) -> list[dict]:
    """Store one target's pass and what it changed, in one transaction.

    `statuses`: one code per slot (0 = not checked); `details`: {slot: {status,
    http_status, error}} for failed checks; `certs`: {host: {not_after, subject}}.
    Returns the events recorded (state changes, certificate warnings).
    """
    statuses = bytes(statuses)
    with monitor_store.pass_transaction(db):
        monitor_store.save_raw(db, at, plan.tid, run_id, plan.maintenance, portal_ms, statuses)
        states = monitor_store.load_states(db, plan.tid)
        outcome: PassOutcome = judge_pass(plan, states, statuses, details, at, config, run_id)
        judge_certificates(plan, certs, monitor_store.known_certificates(db, certs), at, config, run_id, outcome)
        monitor_store.save_outcome(db, plan.tid, outcome)
    return outcome.events


def housekeeping(db, now_at: int, config: MonitorConfig) -> None:
    """Roll up every finished day not rolled up yet; delete raw rows (with their
    monitor runs and service-level events) older than `raw_retention_days`."""
    tz = config.tz
    today = day_of(now_at, tz)
    with monitor_store.pass_transaction(db):
        rolled = monitor_store.rolled_through(db)
        cursor = day_start(rolled + timedelta(days=1), tz) if rolled else 0
        while (first := monitor_store.first_raw_at(db, cursor, day_start(today, tz))) is not None:
            day = day_of(first, tz)
            next_day = day_start(day + timedelta(days=1), tz)
            for tid, rows in monitor_store.raw_rows(db, day_start(day, tz), next_day).items():
                monitor_store.save_daily(db, day, tid, *day_rollup(rows))
            cursor = next_day
        monitor_store.set_rolled_through(db, today - timedelta(days=1))
        monitor_store.prune(db, now_at - config.raw_retention_days * 86400)
