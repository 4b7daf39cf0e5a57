"""What an official must be able to trust: an inconclusive check never lowers a
score, "chưa đủ dữ liệu" appears when too little could be tested, a blocked
service is never dead, an unreachable portal is a showstopper, not a silent 0."""
from __future__ import annotations

import pytest

from checks.model import FUNCTION_KEYS, SECTION_KEYS
from scoring import load_methodology, score_run

METHODS = ("mic-2019", "nd42-2025")


def _row(rows, tid, category):
    return next(r for r in rows if r["target_id"] == tid and r["category"] == category)


def _crit(row, key):
    return next(c for c in row["criteria"] if c["key"] == key)


@pytest.mark.parametrize("name", METHODS)
def test_inconclusive_never_lowers_a_score(b, name):
    m = load_methodology(name)
    keys = [(c, k) for c, keys in (("section", SECTION_KEYS), ("function", FUNCTION_KEYS)) for k in keys]
    base_obs = b.perfect("t", fail=("rss", "lanh_dao"))
    for _category, key in keys:
        results = {}
        for outcome in ("pass", "fail", "inconclusive"):
            obs = [dict(o, outcome=outcome) if o["key"] == key else o for o in base_obs]
            results[outcome] = _row(score_run(b.evidence([b.target("t", kind="province")], obs), m),
                                    "t", "portal")["score"]
        assert results["inconclusive"] >= results["fail"], key
    # A unit that passes everything that could be judged scores 1.000, whatever was inconclusive.
    obs = b.perfect("t", inconclusive=("van_ban", "search", "tin_tuc"))
    row = _row(score_run(b.evidence([b.target("t", kind="province")], obs), m), "t", "portal")
    assert row["score"] == 1.0 and row["status"] == "ranked"
    assert _crit(row, "van_ban")["outcome"] == "inconclusive" and _crit(row, "van_ban")["points"] is None


def test_insufficient_data_when_too_little_is_testable(b):
    m = load_methodology("nd42-2025")
    targets = [b.target("ok", services=False), b.target("half"), b.target("blocked", portal_status="blocked"),
               b.target("nothing", services=False)]
    inconclusive = [k for k in SECTION_KEYS + FUNCTION_KEYS][:22]
    obs = b.perfect("ok") + b.perfect("half", inconclusive=inconclusive)
    obs += [b.obs("blocked", "section", k, "inconclusive") for k in SECTION_KEYS]
    rows = score_run(b.evidence(targets, obs), m)
    assert _row(rows, "ok", "portal")["status"] == "ranked"
    half = _row(rows, "half", "portal")
    assert half["status"] == "insufficient_data" and half["score"] is None and half["rank"] is None
    assert half["testable_share"] < m["min_testable_share"]
    blocked = _row(rows, "blocked", "portal")
    assert blocked["status"] == "insufficient_data"  # bot protection is not a showstopper
    for tid in ("half", "blocked", "nothing"):
        overall = _row(rows, tid, "overall")
        assert overall["status"] == "insufficient_data" and overall["rank"] is None
    assert _row(rows, "ok", "overall")["rank"] == 1


def test_blocked_service_never_counts_as_dead(b):
    m = load_methodology("nd42-2025")
    services = [b.svc("t", 1), b.svc("t", 2, status="blocked"), b.svc("t", 3, status="timeout"),
                b.svc("t", 4, status="error"), b.svc("t", 5, status="not_found")]
    row = _row(score_run(b.evidence([b.target("t")], b.perfect("t"), services), m), "t", "services")
    live = _crit(row, "live_share")
    assert live["detail"]["value"] == 0.5  # 1 live of 2 judged: blocked/timeout/error left out
    assert live["detail"]["counts"] == {"live": 1, "dead": 1, "judged": 2, "inconclusive": 3}
    assert [e["status"] for e in live["detail"]["evidence"]] == ["not_found"]
    all_blocked = [b.svc("u", i, status="blocked") for i in range(5)]
    row = _row(score_run(b.evidence([b.target("u")], b.perfect("u"), all_blocked), m), "u", "services")
    assert _crit(row, "live_share")["outcome"] == "inconclusive"
    # Blocked services portal: inconclusive, never a showstopper.
    t = b.target("v", services_portal_status="blocked")
    row = _row(score_run(b.evidence([t], b.perfect("v"), [b.svc("v", 1)]), m), "v", "services")
    assert row["status"] != "showstopper"
    assert _crit(row, "services_portal_reachable")["outcome"] == "inconclusive"


