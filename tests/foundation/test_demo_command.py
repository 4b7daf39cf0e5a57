"""`portalcheck demo` (what `make demo` runs): the bundled portals are swept,
scored, ranked and reported, and the user is told where everything is."""
from __future__ import annotations

import json
import sqlite3

import jsonschema
from loopback import run_cli
from openpyxl import load_workbook

from results.export import export_schema


def test_demo_sweeps_ranks_and_reports(tmp_path):
    out = tmp_path / "demo"
    result = run_cli("demo", "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    # Ranking tables per peer group, with ties shown as "đồng hạng".
    assert "Xếp hạng nhóm Tỉnh, thành phố" in result.stdout and "Xếp hạng nhóm Sở, ban, ngành" in result.stdout
    assert "UBND tỉnh Sông Hồng" in result.stdout
    # Where things are.
    assert str(out / "portalcheck.db") in result.stderr and "index.html" in result.stderr
    conn = sqlite3.connect(out / "portalcheck.db")
    assert conn.execute("SELECT status FROM runs").fetchone()[0] == "finished"
    assert conn.execute("SELECT COUNT(*) FROM scores WHERE rank IS NOT NULL").fetchone()[0] > 0
    export = json.loads((out / "export.json").read_text(encoding="utf-8"))
    jsonschema.validate(export, export_schema())
    assert {t["portal"]["status"] for t in export["targets"]} >= {"live", "blocked", "timeout", "connection_error"}
    reports = out / "reports"
    assert (reports / "index.html").exists()
    workbooks = list(reports.rglob("*.xlsx"))
    assert workbooks and load_workbook(workbooks[0]).sheetnames


def test_demo_in_english(tmp_path):
    result = run_cli("--lang", "en", "demo", "--out", str(tmp_path / "d"), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ranking, group Provinces" in result.stdout and "Results database" in result.stderr
