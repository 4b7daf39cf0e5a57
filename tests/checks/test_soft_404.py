"""A soft 404 that answers 200 and repeats the site's menus (issue #13).

The fingerprint compares main content — not the page chrome, and not its first 2,000
characters: the menus' links must neither disappear nor count as dead.
"""
from __future__ import annotations

from checks.fetch_status import NotFoundFingerprint, classify_response, main_text

MENU = "<div class='menu horizontal'><ul>" + "".join(
    f"<li><a href='/Pages/default.aspx?ItemID={300 + i}'>Sở ngành số {i} của tỉnh Mẫu</a></li>" for i in range(80)) \
    + "</ul></div>"
HEADER = "<div id='s4-titlerow'><h1>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH MẪU</h1></div>"
SIDE = "<table><tr><td>" + " ".join(f"Liên kết {i}" for i in range(60)) + "</td></tr></table>"  # no chrome name


def page(main: str) -> str:
    return (f"<html><head><title>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH MẪU</title></head><body>{HEADER}{MENU}{SIDE}"
            f"<div id='s4-bodyContainer'>{main}</div><div class='footer'>Địa chỉ: 01 Hùng Vương</div></body></html>")


HOME = page("<h2>Tin nổi bật</h2><ul><li><a href='/tin-1'>Hội nghị tổng kết năm</a> 12/01/2024</li></ul>")
MISSING = page("<p>Rất tiếc! Nội dung bạn đang truy cập hiện không còn trên hệ thống.</p>")


def test_the_menus_fill_more_than_the_first_2000_characters():
    assert len(MENU) > 2000
    assert "Rất tiếc" not in " ".join(MISSING.split("<body>")[1][:2000].split())


def test_main_text_leaves_the_chrome_out():
    text = main_text(MISSING, frozenset())
    assert "rat tiec" in text and "so nganh so 7" not in text and "dia chi" not in text


def test_a_real_page_is_live_and_the_missing_one_a_soft_404():
    fingerprint = NotFoundFingerprint.from_page(200, MISSING, HOME)
    section = page("<h2>Giới thiệu chung</h2><p>" + "Tỉnh Mẫu nằm ở vùng duyên hải, có 1,2 triệu dân. " * 3 + "</p>")
    empty_section = page("<h2>Công khai ngân sách</h2><p>Không có dữ liệu</p>")
    assert classify_response(200, section, fingerprint) == "live"
    assert classify_response(200, empty_section, fingerprint) == "live"   # an empty section is no 404
    assert classify_response(200, MISSING, fingerprint) == "soft_404"
    # The same answer with the requested address echoed is still the site's 404.
    echoed = page("<p>Rất tiếc! Nội dung bạn đang truy cập hiện không còn trên hệ thống.</p><p>/x/y</p>")
    assert classify_response(200, echoed, fingerprint) == "soft_404"


def test_a_site_that_answers_every_path_with_its_homepage():
    fingerprint = NotFoundFingerprint.from_page(200, HOME, HOME)
    assert fingerprint.text == ""                                  # nothing but the homepage's own lines
    assert fingerprint.matches(HOME)
    assert not fingerprint.matches(page("<h2>Lịch công tác</h2><p>Thứ Hai 15/01/2024: họp giao ban.</p>"))


def test_a_not_found_text_after_a_long_menu_is_read():
    plain = page("<h1>404</h1><p>Trang không tồn tại</p><p>" + "x " * 10 + "</p>")
    assert len(plain) > 3000 and classify_response(200, plain) == "soft_404"
