"""Service portals found for what they are (issue #13): on real homepages (the
Government Office 2024, Đắk Nông agencies 2019: tests/fixtures/real-portals) and
on the decoys agencies' homepages carry."""
from __future__ import annotations

from pathlib import Path

import pytest
import real_homepages

from checks.service_portal import find_service_portal, portal_plans

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-portals"


def _real(folder: str) -> str:
    path = REAL / folder / "index.html"
    if not path.exists():
        pytest.skip(f"{folder}: real-portals fixture not present")
    return path.read_text(encoding="utf-8", errors="replace")


def test_government_office_2024_the_national_portal_not_its_feedback_page_nor_a_video():
    rejected: list[dict] = []
    candidates = find_service_portal(_real("vpcp-chinhphu-2024"), "https://vpcp.chinhphu.vn/", rejected)
    assert candidates[0].url == "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
    # The "Phản ánh kiến nghị" page titled "Cổng Dịch vụ công Quốc gia" is the feedback form.
    assert {r["url"]: r["reason"] for r in rejected} == {
        "https://dichvucong.gov.vn/p/phananhkiennghi/pakn-gui-pakn.html": "feedback:phananh"}
    # A video whose slug says "cải cách thủ tục hành chính" is no candidate at all.
    assert not [c for c in candidates if "/video/" in c.url]
    plans = portal_plans(candidates)
    assert [(p.home, p.established) for p in plans] == [("https://dichvucong.gov.vn/", True)]


@pytest.mark.parametrize("folder", sorted(real_homepages.EXPECTED))
def test_every_real_homepage_leads_where_a_reviewer_says(folder):
    if folder not in real_homepages.present():
        pytest.skip(f"{folder}: real-portals fixture not present")
    home, established, rejected = real_homepages.first_plan(folder)
    assert (home, established) == real_homepages.EXPECTED[folder][1:]
    assert all(r["reason"] == "attachment" or r["reason"].startswith("feedback:") for r in rejected)


@pytest.mark.parametrize("folder,host", [("krongno-daknong-2019", "http://krongno.daknong.gov.vn/"),
                                         ("sldtbxh-daknong-2019", "http://sldtbxh.daknong.gov.vn/")])
def test_dak_nong_own_pages_come_later_and_must_prove_themselves(folder, host):
    candidates = find_service_portal(_real(folder), host)
    plans = portal_plans(candidates)
    assert all(not p.established for p in plans[1:] if p.home.startswith(host))
    # "Góp ý" pages and articles whose slugs name procedures are never candidates.
    assert not [c for c in candidates if "gop-y" in c.url or "quyet-dinh" in c.url or "ke-hoach" in c.url]


def test_a_sharepoint_tthc_subsite_is_a_candidate_of_the_own_site():
    candidates = find_service_portal(_real("thanhtra-daknong-2019"), "http://thanhtra.daknong.gov.vn/")
    assert candidates and "/thutuchanhchinh/Pages/default.aspx" in candidates[0].url
    assert not portal_plans(candidates)[0].established


HOMEPAGE = """<html><body><nav class='menu'><a href='/dich-vu-cong'>Dịch vụ công</a>
<a href='/gop-y'>Cổng góp ý</a></nav>
<div class='video'><a href='/video/huong-dan-thuc-hien-thu-tuc-hanh-chinh-tren-cong-dich-vu-cong-1234.html'>
Video: Thủ tục hành chính trực tuyến</a></div>
<div class='tin'><a href='/tin-tuc/thu-tuc-hanh-chinh/ket-qua-giai-quyet-tthc-quy-3-55.html'>Thủ tục hành chính quý 3</a></div>
<a href='/Uploads/files/danh-muc-thu-tuc-hanh-chinh-2024.docx'>Danh mục thủ tục hành chính</a>
<a href='/Uploads/quy-trinh-tthc.PDF'>Quy trình giải quyết TTHC</a>
<a href='https://gopy.dichvucong.tinh.gov.vn/'><img src='/img/cong-gop-y-dvc.png' alt=''></a>
<a href='https://pakn.dichvucong.gov.vn/'>Phản ánh kiến nghị về TTHC</a>
{real}</body></html>"""


def test_decoys_never_lead_and_an_own_site_page_must_prove_itself():
    rejected: list[dict] = []
    real = "<a href='https://dvc.tinh.gov.vn/'><img src='/upload/banner/dichvucong.png' alt=''></a>"
    candidates = find_service_portal(HOMEPAGE.format(real=real), "https://sotp.tinh.gov.vn/", rejected)
    assert candidates[0].url == "https://dvc.tinh.gov.vn/"
    urls = [c.url for c in candidates]
    assert not [u for u in urls if "video" in u or "tin-tuc" in u or "Uploads" in u or "gop" in u or "pakn" in u]
    reasons = {r["url"].rsplit("/", 1)[-1] or r["url"]: r["reason"] for r in rejected}
    assert reasons["danh-muc-thu-tuc-hanh-chinh-2024.docx"] == "attachment"
    assert reasons["quy-trinh-tthc.PDF"] == "attachment"
    assert reasons["https://gopy.dichvucong.tinh.gov.vn/"] in ("feedback:gop y", "feedback:gopy")  # host and image say DVC
    assert reasons["https://pakn.dichvucong.gov.vn/"].startswith("feedback:")
    plans = portal_plans(candidates)
    assert plans[0].established and plans[1].home == "https://sotp.tinh.gov.vn/dich-vu-cong" \
        and not plans[1].established
    # Without the real link only the own-site "Dịch vụ công" page is left: a plan that must prove itself.
    alone = portal_plans(find_service_portal(HOMEPAGE.format(real=""), "https://sotp.tinh.gov.vn/"))
    assert [(p.home, p.established) for p in alone] == [("https://sotp.tinh.gov.vn/dich-vu-cong", False)]
