"""Reports render in both languages; the XLSX holds the same rows as the CSV; a
unit's HTML page names every criterion it fell short on, with its evidence."""
from __future__ import annotations

import csv
import html
import re

from openpyxl import load_workbook

from crawler.cli.main import main as cli
from results import scoring_store, store
from scoring import load_methodology, score_run
from scoring.reports import FORMATS, parse_formats, write_reports


def _evidence(b, shift=0):
    targets = [b.target("so-tc", "Sở Tài chính"), b.target("so-tttt", "Sở TT&TT"),
               b.target("so-nv", "Sở Ngoại vụ"), b.target("so-x", "Sở Xây dựng", portal_status="dns_error"),
               b.target("h-an", "Huyện An Lão", kind="commune", group="UBND cấp huyện", services=False)]
    obs = b.perfect("so-tc") + b.perfect("so-tttt") + b.perfect("h-an", fail=("search",))
    obs += b.perfect("so-nv", fail=("van_ban", "emc", "lien_he")[: 3 - shift],
                     inconclusive=("tin_tuc",))
    obs[-1]["snippet"] = "Không tìm thấy mục tin tức"
    services = [b.svc(t, i) for t in ("so-tc", "so-tttt") for i in range(3)]
    services += [b.svc("so-nv", 1), b.svc("so-nv", 2, status="server_error", level="mot_phan"),
                 b.svc("so-nv", 3, status="blocked"), b.svc("so-nv", 4, completeness=0.5)]
    return b.evidence(targets, obs, services)


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _normal(value):
    """CSV text and XLSX cells compared as values."""
    if value is None or value == "":
        return ""
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return str(value)


def test_parse_formats():
    assert parse_formats(None) == list(FORMATS)
    assert parse_formats(["html,md", "CSV"]) == ["html", "md", "csv"]
    try:
        parse_formats(["pdf"])
    except ValueError as exc:
        assert "pdf" in str(exc)
    else:
        raise AssertionError("pdf accepted")


def test_all_formats_render_and_xlsx_matches_csv(b, tmp_path):
    ev = _evidence(b)
    scores = score_run(ev, load_methodology("nd42-2025"))
    previous = _evidence(b, shift=2)
    written = write_reports(ev, scores, tmp_path / "vi",
                            previous={"evidence": previous, "scores": score_run(previous, "nd42-2025")})
    names = {p.relative_to(tmp_path / "vi").as_posix() for p in written}
    assert {"index.html", "rankings.html", "rankings.md", "rankings.csv", "rankings.xlsx",
            "targets/so-nv.html"} <= names
    rows = _csv_rows(tmp_path / "vi" / "rankings.csv")
    assert rows[0][:3] == ["Nhóm", "Hạng mục", "Hạng"]
    # The workbook's group sheets hold the CSV's figures, a row per unit with its
    # categories side by side (tests/scoring/test_workbook.py says more).
    wb = load_workbook(tmp_path / "vi" / "rankings.xlsx")
    from_csv = {(r[0], r[1], r[4]): [_normal(r[2]), _normal(r[6]), r[7]] for r in rows[1:]}
    from_xlsx = {}
    for ws in wb.worksheets[:2]:
        values = list(ws.iter_rows(values_only=True))
        header = [str(v) for v in values[0]]
        for r in values[1:]:
            for i, title in enumerate(header):
                if title.endswith(" — Hạng"):
                    category = title.removesuffix(" — Hạng")
                    group = next(k[0] for k in from_csv if k[2] == r[0])
                    from_xlsx[(group, category, r[0])] = [_normal(r[i]), _normal(r[i + 1]), r[i + 2] or ""]
    assert from_xlsx == from_csv
    assert [ws.title for ws in wb.worksheets] == ["Sở, ban, ngành tỉnh", "UBND cấp huyện",
                                                   "Tiêu chí từng đơn vị", "Thông tin lượt kiểm tra"]
    index = (tmp_path / "vi" / "index.html").read_text(encoding="utf-8")
    assert index.count("<svg") >= 3  # distributions of 2 groups + the change chart
    assert "Thay đổi so với lượt trước" in index and "http://" not in index.split("<body>")[1].split("<svg")[0]
    md = (tmp_path / "vi" / "rankings.md").read_text(encoding="utf-8")
    assert "| đồng hạng 1 | Sở TT&TT | 1,000 | Tốt | Xếp hạng |" in md
    assert "Sở Xây dựng | — |  | Không truy cập được |" in md


