"""Levels read where they are stated (issue #13): a labelled row on the detail
page decides, whatever else the page says; the raw label is kept."""
from __future__ import annotations

import pytest

from checks.service_detail import judge_page, level_from_detail
from checks.service_level import Level

DECOYS = ("<p class='ghi-chu'>Lưu ý: tra cứu các dịch vụ công trực tuyến mức độ 4 tại Cổng Dịch vụ công.</p>"
          "<div class='chu-thich'><span class='i1'></span> Dịch vụ cung cấp thông tin trực tuyến <span class='i3'>"
          "</span> Dịch vụ công trực tuyến một phần <span class='i4'></span> Dịch vụ công trực tuyến toàn trình</div>"
          "<h3>Tỉnh hoàn thành cung cấp dịch vụ công trực tuyến toàn trình năm 2024</h3>"
          "<ul class='lien-quan'><li><a href='/tin/1'>Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4</a></li></ul>")


def _page(row: str, decoys_first: bool = True) -> str:
    table = ("<table class='table'><tr><td>Tên thủ tục</td><td>Cấp giấy phép xây dựng</td></tr>" + row +
             "<tr><td>Thời hạn giải quyết</td><td>15 ngày</td></tr></table>")
    main = DECOYS + table if decoys_first else table + DECOYS
    return ("<html><body><nav class='menu'><a href='/tin'>DVC mức độ 4</a></nav><div class='content'>"
            f"<h1>Cấp giấy phép xây dựng</h1>{main}</div><footer>Dịch vụ công trực tuyến mức độ 4</footer></body></html>")


@pytest.mark.parametrize("row,key,raw", [
    ("<tr><td>Mức độ</td><td>Một phần</td></tr>", "mot_phan", "Mức độ: Một phần"),
    ("<tr><th>Mức trực tuyến</th><td>Toàn trình</td></tr>", "toan_trinh", "Mức trực tuyến: Toàn trình"),
    ("</table><dl><dt>Mức độ DVC</dt><dd>DVC mức 3</dd></dl><table>", "mot_phan", "Mức độ DVC: DVC mức 3"),
    ("</table><div class='row'><div class='col-3'>Mức độ:</div><div class='col-9'>Mức độ 2</div></div><table>",
     "khong_truc_tuyen", "Mức độ: Mức độ 2"),
    ("</table><p><strong>Dịch vụ công trực tuyến:</strong> Toàn trình</p><table>", "toan_trinh",
     "Dịch vụ công trực tuyến: Toàn trình"),
    ("</table><ul><li><b>Cấp độ</b>: Mức độ 3</li></ul><table>", "mot_phan", "Cấp độ: Mức độ 3"),
    ("</table><p>Mức độ: Dịch vụ cung cấp thông tin trực tuyến</p><table>", "khong_truc_tuyen",
     "Mức độ: Dịch vụ cung cấp thông tin trực tuyến"),
    ("<tr><td>Loại dịch vụ</td><td>Dịch vụ công trực tuyến một phần</td></tr>", "mot_phan",
     "Loại dịch vụ: Dịch vụ công trực tuyến một phần"),
    ("<tr><td>Mức độ (*)</td><td>Chưa cung cấp DVCTT</td></tr>", "khong_truc_tuyen", "Mức độ (*): Chưa cung cấp DVCTT"),
])
def test_the_labelled_row_decides_whatever_the_prose_says(row, key, raw):
    for first in (True, False):
        level = level_from_detail(_page(row, first))
        assert (level.key, level.raw, level.source) == (key, raw, "detail_row"), first


def test_prose_alone_headlines_links_and_legends_are_not_the_level():
    # Without a row: the legend names three levels (no badge), the headline and the
    # related link are not this service's words, the note's "mức độ 4" is prose.
    page = _page("", True).replace(DECOYS, DECOYS.replace("<p class='ghi-chu'>Lưu ý: tra cứu các dịch vụ công trực "
                                                          "tuyến mức độ 4 tại Cổng Dịch vụ công.</p>", ""))
    assert level_from_detail(page).key == "unknown"
    badge = _page("").replace("<h1>", "<span class='badge'>Toàn trình</span><h1>").replace(DECOYS, "")
    assert (level_from_detail(badge).key, level_from_detail(badge).source) == ("toan_trinh", "detail_badge")


def test_submission_channels_bound_the_level_and_the_statement_refines_it():
    online = ("<table><tr><td>Cách thức thực hiện</td><td>Hình thức nộp: Trực tiếp tại Trung tâm; Trực tuyến qua "
              "Cổng Dịch vụ công; Dịch vụ bưu chính công ích</td></tr></table>")
    assert level_from_detail(f"<div>{online}</div>").key == "mot_phan"       # online, never toàn trình by itself
    stated = f"<div>{online}<p>Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.</p></div>"
    assert level_from_detail(stated).key == "toan_trinh"
    offline = ("<div><table><tr><td>Hình thức nộp</td><td>Trực tiếp; Dịch vụ bưu chính công ích</td></tr></table>"
               "<p>Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.</p></div>")
    assert level_from_detail(offline).key == "khong_truc_tuyen"               # the row bounds the prose


def test_the_detail_row_overrides_the_list_and_says_so():
    html = _page("<tr><td>Mức độ</td><td>Toàn trình</td></tr>")
    row, evidence, level = judge_page(html, "Cấp giấy phép xây dựng", Level("mot_phan", "Mức độ 3", "list", "nd43_levels"))
    assert level.key == "toan_trinh" and evidence["list_level"]["raw"] == "Mức độ 3"
    # A list level stands against prose; prose fills an unknown one.
    prose = "<div><p>Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.</p></div>"
    assert judge_page(prose, None, Level("mot_phan", "3", "list", "nd43_levels"))[2].key == "mot_phan"
    assert judge_page(prose, None, Level())[2].key == "toan_trinh"
