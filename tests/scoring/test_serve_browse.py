"""Browsing the results with `portalcheck serve` (Datasette), through its JSON
API on loopback: the ranking query shows the latest scored run when no run is
given; verdicts facet on group, kind and outcome; internal tables are hidden;
the monitor's history reads as passes and changes (views of migration 4). What a
person reads is in words (plugins/words.py): cells, facets and canned queries."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

from results import monitor_store, scoring_store, store
from scoring import load_methodology, score_run

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> dict | list:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _database(b, path: Path) -> tuple[int, int]:
    """Two scored sweeps (the later one ranks differently) and a monitor pass with a change."""
    first = b.evidence([b.target("a", "Sở A", services=False), b.target("c", "Sở C", services=False)],
                       b.perfect("a", fail=("van_ban",)) + b.perfect("c"))
    second = b.evidence([b.target("a", "Sở A", services=False),
                         b.target("x", "Xã X", kind="commune", group="Xã, phường", services=False)],
                        b.perfect("a") + b.perfect("x", fail=("lien_he",)))
    run_ids = []
    for ev in (first, second):
        db, run_id = b.store(path, ev)
        scoring_store.save_scoring(db, run_id, "nd42-2025", score_run(store.load_evidence(db, run_id),
                                                              load_methodology("nd42-2025")))
        run_ids.append(run_id)
    monitor_run = store.create_run(db, mode="monitor")
    tid, _ = monitor_store.register_target(db, "a", "Sở A")
    urls, _ = monitor_store.register_urls(db, tid, {"https://a.example.gov.vn/": ("portal", None, None)}, 0)
    at = 1795763100   # 27/11/2026 07:05 UTC
    with monitor_store.pass_transaction(db):
        monitor_store.save_raw(db, at, tid, monitor_run, False, 345, b"\x04")
        event = {"run_id": monitor_run, "at": at, "tid": tid, "url_id": urls["https://a.example.gov.vn/"][0],
                 "kind": "state", "from_state": "up", "to_state": "down", "status": "server_error",
                 "http_status": 500, "detail": None, "maintenance": 0, "notify": 1}
        monitor_store.save_outcome(db, tid, types.SimpleNamespace(drops=[], saves=[], certs=[], events=[event]))
    store.finish_run(db, monitor_run, "finished")
    db.conn.close()
    return run_ids[0], run_ids[1]


def test_ranking_defaults_to_the_latest_run_facets_and_monitor_history(b, tmp_path):
    db_path = tmp_path / "portalcheck.db"
    first, second = _database(b, db_path)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--db", str(db_path), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        latest = _get(port, "/portalcheck/ranking.json?_shape=array")
        chosen = _get(port, f"/portalcheck/ranking.json?_shape=array&run_id={first}")
        database = _get(port, "/portalcheck.json")
        verdicts = _get(port, "/portalcheck/latest_verdicts.json?_size=1")
        passes = _get(port, "/portalcheck/monitor_passes.json?_shape=array")
        changes = _get(port, "/portalcheck/monitor_changes.json?_shape=array")
        history = _get(port, "/portalcheck/monitor_history.json?_shape=array&target_id=")
        one_unit = _get(port, "/portalcheck/verdicts.json?_shape=array&target_id=x")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/portalcheck/latest_verdicts?outcome=fail",
                                    timeout=30) as response:
            table_page = response.read().decode("utf-8")
        downloaded, shown = (urllib.request.urlopen(f"http://127.0.0.1:{port}/portalcheck/run_targets.csv{q}",
                                                    timeout=30).read() for q in ("?_dl=1", ""))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    # a CSV downloaded for Excel carries the UTF-8 mark; one shown in the browser does not
    assert downloaded.startswith(b"\xef\xbb\xbfrun_id,") and shown.startswith(b"run_id,")
    assert "Sở A".encode() in downloaded
    assert {r["Lượt"] for r in latest} == {second} and {r["Đơn vị"] for r in latest} == {"Sở A", "Xã X"}
    assert {r["Lượt"] for r in chosen} == {first} and {r["Đơn vị"] for r in chosen} == {"Sở A", "Sở C"}
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {"run_progress", "staged_rows", "monitor_raw", "monitor_daily", "monitor_state",
            "monitor_meta", "monitor_events"} <= hidden
    assert not {"runs", "scores", "observations", "services"} & hidden
    facets = verdicts["facet_results"]
    facets = facets.get("results", facets)   # Datasette 0.65 and 1.0 shapes
    assert {"group_name", "kind", "outcome"} <= set(facets)
    by_kind = {v["value"]: v["count"] for v in facets["kind"]["results"]}
    assert set(by_kind) == {"department", "commune"}
    outcomes = {v["value"]: v["label"] for v in facets["outcome"]["results"]}
    assert {"pass": "Đạt", "fail": "Không đạt"}.items() <= outcomes.items()   # facets list words, filter by code
    assert {v["label"] for v in facets["kind"]["results"]} == {"Sở, ban, ngành", "Xã, phường"}
    # cells show words, the code kept in the tooltip
    assert '<span title="fail">Không đạt</span>' in table_page and '<span title="commune">Xã, phường</span>' in table_page
    # canned queries: words, Vietnamese decimals, the latest run by default
    assert {r["Xếp loại"] for r in latest} <= {"Tốt", "Khá", "Trung bình", "Yếu", None}
    assert {r["Hạng mục"] for r in latest} == {"Tổng hợp", "Cổng thông tin điện tử", "Dịch vụ công trực tuyến"}
    assert all(r["Điểm"] is None or "," in r["Điểm"] for r in latest)
    failed = [r for r in one_unit if r["Kết luận"] == "Không đạt"]
    assert failed and failed[0]["Tiêu chí"].startswith("Thông tin liên hệ") and failed[0]["Loại cơ quan"] == "Xã, phường"
    assert history == [{"Thời điểm": "27/11/2026 14:05", "Đơn vị": "Sở A",
                        "Địa chỉ theo dõi": "Trang chủ cổng thông tin điện tử", "Tên / địa chỉ": "https://a.example.gov.vn/",
                        "Trước đó": "Hoạt động", "Tình trạng mới": "Ngừng hoạt động", "Lý do": "lỗi máy chủ",
                        "Mã HTTP": 500, "Bảo trì": "", "Mã đơn vị": "a", "URL": "https://a.example.gov.vn/"}]
    assert passes == [{"run_id": passes[0]["run_id"], "at_utc": "2026-11-27 07:05:00",
                       "at_vietnam": "2026-11-27 14:05:00", "target_id": "a", "name": "Sở A",
                       "maintenance": 0, "portal_ms": 345}]
    assert [(c["target_id"], c["url_kind"], c["from_state"], c["to_state"], c["http_status"]) for c in changes] == [
        ("a", "portal", "up", "down", 500)]
