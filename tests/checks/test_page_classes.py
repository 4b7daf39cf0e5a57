"""Classes of page the eight held-out portals showed the tool misreading (issue #13), each
tested on a page written the way its platform writes it — not on the fixture itself:

- leaders published on the pages of a district's bodies (Huyện ủy, HĐND, UBND) or named
  by their titles ("2. Các Phó Giám đốc:") on the organisation page;
- law dissemination labelled with the decrees' own words ("Thông tin tuyên truyền",
  "Hướng dẫn chế độ, chính sách", "Chính sách - Pháp luật", "Tư vấn pháp luật");
- "Mua sắm tài sản công" is public procurement; a notice "V/v … lấy ý kiến dự thảo" is
  the consultation, a news story about one is not;
- a counter ("37 Bộ dữ liệu" under "Thống kê") is no statistics; a "Liên kết website"
  directory's entries are other sites, and a directory of agencies' sites is the
  related-links function whatever its title;
- page wrappers named like chrome (CKAN's `wrapper no-nav`, a Liferay theme's
  `div.header`) hold the content; a "Liên hệ" page of prose holds no contact details;
- an under-construction placeholder is a present, empty section; an empty document search
  is empty; a page's own heading and date are not an item.
"""
from __future__ import annotations

import pytest

from checks.candidates import find_candidates
from checks.fetch_status import classify_response
from checks.functions import related_links, search
from checks.lexicon import load_lexicon
from checks.model import Page
from checks.page_content import own_content, site_template
from checks.section_content import judge_destination
from checks.sections import PHONE_RE, parse_html, read_home
from checks.text import fold

BASE = "http://huyenmau.example.gov.vn/"


def home(body: str, title: str = "Trang thông tin điện tử huyện Mẫu"):
    html = (f"<html><head><title>{title}</title></head><body>{body}"
            "<div id='footer'>UBND huyện Mẫu - Địa chỉ: Thôn 1, xã Mẫu. Điện thoại: 0261.3540.443</div></body></html>")
    return read_home(Page(url=BASE, final_url=BASE, http_status=200, text=html))


def page(body: str, path: str = "x", title: str = "Trang thông tin điện tử huyện Mẫu", head: str = "") -> Page:
    html = (f"<html><head><title>{title}</title></head><body><div id='header'><img src='/img/logo.png'>"
            f"<ul class='menu'><li><a href='/'>Trang chủ</a></li></ul></div>{head}"
            f"<div id='content'>{body}</div><div id='footer'>UBND huyện Mẫu</div></body></html>")
    return Page(url=BASE + path, final_url=BASE + path, http_status=200, text=html, rendered=True)


def keys(text: str) -> set[str]:
    return {m.key for m in load_lexicon().match_words(fold(text), raw=text) if not m.weak}


# --- leaders on the pages of a district's bodies ---------------------------------------------
DISTRICT_MENU = (
    '<ul class="menu"><li><a href="/co-cau-to-chuc">Cơ cấu tổ chức</a><ul>'
    '<li><a href="/huyen-uy">Huyện ủy</a></li><li><a href="/hoi-dong-nhan-dan">Hội đồng nhân dân</a></li>'
    '<li><a href="/uy-ban-nhan-dan">Ủy ban nhân dân</a></li><li><a href="/ubnd-cac-xa">UBND các xã</a></li>'
    '</ul></li></ul>'
    '<div class="box"><h3>Website các huyện</h3><a href="http://huyenkhac.example.gov.vn/">UBND huyện Khác</a></div>')