def test_unreachable_portal_is_a_showstopper_not_a_zero(b):
    m = load_methodology("nd42-2025")
    targets = [b.target("up"), b.target("down", portal_status="dns_error"), b.target("flaky")]
    obs = b.perfect("up") + b.perfect("flaky")
    obs += [b.obs("flaky", "reachability", "portal", o) for o in ("pass", "fail", "fail", "inconclusive")]
    obs += [b.obs("down", "reachability", "portal", "fail") for _ in range(3)]
    rows = score_run(b.evidence(targets, obs), m)
    down = _row(rows, "down", "portal")
    assert down["status"] == "showstopper" and down["score"] is None and down["rank"] is None
    assert _row(rows, "down", "overall")["status"] == "showstopper"
    flaky = _row(rows, "flaky", "portal")
    assert flaky["status"] == "ranked"  # up once: not unreachable for the whole sweep
    assert _crit(flaky, "portal_reachable")["points"] == pytest.approx(10 / 3)
    assert _crit(flaky, "portal_reachable")["outcome"] == "partial"
    assert _row(rows, "up", "portal")["rank"] == 1 and flaky["rank"] == 2


def test_kind_decides_what_applies(b):
    m = load_methodology("nd42-2025")
    targets = [b.target("dept", kind="department"), b.target("prov", kind="province", group="P")]
    obs = b.perfect("dept", fail=("english", "dieu_uoc_quoc_te")) + b.perfect("prov", fail=("english",))
    rows = score_run(b.evidence(targets, obs), m)
    dept = _row(rows, "dept", "portal")
    assert _crit(dept, "english")["outcome"] == "not_applicable" and dept["score"] == 1.0
    assert _crit(_row(rows, "prov", "portal"), "english")["outcome"] == "fail"


def test_overall_weights_and_unassessed_categories(b):
    m = load_methodology("nd42-2025")
    targets = [b.target("both"), b.target("portal_only", services=False)]
    obs = b.perfect("both", fail=("search",)) + b.perfect("portal_only", fail=("search",))
    services = [b.svc("both", i, level="mot_phan", payment=None) for i in range(4)]
    rows = score_run(b.evidence(targets, obs, services), m)
    p, s = _row(rows, "both", "portal"), _row(rows, "both", "services")
    overall = _row(rows, "both", "overall")
    expected = 0.5 * p["points"] / p["max_points"] + 0.5 * s["points"] / s["max_points"]
    assert overall["score"] == round(expected, 3)
    # No services portal listed: services not assessed, overall = portal alone.
    assert _row(rows, "portal_only", "services")["status"] == "insufficient_data"
    assert _row(rows, "portal_only", "overall")["score"] == _row(rows, "portal_only", "portal")["score"]


def test_output_shape(b):
    rows = score_run(b.evidence([b.target("t")], b.perfect("t"), [b.svc("t", 1)]), "nd42-2025")
    assert {r["category"] for r in rows} == {"portal", "services", "overall"}
    for r in rows:
        assert {"target_id", "group", "category", "score", "points", "max_points", "classification",
                "rank", "status", "criteria"} <= r.keys()
        for c in r["criteria"]:
            assert {"key", "legal_ref", "max_points", "points", "outcome", "requirement", "detail"} <= c.keys()
