"""Links whose address says nothing, labels as agencies write them, and what the destination says.

Issue #13: a link whose text, title, alt or aria-label names a section is a candidate whatever
its href; the destination's title, heading or breadcrumb confirms or rejects it; menu text in
NFD, without diacritics, in capitals, with entities or odd whitespace matches like clean text.
"""
from __future__ import annotations

import unicodedata

import pytest

from checks.candidates import find_candidates
from checks.lexicon import load_lexicon
from checks.model import Page
from checks.page_content import site_template
from checks.section_content import judge_destination
from checks.sections import read_home
from checks.text import fold

BASE = "http://127.0.0.1:8000/"


def home(body: str, title: str = "UBND xã Mẫu") -> object:
    html = f"<html><head><title>{title}</title></head><body>{body}<div id='footer'>UBND xã Mẫu</div></body></html>"
    return read_home(Page(url=BASE, final_url=BASE, http_status=200, text=html))


def page(body: str, title: str, url: str = BASE + "x") -> Page:
    html = (f"<html><head><title>{title}</title></head><body><ul id='menu'><li><a href='/'>Trang chủ</a></li></ul>"
            f"<div id='content'>{body}</div></body></html>")
    return Page(url=url, final_url=url, http_status=200, text=html)


@pytest.mark.parametrize("written", [
    "Lịch công tác", unicodedata.normalize("NFD", "Lịch công tác"), "LỊCH CÔNG TÁC", "Lich cong tac",
    "L&#7883;ch c&ocirc;ng t&aacute;c", "Lịch&nbsp;công&#160;tác", "Lịch\u200b công  tác", "Lịch công\ntác",
])
def test_menu_text_matches_however_it_is_written(written):
    cands = find_candidates(home(f'<ul class="menu"><li><a href="/node/12">{written}</a></li></ul>'))
    assert [c.href for c in cands["lich_cong_tac"]] == [BASE + "node/12"], written


def test_eth_is_d():
    assert fold("ÐẦU TƯ") == fold("Đầu tư") == "dau tu"


@pytest.mark.parametrize("anchor, href", [
    ('<a href="/node/15">Lịch công tác</a>', "node/15"),                                        # Drupal
    ('<a href="/Pages/default.aspx?ItemID=7">Lịch công tác</a>', "Pages/default.aspx?ItemID=7"),  # SharePoint
    ('<a href="/c/portal/layout?p_l_id=40210" aria-label="Lịch công tác"><i class="icon"></i></a>',
     "c/portal/layout?p_l_id=40210"),                                                         # Liferay, aria-label
    ('<a href="javascript:void(0)" onclick="window.open(\'/LichCongTac.aspx\',\'_self\')">Lịch công tác</a>',
     "LichCongTac.aspx"),
    ('<a href="#" onclick="location.href=\'/lct\'">Lịch công tác</a>', "lct"),
    ('<a href="/-/asset_publisher/Ab/content/lich-tuan"><img src="/documents/20126/0/lichcongtac.png/'
     '4b6c1e2a-8f3d-4c1e-9a7b-2f1d3c4b5a6e?t=16" alt=""></a>', "-/asset_publisher/Ab/content/lich-tuan"),
])
def test_a_link_is_read_whatever_its_address(anchor, href):
    cands = find_candidates(home(f'<ul class="menu"><li>{anchor}</li></ul>'))["lich_cong_tac"]
    assert cands and cands[0].href == BASE + href, cands


def test_asp_net_postback_becomes_the_form_post():
    body = ('<form method="post" action="./Default.aspx"><input type="hidden" name="__VIEWSTATE" value="v1">'
            '<ul class="menu"><li><a href="javascript:__doPostBack(\'ctl00$menu$lnk3\',\'\')">Lịch công tác</a></li>'
            '</ul></form>')
    cand = find_candidates(home(body))["lich_cong_tac"][0]
    assert cand.href == BASE + "Default.aspx" and "__EVENTTARGET=ctl00%24menu%24lnk3" in cand.post
    assert "__VIEWSTATE=v1" in cand.post and cand.evidence()["postback"] is True


def test_table_row_menu_and_clickable_cells():
    row = ('<table><tr><td><a href="/gt">GIOI THIEU</a></td><td onclick="location.href=\'/tt\'">TIN TUC</td>'
           '<td><a href="/hd">HOI DAP</a></td><td><a href="/lh">LIEN HE</a></td></tr></table>')
    doc = home(row)
    assert {link.context for link in doc.links} == {"menu"}
    assert find_candidates(doc)["tin_tuc"][0].href == BASE + "tt"


def test_tab_switchers_are_no_links_and_script_only_items_prove_nothing():
    body = ('<ul class="menu"><li><a onclick="ShowTab(\'cddh\')">Chỉ đạo điều hành</a></li>'
            '<li><a href="#" onclick="return ShowSubMenu(5);">Thủ tục hành chính</a></li></ul>')
    cands = find_candidates(home(body))
    assert cands["chi_dao_dieu_hanh"] == []
    assert cands["thu_tuc_hanh_chinh"][0].href == "" and "ShowSubMenu" in cands["thu_tuc_hanh_chinh"][0].script