def test_the_bodies_of_a_district_are_read_for_its_leaders():
    doc = home(DISTRICT_MENU)
    within = [(c.href, c.within) for c in find_candidates(doc)["lanh_dao"]]
    # The organisation page first, then the bodies' pages; never another district's site.
    assert within[:3] == [(BASE + "co-cau-to-chuc", "gioi_thieu"), (BASE + "huyen-uy", "gioi_thieu"),
                          (BASE + "hoi-dong-nhan-dan", "gioi_thieu")]
    assert not any("huyenkhac" in href for href, _ in within)
    cand = next(c for c in find_candidates(doc)["lanh_dao"] if c.href.endswith("/huyen-uy"))
    party = page("<h3>HUYỆN ỦY HUYỆN MẪU</h3><p>I. CƠ CẤU TỔ CHỨC HUYỆN ỦY</p><p>1. Thường trực Huyện ủy</p>"
                 "<p>- Bí thư</p><p>Đ/c Trần Văn Bình</p><p>Bí thư Huyện ủy, Chủ tịch HĐND huyện</p>", "huyen-uy")
    result = judge_destination(party, "lanh_dao", site_template(doc), cand=cand)
    assert result.ok is True and result.confirmed_by == "content: 1. Thường trực Huyện ủy"
    council = page("<h3>HỘI ĐỒNG NHÂN DÂN</h3><ul><li><a href='/tin-1'>Chủ tịch HĐND huyện làm việc với các xã về "
                   "tiến độ giải ngân vốn đầu tư công năm 2019</a></li></ul>", "hoi-dong-nhan-dan")
    assert judge_destination(council, "lanh_dao", site_template(doc), cand=cand).reason == "not_within"


def test_leaders_named_by_their_titles_on_the_organisation_page():
    doc = home('<ul class="menu"><li><a href="/co-cau-to-chuc">Cơ cấu tổ chức</a></li></ul>')
    cand = find_candidates(doc)["lanh_dao"][0]
    org = page("<p>1. Giám đốc:</p><p>Họ và tên: Võ Văn Hải</p><p>Số điện thoại: 0913.436.657</p>"
               "<p>2. Các Phó Giám đốc:</p><p>Họ và tên: Nguyễn Văn Bản</p>", "co-cau-to-chuc")
    result = judge_destination(org, "lanh_dao", site_template(doc), cand=cand)
    assert result.ok is True and result.confirmed_by == "content: 1. Giám đốc:"
    # The functions decree mentions the director in long sentences, and names nobody.
    decree = page("<p>Điều 3. Giám đốc Sở chịu trách nhiệm trước Ủy ban nhân dân tỉnh về toàn bộ hoạt động của Sở "
                  "và việc thực hiện chức năng, nhiệm vụ được giao</p>" * 3, "co-cau-to-chuc")
    assert judge_destination(decree, "lanh_dao", site_template(doc), cand=cand).reason == "not_within"


def test_standing_committees_are_the_leadership():
    assert keys("Ban Thường vụ") == {"lanh_dao"}
    assert keys("Thường trực Huyện ủy") == {"lanh_dao"}
    assert "lanh_dao" not in keys("Hoạt động của lãnh đạo")


# --- law dissemination in the decrees' own words ---------------------------------------------
@pytest.mark.parametrize("label", ["Thông tin tuyên truyền", "Hướng dẫn chế độ, chính sách tài chính",
                                   "Chính sách - Pháp luật", "Tư vấn pháp luật", "Giải đáp pháp luật",
                                   "Hướng dẫn thực hiện pháp luật"])
def test_law_dissemination_as_the_decrees_word_it(label):
    assert keys(label) == {"pho_bien_phap_luat"}, label


@pytest.mark.parametrize("label", ["Trung tâm Tư vấn pháp luật", "Chính sách xã hội", "Chính sách lao động",
                                   "Tặng quà gia đình chính sách"])
def test_policy_words_that_are_not_the_section(label):
    assert "pho_bien_phap_luat" not in keys(label), label


def test_a_tabs_more_link_names_its_section_by_its_address():
    """The Lạc Việt SharePoint template's tab: a script tab title and a "Xem tiếp" link."""
    doc = home('<div class="news-tab"><a onclick="ShowTab(\'huongdan\', event)">Hướng dẫn chế độ, chính sách tài chính'
               '</a><div id="tab-content-huongdan"><a href="/tin-tuc/huong-dan-che-do-chinh-sach-tai-chinh">Xem tiếp'
               '</a></div></div>')
    cands = find_candidates(doc)["pho_bien_phap_luat"]
    assert [c.href for c in cands] == [BASE + "tin-tuc/huong-dan-che-do-chinh-sach-tai-chinh"]


