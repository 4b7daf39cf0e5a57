"""`python -m crawler monitor` end to end: real loopback portals whose behaviour
changes between passes, an https portal whose certificate nears expiry, a
webhook receiving apprise's json:// posts, real SQLite, real subprocesses."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone

from loopback import PYTHON, ROOT, run_cli

VN = timezone(timedelta(hours=7))
CONFIG = "download_timeout: 1\ntimeout_after: 2\nblocked_after: 2\nrender_blocked: 0\n"


def window_now() -> str:
    now = datetime.now(VN).replace(second=0, microsecond=0, tzinfo=None)
    return f"{(now - timedelta(hours=1)).isoformat()}/{(now + timedelta(hours=1)).isoformat()}"


# Long on purpose: one story of successive passes against the same database; each step
# depends on the state the earlier ones left.
def test_passes_tell_exactly_the_changes(servers, kit, tmp_path):
    portal, webhook = servers
    a = portal(["/", "/dv/1", "/dv/2", "/dv/3"])
    b = portal(["/"], tls=True, cert_days=60)
    hook = webhook()
    db, config = tmp_path / "r.db", tmp_path / "monitor.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    kit.seed_sweep(db, {"so-a": [{"url": f"{a.url}/dv/{i}", "name": f"Thủ tục {i}", "code": f"1.00{i}"}
                                 for i in (1, 2, 3)]})
    rows = [{"id": "so-a", "name": "Sở A", "portal_url": f"{a.url}/"},
            {"id": "so-b", "name": "Sở B", "portal_url": f"{b.url}/"}]

    def monitor(*extra, maintenance=""):
        kit.write_targets(tmp_path / "t.csv", [{**rows[0], "maintenance": maintenance}, rows[1]])
        result = run_cli(*extra, "monitor", "--targets", str(tmp_path / "t.csv"), "--db", str(db),
                         "--config", str(config), "--notify", hook.apprise_url, timeout=120)
        assert result.returncode in (0, 1), result.stderr[-3000:]
        assert result.stderr == ""
        return result.returncode, result.stdout, hook.take()

    # 1. All well: silence, exit 0.
    assert monitor() == (0, "", [])
    assert len(a.hits["/dv/3"]) == 1 and len(b.hits["/"]) == 1   # one plain GET each
    # 2. Three services fail one way or another, once: no word about Sở A.
    #    Sở B's certificate now has 10 days left: one warning, for 14 days.
    a.behaviour.update({"/dv/1": 500, "/dv/2": "firewall", "/dv/3": "hang"})
    b.set_certificate(10)
    code, out, sent = monitor()
    assert code == 0 and len(sent) == 1
    assert sent[0]["title"] == "[portalcheck] Sở B: 1 cảnh báo chứng chỉ TLS"
    assert "còn không quá 14 ngày" in sent[0]["message"] and "Sở A" not in out
    # 3. Second failed pass: one message for Sở A, three lines, each its own state.
    code, out, sent = monitor()
    assert code == 1 and len(sent) == 1
    message = sent[0]
    assert message["title"] == "[portalcheck] Sở A: 1 ngừng hoạt động, 1 bị chặn truy cập, 1 không phản hồi kịp"
    assert message["type"] == "failure"
    lines = message["message"].splitlines()[1:]
    assert lines == [
        f'- NGỪNG HOẠT ĐỘNG: Dịch vụ công "Thủ tục 1" (1.001) — {a.url}/dv/1 — lỗi máy chủ (HTTP 500)',
        f'- BỊ CHẶN TRUY CẬP nhiều lượt liên tiếp: Dịch vụ công "Thủ tục 2" (1.002) — {a.url}/dv/2 — bị tường lửa '
        "chặn (không phải lỗi của cổng) (HTTP 403) (chưa kết luận là ngừng hoạt động)",
        f'- KHÔNG PHẢN HỒI KỊP nhiều lượt liên tiếp: Dịch vụ công "Thủ tục 3" (1.003) — {a.url}/dv/3 '
        "(chưa kết luận là ngừng hoạt động)",
    ]
    assert message["title"] in out
    # 4. Nothing changed: nothing said, still exit 1 (something is down).
    assert monitor() == (1, "", [])
    # 5. All back, in English; Sở B's certificate now has 5 days: the 7-day warning.
    a.behaviour.update({"/dv/1": 200, "/dv/2": 200, "/dv/3": 200})
    b.set_certificate(5)
    code, out, sent = monitor("--lang", "en")
    assert code == 0 and [m["title"] for m in sent] == [
        "[portalcheck] Sở A: 3 back up", "[portalcheck] Sở B: 1 TLS certificate warning(s)"]
    assert sent[0]["message"].count("BACK UP") == 3 and "(was: Down)" in sent[0]["message"]
    assert "expires within 7 days" in sent[1]["message"]
    # 6-7. A maintenance window opens; the homepage fails twice inside it: recorded, not told.
    a.behaviour["/"] = 503
    assert monitor(maintenance=window_now()) == (0, "", [])
    assert monitor(maintenance=window_now()) == (0, "", [])
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT from_state, to_state, notify, maintenance FROM monitor_events "
                        "WHERE kind = 'state' ORDER BY id DESC LIMIT 1").fetchone() == ("up", "down", 0, 1)
    # 8. The window closes with the homepage still down: told now.
    code, out, sent = monitor()
    assert code == 1 and len(sent) == 1 and sent[0]["title"] == "[portalcheck] Sở A: 1 ngừng hoạt động"
    assert "Trang chủ cổng thông tin điện tử" in sent[0]["message"] and "HTTP 503" in sent[0]["message"]
    # 9. Back up.
    a.behaviour["/"] = 200
    code, out, sent = monitor()
    assert code == 0 and [m["title"] for m in sent] == ["[portalcheck] Sở A: 1 hoạt động trở lại"]
    # Every pass is a monitor run; no per-fetch rows (they would bloat the database).
    assert conn.execute("SELECT COUNT(*), MIN(status) FROM runs WHERE mode = 'monitor'").fetchone() == (9, "finished")
    assert conn.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 0

    # The uptime report adds it all up (summed over days in case the test crossed midnight).
    result = run_cli("monitor", "--report", "--db", str(db), "--by", "day", "--last", "2", "--json",
                     "--each-service")
    assert result.returncode == 0, result.stderr
    report = {t["id"]: t for t in json.loads(result.stdout)["targets"]}

    def total(periods, kind):
        return {k: sum(p[kind][k] for p in periods.values()) for k in ("ok", "fail", "unjudged")}

    assert total(report["so-a"]["periods"], "portal") == {"ok": 6, "fail": 1, "unjudged": 0}
    assert sum(p["maintenance_passes"] for p in report["so-a"]["periods"].values()) == 2
    services = {s["code"]: s["periods"] for s in report["so-a"]["services"]}
    tally = lambda periods: {k: sum(p[k] for p in periods.values()) for k in ("ok", "fail", "unjudged")}  # noqa: E731
    assert tally(services["1.001"]) == {"ok": 4, "fail": 3, "unjudged": 0}
    assert tally(services["1.002"]) == {"ok": 4, "fail": 0, "unjudged": 3}
    assert total(report["so-b"]["periods"], "portal") == {"ok": 9, "fail": 0, "unjudged": 0}
    text = run_cli("--lang", "en", "monitor", "--report", "--db", str(db))
    assert text.returncode == 0 and "Sở A (so-a)" in text.stdout and "85.71%" in text.stdout


def test_overlapping_passes_refused_and_exit_codes(servers, kit, tmp_path):
    portal, _ = servers
    slow = portal(["/"])
    slow.behaviour["/"] = "hang"
    db = tmp_path / "r.db"
    config = tmp_path / "monitor.yaml"
    config.write_text("download_timeout: 3\n", encoding="utf-8")
    targets = kit.write_targets(tmp_path / "t.csv", [{"id": "x", "name": "X", "portal_url": f"{slow.url}/"}])
    args = ["-m", "crawler", "monitor", "--targets", str(targets), "--db", str(db), "--config", str(config)]
    first = subprocess.Popen([PYTHON, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lock = tmp_path / "r.db.monitor.lock"
    deadline = time.monotonic() + 20
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = run_cli(*args[2:])
    assert second.returncode == 2     # refused (the lock names the first pass), never waiting for it
    assert "đang chạy" in second.stderr and str(first.pid) in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0 and out == "" and err == ""   # one timeout: not down, silent
    # The lock is free again; a missing file, a bad window, a bad URL are tool errors (2).
    assert run_cli(*args[2:], "--verbose").returncode == 0
    assert run_cli("monitor", "--targets", str(tmp_path / "nope.csv"), "--db", str(db)).returncode == 2
    bad = kit.write_targets(tmp_path / "bad.csv", [{"id": "x", "name": "X", "portal_url": f"{slow.url}/",
                                                    "maintenance": "sunday 22-02"}])
    result = run_cli("monitor", "--targets", str(bad), "--db", str(db))
    assert result.returncode == 2 and "dòng 2 (x)" in result.stderr and "sunday 22-02" in result.stderr
    result = run_cli("monitor", "--targets", str(targets), "--db", str(db), "--notify", "nonsense://")
    assert result.returncode == 2 and "nonsense://" in result.stderr


def test_blocked_page_is_tried_once_with_the_browser(servers, kit, tmp_path):
    portal, _ = servers
    site = portal(["/"])
    site.behaviour["/"] = "firewall"
    db, config = tmp_path / "r.db", tmp_path / "monitor.yaml"
    config.write_text("render_blocked: 1\n", encoding="utf-8")
    targets = kit.write_targets(tmp_path / "t.csv", [{"id": "x", "name": "X", "portal_url": f"{site.url}/"}])
    result = run_cli("monitor", "--targets", str(targets), "--db", str(db), "--config", str(config), "-v")
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = site.hits["/"]   # a plain GET, then Chromium (it sends sec-ch-ua)
    assert "sec-ch-ua" not in first and "Chromium" in second["sec-ch-ua"]
    assert "bị tường lửa chặn (không phải lỗi của cổng): 1" in result.stdout   # still blocked in the browser: never down
