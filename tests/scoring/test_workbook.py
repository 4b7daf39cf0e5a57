"""The workbook the ministry would build: a ranking sheet per group (autofilter,
frozen header), a criteria sheet (a row per unit, a column per criterion of
whatever methodology, verdict words coloured, "not applicable" and "not judged"
never coloured as failures), whole-word sheet names; CSV exports with a BOM;
the JSON export with its $schema and version."""
from __future__ import annotations

import json
import re
import subprocess

import jsonschema
import pytest
from loopback import PYTHON, ROOT
from openpyxl import load_workbook

from results.export import EXPORT_VERSION, build_export, export_schema
from scoring import load_methodology, score_run
from scoring.reports import write_reports
from scoring.workbook import SHEET_NAME_MAX, VERDICT_FILLS, sheet_name, shorten_words

LONG_GROUPS = ["Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh Bà Rịa – Vũng Tàu",
               "Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh Bà Rịa – Vũng Tàu (khối Nội chính)",
               "Ủy ban nhân dân xã, phường, thị trấn [đợt 2]: *thử*",
               "Cơ quan ngang bộ", "cơ quan NGANG bộ", "Sở Tài nguyên và Môi trường tỉnh Thừa Thiên Huế"]


def _evidence(b):
    targets = [b.target("so-tc", "Sở Tài chính"), b.target("so-nv", "Sở Ngoại vụ"),
               b.target("tinh-x", "UBND tỉnh X", kind="province", group="Tỉnh, thành phố")]
    observations = (b.perfect("so-tc") + b.perfect("tinh-x", fail=("khoa_hoc",))
                    + b.perfect("so-nv", fail=("van_ban",), inconclusive=("tin_tuc",)))
    services = [b.svc(t, i) for t in ("so-tc", "so-nv", "tinh-x") for i in range(2)]
    return b.evidence(targets, observations, services)


def _words(text: str) -> list[str]:
    return re.sub(r"[\[\]:*?/\\]", " ", text).split()


def test_sheet_names_are_whole_words_unique_and_short():
    taken: set[str] = set()
    names = [sheet_name(g, None, taken) for g in LONG_GROUPS] + [sheet_name(LONG_GROUPS[0], "Tổng hợp", taken)]
    assert len({n.casefold() for n in names}) == len(names)
    for name, source in zip(names, LONG_GROUPS + [LONG_GROUPS[0] + " Tổng hợp"]):
        assert len(name) <= SHEET_NAME_MAX and not re.search(r"[\[\]:*?/\\]", name)
        kept = _words(re.sub(r" \(\d+\)$", "", name).replace(" - ", " "))
        assert kept and all(w.rstrip(",") in [x.rstrip(",") for x in _words(source)] for w in kept), (name, source)
    assert names[0] == "Sở, ban, ngành thuộc Ủy ban" and names[1] == "Sở, ban, ngành thuộc Ủy ban (2)"
    assert names[3] == "Cơ quan ngang bộ" and names[4] == "cơ quan NGANG bộ (2)"   # Excel ignores case
    assert names[-1].endswith("- Tổng hợp")                      # the category is kept whole
    assert shorten_words("Thừa Thiên Huế", 8) == "Thừa"           # never "Thừa Thi"


