"""The monitor's storage on a real SQLite file: passes recorded, days rolled up,
old raw rows pruned, uptime computed from both."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from checks.monitor_pass import code_of
from checks.monitor_state import load_config
from crawler.monitoring.passes import housekeeping, prepare_pass, record_target_pass
from crawler.registry.targets import Target
from results import monitor_store as ms
from results import store
from scoring.uptime import build_report, periods

VN = timezone(timedelta(hours=7))
DAY0 = int(datetime(2026, 3, 2, 0, 0, tzinfo=VN).timestamp())  # a Monday
LIVE, ERR, TIMEOUT = code_of("live"), code_of("server_error"), code_of("timeout")


def setup(tmp_path, kit, n_services=4, maintenance=""):
    path = tmp_path / "m.db"
    kit.seed_sweep(path, {"a": [{"url": f"http://a/dv/{i}", "name": f"DV {i}", "code": f"1.{i}"}
                                for i in range(n_services)]})
    db = store.open_db(path)
    target = Target(id="a", name="Sở A", kind="province", group="tinh", portal_url="http://a/",
                    maintenance=maintenance)
    return db, target


def record(db, plan, vector, at, config):
    run_id = store.create_run(db, mode="monitor")
    events = record_target_pass(db, run_id, plan, bytes(vector), {}, {}, 50, at, config)
    store.finish_run(db, run_id)
    return events


def test_registration_slots_sampling_and_retired_urls(tmp_path, kit):
    db, target = setup(tmp_path, kit, n_services=5)
    config = load_config()
    plan = prepare_pass(db, [target], 2, DAY0, config)["a"]
    assert plan.width == 6 and [c.kind for c in plan.checks] == ["portal", "service", "service"]
    seen = []
    for k in range(3):
        plan = prepare_pass(db, [target], 2, DAY0 + k * 300, config)["a"]
        seen.append([c.url for c in plan.checks if c.kind == "service"])
        record(db, plan, [LIVE] * plan.width, DAY0 + k * 300, config)
    assert seen[0] == ["http://a/dv/0", "http://a/dv/1"] and seen[1] == ["http://a/dv/2", "http://a/dv/3"]
    assert seen[2] == ["http://a/dv/4", "http://a/dv/0"]
    # dv/4 fails twice, then a new sweep no longer lists it: it goes, with its state.
    plan = prepare_pass(db, [target], None, DAY0, config)["a"]
    for k in range(2):
        vector = [LIVE] * plan.width
        vector[5] = ERR
        record(db, plan, vector, DAY0 + 1000 + k, config)
    assert [p["url"] for p in ms.problems(db)] == ["http://a/dv/4"]
    kit.seed_sweep(tmp_path / "m.db", {"a": [{"url": f"http://a/dv/{i}"} for i in range(4)]})
    plan = prepare_pass(db, [target], None, DAY0, config)["a"]
    assert ms.problems(db) == [] and len(plan.checks) == 5 and plan.width == 6


def test_days_roll_up_raw_rows_expire_and_uptime_adds_up(tmp_path, kit):
    db, target = setup(tmp_path, kit, n_services=2)
    config = replace(load_config(), raw_retention_days=1, timezone="+07:00")
    plan = prepare_pass(db, [target], None, DAY0, config)["a"]
    # Day 1: 4 passes an hour apart; dv/0 fails on 2, dv/1 times out on 1.
    for k in range(4):
        vector = [LIVE] * plan.width
        if k in (1, 2):
            vector[1] = ERR
        if k == 3:
            vector[2] = TIMEOUT
        events = record(db, plan, vector, DAY0 + k * 3600, config)
        if k == 2:
            assert [(e["from_state"], e["to_state"], e["notify"]) for e in events] == [("up", "down", 1)]
    # Day 2: 2 passes, all well; day 3: 1 pass, portal failing.
    for at, vector in ((DAY0 + 86400, [LIVE] * 3), (DAY0 + 86400 + 60, [LIVE] * 3),
                       (DAY0 + 2 * 86400 + 30, [ERR, LIVE, LIVE])):
        record(db, plan, vector, at, config)
        housekeeping(db, at, config)
    daily = {row[0]: row[2] for row in db.execute("SELECT day, tid, passes FROM monitor_daily")}
    assert daily == {"2026-03-02": 4, "2026-03-03": 2}
    # Raw rows older than a day are gone, with their monitor runs.
    assert db.execute("SELECT COUNT(*) FROM monitor_raw").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM runs WHERE mode = 'monitor'").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM runs WHERE mode = 'sweep'").fetchone()[0] == 1
    # Uptime over the three days, from rolled-up days and today's raw rows.
    now = DAY0 + 2 * 86400 + 40
    report = build_report(db, "day", 3, now, config.tz, None, True)
    assert report["periods"] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    day1 = report["targets"][0]["periods"]["2026-03-02"]
    assert day1["portal"] == {"ok": 4, "fail": 0, "unjudged": 0, "uptime": 100.0}
    assert day1["service"] == {"ok": 5, "fail": 2, "unjudged": 1, "uptime": 71.429}
    services = {s["url"]: s["periods"] for s in report["targets"][0]["services"]}
    assert services["http://a/dv/0"]["2026-03-02"]["uptime"] == 50.0
    assert services["http://a/dv/1"]["2026-03-02"] == {"ok": 3, "fail": 0, "unjudged": 1, "uptime": 100.0}
    assert report["targets"][0]["periods"]["2026-03-04"]["portal"]["uptime"] == 0.0
    week = build_report(db, "week", 1, now, config.tz, None, False)["targets"][0]["periods"]["2026-W10"]
    assert week["portal"] == {"ok": 6, "fail": 1, "unjudged": 0, "uptime": 85.714}
    assert week["passes"] == 7


def test_maintenance_passes_do_not_count_for_uptime(tmp_path, kit):
    db, target = setup(tmp_path, kit, n_services=1, maintenance="daily 00:00-01:00")
    config = replace(load_config(), timezone="+07:00")
    for k in range(3):  # 00:10 and 00:40 in the window, 01:10 out of it
        at = DAY0 + 600 + k * 1800
        plan = prepare_pass(db, [target], None, at, config)["a"]
        assert plan.maintenance == (k < 2)
        events = record(db, plan, [ERR, ERR], at, config)
        if k == 1:  # down inside the window: recorded, not to be told
            assert {(e["to_state"], e["notify"], e["maintenance"]) for e in events} == {("down", 0, 1)}
        if k == 2:  # still down after it: told now
            assert {(e["to_state"], e["notify"]) for e in events} == {("down", 1)}
    period = build_report(db, "day", 1, DAY0 + 7200, config.tz, None, False)["targets"][0]["periods"]
    assert period["2026-03-02"]["maintenance_passes"] == 2
    assert period["2026-03-02"]["portal"] == {"ok": 0, "fail": 1, "unjudged": 0, "uptime": 0.0}


def test_periods_cover_days_weeks_and_quarters():
    today = datetime(2026, 11, 21).date()
    assert [p[0] for p in periods("day", 2, today)] == ["2026-11-20", "2026-11-21"]
    assert periods("week", 1, today)[0][1:] == (datetime(2026, 11, 16).date(), datetime(2026, 11, 22).date())
    quarters = periods("quarter", 5, today)
    assert [q[0] for q in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarters[-1][1:] == (datetime(2026, 10, 1).date(), datetime(2026, 12, 31).date())
