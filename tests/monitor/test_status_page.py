"""The monitoring status page (`portalcheck monitor --report --format html`):
real passes against loopback portals (one goes down and comes back, one serves
https with a certificate near expiry), a week of earlier history stored through
results.monitor_store, the page read in headless Chromium and screenshotted."""
from __future__ import annotations

import re
import struct
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loopback import run_cli
from markupsafe import escape

from checks.monitor_pass import STATUS_CODES
from results import monitor_store, store
from scoring.monitor_page import incidents, write_monitor_page

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# down after one failed check: three passes tell the whole story
CONFIG = "download_timeout: 1\ndown_after: 1\ntimeout_after: 2\nblocked_after: 2\nrender_blocked: 0\n"
HOSTILE = 'Sở B <script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _history(db_path: Path, portal_url: str) -> None:
    """Six earlier days of Sở A's portal: 96 passes a day, day -3 with 12 failures,
    day -5 all in maintenance; response times 200–400 ms."""
    db = store.open_db(db_path)
    run_id = store.create_run(db, mode="monitor", label="history")
    tid, _ = monitor_store.register_target(db, "so-a", "Sở A")
    today = datetime.now(VN).date()
    monitor_store.register_urls(db, tid, {portal_url: ("portal", None, None)}, 0)
    for back in range(6, 0, -1):
        day = today - timedelta(days=back)
        start = int(datetime(day.year, day.month, day.day, tzinfo=VN).timestamp())
        for i in range(96):
            failed = back == 3 and i < 12
            code = STATUS_CODES["server_error" if failed else "live"]
            monitor_store.save_raw(db, start + i * 900, tid, run_id, back == 5, 200 + (i % 5) * 50, bytes([code]))
    store.finish_run(db, run_id, "finished")
    db.conn.close()


def _passes(servers, kit, tmp_path):
    portal, _ = servers
    a = portal(["/", "/dv/1"])
    b = portal(["/"], tls=True, cert_days=10)
    db, config = tmp_path / "r.db", tmp_path / "monitor.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    kit.seed_sweep(db, {"so-a": [{"url": f"{a.url}/dv/1", "name": "Thủ tục 1", "code": "1.001"}]})
    _history(db, f"{a.url}/")
    kit.write_targets(tmp_path / "t.csv", [{"id": "so-a", "name": "Sở A", "portal_url": f"{a.url}/"},
                                           {"id": "so-b", "name": HOSTILE, "portal_url": f"{b.url}/"}])

    def monitor():
        started = time.monotonic()
        result = run_cli("monitor", "--targets", str(tmp_path / "t.csv"), "--db", str(db), "--config", str(config),
                         timeout=120)
        assert result.returncode in (0, 1), result.stderr[-3000:]
        if time.monotonic() - started < 1.1:
            time.sleep(1.1)   # passes never share a second (the lock's rule)

    a.behaviour["/"] = 500
    monitor()                                   # Sở A down
    a.behaviour["/"] = 200
    monitor()                                   # and up again: one incident, with an end
    a.behaviour["/"] = 503
    monitor()                                   # down again: an incident still open
    return db, a


def test_status_page_in_headless_chromium(servers, kit, tmp_path):
    db, a = _passes(servers, kit, tmp_path)
    out = tmp_path / "page"
    result = run_cli("monitor", "--report", "--format", "html", "--out", str(out), "--db", str(db),
                     "--config", str(tmp_path / "monitor.yaml"), "--last", "10")
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout and "index.en.html" in result.stdout
    text = (out / "index.html").read_text(encoding="utf-8")
    # hostile text from a target file is escaped, never markup; no script, nothing fetched
    assert "<script" not in text and "<img" not in text and str(escape(HOSTILE)) in text
    assert not re.search(r'(src|href)="(https?:)?//(?!127\.0\.0\.1)', text)

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto((out / "index.html").as_uri())
        body = page.inner_text("body")
        sections = page.eval_on_selector_all(
            "section.target", "ss => ss.map(s => ({name: s.querySelector('h2 span').innerText, "
            "state: s.querySelector('.badge').innerText, bars: s.querySelectorAll('.bars span').length, "
            "classes: Array.from(s.querySelectorAll('.bars span')).map(b => b.className), "
            "rows: Array.from(s.querySelectorAll('table tr')).map(r => r.innerText)}))")
        shot = tmp_path / "status.png"
        page.screenshot(path=str(shot), full_page=True)
        page.goto((out / "index.en.html").as_uri())
        english = page.inner_text("body")
        browser.close()
    by_name = {s["name"]: s for s in sections}
    assert set(by_name) == {"Sở A", HOSTILE}
    so_a, so_b = by_name["Sở A"], by_name[HOSTILE]
    assert so_a["state"] == "Ngừng hoạt động" and so_b["state"] == "Hoạt động"
    assert "1 đơn vị cần chú ý" in body
    # 10 day bars per lane; the history shows: maintenance 5 days ago, a bad day 3 days ago
    assert so_a["bars"] == 10 and so_a["classes"][4] == "maintenance" and so_a["classes"][6] == "bad"
    assert so_a["classes"][:3] == ["empty"] * 3 and so_a["classes"][3] == "good"
    assert so_a["classes"][7:] == ["good", "good", "bad"]    # today: 2 of 3 passes failed
    assert "Tỷ lệ hoạt động 10 ngày" in body and re.search(r"\d+,\d\d%", body)   # Babel: 98,xx%
    incidents_rows = [r for r in so_a["rows"] if "Trang chủ cổng thông tin điện tử" in r]
    assert len(incidents_rows) == 2 and "đang diễn ra" in incidents_rows[0]    # newest first, still open
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", incidents_rows[1])           # vi dates: 27/11/2026 14:05
    assert any("còn 10 ngày" in r for r in so_b["rows"])                         # the certificate
    assert "Thời gian phản hồi trang chủ" in body and "Trung bình" in body
    assert "Down" in english and "1 units need attention" in english and "Incidents" in english
    for text in (body, english):   # words, not codes: no snake_case key reaches a reader
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    assert not re.search(r"\b(up|down|timeout|blocked|live)\b", body)   # nor an English state code in Vietnamese
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1000 and height > 900
    assert _distinct_colours(png) > 8    # not a blank page