def test_ranking_and_criteria_sheets(b, tmp_path):
    ev = _evidence(b)
    m = load_methodology("nd42-2025")
    write_reports(ev, score_run(ev, m), tmp_path / "vi", formats=("xlsx",))
    wb = load_workbook(tmp_path / "vi" / "rankings.xlsx")
    assert wb.sheetnames == ["Sở, ban, ngành tỉnh", "Tỉnh, thành phố", "Tiêu chí từng đơn vị",
                             "Thông tin lượt kiểm tra"]
    ranking = wb["Sở, ban, ngành tỉnh"]
    assert ranking.freeze_panes == "C2" and ranking.auto_filter.ref == ranking.dimensions == "A1:O3"
    assert [c.value for c in ranking["B"]][1:] == ["Sở Tài chính", "Sở Ngoại vụ"]   # published order

    sheet = wb["Tiêu chí từng đơn vị"]
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref == sheet.dimensions
    header = [c.value for c in sheet[1]]
    titles = {c["key"]: c["title"]["vi"] for c in m["criteria"]}
    # a column for every criterion the methodology judged, in its order
    assert header[6:] == [titles[c["key"]] for c in m["criteria"]]
    rows = {r[1].value: {header[i]: r[i] for i in range(len(header))} for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"so-tc", "so-nv", "tinh-x"}
    cell = rows["so-nv"][titles["van_ban"]]
    assert cell.value == "Không đạt" and cell.fill.fgColor.rgb.endswith(VERDICT_FILLS["fail"])
    cell = rows["so-nv"][titles["tin_tuc"]]
    assert cell.value == "Chưa xác định" and cell.fill.fgColor.rgb.endswith(VERDICT_FILLS["inconclusive"])
    # khoa_hoc does not apply to a department: not applicable, never a failure
    cell = rows["so-tc"][titles["khoa_hoc"]]
    assert cell.value.startswith("Không áp dụng") and cell.fill.fgColor.rgb.endswith(VERDICT_FILLS["not_applicable"])
    # it is informational for a province: marked so
    assert rows["tinh-x"][titles["khoa_hoc"]].value == "Không đạt (tham khảo)"
    assert rows["so-tc"][titles["search"]].value == "Đạt"
    assert len({VERDICT_FILLS[k] for k in ("fail", "inconclusive", "not_applicable")}) == 3
    codes = [c.value for ws in (ranking, sheet) for row in ws.iter_rows(min_row=2) for c in row[2:]
             if isinstance(c.value, str) and re.fullmatch(r"[a-z]+(_[a-z]+)+|pass|fail|ranked", c.value)]
    assert not codes   # words, not codes, in every verdict, class and status cell
    about = {r[0].value: r[1].value for r in wb["Thông tin lượt kiểm tra"].iter_rows(min_row=2) if r[0].value}
    assert about["Bắt đầu"] == "01/06/2025 07:00"   # 00:00 UTC, in Asia/Ho_Chi_Minh, through Babel

    write_reports(ev, score_run(ev, m), tmp_path / "en", formats=("xlsx",), lang="en")
    wb = load_workbook(tmp_path / "en" / "rankings.xlsx")
    assert wb.sheetnames[2:] == ["Criteria by unit", "About this run"]
    values = [c.value for row in wb["Criteria by unit"].iter_rows(min_row=2) for c in row]
    assert "Fail" in values and "Inconclusive" in values and "Fail (informational)" in values
    assert about and "1 Jun 2025, 07:00" in [c.value for c in wb["About this run"]["B"]]   # scoring/l10n.py


def test_a_criterion_added_later_gets_its_column(b, tmp_path):
    m = load_methodology({"extends": "nd42-2025", "name": "nd42-plus", "criteria": [
        {"key": "audit_moi", "category": "portal", "source": {"observation": "function", "key": "rss"},
         "method": "binary", "max_points": 1, "requirement": "required", "legal_ref": "Thử nghiệm",
         "title": {"vi": "Tiêu chí kiểm tra mới", "en": "A new audit"}}]})
    ev = _evidence(b)
    write_reports(ev, score_run(ev, m), tmp_path, formats=("xlsx",), methodology=m)
    sheet = load_workbook(tmp_path / "rankings.xlsx")["Tiêu chí từng đơn vị"]
    header = [c.value for c in sheet[1]]
    assert "Tiêu chí kiểm tra mới" in header
    column = header.index("Tiêu chí kiểm tra mới")
    assert [r[column].value for r in sheet.iter_rows(min_row=2)] == ["Đạt"] * 3


@pytest.fixture
def stored_run(b, tmp_path):
    db, run_id = b.store(tmp_path / "r.db", _evidence(b))
    yield db, run_id, tmp_path / "r.db"
    db.conn.close()


def test_json_export_carries_its_schema_and_version(stored_run):
    db, run_id, _ = stored_run
    export = build_export(db, run_id)
    assert export["$schema"] == export_schema()["$id"] and export["version"] == EXPORT_VERSION
    jsonschema.validate(export, export_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({k: v for k, v in export.items() if k != "version"}, export_schema())


def test_csv_export_has_a_bom_for_excel_and_none_for_a_pipe(stored_run, tmp_path):
    _, _, db_path = stored_run
    out = tmp_path / "export.csv"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    base = [PYTHON, "-m", "crawler", "export", "--db", str(db_path), "--format", "csv"]
    subprocess.run([*base, "--out", str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,name,")
    with open(tmp_path / "redirected.csv", "wb") as handle:   # `export --format csv > file.csv`
        subprocess.run(base, cwd=ROOT, env=env, check=True, stdout=handle)
    assert (tmp_path / "redirected.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    piped = subprocess.run(base, cwd=ROOT, env=env, check=True, capture_output=True)
    assert piped.stdout.startswith(b"id,name,")
    json_out = tmp_path / "export.json"
    subprocess.run([*base[:-1], "json", "--out", str(json_out)], cwd=ROOT, env=env, check=True, capture_output=True)
    assert json.loads(json_out.read_text(encoding="utf-8"))["version"] == EXPORT_VERSION


def test_ranking_csv_has_a_bom(b, tmp_path):
    ev = _evidence(b)
    write_reports(ev, score_run(ev, "nd42-2025"), tmp_path, formats=("csv",))
    assert (tmp_path / "rankings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