# --- procurement, consultation notices, counters ----------------------------------------------
def test_buying_public_assets_is_public_procurement():
    assert keys("Mua sắm tài sản công") == {"du_an_dau_tu"}
    assert keys("Thông tin mời thầu") == {"du_an_dau_tu"}
    doc = home('<div class="left"><a href="/mua-sam-tai-san-cong"><img src="/img/left/STC-MSC.png"></a></div>')
    assert [c.href for c in find_candidates(doc)["du_an_dau_tu"]] == [BASE + "mua-sam-tai-san-cong"]


def test_a_notice_that_posts_a_draft_is_the_consultation_a_news_story_is_not():
    notices = ('<div class="box"><h3>Thông báo</h3><ul>'
               '<li><a href="/vv-lay-y-kien">V/v đăng tải thông tin lấy ý kiến dự thảo Quyết định ban hành Quy định '
               'thang điểm bình xét các danh hiệu văn hóa</a></li>'
               '<li><a href="/tb-du-thao">THÔNG BÁO: Về việc lấy ý kiến về dự thảo Quy chế phối hợp quản lý cụm công '
               'nghiệp</a></li>'
               # one agency asking others to comment on a ministry's draft: not a public consultation
               '<li><a href="/vv-gop-y">V/v góp ý dự thảo Nghị định về thành lập, tổ chức và hoạt động của quỹ phát '
               'triển Hợp tác xã</a></li></ul></div>')
    news = ('<div class="box"><h3>Tin tức</h3><ul><li><a href="/tin-tuc/lay-y-kien-nhan-dan-4442608.html">Lấy ý kiến '
            'Nhân dân về dự thảo điều chỉnh Quy hoạch tỉnh Mẫu thời kỳ 2021-2030</a></li></ul></div>')
    cands = find_candidates(home(notices + news))["lay_y_kien"]
    assert [(c.href, c.matched_by) for c in cands] == [(BASE + "vv-lay-y-kien", "headline"),
                                                        (BASE + "tb-du-thao", "headline")]


def test_a_counter_is_not_statistics():
    ckan = ('<section class="stats"><h2 class="block-title">Thống kê</h2><ul>'
            '<li><a href="/dataset/" title="Bộ dữ liệu">37 Bộ dữ liệu</a></li>'
            '<li><a href="/organization/" title="Tổ chức">24 Tổ chức</a></li></ul></section>')
    assert find_candidates(home(ckan))["thong_ke"] == []
    yearbook = ('<div class="box"><h3 class="box-title">Thống kê</h3><ul><li><a href="/nien-giam-2023">Niên giám '
                '2023</a></li></ul></div>')
    assert [c.href for c in find_candidates(home(yearbook))["thong_ke"]] == [BASE + "nien-giam-2023"]


# --- related-links directories ----------------------------------------------------------------
LINKS_PORTLET = (
    '<section class="portlet"><span class="portlet-title-text">Liên kết website</span><table><tr>'
    '<td><img src=""></td><td><a href="http://sonoivu.example.gov.vn/">Sở Nội vụ</a></td>'
    '<td><img src=""></td><td><a href="http://motcua.example.gov.vn">Cổng hành chính công tỉnh</a></td></tr><tr>'
    '<td><img src=""></td><td><a href="http://congdoan.vn/">Tổng Liên đoàn Lao động Việt Nam</a></td>'
    '<td><img src=""></td><td><a href="http://stp.example.gov.vn/">Sở Tư pháp</a></td></tr></table></section>')


def test_a_related_links_entry_is_another_site_not_a_section():
    doc = home(LINKS_PORTLET)
    assert all(link.directory for link in doc.links if link.offsite)
    assert find_candidates(doc)["thu_tuc_hanh_chinh"] == []
    menu = '<ul class="menu"><li><a href="https://dichvucong.example.gov.vn/">Thủ tục hành chính</a></li></ul>'
    assert [c.href for c in find_candidates(home(menu + LINKS_PORTLET))["thu_tuc_hanh_chinh"]] == \
        ["https://dichvucong.example.gov.vn/"]