def test_agency_names_and_news_categories():
    lex = load_lexicon()
    keys = lambda text: {(m.key, m.weak) for m in lex.match_words(fold(text), raw=text)}  # noqa: E731
    assert keys("Sở Kế hoạch và Đầu tư") == set()              # an agency's name
    assert keys("Số liệu thống kê") == {("thong_ke", False)}     # "Số" is not "Sở"
    assert keys("Ban Giám đốc") == {("lanh_dao", False)}         # the label starts with the word
    assert keys("Tin đấu thầu") == {("du_an_dau_tu", True)}      # a news category: weak
    assert keys("Tin đầu tư") == set()                           # decoy at the start ...
    assert ("du_an_dau_tu", False) in keys("Thông tin đầu tư, đấu thầu, mua sắm công")  # ... only there
    assert keys("Góp ý") == {("lay_y_kien", True)}
    assert keys("Danh bạ website") == set()
    assert keys("Phòng Kế hoạch - Tài chính") == set()
    assert keys("Lịch tuần") == {("lich_cong_tac", False)}
    assert keys("Công khai ngân sách - Tình hình thực hiện dự toán NSĐP") == {("ngan_sach", False)}


def test_foreign_hosts_and_slug_words():
    body = ('<div id="footer"><a href="https://play.google.com/store/apps/details?id=vn.gov.app"><img src="/gp.png"></a>'
            '<a href="https://web.archive.org/web/2017/http://x.gov.vn/hoi-dap"><img src="/hd.png"></a></div>')
    cands = find_candidates(home(body))
    assert cands["khoa_hoc"] == [] and cands["hoi_dap"] == []


def test_the_destination_confirms_a_weak_label_or_rejects_it():
    doc = home('<ul class="menu"><li><a href="/gop-y">Góp ý</a></li></ul>')
    cand = find_candidates(doc)["lay_y_kien"][0]
    template = site_template(doc)
    form = page("<h1>Góp ý</h1><form><textarea></textarea></form><p>" + "Ý kiến về giao diện website. " * 5 + "</p>",
                "Góp ý - UBND xã Mẫu")
    assert judge_destination(form, "lay_y_kien", template, cand=cand).reason == "target_unconfirmed"
    drafts = page("<div class='breadcrumb'>Trang chủ » Lấy ý kiến dự thảo văn bản</div><ul><li>Dự thảo quy chế "
                  "<span class='date'>02/03/2025</span></li></ul>", "Góp ý - UBND xã Mẫu")
    result = judge_destination(drafts, "lay_y_kien", template, cand=cand)
    assert result.ok is True and result.confirmed_by == "breadcrumb: Lấy ý kiến dự thảo văn bản"


def test_a_decoy_in_the_breadcrumb_rejects_a_strong_link():
    doc = home('<ul class="menu"><li><a href="/y-kien">Lấy ý kiến</a></li></ul>')
    poll = page("<div class='breadcrumb'>Trang chủ › Thăm dò ý kiến</div><p>" + "Bạn đánh giá thế nào? " * 5 + "</p>",
                "UBND xã Mẫu")
    assert judge_destination(poll, "lay_y_kien", site_template(doc)).reason == "target_decoy"


def test_leaders_found_inside_the_organisation_page():
    doc = home('<ul class="menu"><li><a href="/co-cau-to-chuc">Cơ cấu tổ chức</a></li></ul>')
    within = find_candidates(doc)["lanh_dao"]
    assert [(c.href, c.within) for c in within] == [(BASE + "co-cau-to-chuc", "gioi_thieu")]
    org = page("<h2>Cơ cấu tổ chức</h2><p>1. Ban Giám đốc:</p><p>Giám đốc: Đ/c Nguyễn Văn A</p>"
               "<p>2. Các phòng chuyên môn</p>", "UBND xã Mẫu")
    result = judge_destination(org, "lanh_dao", site_template(doc), cand=within[0])
    assert result.ok is True and result.confirmed_by == "content: 1. Ban Giám đốc:"
    plain = page("<h2>Cơ cấu tổ chức</h2><p>" + "Các phòng chuyên môn và đơn vị sự nghiệp. " * 4 + "</p>",
                 "UBND xã Mẫu")
    assert judge_destination(plain, "lanh_dao", site_template(doc), cand=within[0]).reason == "not_within"


def test_a_dated_item_that_is_the_information():
    body = ('<div class="box"><h3>Thông báo</h3><ul><li><a href="/cong-khai-du-toan-2019">Công khai thực hiện dự toán '
            'thu - chi ngân sách 6 tháng đầu năm 2019</a> (05/08/2019)</li></ul></div>')
    cand = find_candidates(home(body))["ngan_sach"][0]
    assert (cand.href, cand.matched_by) == (BASE + "cong-khai-du-toan-2019", "headline")
