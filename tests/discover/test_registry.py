"""Registry data without a network: validity dates (which units a day's map
holds), diff and merge of a candidate file, and writing files safely."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from crawler.registry.diff import diff, merge
from crawler.registry.files import backup, excel_safe, registry_text, write_atomically
from crawler.registry.targets import TargetFileError, parse_targets, targets_on

HEADER = "id,name,kind,group,portal_url,services_url,parent,valid_from,valid_to,notes,verified\n"
REGISTRY = HEADER + (
    "tinhmau,UBND tỉnh Mẫu,province,tinh,https://tinhmau.gov.vn/,,,2025-07-01,,,yes\n"
    "hagiang,UBND tỉnh Hà Giang,province,tinh,https://hagiang.gov.vn/,,,,2025-06-30,sáp nhập vào Tuyên Quang,yes\n"
    "tuyenquang-cu,UBND tỉnh Tuyên Quang (cũ),province,tinh,https://tuyenquang.gov.vn/,,,,2025-06-30,,yes\n"
    "tuyenquang,UBND tỉnh Tuyên Quang,province,tinh,https://tuyenquang.gov.vn/,,,2025-07-01,,,yes\n"
    "so-tai-chinh,Sở Tài chính tỉnh Mẫu,department,so_nganh_tinhmau,https://stc.tinhmau.gov.vn/,,tinhmau,,,curated,yes\n"
    "so-tttt,Sở Thông tin và Truyền thông,department,so_nganh_tinhmau,https://stttt.tinhmau.gov.vn/,,tinhmau,,,,yes\n"
    "so-cong-thuong,Sở Công Thương,department,so_nganh_tinhmau,http://sct.tinhmau.gov.vn/,,tinhmau,,,,yes\n"
    "so-ngoai-vu,Sở Ngoại vụ,department,so_nganh_tinhmau,https://sngv.tinhmau.gov.vn/,,tinhmau,,,,yes\n"
    "so-lao-dong,Sở Lao động - Thương binh và Xã hội,department,so_nganh_tinhmau,https://sldtbxh.tinhmau.gov.vn/,,"
    "tinhmau,,2025-02-28,sáp nhập vào Sở Nội vụ,yes\n"
    "so-tu-phap-hg,Sở Tư pháp Hà Giang,department,so_nganh_hagiang,https://stp.hagiang.gov.vn/,,hagiang,,2025-06-30,,yes\n")
IDS = ["tinhmau", "hagiang", "tuyenquang-cu", "tuyenquang", "so-tai-chinh", "so-tttt", "so-cong-thuong",
       "so-ngoai-vu", "so-lao-dong", "so-tu-phap-hg"]


def registry():
    return parse_targets(REGISTRY.encode(), "registry.csv")


def candidates(rows: str):
    return parse_targets((HEADER + rows).encode(), "candidates.csv", known_ids=IDS)


# --- validity dates -----------------------------------------------------------

def test_a_day_s_map_never_holds_a_merged_province_and_its_successor():
    targets = registry()
    before = {t.id for t in targets_on(targets, date(2025, 6, 30))}
    after = {t.id for t in targets_on(targets, date(2025, 7, 1))}
    assert {"hagiang", "tuyenquang-cu", "so-tu-phap-hg"} <= before and "tuyenquang" not in before
    assert "tinhmau" not in before                       # valid from 2025-07-01
    assert {"tuyenquang", "tinhmau"} <= after and not {"hagiang", "tuyenquang-cu", "so-tu-phap-hg"} & after
    assert "so-lao-dong" not in after and "so-lao-dong" in {t.id for t in targets_on(targets, date(2025, 2, 28))}


def test_asking_for_a_unit_not_valid_that_day_is_an_error():
    with pytest.raises(TargetFileError) as caught:
        targets_on(registry(), date(2025, 8, 1), only=["hagiang"], path="registry.csv")
    assert "hagiang" in str(caught.value) and "2025-06-30" in str(caught.value)
    assert [t.id for t in targets_on(registry()[:2], date(2026, 1, 1), only=["tinhmau"])] == ["tinhmau"]


def test_no_unit_valid_that_day():
    with pytest.raises(TargetFileError) as caught:
        targets_on(registry()[1:3], date(2026, 1, 1))
    assert "2026-01-01" in str(caught.value)


def test_dates_in_the_wrong_order_are_refused():
    with pytest.raises(TargetFileError) as caught:
        parse_targets((HEADER + "x,X,province,tinh,https://x.gov.vn/,,,2025-07-01,2025-06-30,,\n").encode())
    assert "2025-07-01" in str(caught.value)


def test_a_candidate_file_may_name_parents_of_the_registry():
    with pytest.raises(TargetFileError):
        parse_targets((HEADER + "a,Sở A,department,g,https://a.gov.vn/,,tinhmau,,,,no\n").encode())
    assert candidates("a,Sở A,department,g,https://a.gov.vn/,,tinhmau,,,,no\n")[0].parent == "tinhmau"


# --- diff ---------------------------------------------------------------------

CANDIDATES = (
    "so-tai-chinh,Sở Tài chính,department,so_nganh_tinhmau,https://www.stc.tinhmau.gov.vn/index.html,,tinhmau,,,found,no\n"
    "so-tttt,Sở Khoa học và Công nghệ,department,so_nganh_tinhmau,https://stttt.tinhmau.gov.vn/,,tinhmau,,,found,no\n"
    "so-cong-thuong,Sở Công Thương,department,so_nganh_tinhmau,https://congthuong.tinhmau.gov.vn/,"
    "https://dichvucong.tinhmau.gov.vn/,tinhmau,,,found,yes\n"
    "so-y-te-tinhmau,Sở Y tế,department,so_nganh_tinhmau,https://syt.tinhmau.gov.vn/,,tinhmau,,,found,yes\n"
    "xa-tan-lap-tinhmau,UBND xã Tân Lập,commune,xa_phuong_tinhmau,https://tanlap.tinhmau.gov.vn/,,tinhmau,,,found,no\n"
    "sngv-2,Sở Ngoại vụ,department,so_nganh_tinhmau,https://sngv.tinhmau.gov.vn/,,tinhmau,,,found,yes\n")


def test_diff_of_a_discovery():
    plan = diff(registry(), candidates(CANDIDATES), date(2026, 1, 1))
    assert [r.id for r in plan.added] == ["so-y-te-tinhmau", "xa-tan-lap-tinhmau"]
    changes = {c.id: c.fields for c in plan.changed}
    # a renamed department (the 2025 merger) and a moved portal are changes; "Sở Tài chính" for
    # "Sở Tài chính tỉnh Mẫu", www/https/index.html and an empty services_url are not.
    assert changes == {
        "so-tttt": {"name": ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ")},
        "so-cong-thuong": {"portal_url": ("http://sct.tinhmau.gov.vn/", "https://congthuong.tinhmau.gov.vn/"),
                           "services_url": ("", "https://dichvucong.tinhmau.gov.vn/")},
    }
    assert [r.id for r in plan.unchanged] == ["so-tai-chinh"]
    assert [(n.id, o.id) for n, o in plan.conflicts] == [("sngv-2", "so-ngoai-vu")]   # never a second row
    # Hà Giang's department is outside the discovery; the Sở that ended before the day is not "dropped".
    assert plan.dropped == []
    assert plan.out_of_scope == 6


PARENT_READ = "tinhmau,UBND tỉnh Mẫu,province,tinh,https://tinhmau.gov.vn/,,,2025-07-01,,portal read,no\n"


def test_dropped_is_what_a_parent_read_no_longer_links():
    # Children of a parent whose portal was not read (no row of its own in NEW) are never "dropped".
    assert diff(registry(), candidates(CANDIDATES), date(2026, 1, 1)).dropped == []
    plan = diff(registry(), candidates(PARENT_READ + CANDIDATES.splitlines(keepends=True)[0]), date(2026, 1, 1))
    assert {r.id for r in plan.dropped} == {"so-tttt", "so-cong-thuong", "so-ngoai-vu"}
    assert [r.id for r in plan.unchanged] == ["tinhmau", "so-tai-chinh"]
    whole = diff(registry(), candidates("so-tai-chinh,Sở Tài chính,department,g,https://stc.tinhmau.gov.vn/,,"
                                        "tinhmau,,,,no\n"), date(2026, 1, 1), everything=True)
    assert {r.id for r in whole.dropped} == {"tinhmau", "tuyenquang", "so-tttt", "so-cong-thuong", "so-ngoai-vu"}


# --- merge --------------------------------------------------------------------

def test_merge_applies_reviewed_rows_only_and_never_removes():
    result = merge(registry(), candidates(CANDIDATES), date(2026, 1, 1))
    rows = {r.id: r for r in result.rows}
    assert [r.id for r in result.added] == ["so-y-te-tinhmau"]                 # verified=yes
    assert {r.id for r in result.skipped} == {"so-tttt", "xa-tan-lap-tinhmau"}  # verified=no
    assert rows["so-cong-thuong"].portal_url == "https://congthuong.tinhmau.gov.vn/"
    assert rows["so-cong-thuong"].services_url == "https://dichvucong.tinhmau.gov.vn/"
    assert rows["so-tttt"].name == "Sở Thông tin và Truyền thông"              # not reviewed: untouched
    assert rows["so-tai-chinh"].notes == "curated"
    assert len(result.rows) == len(registry()) + 1 and "sngv-2" not in rows
    assert [r.id for r in result.rows][-1] == "so-y-te-tinhmau"
    everything = merge(registry(), candidates(CANDIDATES), date(2026, 1, 1), include_unverified=True)
    assert {r.id for r in everything.added} == {"so-y-te-tinhmau", "xa-tan-lap-tinhmau"}
    assert {r.id: r for r in everything.rows}["xa-tan-lap-tinhmau"].verified == "no"
    assert {r.id: r for r in everything.rows}["so-tttt"].name == "Sở Thông tin và Truyền thông"


def test_a_reviewer_retires_a_unit_with_valid_to():
    reviewed = candidates("so-ngoai-vu,Sở Ngoại vụ,department,so_nganh_tinhmau,https://sngv.tinhmau.gov.vn/,,"
                          "tinhmau,,2025-02-28,,yes\n")
    rows = {r.id: r for r in merge(registry(), reviewed, date(2026, 1, 1)).rows}
    assert rows["so-ngoai-vu"].valid_to == "2025-02-28"
    assert "so-ngoai-vu" not in {t.id for t in targets_on(list(rows.values()), date(2026, 1, 1))}


# --- files --------------------------------------------------------------------

@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Sở Y tế", "Sở Y tế"), ("", ""), (None, ""),
])
def test_excel_safe_cells(cell, safe):
    assert excel_safe(cell) == safe


def test_registry_text_round_trips_and_neutralises_formulas(tmp_path):
    rows = [r.as_row() for r in registry()]
    rows[4]["name"] = "=cmd|' /C calc'!A0"
    text = registry_text(rows, "out.csv")
    assert text.splitlines()[0] == "id,name,kind,group,portal_url,services_url,parent,valid_from,valid_to,notes,verified"
    again = parse_targets(text.encode(), "out.csv")
    assert again[4].name == "'=cmd|' /C calc'!A0" and [t.id for t in again] == IDS
    yaml_again = parse_targets(registry_text(rows, "out.yaml").encode(), "out.yaml")
    assert [t.as_row() for t in yaml_again] == [t.as_row() for t in again]
    path = tmp_path / "reg.csv"
    write_atomically(path, "a\n")
    first, second = backup(path, datetime(2026, 1, 31, 10, 15)), backup(path, datetime(2026, 1, 31, 10, 15))
    assert first.name == "reg.csv.2026-01-31T101500.bak" and second != first and second.read_text() == "a\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- candidates ----------------------------------------------------------------

def test_a_parent_read_that_another_parent_links_appears_once():
    from crawler.items import DiscoveryItem
    from crawler.registry.candidates import consolidate

    units = parse_targets((HEADER + "hanoi,UBND Thành phố Hà Nội,province,tinh,https://hanoi.gov.vn/,,,,,,yes\n"
                           "stp-hanoi,Sở Tư pháp Hà Nội,department,so_nganh_hanoi,https://stp.hanoi.gov.vn/,,"
                           "hanoi,,,,yes\n").encode())
    linked = {"name": "Sở Tư pháp", "url": "http://www.stp.hanoi.gov.vn/", "level": "department",
              "kind": "department", "owner": "hanoi", "group": "so_nganh_hanoi", "why": "name", "area": "select",
              "labels": ["Sở, ban, ngành"], "page_url": "https://hanoi.gov.vn/"}
    fetched = {"final_url": "https://stp.hanoi.gov.vn/", "status": "live", "http_status": 200}
    items = [DiscoveryItem("hanoi", "live", "https://hanoi.gov.vn/", [{}], [linked], homepages={"stp.hanoi.gov.vn": fetched}),
             DiscoveryItem("stp-hanoi", "live", "https://stp.hanoi.gov.vn/", [{}, {}])]
    found = consolidate(items, units)
    assert [r["id"] for r in found.rows()] == ["hanoi", "stp-hanoi"]
    child = found.rows()[1]
    assert child["portal_url"] == "https://stp.hanoi.gov.vn/" and "là dòng 'stp-hanoi'" in child["notes"]
    assert [f.matched for f in found.parents] == [1, 0]
