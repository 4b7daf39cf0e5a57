"""Judging the page a section link leads to: empty, soft 404, decoy, dates; the verdict rules."""
from __future__ import annotations

from checks.candidates import Candidate
from checks.model import SECTION_KEYS, Page
from checks.page_content import site_template
from checks.portal_judge import judge_offline
from checks.section_chain import section_observation
from checks.section_content import DestinationVerdict, judge_destination, soft_404_overridden
from checks.sections import read_home

BASE = "http://127.0.0.1:8000/"
MENU = '<ul id="menu">' + "".join(f'<li><a href="/m{i}">Mục số {i}</a></li>' for i in range(40)) + "</ul>"


def html(body: str, title: str = "Cổng xã Mẫu") -> str:
    return f"<html><head><title>{title}</title></head><body>{MENU}<div id='content'>{body}</div>" \
           f"<div id='footer'>UBND xã Mẫu</div></body></html>"


def page(body: str, url: str = BASE + "x", title: str = "Cổng xã Mẫu", **kw) -> Page:
    return Page(url=url, final_url=kw.pop("final_url", url), http_status=kw.pop("http_status", 200),
                text=html(body, title), **kw)


HOME = read_home(page('<a href="/van-ban">Văn bản</a><a href="/lien-he">Liên hệ</a>', BASE))
TEMPLATE = site_template(HOME)


def test_short_pages_with_an_item_date_or_a_phone_are_not_empty():
    assert judge_destination(page("<p>Đường dây nóng: 0243.123.4567</p>"), "lien_he", TEMPLATE).ok is True
    dated = page("<ul><li><a href='#1'>Quyết định số 5</a> <span>12/03/2025</span></li></ul>")
    result = judge_destination(dated, "van_ban", TEMPLATE)
    assert result.ok is True and result.newest_date == "2025-03-12"


def test_an_empty_section_is_present_a_blank_page_is_not():
    """"Không có dữ liệu" on the section's page: the section is there, with nothing yet.
    A page with nothing of its own that does not even name a section proves nothing."""
    says = judge_destination(page("<h1>Văn bản</h1><p>Không có dữ liệu</p>" + "<p>Bộ lọc tìm kiếm văn bản theo lĩnh vực và cơ quan ban hành</p>" * 3),
                        "van_ban", TEMPLATE)
    assert (says.ok, says.empty, says.extra["says_empty"]) == (True, True, "khong co du lieu")
    named = judge_destination(page("", title="Lịch công tác - Cổng xã Mẫu"), "lich_cong_tac", TEMPLATE)
    assert (named.ok, named.empty, named.confirmed_by) == (True, True, "title: Lịch công tác")
    blank = judge_destination(page(""), "van_ban", TEMPLATE)
    assert (blank.ok, blank.reason) == (False, "target_empty")


def test_redirect_to_the_homepage_is_a_soft_404():
    sent_home = page("<p>x</p>", url=BASE + "hoi-dap", final_url=BASE)
    assert judge_destination(sent_home, "hoi_dap", TEMPLATE).reason == "soft_404"


def test_a_date_inside_a_headline_is_not_the_items_date():
    body = "<ul><li><a href='#1'>Triển khai Chỉ thị số 12/CT-UBND ngày 08/6/2020 của UBND Thành phố về việc đẩy mạnh</a></li>" \
           "<li><div class='assetPublishDate'>Ngày đăng 24/04/2018 | 04:39 PM | View count: 1252</div></li></ul>"
    assert judge_destination(page(body), "lay_y_kien", TEMPLATE).newest_date == "2018-04-24"


def test_site_name_in_the_title_is_not_a_decoy():
    body = "<p>" + "Danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2025 đặt hàng. " * 3 + "</p>"
    result = judge_destination(page(body, title="Nhiệm vụ KH&CN - Sở Khoa học và Công nghệ"), "khoa_hoc", TEMPLATE)
    assert result.ok is True
    poll = judge_destination(page(body, title="THĂM DÒ Ý KIẾN"), "lay_y_kien", TEMPLATE)
    assert poll.reason == "target_decoy"


def test_soft_404_fingerprint_override():
    """Pages sharing one title and a long menu look alike in their first 2,000 characters;
    a page whose own content differs from the random path's answer is real."""
    missing = page("<p>Nội dung bạn yêu cầu hiện chưa có trên cổng.</p>", status="live")
    real = page("<p>" + "Xã Mẫu có diện tích tự nhiên 25 km², dân số 12.000 người, gồm 8 thôn. " * 3 + "</p>",
                status="soft_404")
    assert soft_404_overridden(real, missing, TEMPLATE) is True
    same = page("<p>Nội dung bạn yêu cầu hiện chưa có trên cổng.</p>", status="soft_404")
    assert soft_404_overridden(same, missing, TEMPLATE) is False


def test_verdict_rules():
    cands = [Candidate("van_ban", BASE + "a", "Văn bản", "text", 1.0), Candidate("van_ban", BASE + "b", "VB", "slug", 0.8)]
    dead = DestinationVerdict(href=BASE + "a", status="not_found", ok=False, reason="link_dead")
    blocked = DestinationVerdict(href=BASE + "b", status="blocked", ok=None, reason="blocked")
    good = DestinationVerdict(href=BASE + "b", status="live", ok=True, url=BASE + "b")
    assert section_observation("van_ban", cands, [dead, good]).outcome == "pass"
    obs = section_observation("van_ban", cands, [dead, blocked])
    assert obs.outcome == "inconclusive" and obs.evidence["reason"] == "unreadable:blocked"
    obs = section_observation("van_ban", cands, [dead, DestinationVerdict(href=BASE + "b", ok=False, reason="target_empty")])
    assert obs.outcome == "fail" and obs.evidence["reason"] == "link_dead"       # the best candidate's reason
    assert section_observation("van_ban", [], []).evidence["reason"] == "no_link"


def test_unreadable_homepage_makes_every_section_inconclusive():
    down = Page(url=BASE, final_url=BASE, http_status=None, status="timeout")
    observations = [o for o in judge_offline(down, lambda fetch: down) if o.category == "section"]
    assert {o.key for o in observations} == set(SECTION_KEYS)
    assert {(o.outcome, o.evidence["reason"]) for o in observations} == {("inconclusive", "timeout")}


def test_a_link_to_a_document_is_content():
    pdf = Page(url=BASE + "ngan-sach.pdf", final_url=BASE + "ngan-sach.pdf", http_status=200, text="",
               headers={"content-type": "application/pdf"})
    result = judge_destination(pdf, "ngan_sach", TEMPLATE)
    assert result.ok is True and result.snippet == "document: application/pdf"
