"""The monitor's pure parts: state machine, maintenance windows, sampling,
certificate thresholds, grouped messages."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from checks import certificate
from checks.monitor_state import (
    PLAIN,
    MonitorConfig,
    advance,
    config_from,
    in_maintenance,
    load_config,
    parse_services_mode,
    parse_windows,
    sample,
)
from crawler.cli.i18n import set_lang
from crawler.monitoring import notify

VN = timezone(timedelta(hours=7))
CFG = MonitorConfig(down_after=2, up_after=1, timeout_after=3, blocked_after=3)


def run(statuses, config=CFG, maintenance=None):
    """States and told transitions after each status in turn."""
    state, out = PLAIN, []
    for i, status in enumerate(statuses):
        in_window = bool(maintenance and maintenance[i])
        state, change = advance(state, status, 1000 + i, config, in_window)
        out.append((state.state, change and (change.from_state, change.to_state, change.notify)))
    return state, out


def test_one_failure_is_not_down_two_are():
    _, out = run(["live", "server_error", "live", "server_error", "connection_error"])
    assert [s for s, _ in out] == ["up", "up", "up", "up", "down"]
    assert [c for _, c in out if c] == [("up", "down", True)]


def test_back_up_after_m_successes():
    config = MonitorConfig(down_after=2, up_after=2)
    _, out = run(["not_found", "not_found", "live", "not_found", "live", "live"], config)
    assert [s for s, _ in out] == ["up", "down", "down", "down", "down", "up"]
    assert [c for _, c in out if c] == [("up", "down", True), ("down", "up", True)]


def test_timeouts_and_blocks_never_make_down_and_have_their_own_state():
    _, out = run(["timeout"] * 5)
    assert [s for s, _ in out] == ["up", "up", "timeout", "timeout", "timeout"]
    _, out = run(["blocked", "blocked", "blocked", "live"])
    assert [c for _, c in out if c] == [("up", "blocked", True), ("blocked", "up", True)]
    # A timeout between two failures is no verdict: it neither counts nor clears.
    _, out = run(["server_error", "timeout", "server_error"])
    assert out[-1][0] == "down"
    # A tool error is no observation at all.
    state, out = run(["server_error", "error", "error"])
    assert state.state == "up" and state.fails == 1


def test_a_down_url_that_times_out_stays_down():
    state, _ = run(["server_error", "server_error", "timeout", "timeout", "timeout"])
    assert state.state == "down"


def test_a_url_that_stays_down_returns_the_same_state_object():
    # So the store writes nothing on the 100th failed pass of an outage.
    state, _ = run(["server_error"] * 3)
    again, change = advance(state, "server_error", 5000, CFG)
    assert again is state and change is None


def test_maintenance_records_but_does_not_tell_and_catches_up_after():
    window = [False, True, True, True, False]
    _, out = run(["live", "server_error", "server_error", "server_error", "server_error"], maintenance=window)
    assert out[2] == ("down", ("up", "down", False))   # recorded, not told
    assert out[4] == ("down", ("up", "down", True))    # told once the window closed
    # Down and back inside the window: nobody is told anything.
    state, out = run(["server_error", "server_error", "live", "live"], maintenance=[True, True, True, False])
    assert [c[2] for _, c in out if c] == [False, False]
    assert state.plain


def test_maintenance_windows_parse_and_match():
    tz = VN
    windows = parse_windows("sun 22:00-02:00; 2026-11-25T08:00/2026-11-25T09:30; mon-fri 12:00-12:30", tz)
    at = lambda *a: datetime(*a, tzinfo=tz)  # noqa: E731
    assert in_maintenance(windows, at(2026, 11, 22, 23, 0), tz)       # Sunday night
    assert in_maintenance(windows, at(2026, 11, 23, 1, 59), tz)       # after midnight, Monday
    assert not in_maintenance(windows, at(2026, 11, 23, 2, 0), tz)
    assert not in_maintenance(windows, at(2026, 11, 21, 23, 0), tz)   # Saturday
    assert in_maintenance(windows, at(2026, 11, 25, 8, 30), tz)
    assert in_maintenance(windows, at(2026, 11, 27, 12, 10), tz)      # Friday lunch
    assert not in_maintenance(windows, at(2026, 11, 28, 12, 10), tz)  # Saturday lunch
    # UTC instants compare in local time: 15:30 UTC Sunday is 22:30 in Vietnam.
    assert in_maintenance(windows, datetime(2026, 11, 22, 15, 30, tzinfo=UTC), tz)
    assert parse_windows("", tz) == [] and parse_windows("cn 01:00-02:00", tz)[0].days == {6}
    for bad in ("sunday 22-02", "2026-11-25T09:00/2026-11-25T08:00", "mon 25:00-26:00", "x"):
        with pytest.raises(ValueError):
            parse_windows(bad, tz)


def test_sample_rotates_deterministically_and_covers_everything():
    items = list(range(10))
    assert sample(items, None, 7) == items
    assert sample(items, 4, 0) == [0, 1, 2, 3] and sample(items, 4, 1) == [4, 5, 6, 7]
    assert sample(items, 4, 2) == [8, 9, 0, 1] and sample(items, 4, 2) == sample(items, 4, 2)
    assert set().union(*(sample(items, 3, k) for k in range(4))) == set(items)
    assert parse_services_mode("all") is None and parse_services_mode("sample:25") == 25
    for bad in ("sample:0", "some", "sample:x"):
        with pytest.raises(ValueError):
            parse_services_mode(bad)


def test_certificate_warns_once_per_threshold():
    now = datetime(2026, 11, 21, tzinfo=UTC)
    expiry = lambda days: (now + timedelta(days=days, hours=1)).isoformat()  # noqa: E731
    thresholds = (30, 14, 7)
    assert certificate.due(expiry(45), now, thresholds, None) is None
    assert certificate.due(expiry(29), now, thresholds, None) == 30
    assert certificate.due(expiry(20), now, thresholds, 30) is None
    assert certificate.due(expiry(10), now, thresholds, None) == 14   # first seen late: one warning
    assert certificate.due(expiry(6), now, thresholds, 14) == 7
    assert certificate.due(expiry(3), now, thresholds, 7) is None
    assert certificate.due((now - timedelta(days=1)).isoformat(), now, thresholds, 7) == 0
    # A renewed certificate starts again; the same one keeps what was warned.
    assert certificate.warned_after_renewal(expiry(6), expiry(90), 7) is None
    assert certificate.warned_after_renewal(expiry(6), expiry(6), 7) == 7


def test_config_comes_from_yaml_and_refuses_nonsense(tmp_path):
    config = load_config()
    assert (config.down_after, config.up_after, config.cert_warn_days) == (2, 1, (30, 14, 7))
    custom = tmp_path / "m.yaml"
    custom.write_text("down_after: 3\ncert_warn_days: [7, 21]\n", encoding="utf-8")
    assert load_config(custom).down_after == 3 and load_config(custom).cert_warn_days == (21, 7)
    with pytest.raises(ValueError):
        config_from({"down_afterr": 2})
    with pytest.raises(ValueError):
        config_from({"down_after": 0})


def event(i, to_state, from_state="up", kind="state", url_kind="service", **extra):
    return {"id": i, "at": 1_795_000_000, "target_id": "so-a", "target_name": "Sở A", "kind": kind,
            "kind_url": url_kind, "url": f"http://x/{i}", "url_name": f"DV {i}", "code": None,
            "from_state": from_state, "to_state": to_state, "status": "server_error", "http_status": 500,
            "detail": None, **extra}


def test_messages_are_grouped_per_target_and_capped():
    set_lang("vi")
    events = [event(i, "down") for i in range(1, 41)] + [event(99, "down", url_kind="portal")]
    events.append({**event(100, "14", kind="cert", url_kind=None), "from_state": "x:443",
                   "target_id": "so-b", "detail": "2026-12-01T00:00:00+00:00"})
    messages = notify.compose(events, VN, max_lines=5)
    assert [m.target_id for m in messages] == ["so-a", "so-b"]
    first = messages[0]
    assert first.title == "[portalcheck] Sở A: 41 ngừng hoạt động" and first.level == "failure"
    lines = first.body.splitlines()
    assert lines[1].startswith("- NGỪNG HOẠT ĐỘNG: Trang chủ cổng thông tin điện tử")  # portal first
    assert "lỗi máy chủ (HTTP 500)" in lines[1] and "36" in lines[-1] and len(lines) == 7
    assert len(first.event_ids) == 41
    assert "còn không quá 14 ngày" in messages[1].body and messages[1].level == "warning"
    set_lang("en")
    try:
        assert notify.compose(events[:1], VN)[0].title == "[portalcheck] Sở A: 1 down"
    finally:
        set_lang("vi")
