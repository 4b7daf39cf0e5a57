"""Every service listed (issue #13): the ways real lists grow, parsed without a
network — Liferay pagers (`cur`, `delta`), numbered pagers in the path, infinite
scroll's rel=next, "Xem thêm" buttons, scripts that page with jQuery or fetch,
ASP.NET postbacks — and the counts lists announce."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import lxml.html

from checks.service_listing import announced_total
from checks.service_listing_html import pagination_links, parse_list_page
from checks.service_listing_js import json_answer, script_sources
from checks.service_listing_postback import postback_pages

BASE = "http://dvc.example.gov.vn"
NS = "_tthc_WAR_tthcportlet_"


def _liferay(cur: int, delta: int) -> str:
    return f"{BASE}/web/guest/tthc?p_p_id=tthc_WAR_tthcportlet&amp;p_p_lifecycle=0&amp;{NS}cur={cur}&amp;{NS}delta={delta}"


def test_liferay_pager_pages_at_its_own_delta_never_the_delta_selector():
    html = ("<div class='lfr-pagination'><ul class='dropdown-menu'>" +
            "".join(f"<li><a href='{_liferay(k, 20)}'>{k}</a></li>" for k in (1, 2, 3)) +
            "</ul><ul class='dropdown-menu'>" + "".join(f"<li><a href='{_liferay(1, d)}'>{d}</a></li>" for d in (5, 10, 75)) +
            f"</ul><ul class='pager'><li><a href='{_liferay(2, 20)}'>Tiếp</a></li>"
            f"<li><a href='{_liferay(3, 20)}'>Cuối &rarr;</a></li></ul></div>")
    pages = pagination_links(lxml.html.fromstring(html), f"{BASE}/web/guest/tthc")
    assert sorted(p.split(f"{NS}cur=")[1] for p in pages) == ["1&_tthc_WAR_tthcportlet_delta=20",
                                                              "2&_tthc_WAR_tthcportlet_delta=20",
                                                              "3&_tthc_WAR_tthcportlet_delta=20"]
    # On page 2 (delta in its URL) the selector's other sizes are left alone too.
    page2 = _liferay(2, 20).replace("&amp;", "&")
    assert all("delta=20" in p for p in pagination_links(lxml.html.fromstring(html), page2))


def test_numbered_pagers_in_the_path_and_rel_next():
    nuke = "<ul class='pagination'><li><a href='/thu-tuc/page-2/'>2</a></li><li><a href='/thu-tuc/page-3/'>»</a></li></ul>"
    assert pagination_links(lxml.html.fromstring(nuke), f"{BASE}/thu-tuc/") == [
        f"{BASE}/thu-tuc/page-2/", f"{BASE}/thu-tuc/page-3/"]
    wordpress = "<a href='/dich-vu-cong/page/3/'>3</a><a href='/dich-vu-cong/page/1/'>1</a><a href='/tin-tuc/2'>2</a>"
    assert pagination_links(lxml.html.fromstring(wordpress), f"{BASE}/dich-vu-cong/page/2/") == [
        f"{BASE}/dich-vu-cong/page/3/", f"{BASE}/dich-vu-cong/page/1/"]
    # infinite-scroll.js reads a hidden link with no text; a <link rel=next> in the head too
    scroll = ("<html><head><link rel='next' href='/tthc?trang=2'></head><body><nav style='display:none'>"
              "<a class='pagination__next' rel='next' href='/tthc?page=2'></a></nav></body></html>")
    assert pagination_links(lxml.html.fromstring(scroll), f"{BASE}/tthc") == [
        f"{BASE}/tthc?trang=2", f"{BASE}/tthc?page=2"]


def test_xem_them_buttons_carry_their_next_url():
    html = ("<div id='ds'><div class='item'><a href='/thu-tuc/chi-tiet/1'>Cấp giấy phép xây dựng nhà ở</a></div></div>"
            "<a href='javascript:void(0)' class='btn' data-next='/thu-tuc/tai-them?trang=2'>Xem thêm</a>"
            "<button data-url='/tthc/xem-them?page=2' title='Tải thêm'><i class='fa'></i></button>")
    page = parse_list_page(html, f"{BASE}/thu-tuc")
    assert page.pages == [f"{BASE}/thu-tuc/tai-them?trang=2", f"{BASE}/tthc/xem-them?page=2"]
    assert [s.url for s in page.services] == [f"{BASE}/thu-tuc/chi-tiet/1"]


def test_scripts_that_page_with_jquery_or_fetch():
    html = """<script>var trang = 1;
    $('#btnTaiThem').click(function () { trang++; $.ajax({ url: '/DichVuCong/DanhSach?trang=' + trang + '&soDong=10',
      type: 'GET', success: function (h) { $('#ds').append(h); } }); });
    var pageIndex = 1;
    function taiThem() { pageIndex += 1; $.post('/Home/LoadMore', { pageIndex: pageIndex, pageSize: 12, q: '' }, f); }
    let skip = 12; const take = 12;
    btn.onclick = async () => { const r = await fetch(`/api/tthc/xem-them?skip=${skip}&take=${take}`); };
    $.get('/thong-ke/ho-so', {nam: 2024}, ve);   // not a pager: no page variable
    $.getJSON('https://cdn.other.vn/list?page=' + p);   // another host
    </script>"""
    frags = {f.url.split("?")[0].rsplit("/", 1)[-1]: f for f in script_sources(html, f"{BASE}/tthc")}
    assert set(frags) == {"DanhSach", "LoadMore", "xem-them"}
    get = frags["DanhSach"]
    assert (get.method, get.offset_key, get.by_page) == ("GET", "trang", True)
    assert get.page_url(0) == f"{BASE}/DichVuCong/DanhSach?trang=1&soDong=10"
    assert get.page_url(2) == f"{BASE}/DichVuCong/DanhSach?trang=3&soDong=10"
    post = frags["LoadMore"].request(1)
    assert post.method == "POST" and parse_qs(post.body) == {"pageIndex": ["2"], "pageSize": ["12"]}
    assert post.key != frags["LoadMore"].request(2).key
    rows = frags["xem-them"]
    assert (rows.offset_key, rows.by_page) == ("skip", False)
    assert rows.page_url(1) == f"{BASE}/api/tthc/xem-them?skip=24&take=12"


def test_json_answers_whatever_their_keys_case():
    answer = json.dumps({"Total": 57, "Data": [
        {"MaTTHC": "1.004222", "TenTTHC": "Đăng ký thường trú", "MucDo": "Toàn trình", "DuongDan": "/thu-tuc/1"},
        {"MaTTHC": "2.000815", "TenTTHC": "Chứng thực bản sao", "MucDo": 3, "DuongDan": "/thu-tuc/2"},
        {"TenTTHC": "Không có địa chỉ: không thể kiểm tra"}]})
    services, total = json_answer(answer, f"{BASE}/Home/LoadMore")
    assert total == 57
    assert [(s.url, s.code, s.level.key) for s in services] == [
        (f"{BASE}/thu-tuc/1", "1.004222", "toan_trinh"), (f"{BASE}/thu-tuc/2", "2.000815", "mot_phan")]
    html_in_json = json.dumps({"html": "<div><a href='/thu-tuc/chi-tiet/9'>Cấp phép khai thác nước</a></div>",
                               "hasMore": False})
    assert [s.url for s in json_answer(html_in_json, f"{BASE}/x")[0]] == [f"{BASE}/thu-tuc/chi-tiet/9"]
    assert json_answer("<html>Request Rejected</html>", BASE) is None


GRID = """<form method="post" action="./DanhSachThuTuc.aspx?LinhVuc=3" id="aspnetForm">
<input type="hidden" name="__EVENTTARGET" value="" /><input type="hidden" name="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKLTk0" /><input type="hidden" name="__EVENTVALIDATION" value="/wEdAA" />
<input name="ctl00$cph$txtTuKhoa" type="text" value="" /><input type="checkbox" name="ctl00$cph$chkCon" />
<select name="ctl00$cph$ddlCoQuan"><option value="0">Tất cả</option><option value="7" selected="selected">Sở Tư pháp</option></select>
<input type="submit" name="ctl00$cph$btnTimKiem" value="Tìm kiếm" />
<table id="ctl00_cph_gv"><tr><th>Tên thủ tục</th></tr><tr><td><a href="ChiTiet.aspx?ID=1">Đăng ký khai sinh cho trẻ em</a></td></tr>
<tr class="pgr"><td><table><tr><td><a href="javascript:__doPostBack('ctl00$cph$gv','Page$5')">...</a></td>
<td><span>6</span></td><td><a href="javascript:__doPostBack('ctl00$cph$gv','Page$7')">7</a></td>
<td><a href="javascript:__doPostBack('ctl00$cph$gv','Page$11')">...</a></td></tr></table></td></tr></table></form>"""


def test_gridview_postbacks_submit_the_form_as_a_browser_does():
    url = f"{BASE}/Pages/DanhSachThuTuc.aspx?LinhVuc=3"
    posts, key = postback_pages(lxml.html.fromstring(GRID), url)
    assert key == f"{BASE}/Pages/DanhSachThuTuc.aspx?LinhVuc=3#page=6"
    assert sorted(p.key.rsplit("=", 1)[1] for p in posts) == ["11", "5", "7"]
    seven = next(p for p in posts if p.key.endswith("#page=7"))
    form = parse_qs(seven.body, keep_blank_values=True)
    assert seven.method == "POST" and seven.url == url
    assert form["__EVENTTARGET"] == ["ctl00$cph$gv"] and form["__EVENTARGUMENT"] == ["Page$7"]
    assert form["__VIEWSTATE"] == ["/wEPDwUKLTk0"] and form["ctl00$cph$ddlCoQuan"] == ["7"]
    assert "ctl00$cph$btnTimKiem" not in form and "ctl00$cph$chkCon" not in form   # a search would reset the list
    page = parse_list_page(GRID, url)
    assert page.posts and page.page_key == key and page.grows


def test_linkbutton_pagers_go_forward_from_each_page():
    html = ("<form method='post' action='./Ds.aspx'><input type='hidden' name='__VIEWSTATE' value='abc' />"
            "<div class='phan-trang'><a href=\"javascript:WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("
            "&quot;ctl00$cph$lnkTrangTruoc&quot;, &quot;&quot;, true, &quot;&quot;, &quot;&quot;, false, true))\">Trang "
            "trước</a> <span>Trang 2/6</span> <a href=\"javascript:WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("
            "&quot;ctl00$cph$lnkTrangSau&quot;, &quot;&quot;, true, &quot;&quot;, &quot;&quot;, false, true))\">Trang sau</a>"
            "</div></form>")
    posts, key = postback_pages(lxml.html.fromstring(html), f"{BASE}/Ds.aspx")
    assert key == f"{BASE}/Ds.aspx#page=2"
    assert [parse_qs(p.body)["__EVENTTARGET"] for p in posts] == [["ctl00$cph$lnkTrangSau"]]   # never backwards
    assert posts[0].key.endswith("|from=2")


def test_counts_lists_announce():
    assert announced_total("Tổng số: 1.234 thủ tục") == (1234, "Tổng số: 1.234 thủ tục")
    assert announced_total("Hiển thị 1 - 20 của 1.234 kết quả.")[0] == 1234
    assert announced_total("Hiển thị 1 đến 8 của 38 mục.")[0] == 38
    assert announced_total("Showing 1 to 10 of 1,234 entries")[0] == 1234
    assert announced_total("Có 57 thủ tục hành chính")[0] == 57
    assert announced_total("Mã thủ tục 1.004222, thời hạn 15 ngày") is None