def test_english_reports(b, tmp_path):
    ev = _evidence(b)
    write_reports(ev, score_run(ev, "nd42-2025"), tmp_path, formats=("html", "csv"), lang="en")
    assert _csv_rows(tmp_path / "rankings.csv")[0][:3] == ["Group", "Category", "Rank"]
    page = (tmp_path / "targets" / "so-nv.html").read_text(encoding="utf-8")
    assert "Criteria not met" in page and "How to fix" in page and "Legal and administrative documents" in page


def test_target_page_names_every_failed_criterion_with_evidence(b, tmp_path):
    ev = _evidence(b)
    m = load_methodology("nd42-2025")
    scores = score_run(ev, m)
    write_reports(ev, scores, tmp_path, formats=("html",))
    page = html.unescape((tmp_path / "targets" / "so-nv.html").read_text(encoding="utf-8"))
    shortfalls = page.split("Tiêu chí chưa đạt")[1].split("</ol>")[0]
    failed = [c for s in scores if s["target_id"] == "so-nv" and s["category"] != "overall"
              for c in s["criteria"] if c["outcome"] in ("fail", "partial") and c["counted"]]
    assert {c["key"] for c in failed} >= {"van_ban", "emc", "lien_he", "live_share", "completeness"}
    titles = {c["key"]: c["title"]["vi"] for c in m["criteria"]}
    fixes = {c["key"]: c["fix"]["vi"] for c in m["criteria"]}
    for c in failed:
        item = re.search(rf'<li id="short-{c["key"]}">(.*?)</div></li>', shortfalls, re.S)
        assert item, c["key"]
        assert titles[c["key"]] in item.group(1) and c["legal_ref"] in item.group(1)
        assert fixes[c["key"]] in item.group(1)
    assert "https://so-nv.example.gov.vn/van_ban" in shortfalls and "Trích đoạn về van_ban" in shortfalls
    assert "dichvucong.so-nv.example.gov.vn/tthc/2" in shortfalls and "lỗi máy chủ" in shortfalls   # the status in words
    assert "tthc/3" not in shortfalls  # the blocked service is not evidence against the unit
    assert "Chưa xác định" in page and "Không tìm thấy mục tin tức" in page  # inconclusive shown as such


def test_cli_score_and_report_on_a_real_database(b, tmp_path, capsys):
    db_path = tmp_path / "results.db"
    b.store(db_path, _evidence(b, shift=2))
    b.store(db_path, _evidence(b))
    assert cli(["score", "--db", str(db_path), "--run", "1", "--methodology", "mic-2019"]) == 0
    out = capsys.readouterr().out
    assert "Sở Tài chính" in out and "mic-2019" in out
    db = store.open_db(db_path)
    assert scoring_store.latest_scoring(db, 1)["methodology"] == "mic-2019"
    assert scoring_store.latest_scoring(db, 2) is None
    # report scores run 2 (latest) first, since it has no scoring yet.
    assert cli(["report", "--db", str(db_path), "--format", "csv,xlsx", "--format", "md",
                "--out", str(tmp_path / "out")]) == 0
    assert scoring_store.latest_scoring(db, 2)["methodology"] == "nd42-2025"  # none recorded: by run date
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["rankings.csv", "rankings.md", "rankings.xlsx"]
    assert cli(["report", "--db", str(db_path), "--run", "1", "--lang", "en", "--out", str(tmp_path / "en")]) == 0
    assert (tmp_path / "en" / "index.html").exists()
    assert cli(["score", "--db", str(tmp_path / "missing.db")]) == 2  # bad input (docs/cli.md)
    assert not (tmp_path / "missing.db").exists()
    assert cli(["report", "--db", str(db_path), "--format", "pdf"]) == 2
