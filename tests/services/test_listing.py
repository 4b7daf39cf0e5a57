"""Listing parsers of every portal kind, the API helpers, figures and verdicts."""
from __future__ import annotations

import json

from checks import service_listing_api as api
from checks.service_listing import figures, is_spa_shell, observations, script_sources
from checks.service_listing_html import find_fragments, parse_list_page

BASE = "http://dvc.example.gov.vn/"


def test_table_with_level_column_and_pager():
    html = ("<html><body><nav class='menu'><a href='/thu-tuc-hanh-chinh'>Thủ tục hành chính</a></nav>"
            "<table><tr><th>STT</th><th>Mã thủ tục</th><th>Tên thủ tục</th><th>Mức độ</th></tr>"
            "<tr><td>1</td><td>1.004222</td><td><a href='/tthc/1'>Đăng ký thường trú</a></td><td>Mức độ 3</td></tr>"
            "<tr><td>2</td><td>2.000815</td><td><a href='/tthc/2'>Chứng thực bản sao</a></td><td>Toàn trình</td></tr>"
            "</table><div class='pager'><a href='?page=1'>1</a> <a href='?page=2'>2</a>"
            " <a href='?page=2'>Trang sau ›</a> <a href='/gioi-thieu'>Giới thiệu</a></div></body></html>")
    page = parse_list_page(html, BASE + "thu-tuc-hanh-chinh")
    assert page.level_column
    assert [(s.code, s.level.key, s.level.raw) for s in page.services] == [
        ("1.004222", "mot_phan", "Mức độ 3"), ("2.000815", "toan_trinh", "Toàn trình")]
    assert page.services[0].url == BASE + "tthc/1"
    assert sorted(page.pages) == [BASE + "thu-tuc-hanh-chinh?page=1", BASE + "thu-tuc-hanh-chinh?page=2"]


def test_sharepoint_list_without_level_and_pageindex():
    html = ("<html><body><div class='tandan-p-article-item'><a href='/Pages/tthc-chi-tiet.aspx?ItemID=7'>"
            "Đăng ký khai sinh cho trẻ em</a></div><div class='tandan-p-article-item'>"
            "<a href='/tin-tuc/day-manh-dich-vu-cong.aspx'>Đẩy mạnh dịch vụ công trực tuyến mức độ 4 năm 2022</a>"
            "</div><div class='paging'><a href='?PageIndex=2'>2</a><a href='?PageIndex=2'>Trang sau</a></div>"
            "</body></html>")
    page = parse_list_page(html, BASE + "Pages/thu-tuc-hanh-chinh.aspx")
    assert [s.url for s in page.services] == [BASE + "Pages/tthc-chi-tiet.aspx?ItemID=7"]
    assert page.services[0].level.key == "unknown"   # the detail page will say
    assert page.pages == [BASE + "Pages/thu-tuc-hanh-chinh.aspx?PageIndex=2"]


def test_a_level_filtered_list_gives_rows_their_level():
    html = "<ul><li><a href='/tthc/chi-tiet/9'>Cấp giấy phép xây dựng nhà ở</a></li></ul>"
    page = parse_list_page(html, BASE + "danh-sach?mucDo=4")
    assert page.services[0].level.key == "toan_trinh" and page.services[0].level.raw == "mucDo=4"


def test_home_page_takes_only_coded_links():
    html = ("<div class='content'><a href='/tthc/chi-tiet/day-manh'>Đẩy mạnh cung cấp dịch vụ công trực "
            "tuyến</a><a href='/tthc/1.004222'>Đăng ký thường trú</a></div>")
    page = parse_list_page(html, BASE, strict=True)
    assert [s.code for s in page.services] == ["1.004222"]


def test_liferay_fragments_in_script_and_data_attributes():
    ns = "_dvc_WAR_dvcportlet_"
    html = (f"<div data-url='/o/dvc/danh-sach?mucDo=3&amp;start=0&amp;count=5'></div><script>"
            f"var u = '/web/guest/dvc?p_p_id=dvc_WAR_dvcportlet&p_p_lifecycle=2&{ns}mucDo=4&{ns}start=0"
            f"&{ns}delta=20';</script><a href='/x?page=2&size=10'>2</a>"
            "<link href='/o/theme/main.css?browserId=other&t=1'>")
    frags = {f.url: f for f in find_fragments(html, BASE)}
    assert len(frags) == 2   # the link and the stylesheet are not fragments
    liferay = next(f for f in frags.values() if "p_p_id" in f.url)
    assert (liferay.offset_key, liferay.size_key, liferay.level_key) == (f"{ns}start", f"{ns}delta", f"{ns}mucDo")
    assert f"{ns}start=40" in liferay.page_url(2)
    plain = frags[BASE + "o/dvc/danh-sach?mucDo=3&start=0&count=5"]
    assert "start=5" in plain.page_url(1)


def test_spa_shell_real_file(fixtures_dir):
    shell = (fixtures_dir / "dvcqg-spa-shell-2026" / "dvc-detail-probe-2.000815.html").read_text("utf-8")
    assert is_spa_shell(shell)
    assert parse_list_page(shell, "https://dichvucong.gov.vn/").services == []
    assert script_sources(shell, "https://dichvucong.gov.vn/") == [
        "https://dichvucong.gov.vn/assets/index-DpT3dTJN.js"]
    assert not is_spa_shell("<html><body><div id='root'><h1>Danh sách</h1></div>"
                            "<script src='/a.js'></script></body></html>")


