"""The lexicon: labels as portals write them, decoys, slugs, image names, hints."""
from __future__ import annotations

import unicodedata

import pytest

from checks.candidates import find_candidates
from checks.functions import legal_ref as function_legal_ref
from checks.lexicon import load_hints, load_lexicon
from checks.model import FUNCTION_KEYS, SECTION_KEYS
from checks.sections import read_home
from checks.text import fold

LEX = load_lexicon()


def keys(text: str) -> set[str]:
    return {m.key for m in LEX.match_words(fold(text))}


def test_every_key_has_labels_and_a_legal_reference():
    assert set(LEX.sections) == set(SECTION_KEYS)
    for key, spec in LEX.sections.items():
        assert spec.labels, key
        assert spec.legal_ref or key == "phat_ngon", key
    assert "Điều 4.1.e" in LEX.sections["gioi_thieu"].legal_ref and "Điều 10.1.a" in LEX.sections["gioi_thieu"].legal_ref
    for key in FUNCTION_KEYS:
        assert function_legal_ref(key), key


@pytest.mark.parametrize("label, key", [
    ("Gi&#7899;i thi&#7879;u", "gioi_thieu"),                               # decimal entities
    ("Th&#xF4;ng tin ho&#x1EA1;t &#x111;&#x1ED9;ng", "tin_tuc"),            # hex entities (VPCP)
    ("&amp;#x111;&amp;#x1EA5;u th&amp;#x1EA7;u", "du_an_dau_tu"),           # double-escaped
    (unicodedata.normalize("NFD", "Hỏi đáp"), "hoi_dap"),                   # NFD
    ("LIEN HE", "lien_he"),                                                 # no diacritics, upper case
    ("CHiến lược, định hướng, quy hoạch, kế hoạch phát triển", "chien_luoc_quy_hoach"),
    ("Đấu thấu mua sắm công", "du_an_dau_tu"),                              # typo as seen on HN
    ("Thủ tục hành chánh", "thu_tuc_hanh_chinh"),                           # one-letter typo
    ("thủ tục hành chính cấp sở", "thu_tuc_hanh_chinh"),
    ("TTHC cấp huyện", "thu_tuc_hanh_chinh"),
    ("Lãnh đạo tỉnh qua các thời kỳ", "lanh_dao"),
    ("Văn bản mới", "van_ban"),
    ("Lấy Ý Kiến Nhân Dân Về Dự Thảo Văn Bản Quy Phạm Pháp Luật", "lay_y_kien"),
])
def test_labels_as_portals_write_them(label, key):
    assert key in keys(label)


@pytest.mark.parametrize("text, key", [
    ("THĂM DÒ Ý KIẾN", "lay_y_kien"),
    ("Lấy ý kiến bình chọn về nội dung trên trang", "lay_y_kien"),
    ("Thống kê truy cập", "thong_ke"),
    ("Số lượng truy cập", "thong_ke"),
    ("Kế hoạch tài chính", "chien_luoc_quy_hoach"),
    ("Kế hoạch tài chính", "ngan_sach"),
    ("Tọa đàm khoa học về chuyển đổi số", "khoa_hoc"),
    ("Báo chí - xuất bản - truyền thông", "phat_ngon"),
    ("Hoạt động lãnh đạo UBND tỉnh", "lanh_dao"),
    ("Lấy ý kiến văn bản dự thảo", "van_ban"),                 # drafts are lay_y_kien, not van_ban
    ("Cải cách hành chính", "thu_tuc_hanh_chinh"),
])
def test_decoys_never_count(text, key):
    assert key not in keys(text)


@pytest.mark.parametrize("headline", [
    "Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4 trên địa bàn thành phố",
    "Hội nghị tổng kết công tác văn bản và lịch công tác lãnh đạo năm 2024 của Sở",
    "Thông báo về việc công bố số liệu thống kê và công khai ngân sách năm 2024 của Sở và các đơn vị",
])
def test_words_inside_a_headline_are_not_a_section(headline):
    assert not keys(headline)


def test_acronyms_and_file_names_get_no_typo_tolerance():
    assert "thu_tuc_hanh_chinh" not in {m.key for m in LEX.match_image("/img/ttbc.png")}
    assert "thu_tuc_hanh_chinh" in {m.key for m in LEX.match_image("/img/tthc357X50.jpg")}


