"""Where the real homepages of tests/fixtures/real-portals (copied by the research
helper, provenance in each folder) lead for online public services, read as the
ministry's reviewer would (their truth.yaml, `thu_tuc_hanh_chinh`, agrees): the
first link portalcheck tries, and whether it is taken as the service portal
(a service host, the national portal) or must prove it lists services (a page
of the agency's own site). Shared by test_discovery.py and the bench."""
from __future__ import annotations

from pathlib import Path

from checks.service_portal import find_service_portal, portal_plans

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-portals"

# folder: (the homepage's own address, first link tried, taken as the portal without proof)
EXPECTED = {
    # "Cổng Dịch Vụ Công Quốc Gia" (title of an image link); the petition form titled the same is not it
    "vpcp-chinhphu-2024": ("https://vpcp.chinhphu.vn/", "https://dichvucong.gov.vn/", True),
    # "Trang dịch vụ công trực tuyến" -> the province's portal; its own "Dịch vụ công" page is documents
    "krongno-daknong-2019": ("http://krongno.daknong.gov.vn/", "http://dvc.daknong.gov.vn/", True),
    # top menu "TTHC" -> the province's portal
    "sldtbxh-daknong-2019": ("http://sldtbxh.daknong.gov.vn/", "https://dichvucong.daknong.gov.vn/", True),
    # only its own "Thủ tục hành chính" page (placeholder rows): it must show services
    "stp-daknong-2019": ("http://stp.daknong.gov.vn/", "http://stp.daknong.gov.vn/thu-tuc-hanh-chinh", False),
    # only its own TTHC subsite link (dead on the live site)
    "thanhtra-daknong-2019": ("http://thanhtra.daknong.gov.vn/", "http://thanhtra.daknong.gov.vn/web/20170614025039/"
                              "http_/thanhtra.daknong.gov.vn/thutuchanhchinh/Pages/default.aspx", False),
    # only a hidden menu entry to its own /thu-tuc-hanh-chinh (absent)
    "hdnd-daknong-2019": ("http://hdnd.daknong.gov.vn/", "http://hdnd.daknong.gov.vn/thu-tuc-hanh-chinh", False),
}


def present() -> list[str]:
    return [f for f in EXPECTED if (REAL / f / "index.html").exists()]


def first_plan(folder: str) -> tuple[str | None, bool | None, list[dict]]:
    """(first link tried, taken without proof, links rejected) on a real homepage."""
    host = EXPECTED[folder][0]
    html = (REAL / folder / "index.html").read_text(encoding="utf-8", errors="replace")
    rejected: list[dict] = []
    plans = portal_plans(find_service_portal(html, host, rejected))
    return (plans[0].home, plans[0].established, rejected) if plans else (None, None, rejected)


def right(folder: str) -> bool:
    home, established, _ = first_plan(folder)
    return (home, established) == EXPECTED[folder][1:]