def test_api_endpoints_from_recorded_calls_then_bundle():
    recorded = [{"method": "POST", "url": "https://dvc/api/v1/configuring/province-vn/list-by-citizen", "body": "{}"},
                {"method": "POST", "url": "https://dvc/api/v1/submitting/formality/list-all-public-formality-by-citizen",
                 "body": json.dumps({"limit": 10, "lastId": "", "q": ""})}]
    call = api.choose_list_call(recorded, [], "https://dvc/")
    assert call.source == "recorded" and call.body["limit"] == 10 and "list-all-public" in call.url
    bundle = ('fetch("/api/v1/configuring/news/list-by-citizen");const L="/api/v1/submitting/formality/'
              'list-all-public-formality-by-citizen",D=`/api/v1/configuring/formality/get-formality-by-citizen`;'
              '"/api/v1/configuring/formality/export-pdf-formality-detail-by-citizen"')
    paths = api.find_api_paths(bundle)
    fallback = api.choose_list_call([], paths, "https://dvc/")
    assert fallback.source == "bundle" and fallback.url.endswith("list-all-public-formality-by-citizen")
    assert fallback.body["lastId"] == ""
    assert api.choose_detail_url([], paths, "https://dvc/").endswith("get-formality-by-citizen")
    assert api.choose_list_call([], [], "https://dvc/") is None
    body = api.list_body({"limit": 10, "lastId": "", "q": ""}, "abc")
    assert body == {"limit": 100, "lastId": "abc", "q": ""}


def test_api_answers(fixtures_dir):
    lines = (fixtures_dir / "dvcqg-api-2026" / "catalog-lines.jsonl").read_text("utf-8").splitlines()
    items = [json.loads(line) for line in lines[:3]]
    answer = json.dumps({"code": "OK", "data": {"items": items, "lastId": items[-1]["id"]}})
    got, cursor = api.parse_list_response(answer)
    assert [i["code"] for i in got] == ["3.000616", "3.000615", "3.000614"] and cursor == items[-1]["id"]
    assert api.parse_list_response('{"code":"OK","data":{"items":[]}}') == ([], None)
    assert api.parse_list_response("<html>Request Rejected</html>") == (None, None)
    svc = api.item_service(items[0], "https://dvc/thu-tuc-hanh-chinh/{code}", "https://dvc/api/list")
    assert svc.url == "https://dvc/thu-tuc-hanh-chinh/3.000616" and svc.api_id == items[0]["id"]
    assert api.detail_body(svc) == {"id": items[0]["id"]}
    record = (fixtures_dir / "dvcqg-api-2026" / "details" / "1.004222.json").read_text("utf-8")
    assert api.parse_detail_response(record, "1.004222")["name"] == "Đăng ký thường trú"
    assert api.parse_detail_response(record, "1.003197") is None
    assert api.parse_detail_response('{"code":"FORMALITY_NOT_FOUND","data":null}') is None
    rendered = "<div id='root'><a href='/thu-tuc-hanh-chinh/1.004222'>Đăng ký</a></div>"
    assert api.detail_page_pattern(rendered, "https://dvc/") == "https://dvc/thu-tuc-hanh-chinh/{code}"


def _svc(level, status, **kw):
    return {"level": level, "status": status, **kw}


def test_figures_never_count_blocked_or_timeout_as_dead():
    services = [
        _svc("toan_trinh", "live", completeness=1.0, has_online_submission=True, has_online_payment=True, clicks=2),
        _svc("toan_trinh", "blocked", clicks=2), _svc("toan_trinh", "timeout", clicks=4),
        _svc("toan_trinh", "not_found", clicks=2),
        _svc("mot_phan", "live", completeness=0.5, has_online_submission=False, clicks=3),
        _svc("khong_truc_tuyen", "live", completeness=1.0, clicks=3), _svc("unknown", "soft_404"),
    ]
    f = figures(services)
    assert f["services_listed"] == 7 and f["by_level"]["toan_trinh"] == 4
    assert f["online_share"] == round(5 / 6, 4)
    assert f["live_share_toan_trinh"] == 0.5 and f["judged_toan_trinh"] == 2 and f["dead_toan_trinh"] == 1
    assert f["live_share_mot_phan"] == 1.0 and f["dead"] == 2 and f["unjudgeable"] == 2
    assert f["completeness_share"] == round(2.5 / 3, 4) and f["complete_services"] == 2
    assert f["online_submission_share"] == 0.5 and f["online_payment_share"] == 1.0
    assert f["within_clicks_share"] == round(5 / 6, 4)
    obs = {o.key: o for o in observations(f, "table")}
    assert obs["live_share_toan_trinh"].outcome == "fail" and obs["live_share_mot_phan"].outcome == "pass"
    assert obs["services_listed"].legal_ref.startswith("Decree 42/2022 Art. 11")
    assert obs["completeness_share"].legal_ref.startswith("Circular 32/2017")


def test_an_unlisted_shell_is_inconclusive_never_zero_services_failed():
    obs = {o.key: o for o in observations(figures([]), "spa", "js_shell_unlisted")}
    assert obs["services_listed"].outcome == "inconclusive"
    assert obs["services_listed"].evidence["reason"] == "js_shell_unlisted"
    assert all(o.outcome != "fail" for o in obs.values())
