"""Detail completeness (Circular 32/2017), online entries, liveness rules and
discovery of the service portal from a homepage."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from farm import ALL_FIELDS, detail_page

from checks.model import DEAD_STATUSES, Page
from checks.service_detail import (
    fields_from_api,
    fields_from_html,
    fields_from_record_2021,
    online_payment,
    online_submission,
    page_status,
    spa_status,
)
from checks.service_portal import find_service_portal, portal_home, portal_observation, random_path

REQUIRED = ["ten_thu_tuc", "trinh_tu", "cach_thuc", "thanh_phan_ho_so", "thoi_han", "doi_tuong", "co_quan",
            "ket_qua", "can_cu_phap_ly"]


def test_api_records_are_complete(fixtures_dir):
    paths = sorted((fixtures_dir / "dvcqg-api-2026" / "details").glob("*.json")) + \
        [fixtures_dir / "dvcqg-api-2026" / "sample-formality-detail.json"]
    for path in paths:
        fields = fields_from_api(json.loads(path.read_text("utf-8")))
        assert fields.found == REQUIRED and fields.completeness == 1.0, path.name


def test_2021_records_show_what_the_old_portal_showed(fixtures_dir):
    records = json.loads((fixtures_dir / "dvcqg-scrape-2021" / "data.json").read_text("utf-8"))
    results = [fields_from_record_2021(r) for r in records]
    # The scrape kept 5 of the headings; Đối tượng, Kết quả and Căn cứ pháp lý were never scraped.
    assert all({"doi_tuong", "ket_qua", "can_cu_phap_ly"} <= set(r.missing) for r in results)
    assert sum(1 for r in results if "co_quan" in r.missing) == 1
    no_time = [i for i, r in enumerate(records)
               if not any((m.get("Thời hạn giải quyết") or "").strip() for m in r["Cách thức thực hiện"])]
    assert [i for i, r in enumerate(results) if "thoi_han" in r.missing] == no_time and len(no_time) == 6
    # An empty form link (download_file.jsp?ma=) is no form.
    assert "mau_don" in results[0].optional_found


def test_html_fields_and_entries():
    full = detail_page("Cấp giấy phép xây dựng", "2.001", fields=ALL_FIELDS, online=True, payment=True)
    fields = fields_from_html(full, "Cấp giấy phép xây dựng")
    assert fields.found == REQUIRED and fields.completeness == 1.0 and fields.optional_found == ["phi_le_phi"]
    partial = detail_page("Cấp phép", "2.002", fields=("trinh_tu", "thoi_han"))
    got = fields_from_html(partial, "Cấp phép")
    assert got.found == ["ten_thu_tuc", "trinh_tu", "thoi_han"] and got.completeness == round(3 / 9, 4)
    assert online_submission(full) == (True, "nop ho so truc tuyen")
    assert online_payment(full)[0] is True
    assert online_submission(partial) == (False, None) and online_payment(partial) == (False, None)
    # Prose that describes the channel is not an entry to submit.
    prose = "<div><p>Nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia.</p></div>"
    assert online_submission(prose) == (False, None)
    inline = "<div><p>Thời hạn giải quyết: 05 ngày</p><p>Bước 3: hẹn trả kết quả: theo phiếu</p></div>"
    assert fields_from_html(inline).found == ["thoi_han"]


def _page(status, http=200, chain=(), final="http://s/thu-tuc/1", text=""):
    return Page(url="http://s/thu-tuc/1", final_url=final, http_status=http, status=status, text=text,
                redirect_chain=list(chain))


def test_login_redirect_is_live_and_blocked_is_never_dead():
    login = _page("live", 200, ["http://s/thu-tuc/1"], "http://s/dang-nhap?ReturnUrl=/thu-tuc/1")
    assert page_status(login)[0] == "live" and page_status(login)[1]["login_redirect"]
    refused = _page("blocked", 401, ["http://s/thu-tuc/1"], "https://sso.example.gov.vn/login")
    assert page_status(refused)[0] == "live"
    assert page_status(_page("blocked", 403))[0] == "blocked"
    assert page_status(_page("timeout", None))[0] == "timeout"
    assert "blocked" not in DEAD_STATUSES and "timeout" not in DEAD_STATUSES


@pytest.mark.parametrize("shell,api_status,record,expected", [
    ("live", "live", {"name": "x"}, "live"),
    ("live", "live", None, "soft_404"),          # every path answers the shell; no record = no service
    ("not_found", "live", {"name": "x"}, "not_found"),
    ("blocked", "live", {"name": "x"}, "blocked"),
    ("live", "blocked", None, "blocked"),        # the API refused us: nothing proven
    ("live", "timeout", None, "timeout"),
])
def test_spa_liveness(shell, api_status, record, expected):
    api_page = _page(api_status, 200 if api_status == "live" else 403)
    assert spa_status(_page(shell), api_page, record)[0] == expected


HOMEPAGE = """<html><body>
<nav class='menu'><a href='/'>Trang chủ</a><a href='/cong-nghe-thong-tin'>Dịch vụ công nghệ thông tin</a></nav>
<div class='news'><a href='/tin-tuc/day-manh-cung-cap-dich-vu-cong-truc-tuyen-muc-do-4'>Đẩy mạnh cung cấp dịch
vụ công trực tuyến mức độ 4 trên địa bàn tỉnh năm 2022</a></div>
<a href='https://dichvucong.langson.gov.vn/dich-vu-cong-truc-tuyen'><img src='/images/banner_DVC.png' alt=''></a>
<a href='https://dichvucong.langson.gov.vn/tra-cuu'><img src='/images/tthc357X50.jpg' alt=''></a>
</body></html>"""


def test_discovery_from_an_image_banner_not_a_headline():
    candidates = find_service_portal(HOMEPAGE, "https://langson.gov.vn/")
    assert candidates[0].url.startswith("https://dichvucong.langson.gov.vn/")
    assert all("tin-tuc" not in c.url and "cong-nghe" not in c.url for c in candidates)
    home, entries = portal_home(candidates)
    assert home == "https://dichvucong.langson.gov.vn/"
    assert set(entries) == {"https://dichvucong.langson.gov.vn/dich-vu-cong-truc-tuyen",
                            "https://dichvucong.langson.gov.vn/tra-cuu"}
    assert find_service_portal("<a href='/gioi-thieu'>Giới thiệu</a>", "https://x.gov.vn/") == []
    same_host = find_service_portal("<a href='/dich-vu-cong'>Dịch vụ công trực tuyến</a>", "https://x.gov.vn/")
    assert portal_home(same_host) == ("https://x.gov.vn/dich-vu-cong", [])


def test_discovery_on_the_real_hanoi_homepage_if_present(fixtures_dir):
    path: Path = fixtures_dir / "sotttt-hanoi-2022" / "index.html"
    if not path.exists():
        pytest.skip("sotttt-hanoi-2022 fixture not copied by its owner")
    candidates = find_service_portal(path.read_text("utf-8", errors="replace"), "https://sotttt.hanoi.gov.vn/")
    assert portal_home(candidates)[0] == "https://dichvucong.hanoi.gov.vn/"


def test_portal_observation_and_random_path():
    assert portal_observation(None, None, "homepage_link").outcome == "inconclusive"
    assert portal_observation("https://d/", "live", "services_url").outcome == "pass"
    assert portal_observation("https://d/", "blocked", "services_url").outcome == "inconclusive"
    assert portal_observation("https://d/", "dns_error", "services_url").outcome == "fail"
    path = random_path("https://dichvucong.x.gov.vn/dich-vu")
    assert path.startswith("https://dichvucong.x.gov.vn/pc-khong-ton-tai-") and path == random_path(
        "https://dichvucong.x.gov.vn/dich-vu")


def test_the_targets_own_portal_before_the_national_one():
    html = ("<a href='https://dichvucong.gov.vn'>Cổng Dịch vụ công Quốc gia</a>"
            "<a href='https://dvc.lamson.gov.vn/'><img src='/upload/banner/tt_hc.png' alt=''></a>")
    candidates = find_service_portal(html, "https://skhcn.lamson.gov.vn/")
    assert [c.url for c in candidates] == ["https://dvc.lamson.gov.vn/", "https://dichvucong.gov.vn"]
    only_national = find_service_portal(html.split("<a href='https://dvc")[0], "https://skhcn.lamson.gov.vn/")
    assert portal_home(only_national)[0] == "https://dichvucong.gov.vn/"