def test_a_banner_among_partner_logos_is_still_a_section_link():
    logos = ('<div class="partners">'
             '<a href="https://chinhphu.vn/du-thao-vbqppl" title="Lấy Ý Kiến Nhân Dân Về Dự Thảo Văn Bản Quy Phạm Pháp '
             'Luật"><img src="https://static.example.vn/page6.png"></a>'
             '<a href="https://dichvucong.gov.vn/"><img src="https://static.example.vn/dvc.png"></a>'
             '<a href="https://quochoi.vn/"><img src="https://static.example.vn/qh.png"></a></div>')
    assert [c.href for c in find_candidates(home(logos))["lay_y_kien"]] == ["https://chinhphu.vn/du-thao-vbqppl"]


def test_a_directory_of_agencies_sites_is_the_related_links_function():
    tabs = ('<ul class="ui-tabs-nav"><li><a href="#tabs-1">Trang thông tin điện tử Sở Ngành</a></li>'
            '<li><a href="#tabs-2">Trang thông tin điện tử Huyện, thị xã</a></li></ul><div id="tabs-1"><ul>'
            + "".join(f'<li><a href="http://{h}.example.gov.vn/" target="_blank">Sở {h.upper()}</a></li>'
                      for h in ("stp", "sct", "sxd", "snnptnt", "stc", "syt")) + "</ul></div>")
    obs = related_links.check(home(tabs))
    assert (obs.outcome, obs.evidence["matched_by"], obs.evidence["sites"]) == ("pass", "site_directory", 6)
    few = ('<ul class="menu"><li><a href="https://dichvucong.example.gov.vn/">Dịch vụ công</a></li>'
           '<li><a href="http://vanban.chinhphu.vn/">Văn bản</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li></ul>')
    assert related_links.check(home(few)).outcome == "fail"


# --- what a page holds ------------------------------------------------------------------------
def test_wrappers_named_like_chrome_hold_the_content():
    lex = load_lexicon()
    ckan = parse_html('<body><header class="masthead"><a href="/">Cổng dữ liệu mở</a></header>'
                      '<div class="main"><div class="container content"><div class="row wrapper no-nav">'
                      '<article class="module" role="main"><div class="module-content"><h1>Giới thiệu Cổng dữ liệu mở'
                      '</h1><p>Dữ liệu mở là dữ liệu có thể được tự do sử dụng, chia sẻ và phát triển.</p></div>'
                      '</article></div></div></div></body>')
    assert own_content(ckan, None, lex) == ["Giới thiệu Cổng dữ liệu mở",
                                            "Dữ liệu mở là dữ liệu có thể được tự do sử dụng, chia sẻ và phát triển."]
    liferay = parse_html('<body><div id="warrper"><div class="header"><a href="/">Liên đoàn Lao động tỉnh</a></div>'
                         '<div class="noidung_content" id="main-content"><div class="header"><div class="header_left">'
                         '<section class="portlet"><p>Theo Điều lệ, Ban Thường vụ gồm Chủ tịch và các Phó Chủ tịch.</p>'
                         '</section></div></div></div></div></body>')
    assert own_content(liferay, None, lex) == ["Theo Điều lệ, Ban Thường vụ gồm Chủ tịch và các Phó Chủ tịch."]


def test_a_contact_page_must_give_contact_details():
    doc = home('<ul class="menu"><li><a href="/lien-he">Liên hệ</a></li></ul>')
    template = site_template(doc)
    prose = page("<h2>Liên hệ <span>(2019-05-17T07:49:00.000Z)</span></h2><p>Theo Bách khoa toàn thư mở Wikipedia: "
                 "Công đoàn Việt Nam là tổ chức chính trị – xã hội rộng lớn của giai cấp công nhân.</p>", "lien-he")
    assert judge_destination(prose, "lien_he", template).reason == "no_contact_details"
    phone = page("<p>Văn phòng Liên đoàn: 02613.544.142</p><p>Tiếp nhận ý kiến của đoàn viên trong giờ hành chính</p>",
                 "lien-he")
    assert judge_destination(phone, "lien_he", template).ok is True
    form = page("<form><input name='hoten' type='text'><input name='email' type='text'><textarea name='noidung'>"
                "</textarea></form><p>Mọi ý kiến xin gửi về Ban biên tập qua biểu mẫu dưới đây</p>", "lien-he")
    assert judge_destination(form, "lien_he", template).ok is True
    assert PHONE_RE.search("(2019-05-17T07:49:00.000Z)") is None


