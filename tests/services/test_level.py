"""Service levels from every vocabulary, on the real records (README §2, §3)."""
from __future__ import annotations

import json

import pytest

from checks.service_detail import level_from_detail
from checks.service_level import (
    level_from_api,
    level_from_channels,
    level_from_label,
    level_from_prose,
    record_2021_channels,
)

# README §2: what each real detail record is.
README = {
    "1.003197": "toan_trinh", "1.004194": "toan_trinh", "1.010028": "toan_trinh", "1.013218": "toan_trinh",
    "1.004222": "mot_phan", "1.000110": "mot_phan", "1.115510": "mot_phan",
    "1.000419": "khong_truc_tuyen", "2.000712": "khong_truc_tuyen",
}


def test_the_three_named_records(fixtures_dir):
    got = {code: level_from_api(json.loads((fixtures_dir / "dvcqg-api-2026" / "details" / f"{code}.json")
                                           .read_text(encoding="utf-8"))).key
           for code in ("1.003197", "1.004222", "1.000419")}
    assert got == {"1.003197": "toan_trinh", "1.004222": "mot_phan", "1.000419": "khong_truc_tuyen"}


def test_every_detail_file_as_the_readme_says(fixtures_dir):
    files = sorted((fixtures_dir / "dvcqg-api-2026" / "details").glob("*.json"))
    assert len(files) == 9
    for path in files:
        level = level_from_api(json.loads(path.read_text(encoding="utf-8")))
        assert level.key == README[path.stem], path.stem
        assert level.source == "api" and "submissionMethod" in level.raw
    sample = json.loads((fixtures_dir / "dvcqg-api-2026" / "sample-formality-detail.json").read_text("utf-8"))
    assert level_from_api(sample).key == "mot_phan"   # 1.001193: ONLINE, isFullProcess false


def test_api_fields_other_than_the_national_ones():
    assert level_from_api({"mucDo": 4}).key == "toan_trinh"
    assert level_from_api({"mucDo": "3"}).key == "mot_phan"
    assert level_from_api({"level": 2}).key == "khong_truc_tuyen"
    assert level_from_api({"onlineServiceLevel": "FULL"}).key == "toan_trinh"
    assert level_from_api({"onlineServiceLevel": "PARTIAL"}).key == "mot_phan"
    assert level_from_api({"isOfflineOnly": True, "executionMethods": [{"submissionMethod": "ONLINE"}]}).key \
        == "khong_truc_tuyen"
    assert level_from_api({"name": "x"}).key == "unknown"
    assert level_from_api(None).key == "unknown"


def test_2021_records_level_from_hinh_thuc_nop(fixtures_dir):
    records = json.loads((fixtures_dir / "dvcqg-scrape-2021" / "data.json").read_text(encoding="utf-8"))
    assert len(records) == 87
    levels = [level_from_channels(record_2021_channels(r)) for r in records]
    online = sum(1 for r in records if "Trực tuyến" in record_2021_channels(r))
    assert online == 29   # README §3
    assert sum(1 for lv in levels if lv.key == "mot_phan") == 29
    assert sum(1 for lv in levels if lv.key == "khong_truc_tuyen") == 58
    first = levels[0]   # "Đăng ký thường trú": Trực tiếp + Trực tuyến
    assert first.raw == "Hình thức nộp: Trực tiếp, Trực tuyến" and first.source == "submission_channel"


@pytest.mark.parametrize("label,key,vocabulary", [
    ("Mức độ 4", "toan_trinh", "nd43_levels"), ("Mức độ 3", "mot_phan", "nd43_levels"),
    ("Mức độ 2", "khong_truc_tuyen", "nd43_levels"), ("Mức độ 1", "khong_truc_tuyen", "nd43_levels"),
    ("4", "toan_trinh", "nd43_levels"), ("MĐ3", "mot_phan", "nd43_levels"),
    ("Toàn trình", "toan_trinh", "nd42_kinds"), ("Một phần", "mot_phan", "nd42_kinds"),
    ("Dịch vụ công trực tuyến toàn trình", "toan_trinh", "nd42_kinds"),
    ("DVCTT Một phần", "mot_phan", "nd42_kinds"),
    ("Dịch vụ công", "khong_truc_tuyen", "label"),
    ("Dịch vụ cung cấp thông tin trực tuyến", "khong_truc_tuyen", "label"),
    ("Không số hóa trực tuyến", "khong_truc_tuyen", "label"),
    ("Chưa cung cấp dịch vụ công trực tuyến", "khong_truc_tuyen", "label"),
    ("M&#7913;c &#273;&#7897; 4", "toan_trinh", "nd43_levels"),   # numeric entities (VPCP)
    ("", "unknown", None), ("Lĩnh vực hộ tịch", "unknown", None),
])
def test_labels(label, key, vocabulary):
    level = level_from_label(label)
    assert level.key == key
    assert level.vocabulary == vocabulary


def test_prose_statements_and_traps():
    assert level_from_prose("Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.").key == "toan_trinh"
    assert level_from_prose("Mức độ: Toàn trình").key == "toan_trinh"
    assert level_from_prose("Mức độ dịch vụ công: Một phần").key == "mot_phan"
    assert level_from_prose("Thủ tục chưa cung cấp dịch vụ công trực tuyến.").key == "khong_truc_tuyen"
    # Real 2021 wording that is not a level: "mức độ bệnh tật", "học bổng … một phần".
    assert level_from_prose("tùy thuộc vào mức độ bệnh tật của từng người bệnh").key == "unknown"
    assert level_from_prose("cấp học bổng toàn phần hoặc một phần của cơ sở giáo dục").key == "unknown"


def test_a_headline_in_the_menu_is_not_the_service_level():
    html = ("<html><body><aside class='sidebar'><a href='/tin'>Đẩy mạnh cung cấp dịch vụ công trực tuyến "
            "mức độ 4</a></aside><div class='content'><h1>Cấp phép</h1><table><tr><th>Hình thức nộp</th></tr>"
            "<tr><td>Trực tiếp</td></tr></table></div></body></html>")
    level = level_from_detail(html)
    assert level.key == "khong_truc_tuyen" and level.source == "submission_channel"
