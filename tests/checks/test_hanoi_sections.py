"""Required sections on the real Hà Nội Sở TT&TT homepage (HTTrack mirror, 27 Aug 2022).

Expected verdicts are written in tests/fixtures/sotttt-hanoi-2022/truth.yaml from reading
the pages (README §1), never from running the tool.
"""
from __future__ import annotations

import pytest

from checks.candidates import find_candidates
from checks.lexicon import load_lexicon
from checks.model import SECTION_KEYS
from checks.page_content import site_template
from checks.portal_judge import judge_offline
from checks.rendering import needs_rendering
from checks.section_chain import section_observation
from checks.section_content import judge_destination
from checks.sections import contact_details, read_home
from checks.text import fold


@pytest.fixture(scope="module")
def home(hanoi):
    return read_home(hanoi.page("index.html"))


@pytest.fixture(scope="module")
def candidates(home):
    return find_candidates(home)


def test_every_offline_verdict_matches_the_written_truth(hanoi):
    follow = lambda url: url.startswith(hanoi.base)  # noqa: E731 - as PORTALCHECK_FOLLOW_OFFSITE=private
    observations = judge_offline(hanoi.page("index.html"), lambda fetch: hanoi.get(fetch.url), may_follow=follow)
    got = {o.key: o for o in observations if o.category == "section"}
    assert set(got) == set(SECTION_KEYS)
    for key, expected in hanoi.truth["sections"].items():
        expected = expected if isinstance(expected, dict) else {"outcome": expected}
        assert got[key].outcome == expected["outcome"], (key, got[key].evidence)
        if "reason" in expected:
            assert got[key].evidence["reason"] == expected["reason"], key


def test_detection_finds_every_section_the_page_has(candidates, hanoi):
    """The README's reading: a candidate link for each section present, none for the others."""
    for key, present in hanoi.truth["present"].items():
        assert bool(candidates[key]) is present, (key, candidates[key])


@pytest.mark.parametrize("key, href, matched_by", [
    ("chi_dao_dieu_hanh", "chi-dao-dieu-hanh.html", "slug"),          # img ttvb.png
    ("van_ban", "van-ban-phap-quy.html", "slug"),                      # img "van ban quy pham phap luat.png"
    ("lay_y_kien", "lay-y-kien-van-ban-du-thao.html", "slug"),        # img LayYKienDuThao357X50.png
    ("phat_ngon", "thong-tin-bao-chi.html", "slug"),                   # img ttbc.png
    ("thong_ke", "thong-tin-bao-cao-thong-ke.html", "slug"),
    ("ngan_sach", "cong-khai-ngan-sach.html", "slug"),                 # img congkhaingansach.jpg
    ("pho_bien_phap_luat", "luatthudo.html", "img_name"),             # slug says nothing: img ttpbgdpl.png
])
def test_image_only_links_are_found(candidates, hanoi, key, href, matched_by):
    found = {c.href: c for c in candidates[key]}
    assert hanoi.base + href in found, candidates[key]
    assert found[hanoi.base + href].matched_by == matched_by
    assert found[hanoi.base + href].context == "banner"


def test_anchor_text_alone_would_miss_the_image_sections(home):
    """README test (a): these links have no text at all."""
    image_only = [link for link in home.links if link.image_only and not link.text]
    hrefs = {link.href.rsplit("/", 1)[-1] for link in image_only}
    assert {"chi-dao-dieu-hanh.html", "van-ban-phap-quy.html", "lay-y-kien-van-ban-du-thao.html",
            "thong-tin-bao-chi.html", "cong-khai-ngan-sach.html", "luatthudo.html"} <= hrefs


def test_liferay_slugs_without_d(candidates, hanoi):
    """README test (b): hoi-ap, lanh-ao-so, -au-thau-mua-sam-cong."""
    assert candidates["hoi_dap"][0].href == hanoi.base + "hoi-ap.html"
    assert candidates["lanh_dao"][0].href == hanoi.base + "lanh-ao-so.html"
    assert hanoi.base + "-au-thau-mua-sam-cong.html" in {c.href for c in candidates["du_an_dau_tu"]}


def test_decoys_never_count(candidates, home):
    hrefs = {c.href for cands in candidates.values() for c in cands}
    labels = " ".join(c.label for cands in candidates.values() for c in cands).lower()
    assert "Số lượng truy cập" in home.page.text              # the visit counter is on the page ...
    assert all("truy cập" not in c.label.lower() for c in candidates["thong_ke"])  # ... and not a candidate
    assert all("ke-hoach-tai-chinh" not in c.href for c in candidates["chien_luoc_quy_hoach"])  # news category
    assert not candidates["khoa_hoc"]                          # "Tọa đàm khoa học ..." is a headline
    assert not any("/-/view_content/" in href for href in hrefs)  # Liferay articles are not sections
    assert "thăm dò" not in labels
    lex = load_lexicon()
    for decoy, key in (("THĂM DÒ Ý KIẾN", "lay_y_kien"), ("Thống kê truy cập", "thong_ke"),
                       ("Số lượng truy cập", "thong_ke"), ("Kế hoạch tài chính", "chien_luoc_quy_hoach")):
        assert key not in {m.key for m in lex.match_words(fold(decoy))}, decoy


