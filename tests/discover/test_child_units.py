"""The discovery judge (checks/child_units.py, link_groups.py, structure_pages.py,
sites.py) on real pages and on the shapes real portals use. No network."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from checks.child_units import Family, Unit, propose_children
from checks.link_groups import links_on_page
from checks.sites import host_key, is_home, site_key
from checks.structure_pages import structure_links
from checks.unit_names import name_tokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HANOI_HOME = FIXTURES / "sotttt-hanoi-2022" / "index.html"
DANANG_BOX = FIXTURES / "webtinh-lienket-2017" / "lienketwebsite.blade.php"

PROVINCE = Unit("tinhmau", "UBND tỉnh Mẫu", "province", "https://tinhmau.gov.vn/")
HATINH = Unit("hatinh", "UBND tỉnh Hà Tĩnh", "province", "https://hatinh.gov.vn/")
MINISTRY = Unit("bo-mau", "Bộ Mẫu", "ministry", "https://bomau.gov.vn/")


def judge(body: str, family: Family, url: str = "https://tinhmau.gov.vn/"):
    proposals, rejections = propose_children(f"<html><body>{body}</body></html>", url, family)
    return ({p.url: p for p in proposals}, {r.url: r.reason for r in rejections})


# --- the real Hà Nội mirror -------------------------------------------------

def test_hanoi_mirror_box_children_and_decoys():
    family = Family(Unit("sotttt-hanoi", "Sở Thông tin và Truyền thông Hà Nội", "department",
                         "http://127.0.0.84:8080/"),
                    (Unit("hanoi", "UBND Thành phố Hà Nội", "province", "https://hanoi.gov.vn/"),))
    proposals, rejections = propose_children(HANOI_HOME.read_text(encoding="utf-8"), "http://127.0.0.84:8080/", family)
    found = {p.name: (p.kind, p.level, p.owner, p.group) for p in proposals}
    # Districts and a department of Hà Nội: siblings of the Sở, so they belong to Hà Nội.
    assert found == {
        "Quận Thanh Xuân": ("other", "district", "hanoi", "cap_huyen_hanoi"),
        "Quận Long Biên": ("other", "district", "hanoi", "cap_huyen_hanoi"),
        "Sở công thương": ("department", "department", "hanoi", "so_nganh_hanoi"),
    }
    reasons = {r.url: r.reason for r in rejections}
    assert reasons["http://www.ict-hanoi.gov.vn/"] == "self"      # the Sở's own old domain, by its name
    assert reasons["http://www.mattran.org.vn/"] == "central_body"
    assert reasons["http://www.bvhttdl.gov.vn/"] == "central_body"
    assert reasons["http://chinhphu.vn/portal/page/portal/chinhphu/trangchu"] == "central_body"
    assert reasons["http://tintuc.vnn.vn/"] == "news"
    box = next(p for p in proposals if p.name == "Sở công thương")
    assert box.area == "select" and box.labels == ("Sở thông tin và truyền thông", "Liên kết website")


def test_real_province_box_of_other_provinces_and_ministries():
    family = Family(Unit("danang", "UBND Thành phố Đà Nẵng", "province", "https://danang.gov.vn/"))
    proposals, rejections = propose_children(DANANG_BOX.read_text(encoding="utf-8"), "https://danang.gov.vn/", family)
    assert {host_key(p.url) for p in proposals} == {
        "tpc.danang.gov.vn", "cphud.danang.gov.vn", "daugia.danang.gov.vn", "vldanang.vieclamvietnam.gov.vn"}
    assert {p.kind for p in proposals} == {"other"}
    reasons = {r.name: r.reason for r in rejections}
    assert reasons["Thành phố Hà Nội"] == "other_province"
    assert reasons["Tỉnh Bạc Liêu"] == "other_province"   # linked to backan.gov.vn: both say "another province"
    assert reasons["Bộ Công an"] == reasons["Ủy ban Dân tộc"] == reasons["Văn phòng Chính phủ"] == "central_body"
    assert reasons["Công ty Hội chợ triển lãm và các chợ Đà Nẵng"] == "company"
    assert reasons["Phòng GD ĐT quận Thanh Khê"] == "not_a_unit"


# --- the shapes of link boxes -----------------------------------------------

def test_optgroup_label_gives_the_kind_when_the_name_does_not():
    box = """<div class="title">Liên kết website</div><select>
      <option value="#">Chọn liên kết</option>
      <optgroup label="Sở, ban, ngành"><option value="https://giaoduc.tinhmau.edu.vn/">Giáo dục Mẫu</option></optgroup>
      <optgroup label="UBND cấp xã / phường"><option value="https://phuloc.tinhmau.gov.vn/">Phú Lộc</option></optgroup>
      <optgroup label="Trung ương"><option value="https://chinhphu.vn/">Cổng Chính phủ</option>
        <option value="https://some-agency.gov.vn/">Ủy ban Quản lý vốn</option></optgroup>
    </select>"""
    proposals, rejections = judge(box, Family(PROVINCE))
    assert proposals["https://giaoduc.tinhmau.edu.vn/"].kind == "department"
    assert proposals["https://giaoduc.tinhmau.edu.vn/"].why == "label:Sở, ban, ngành"
    assert proposals["https://phuloc.tinhmau.gov.vn/"].kind == "commune"
    assert rejections["https://chinhphu.vn/"] == "central_body"
    assert rejections["https://some-agency.gov.vn/"] == "central_body"   # named nothing, grouped under "Trung ương"


def test_liferay_weblink_header_options_and_data_url():
    box = """<div class="section-title">Website liên kết</div><select class="websitelinks">
      <option data-url="javascript:void(0)" value="58">1. Trung ương</option>
      <option data-url="http://www.chinhphu.vn" value="3">- Trang Chính phủ</option>
      <option data-url="javascript:void(0)" value="60">2. Đơn vị thuộc Bộ</option>
      <option data-url="https://vien.bomau.gov.vn/" value="7">- Viện Chiến lược</option>
      <option data-url="https://cuc.bomau.gov.vn/" value="8">- Cục Quản lý</option></select>"""
    proposals, rejections = judge(box, Family(MINISTRY), "https://bomau.gov.vn/")
    assert set(proposals) == {"https://vien.bomau.gov.vn/", "https://cuc.bomau.gov.vn/"}
    assert {p.kind for p in proposals.values()} == {"department"}
    assert proposals["https://cuc.bomau.gov.vn/"].name == "Cục Quản lý"   # list marks trimmed
    assert proposals["https://cuc.bomau.gov.vn/"].group == "don_vi_bo_mau"
    assert rejections["http://www.chinhphu.vn"] == "central_body"
    # a numeric `value` is an id, never read as an address
    assert not any(url.endswith(("/58", "/3", "/7")) for url in list(proposals) + list(rejections))


def test_footer_groups_tabs_and_a_directory_table():
    page = """
    <footer class="footer">
      <div class="col"><h4>Sở, ban, ngành</h4><ul><li><a href="https://stp.tinhmau.gov.vn/">Sở Tư pháp</a></li></ul></div>
      <div class="col"><h4>Kết nối với chúng tôi</h4><ul>
        <li><a href="https://www.facebook.com/tinhmau">Facebook</a></li><li><a href="https://zalo.me/1">Zalo</a></li></ul></div>
    </footer>
    <div class="tabs"><button data-tab="xa">Xã, phường</button><button data-tab="khac">Đơn vị khác</button></div>
    <div id="xa"><a href="https://anbinh.tinhmau.gov.vn/">An Bình</a></div>
    <div id="khac"><a href="https://tinhmau.gdt.gov.vn/">Cục thuế tỉnh</a>
      <a href="https://noibo.tinhmau.dcs.vn/">Ban Tuyên giáo Tỉnh ủy</a></div>
    <table><caption>Danh bạ website</caption><tr><th>STT</th><th>Đơn vị</th><th>Website</th></tr>
      <tr><td>1</td><td>Sở Xây dựng</td><td><a href="https://sxd.tinhmau.gov.vn/">https://sxd.tinhmau.gov.vn/</a></td></tr>
      <tr><td>2</td><td>Ban Quản lý Khu kinh tế</td><td><a href="https://bqlkkt.tinhmau.gov.vn/">Website</a></td></tr></table>
    <ul><li>UBND xã Tân Lập: <a href="https://tanlap.tinhmau.gov.vn/">tanlap.tinhmau.gov.vn</a></li></ul>"""
    proposals, rejections = judge(page, Family(PROVINCE))
    assert proposals["https://stp.tinhmau.gov.vn/"].area == "footer"
    assert proposals["https://anbinh.tinhmau.gov.vn/"].kind == "commune"       # from the tab's label
    assert proposals["https://sxd.tinhmau.gov.vn/"].name == "Sở Xây dựng"     # from the row
    assert proposals["https://bqlkkt.tinhmau.gov.vn/"].kind == "department"
    assert proposals["https://tanlap.tinhmau.gov.vn/"].name == "UBND xã Tân Lập"
    assert rejections["https://www.facebook.com/tinhmau"] == rejections["https://zalo.me/1"] == "social_media"
    assert rejections["https://tinhmau.gdt.gov.vn/"] == "vertical_agency"
    assert rejections["https://noibo.tinhmau.dcs.vn/"] == "party_or_mass_org"


@pytest.mark.parametrize("name, url, reason", [
    ("Báo Mẫu điện tử", "https://baotinhmau.vn/", "news"),
    ("Tin tỉnh nhà", "https://vnexpress.net/", "news"),
    ("YouTube", "https://www.youtube.com/@tinhmau", "social_media"),
    ("Quốc hội", "https://quochoi.vn/", "central_body"),
    ("Bộ Tư pháp", "https://moj.gov.vn/", "central_body"),
    ("UBND tỉnh Nghệ An", "https://nghean.gov.vn/", "other_province"),
    ("Sở Tư pháp", "https://sotuphap.nghean.gov.vn/", "other_province"),          # another province's domain
    ("Sở Tư pháp tỉnh Nghệ An", "https://stp-na.example.vn/", "other_province"),   # another province's name
    ("Tỉnh ủy Mẫu", "https://tinhuy.tinhmau.vn/", "party_or_mass_org"),
    ("Cổng Dịch vụ công tỉnh Mẫu", "https://dichvucong.tinhmau.gov.vn/", "service_system"),
    ("Cổng Dịch vụ công tỉnh Mẫu", "https://egov-portal.example.vn/", "service_system"),     # by its name alone
    ("Thư điện tử công vụ", "https://mail.tinhmau.gov.vn/", "service_system"),
    ("Cổng thông tin điện tử tỉnh Mẫu", "https://tinhmau.gov.vn/", "self"),
    ("Trang chủ", "https://www.tinhmau.gov.vn/index.html", "self"),                # www + index: still itself
    ("UBND tỉnh Mẫu", "https://old-portal.example.vn/", "self"),                  # by name
])
def test_decoys_in_a_link_box(name, url, reason):
    box = f'<div class="title">Liên kết website</div><select><option value="{url}">{name}</option></select>'
    proposals, rejections = judge(box, Family(PROVINCE))
    assert not proposals
    assert rejections[url] == reason


@pytest.mark.parametrize("name, level", [
    ("Bộ Chỉ huy Quân sự tỉnh", "department"),      # "Bộ" that is provincial, not a ministry
    ("Bảo tàng tỉnh", None),                        # not a newspaper ("Báo"), not a unit either
    ("Chi cục Quản lý thị trường", "other"),        # "quản lý" is not "quận"
    ("Số liệu thống kê", None),                     # "Số" is not "Sở"
    ("VP Đoàn ĐBQH và HĐND tỉnh", "department"),
    ("UBND phường Hải Châu", "commune"),
    ("Ủy ban nhân dân đặc khu Cồn Cỏ", "commune"),
    ("Thị xã Kỳ Anh", "district"),
])
def test_kind_from_the_name(name, level):
    box = f'<select><option value="https://unit.tinhmau.gov.vn/">{name}</option></select>'
    proposals, rejections = judge(box, Family(PROVINCE))
    assert (proposals["https://unit.tinhmau.gov.vn/"].level if proposals else None) == level


def test_city_of_a_province_is_a_district_but_another_province_is_not_a_child():
    box = '<select><option value="https://tphatinh.gov.vn/">Thành phố Hà Tĩnh</option></select>'
    proposals, _ = judge(box, Family(HATINH), "https://hatinh.gov.vn/")
    assert proposals["https://tphatinh.gov.vn/"].level == "district"
    proposals, rejections = judge(box, Family(PROVINCE))
    assert rejections["https://tphatinh.gov.vn/"] == "other_province"


def test_own_pages_and_subsites():
    page = """<nav><a href="/gioi-thieu">Giới thiệu</a><a href="/tin-tuc/so-tu-phap-hop-123.html">Sở Tư pháp họp</a></nav>
      <select><optgroup label="UBND cấp xã"><option value="/xa-hoa-binh">UBND xã Hòa Bình</option></optgroup></select>
      <div class="box"><h3>TTHC cấp huyện</h3><a href="/thu-tuc">Xem thêm</a></div>
      <p><a href="https://so-nong-nghiep.example.vn/tin/2025/05/hoi-nghi-tong-ket-cong-tac-nong-nghiep-nam.html">Sở Nông nghiệp</a></p>"""
    proposals, rejections = judge(page, Family(PROVINCE))
    assert list(proposals) == ["https://tinhmau.gov.vn/xa-hoa-binh"]              # a commune's pages on the parent's site
    assert rejections == {"https://so-nong-nghiep.example.vn/tin/2025/05/hoi-nghi-tong-ket-cong-tac-nong-nghiep-nam.html":
                          "not_a_homepage"}


def test_names_are_nfc_and_hostile_links_are_ignored():
    nfd = unicodedata.normalize("NFD", "Sở Tư pháp")
    page = (f'<select><option value="https://stp.tinhmau.gov.vn/">{nfd}</option>'
            '<option value="javascript:alert(1)">Sở Y tế</option><option value="data:text/html,x">Sở Nội vụ</option>'
            '<option value="file:///etc/passwd">Sở Xây dựng</option><option value="http://[::1">Sở Công Thương</option></select>'
            f'<a href="https://x.tinhmau.gov.vn/">{"Sở " + "rất dài " * 30}</a>'
            f'<a href="https://y.tinhmau.gov.vn/">Sở {"A" * 100_000}</a>')
    proposals, rejections = judge(page, Family(PROVINCE))
    assert [p.name for p in proposals.values()] == ["Sở Tư pháp"]
    assert unicodedata.is_normalized("NFC", proposals["https://stp.tinhmau.gov.vn/"].name)
    assert rejections == {"https://x.tinhmau.gov.vn/": "not_a_name", "https://y.tinhmau.gov.vn/": "not_a_name"}


def test_a_page_with_a_million_options_is_read_up_to_a_bound():
    options = "".join(f'<option value="https://x{i}.tinhmau.gov.vn/">Sở {i}</option>' for i in range(20_000))
    assert len(links_on_page(f"<select>{options}</select><a href='https://z.gov.vn/'>Z</a>", "https://t.gov.vn/")) == 5000


def test_a_department_s_siblings_belong_to_its_province():
    family = Family(Unit("stp", "Sở Tư pháp tỉnh Mẫu", "department", "https://stp.tinhmau.gov.vn/"), (PROVINCE,))
    box = """<select><option value="https://syt.tinhmau.gov.vn/">Sở Y tế</option>
      <option value="https://ttdv.stp.tinhmau.gov.vn/">Trung tâm Dịch vụ đấu giá</option>
      <option value="https://congan.tinhmau.gov.vn/">Công an tỉnh</option>
      <option value="https://stp.tinhmau.gov.vn/">Sở Tư pháp</option></select>"""
    proposals, rejections = judge(box, family, "https://stp.tinhmau.gov.vn/")
    assert proposals["https://syt.tinhmau.gov.vn/"].owner == "tinhmau"
    assert proposals["https://ttdv.stp.tinhmau.gov.vn/"].owner == "stp"       # the Sở's own centre
    assert proposals["https://congan.tinhmau.gov.vn/"].owner == "tinhmau"     # "tỉnh": the province's
    assert rejections["https://stp.tinhmau.gov.vn/"] == "self"


# --- addresses and names ------------------------------------------------------

def test_one_site_however_it_is_spelt():
    spellings = ["http://www.stp.tinhmau.gov.vn/", "https://stp.tinhmau.gov.vn", "https://STP.tinhmau.gov.vn/index.html",
                 "http://stp.tinhmau.gov.vn:80/trang-chu", "https://stp.tinhmau.gov.vn/Default.aspx"]
    assert {site_key(u) for u in spellings} == {"stp.tinhmau.gov.vn"}
    assert site_key("http://127.0.0.60:8080/xa-hoa-binh/") == "127.0.0.60:8080/xa-hoa-binh"
    assert site_key("http://127.0.0.60:8080/") != site_key("http://127.0.0.60:8081/")
    assert is_home("https://x.gov.vn/portal/Home/default.aspx") and not is_home("https://x.gov.vn/tin-tuc")


def test_names_compared_without_province_and_filler_words():
    assert name_tokens("Sở Thông tin và Truyền thông Hà Nội") == name_tokens("Sở thông tin truyền thông")
    assert name_tokens("Sở Tài chính tỉnh Nghệ An") == name_tokens("SỞ TÀI CHÍNH")
    assert name_tokens("Sở Khoa học và Công nghệ") != name_tokens("Sở Thông tin và Truyền thông")


def test_structure_pages_of_the_real_mirror_and_a_budget_of_labels():
    links = structure_links(HANOI_HOME.read_text(encoding="utf-8"), "http://127.0.0.84:8080/")
    assert links[:2] == ["http://127.0.0.84:8080/co-cau-to-chuc.html", "http://127.0.0.84:8080/don-vi-su-nghiep.html"]
    page = """<a href="/co-cau-to-chuc">Cơ cấu tổ chức</a><a href="/lien-ket-website">Liên kết website</a>
      <a href="https://other.gov.vn/don-vi-truc-thuoc">Đơn vị trực thuộc</a><a href="/danh-ba">Danh bạ</a>
      <a href="/files/co-cau-to-chuc.pdf">Cơ cấu tổ chức (PDF)</a>
      <a href="/tin-tuc/1">Thông báo về việc kiện toàn cơ cấu tổ chức các đơn vị trực thuộc sở năm 2025</a>"""
    assert structure_links(f"<html><body>{page}</body></html>", "https://tinhmau.gov.vn/") == [
        "https://tinhmau.gov.vn/lien-ket-website", "https://tinhmau.gov.vn/co-cau-to-chuc",
        "https://tinhmau.gov.vn/danh-ba"]


def test_links_on_an_empty_or_broken_page():
    assert links_on_page("", "https://x.gov.vn/") == []
    assert links_on_page("<<<>>>\x00", "https://x.gov.vn/") == []


def test_a_portal_that_moved_knows_its_new_pages_are_its_own():
    moved = Family(PROVINCE, aliases=("https://new.tinhmau.gov.vn/",))
    page = """<nav><a href="https://new.tinhmau.gov.vn/xa-an-binh">UBND xã An Bình tổ chức hội nghị</a>
      <a href="https://new.tinhmau.gov.vn/">Trang chủ</a></nav>
      <select><option value="https://new.tinhmau.gov.vn/">Cổng thông tin tỉnh</option></select>"""
    proposals, rejections = judge(page, moved, "https://new.tinhmau.gov.vn/")
    assert proposals == {} and rejections == {"https://new.tinhmau.gov.vn/": "self"}
    proposals, _ = judge(page, Family(PROVINCE), "https://new.tinhmau.gov.vn/")
    assert "https://new.tinhmau.gov.vn/xa-an-binh" in proposals     # without the alias: taken for a commune
