"""`portalcheck serve` against a real results database, seen through headless
Chromium: the ranking canned query shows the run's ranking; SIGTERM stops it."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.cli.commands.serve import build_metadata
from results import scoring_store, store
from scoring import load_methodology, score_run

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.communicate()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("serve did not start")


def test_metadata_names_the_database_and_its_queries(tmp_path):
    meta = build_metadata(tmp_path / "ket-qua.db")
    queries = meta["databases"]["ket-qua"]["queries"]
    assert {"ranking", "failing_services", "target_history", "verdicts", "monitor_history"} <= queries.keys()
    assert "'not_found'" in queries["failing_services"]["sql"] and "'blocked'" not in queries["failing_services"]["sql"]
    tables = meta["databases"]["ket-qua"]["tables"]
    assert tables["scores"]["title"] == "Điểm và thứ hạng (Scores and ranks)"
    # the codes' words are the catalogue's, filled in when the server starts, never copied by hand
    assert tables["scores"]["columns"]["classification"] == "Xếp loại: Tốt (tot), Khá (kha), Trung bình (trung_binh), Yếu (yeu)"
    assert "{words:" not in json.dumps(meta, ensure_ascii=False)
    # no canned query spells a code's words out itself: words() reads the catalogue
    assert not any("'Tốt'" in q["sql"] or "'Khá'" in q["sql"] for q in queries.values())


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Debian Chromium not installed at {CHROMIUM}")
def test_serve_ranking_page_in_headless_chromium(b, tmp_path):
    from playwright.sync_api import sync_playwright

    db_path = tmp_path / "portalcheck.db"
    targets = [b.target("a", "Sở Tài chính", services=False), b.target("c", "Sở TT&TT", services=False),
               b.target("n", "Sở Ngoại vụ", services=False),
               b.target("x", "Sở Xây dựng", portal_status="dns_error", services=False)]
    obs = b.perfect("a") + b.perfect("c") + b.perfect("n", fail=("van_ban", "lien_he", "hoi_dap"))
    db, run_id = b.store(db_path, b.evidence(targets, obs))
    scoring_store.save_scoring(db, run_id, "nd42-2025", score_run(store.load_evidence(db, run_id),
                                                          load_methodology("nd42-2025")))
    db.conn.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--db", str(db_path),
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_port(port, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/portalcheck/ranking?run_id={run_id}")
            assert "Bảng xếp hạng của một lượt" in page.title() + page.content()
            rows = page.eval_on_selector_all(
                "table.rows-and-columns tbody tr",
                "trs => trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))")
            browser.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err
    overall = [r for r in rows if r[1] == "Tổng hợp"]
    # SQLite orders names inside a tie by bytes: compare the tie as a set.
    assert {(r[2], r[3], r[5]) for r in overall[:2]} == {("1", "Sở Tài chính", "Tốt"), ("1", "Sở TT&TT", "Tốt")}
    assert [(r[2], r[3], r[5]) for r in overall[2:]] == [("3", "Sở Ngoại vụ", "Khá"), ("", "Sở Xây dựng", "")]
    assert overall[0][4] == "1,000" and overall[3][6] == "Không truy cập được"   # a Vietnamese decimal comma
    with socket.socket() as s:  # the Datasette child is gone with its parent
        assert s.connect_ex(("127.0.0.1", port)) != 0
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before  # read-only