@pytest.mark.parametrize("src, key", [
    ("documents/554897/675586/LayYKienDuThao357X50.png/LayYKienDuThao357X50e74f.png?t=1", "lay_y_kien"),
    ("documents/10197/0/congkhaingansach.jpg/congkhaingansachceba.jpg", "ngan_sach"),
    ("documents/554897/675586/ttpbgdpl.png/ttpbgdpl03f5.png", "pho_bien_phap_luat"),
    ("documents/554897/555001/ThongTinNguoiPhatNgon.gif/ThongTinNguoiPhatNgonbac3.gif", "phat_ngon"),
    ("documents/554897/710296/thongtinbaocaothongke.png/x.png", "thong_ke"),
    ("documents/554897/555001/van%2bban%2bquy%2bpham%2bphap%2bluat.png/y.png", "van_ban"),
    ("/upload/banner/duong_day_nong.png", "lien_he"),
    ("/upload/banner/cong_khai.png", "ngan_sach"),
])
def test_image_file_names(src, key):
    assert key in {m.key for m in LEX.match_image(src)}


@pytest.mark.parametrize("url, key", [
    ("http://x.gov.vn/hoi-ap.html", "hoi_dap"),
    ("http://x.gov.vn/lanh-ao-so.html", "lanh_dao"),
    ("http://x.gov.vn/-au-thau-mua-sam-cong.html", "du_an_dau_tu"),
    ("http://x.gov.vn/index.php?com=gopy-duthao", "lay_y_kien"),
    ("http://x.gov.vn/index.php?com=lien-he", "lien_he"),
])
def test_slugs(url, key):
    assert key in {m.key for m in LEX.match_slug(url, offsite=False)}


def test_slug_of_a_decoy_does_not_count():
    assert "van_ban" not in {m.key for m in LEX.match_slug("http://x/lay-y-kien-van-ban-du-thao.html", False)}
    assert "lay_y_kien" in {m.key for m in LEX.match_slug("http://x/lay-y-kien-van-ban-du-thao.html", False)}


def test_text_that_names_a_decoy_cannot_borrow_its_slug(make_page):
    html = '<ul id="menu"><li><a href="/lay-y-kien">Thăm dò ý kiến</a></li><li><a href="/index.php?com=chi-dao-dieu-hanh">Thông báo - Chỉ đạo</a></li></ul>'
    cands = find_candidates(read_home(make_page(html)))
    assert not cands["lay_y_kien"]
    assert cands["chi_dao_dieu_hanh"][0].matched_by == "slug"   # the text names nothing, the slug does


def test_hints_file(tmp_path):
    path = tmp_path / "hints.yaml"
    path.write_text("so-a:\n  van_ban: https://a.gov.vn/vb\n  lich_cong_tac: {selector: '#menu a.lich'}\n"
                    "  search: {url: '/tim-kiem?q={q}'}\n", encoding="utf-8")
    hints = load_hints(path)
    assert hints["so-a"]["van_ban"] == {"url": "https://a.gov.vn/vb"}
    assert hints["so-a"]["lich_cong_tac"] == {"selector": "#menu a.lich"}
    assert load_hints(None) == {}
    path.write_text("van_ban: /vb\n", encoding="utf-8")          # a self-test: no target id
    assert load_hints(path) == {"*": {"van_ban": {"url": "/vb"}}}
    path.write_text("so-a:\n  van_ban: {nothing: 1}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_hints(path)


def test_a_hint_overrides_detection_and_says_so(make_page):
    html = '<nav><a href="/van-ban">Văn bản</a></nav><div id="x"><a class="lich" href="/l">Xem</a></div>'
    home = read_home(make_page(html))
    by_url = find_candidates(home, hints={"van_ban": {"url": "/vb-that"}})["van_ban"]
    assert [(c.href, c.matched_by) for c in by_url] == [("http://127.0.0.1:8000/vb-that", "hint")]
    by_css = find_candidates(home, hints={"lich_cong_tac": {"selector": "#x a.lich"}})["lich_cong_tac"]
    assert [(c.href, c.matched_by) for c in by_css] == [("http://127.0.0.1:8000/l", "hint")]