def _distinct_colours(png: bytes) -> int:
    """Colours in the first rows of an 8-bit RGB(A) PNG (a blank page has one)."""
    width, _ = struct.unpack(">II", png[16:24])
    depth, kind = png[24], png[25]
    assert depth == 8 and kind in (2, 6)
    channels = 3 if kind == 2 else 4
    data, pos = b"", 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        if png[pos + 4:pos + 8] == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels + 1
    # Filtered bytes, not pixels; still, a uniform page gives almost no distinct values.
    return len({raw[i:i + channels] for row in range(0, min(len(raw) // stride, 400))
                for i in range(row * stride + 1, (row + 1) * stride, channels * 7)})


def test_incidents_pair_changes_and_never_call_a_block_down():
    base = int(datetime(2026, 11, 27, 7, 5, tzinfo=ZoneInfo("UTC")).timestamp())
    events = [{"url_id": 1, "at": base, "to_state": "down", "url_kind": "portal", "url": "https://a/"},
              {"url_id": 2, "at": base + 100, "to_state": "blocked", "url_kind": "service", "url_name": "Thủ tục"},
              {"url_id": 1, "at": base + 3600, "to_state": "up"},
              {"url_id": 2, "at": base + 4000, "to_state": "timeout"}]
    rows = incidents(events, base + 8000, "vi", VN)
    assert [(r["label"], r["worst"], r["end"]) for r in rows] == [
        ("Dịch vụ công: Thủ tục", "blocked", None), ("Trang chủ cổng thông tin điện tử: https://a/", "down", base + 3600)]
    assert rows[0]["state_words"] == "Bị chặn truy cập (không đánh giá được), Không phản hồi kịp"
    assert rows[0]["end_text"] == "đang diễn ra" and rows[1]["duration"] == "1 tiếng"  # CLDR 46 (Babel 2.19)
    assert rows[1]["start_text"] == "27/11/2026 14:05" and rows[1]["end_text"] == "27/11/2026 15:05"
    english = incidents(events, base + 8000, "en", VN)
    assert english[1]["start_text"] == "27 Nov 2026, 14:05" and english[0]["end_text"] == "ongoing"


def test_an_empty_database_gives_a_page_that_says_so(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    written = write_monitor_page(db, tmp_path / "out", int(time.time()), VN, "en")
    assert [p.name for p in written] == ["index.html", "index.vi.html"]
    assert "No monitoring results yet" in written[0].read_text(encoding="utf-8")
    assert "Chưa có kết quả theo dõi nào" in written[1].read_text(encoding="utf-8")


def test_every_word_of_the_page_exists_in_both_languages():
    import yaml

    root = Path(__file__).resolve().parents[2]
    for name in ("scoring/messages/monitor_page.yaml", "scoring/messages/monitor.yaml", "scoring/messages/workbook.yaml",
                 "crawler/cli/messages/monitor_page.yaml"):
        data = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        entries = list(data.values())
        assert entries and all(set(e) == {"vi", "en"} and e["vi"] and e["en"] for e in entries), name
    template = (root / "scoring/templates/monitor.html.j2").read_text(encoding="utf-8")
    page_words = yaml.safe_load((root / "scoring/messages/monitor_page.yaml").read_text(encoding="utf-8"))
    keys = {k.split(".", 1)[1] for k in page_words if k.startswith("monitor_page.")}
    used = set(re.findall(r"""tr\(["']([a-z_]+)["']""", template))
    assert used and used <= keys, used - keys


def test_the_state_now_never_calls_a_blocked_or_slow_address_down():
    from scoring.monitor_page import _current

    at = int(datetime(2026, 11, 27, 7, 5, tzinfo=ZoneInfo("UTC")).timestamp())
    info = {"id": "a"}

    def problem(kind, state):
        return {"target_id": "a", "kind": kind, "state": state, "since": at, "name": "Thủ tục 1", "url": "https://a/"}

    def state(problems, last=(at, 0, 120)):
        return _current(info, problems, last, "vi", VN)

    assert state([])["state"] == "up" and state([])["response"] == "120 ms"
    assert state([problem("service", "blocked"), problem("service", "timeout")])["words"] == \
        "Có địa chỉ không đánh giá được (bị chặn, quá thời gian)"
    assert state([problem("service", "blocked"), problem("service", "down")])["state"] == "partial"
    assert state([problem("portal", "timeout")])["words"] == "Không phản hồi kịp"
    assert state([problem("portal", "down")])["problems"][0]["since_text"] == "27/11/2026 14:05"
    assert state([problem("portal", "down")], last=(at, 1, None))["state"] == "maintenance"
    assert state([], last=None)["words"] == "Chưa có kết quả"
