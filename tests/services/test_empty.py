"""A service portal that lists nothing says so (issue #13): `services_listed:
fail/empty_list` with the evidence, only when the portal said where its list is
that it holds nothing; nothing listed for any other reason is inconclusive with
that reason; a list not read to its end is partial."""
from __future__ import annotations

from pathlib import Path

from checks.service_figures import coverage, figures, listing_verdict, observations
from checks.service_listing import empty_list_marker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_where_a_list_says_it_is_empty():
    table = ("<main><h1>Danh sách thủ tục</h1><table><tr><th>Mã thủ tục</th><th>Tên thủ tục</th><th>Mức độ</th>"
             "</tr><tr><td colspan='3'>Không có dữ liệu</td></tr></table></main>")
    assert empty_list_marker(table) == "Không có dữ liệu"
    assert empty_list_marker("<p>Tổng số: 0 thủ tục</p>") == "Tổng số: 0 thủ tục"
    fragment = "<div><p class='portlet-msg-info'>Không tìm thấy thủ tục hành chính nào.</p></div>"
    assert empty_list_marker(fragment, fragment=True).startswith("khong tim thay thu tuc")
    # The real empty TTHC page of sotttt.hanoi.gov.vn (Liferay 6.2, 2022).
    hanoi = (FIXTURES / "sotttt-hanoi-2022" / "linh-vuc-noi-vu.html").read_text(encoding="utf-8")
    assert empty_list_marker(hanoi) == "Không có văn bản nào được tìm thấy"


def test_a_side_box_saying_no_data_is_not_an_empty_list():
    page = ("<main><h1>Thủ tục hành chính</h1><div id='app-tthc'>Đang tải danh sách thủ tục…</div>"
            "<div class='widget'><h3>Thống kê hồ sơ tháng này</h3><p>Không có dữ liệu</p></div></main>")
    assert empty_list_marker(page) is None
    aside = page.replace("<div class='widget'>", "<aside>").replace("</p></div>", "</p></aside>")
    assert empty_list_marker(aside) is None
    listed = ("<main><table><tr><th>Tên thủ tục</th></tr><tr><td><a href='/t/1'>Đăng ký khai sinh</a></td></tr>"
              "</table><p>Thống kê: Không có dữ liệu</p></main>")
    assert empty_list_marker(listed) is None


def test_verdicts_when_nothing_is_listed():
    empty = [{"url": "https://dvc.x.gov.vn/tthc", "marker": "Không có dữ liệu"}]
    assert listing_verdict(0, None, empty, established=True)[0] == "fail"
    outcome, ev = listing_verdict(0, None, empty, established=True)
    assert ev["reason"] == "empty_list" and ev["url"] == "https://dvc.x.gov.vn/tthc" and ev["snippet"]
    # an own-site page is not the portal; a list page we could not read leaves the verdict open
    assert listing_verdict(0, None, empty, established=False)[0] == "inconclusive"
    assert listing_verdict(0, None, empty, True, coverage(0, None, None, 1)) == (
        "inconclusive", {"reason": "no_services_found", "empty_lists": empty})
    for problem in ("not_discovered", "render_failed", "blocked", "timeout", "js_shell_unlisted"):
        assert listing_verdict(0, problem, empty, True) == ("inconclusive", {"reason": problem})
    assert listing_verdict(0, None, [], True) == ("inconclusive", {"reason": "no_services_found"})
    obs = {o.key: o for o in observations(figures([]), "table", None, [], empty=empty, established=True)}
    assert obs["services_listed"].outcome == "fail" and obs["online_share"].outcome == "fail"
    assert obs["online_share"].evidence["reason"] == "empty_list"
    assert obs["live_share_toan_trinh"].outcome == "not_applicable"


def test_coverage_says_when_the_list_was_not_read_to_its_end():
    full = coverage(57, {"count": 57, "phrase": "Tổng số: 57 thủ tục", "url": "u"}, None, 0)
    assert full["complete"] and full["announced"] == 57 and "reason" not in full
    cut = coverage(5000, {"count": 12345, "phrase": "Tổng số: 12.345 thủ tục", "url": "u"}, "services", 0)
    assert (cut["complete"], cut["truncated"], cut["truncated_by"], cut["reason"]) == (False, True, "services",
                                                                                      "truncated")
    assert cut["seen"] == 5000 and cut["announced"] == 12345 and cut["announced_phrase"] == "Tổng số: 12.345 thủ tục"
    assert coverage(10, None, None, 2)["reason"] == "list_pages_unread"
    assert coverage(40, {"count": 57}, None, 0)["reason"] == "fewer_than_announced"
    listed = observations(figures([{"level": "mot_phan", "status": "live"}]), "table", cover=cut)[0]
    assert listed.outcome == "pass" and listed.evidence["coverage"]["complete"] is False
