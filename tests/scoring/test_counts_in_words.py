"""Every count and reason a services criterion shows beside its verdict is in words, in both
languages (scoring/tables.counts_words, scoring/catalogue.reason_words)."""
from __future__ import annotations

import pytest

from scoring.catalogue import reason_words
from scoring.measures import MEASURES
from scoring.tables import counts_words

SERVICES = [
    {"url": "http://dvc.example.vn/1", "name": "Cấp phép", "code": "1.001", "level": "toan_trinh", "status": "live",
     "http_status": 200, "completeness": 0.83, "clicks": 5, "online_submission": 1, "online_payment": 0},
    {"url": "http://dvc.example.vn/2", "name": "Đăng ký", "code": "1.002", "level": "mot_phan", "status": "not_found",
     "http_status": 404, "completeness": 1.0, "clicks": 2, "online_submission": 1, "online_payment": 0},
    {"url": "http://dvc.example.vn/3", "name": "Khai báo", "code": "1.003", "level": "khong_truc_tuyen",
     "status": "timeout", "http_status": None, "completeness": None, "clicks": None},
]


@pytest.mark.parametrize("measure", sorted(MEASURES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_measures_counts_and_reasons_are_words(measure, lang):
    _, detail = MEASURES[measure](SERVICES, {"max_clicks": 3})
    shown = counts_words(detail["counts"], lang)
    for key in detail["counts"]:
        assert f"{key}:" not in shown, (measure, shown)
    for item in detail["evidence"]:
        if item.get("reason"):
            words = reason_words(item["reason"], lang)
            assert words != item["reason"] and "=" not in words and "_" not in words, (measure, words)


def test_a_completeness_share_reads_as_a_percentage():
    assert reason_words("completeness=0.83", "vi") == "trang dịch vụ có 83% thông tin bắt buộc"
    assert reason_words("completeness=0.5", "en") == "the service page carries 50% of the required information"