def test_candidates_are_tried_best_first(candidates, hanoi):
    assert candidates["tin_tuc"][0].label == "Tin tức sự kiện" and candidates["tin_tuc"][0].context == "menu"
    assert [c.href for c in candidates["chien_luoc_quy_hoach"]] == [
        hanoi.base + "chien-luoc-quy-hoach.html", hanoi.base + "ke-hoach.html"]
    tthc = candidates["thu_tuc_hanh_chinh"]
    assert tthc[0].matched_by == "box_title" and tthc[0].label.startswith("thủ tục hành chính cấp sở")
    assert any(c.offsite and "dichvucong.hanoi.gov.vn" in c.href for c in tthc)


@pytest.mark.parametrize("name, key, why", [
    ("duong-day-nong.html", "lien_he", {"confirmed_by": "title: Đường dây nóng"}),     # names itself, lists nothing
    ("linh-vuc-noi-vu.html", "thu_tuc_hanh_chinh", {"says_empty": "khong co van ban nao duoc tim thay"}),
])
def test_empty_sections_are_present(home, hanoi, name, key, why):
    """README test (d): live pages of a section with nothing in them yet. Such pages carry
    scripts, so without a browser the verdict waits for a render; the rendered DOM (the
    same, here) is the section's page, empty: present, and its emptiness said apart."""
    template = site_template(home)
    plain = judge_destination(hanoi.page(name), key, template)
    assert plain.ok is None and plain.reason == "needs_rendering"
    rendered = judge_destination(hanoi.page(name, rendered=True), key, template)
    assert rendered.ok is True and rendered.empty is True
    for field, value in why.items():
        have = rendered.confirmed_by if field == "confirmed_by" else rendered.extra.get(field)
        assert have == value, field


@pytest.mark.parametrize("name, key, newest", [
    ("chi-dao-dieu-hanh.html", "chi_dao_dieu_hanh", "2020-04-03"),
    ("lay-y-kien-van-ban-du-thao.html", "lay_y_kien", "2018-04-24"),    # present but stale
    ("chien-luoc-quy-hoach.html", "chien_luoc_quy_hoach", "2022-07-26"),
    ("cong-khai-ngan-sach.html", "ngan_sach", "2020-07-28"),
])
def test_newest_item_date_is_recorded(home, hanoi, name, key, newest):
    result = judge_destination(hanoi.page(name), key, site_template(home))
    assert result.ok is True and result.newest_date == newest


def test_a_page_named_after_another_section_is_not_this_one(home, hanoi):
    """The budget disclosure page ("Công khai ngân sách") reached by a link said to be the
    work calendar is the wrong content: rejected, with the page's own name as evidence."""
    result = judge_destination(hanoi.page("cong-khai-ngan-sach.html"), "lich_cong_tac", site_template(home))
    assert (result.ok, result.reason) == (False, "target_other_section")
    assert result.extra["names"][0].startswith("title: Công khai ngân sách")


def test_poll_page_is_not_a_consultation(home, hanoi):
    """`chien-luoc-quy-hoachba6a.html` is the poll "THĂM DÒ Ý KIẾN" HTTrack named after a slug."""
    result = judge_destination(hanoi.page("chien-luoc-quy-hoachba6a.html"), "lay_y_kien", site_template(home))
    assert result.ok is False and result.reason == "target_decoy"


def test_missing_page_is_link_dead_and_evidence_is_complete(home, hanoi):
    key = "van_ban"
    cands = find_candidates(home)[key]
    results = [judge_destination(hanoi.get(c.href), key, site_template(home)) for c in cands]
    obs = section_observation(key, cands, results)
    assert obs.outcome == "fail" and obs.evidence["reason"] == "link_dead"
    assert obs.legal_ref == load_lexicon().sections[key].legal_ref and "Điều 4.1.a" in obs.legal_ref
    for field in ("label", "matched_by", "href", "url", "target_status", "reason", "rendered"):
        assert field in obs.evidence, field


def test_footer_contact_counts_for_lien_he(home):
    contact = contact_details(home.footer_text)
    assert contact and set(contact["kinds"]) == {"address", "phone", "email"}
    obs = section_observation("lien_he", [], [], contact)
    assert obs.outcome == "pass" and obs.evidence["matched_by"] == "footer"


def test_hanoi_homepage_needs_no_browser(hanoi):
    assert needs_rendering(hanoi.page("index.html")) == (False, "static links present")


def test_unreadable_candidate_is_inconclusive_never_fail(home, hanoi):
    """TTHC: the saved box links are 404s, the DVC banners lead off-site (not fetched)."""
    key = "thu_tuc_hanh_chinh"
    cands = find_candidates(home)[key]
    results = [judge_destination(hanoi.get(c.href), key, site_template(home)) for c in cands]
    assert [r.ok for r in results].count(None) >= 1
    assert section_observation(key, cands, results).outcome == "inconclusive"