def test_an_under_construction_page_is_present_and_empty_a_404_stub_is_not():
    doc = home('<div><a href="/hoi-dap"><img src="/img/banner2.jpg"></a></div>')
    cand = find_candidates(doc)["hoi_dap"][0]
    stub = Page(url=BASE + "hoi-dap", final_url=BASE + "hoi-dap", http_status=200, rendered=True,
                text="<h1>EasyWeb</h1><h3>Trang đang được cập nhật</h3>")
    result = judge_destination(stub, "hoi_dap", site_template(doc), cand=cand)
    assert (result.ok, result.empty) == (True, True)
    not_found = "<h1>EasyWeb</h1><h3>Default 404 Not Found Page</h3>"
    assert classify_response(200, not_found) == "soft_404"


def test_an_empty_document_search_is_an_empty_section():
    """A Liferay document-search portlet titled like the menu item, over a table with no row."""
    doc = home('<ul class="menu"><li><a href="/van-ban-ban-hanh">Văn bản ban hành</a></li></ul>')
    search_form = ('<section class="portlet"><header class="portlet-topper"><h1 class="portlet-title">'
                   '<span class="portlet-title-text">Văn bản ban hành</span></h1></header><form><table>'
                   '<tr><td>Số hiệu</td><td><input type="text" name="sohieu"></td><td>Trích yếu</td>'
                   '<td><input type="text" name="trichyeu"></td></tr><tr><td>Lĩnh vực</td><td><select name="lv">'
                   '<option>--Vui lòng chọn--</option><option>Chính sách - Pháp luật</option><option>Tài chính công '
                   'đoàn</option></select></td></tr></table></form><table><tr><th>STT</th><th>Số hiệu</th>'
                   '<th>Trích yếu nội dung</th><th>Ngày ban hành</th></tr></table></section>')
    empty = judge_destination(page(search_form, "van-ban-ban-hanh"), "van_ban", site_template(doc))
    assert (empty.ok, empty.empty, empty.confirmed_by) == (True, True, "heading: Văn bản ban hành")
    rows = search_form.replace("</th></tr></table>", "</th></tr><tr><td>1</td><td>12/QĐ-LĐLĐ</td><td>Quyết định "
                               "khen thưởng công đoàn cơ sở</td><td>05/03/2019</td></tr></table>")
    listed = judge_destination(page(rows, "van-ban-ban-hanh"), "van_ban", site_template(doc))
    assert (listed.ok, listed.empty) == (True, False)


def test_a_pages_own_heading_and_date_are_no_item():
    doc = home('<ul class="menu"><li><a href="/ban-thuong-vu">Ban thường vụ</a></li></ul>')
    article = ('<div class="portlet-boundary portlet-asset-publisher"><div class="asset-full-content '
               'default-asset-publisher"><h2>Ban thường vụ <span>(30/04/2018)</span></h2>'
               '<div class="journal-content-article"><table><tbody></tbody></table><p>&nbsp;</p></div></div></div>')
    result = judge_destination(page(article, "ban-thuong-vu"), "lanh_dao", site_template(doc))
    assert (result.ok, result.empty) == (True, True)


def test_the_search_word_is_not_taken_from_the_skip_link():
    doc = home('<a href="/">Chuyển đến nội dung chính</a><a href="/">Chuyển đến nội dung chính</a>'
               '<div class="box"><a href="/group/giao-duc">Giáo dục</a><a href="/group/nong-nghiep">Nông nghiệp và '
               'Môi trường</a></div>')
    assert search.choose_query(doc) == "trường"
