"""Service portals: list paging (table, AJAX fragments, SPA API), detail pages, service statuses."""
from __future__ import annotations

import html
import re
import socket
import time
from urllib.parse import urljoin

import pytest

from crawler.demo import DemoFarm, data

LIST_API = "api/v1/submitting/formality/list-all-public-formality-by-citizen"
DETAIL_API = "api/v1/configuring/formality/get-formality-by-citizen"
LEVEL_OF_LABEL = {"Mức độ 4": "toan_trinh", "Toàn trình": "toan_trinh", "Một phần": "mot_phan",
                  "Mức độ 3": "mot_phan", "Mức độ 2": "khong_truc_tuyen"}
SP = data.service_portals()


def by_code(truth, pid):
    return {s["code"]: s for s in truth[pid]["services"]}


def test_spa_shell_and_bundle(farm, fetch, truth):
    base = farm.portal("dvc-lam-son").url
    for path in ("", "thu-tuc-hanh-chinh/1.004222", "bat-ky/duong-dan"):
        got = fetch(base + path)
        assert got.status == 200 and '<div id="root"></div>' in got.text
        js = re.search(r'<script type="module" crossorigin src="(/assets/index-[\w-]+\.js)"></script>', got.text).group(1)
    bundle = fetch(urljoin(base, js)).text
    assert "/" + LIST_API in bundle and "/" + DETAIL_API in bundle and "lastId" in bundle
    assert '"/thu-tuc-hanh-chinh/"' in bundle
    assert fetch(base + LIST_API).status == 405  # GET on a POST endpoint


@pytest.mark.parametrize("size_key", ["size", "limit"])
def test_spa_api_pages_by_last_id_to_the_end(farm, fetch, truth, size_key):
    base = farm.portal("dvc-lam-son").url
    expected = by_code(truth, "tinh-lam-son")
    codes, last, calls = [], "", 0
    while True:
        res = fetch(base + LIST_API, json={"lastId": last, size_key: 7}).json()
        calls += 1
        assert res["code"] == "OK" and res["data"]["total"] == len(expected)
        codes += [it["code"] for it in res["data"]["items"]]
        assert set(res["data"]["items"][0]) >= {"id", "name", "code", "codeNotation", "categories", "state", "type"}
        last = res["data"]["lastId"]
        if not last:
            break
        assert calls < 20
    assert calls == -(-len(expected) // 7)
    assert sorted(codes) == sorted(expected) and len(codes) == len(set(codes))
    assert fetch(base + LIST_API, json={"lastId": "\uffff", "size": 5}).json()["data"]["items"] == []


def test_spa_api_details(farm, fetch, truth):
    base = farm.portal("dvc-lam-son").url
    statuses = set()
    for code, s in by_code(truth, "tinh-lam-son").items():
        got = fetch(base + DETAIL_API, json={"code": code})
        statuses.add(s["status"])
        if s["status"] == "soft_404":
            assert got.status == 404 and got.json()["code"] == "NOT_FOUND"
            continue
        d = got.json()["data"]
        assert got.status == 200 and d["code"] == code and d["name"] == s["name"]
        assert data.level_of_record(d) == s["level"]
        assert {"isFullProcess", "executionMethods", "isOfflineOnly", "isWard", "legalBasisesDetails"} <= set(d)
        assert all(m["submissionMethod"] in ("ONLINE", "DIRECT", "POSTAL") for m in d["executionMethods"])
    assert statuses == {"live", "soft_404"}
    real = fetch(base + DETAIL_API, json={"code": "1.003197"}).json()["data"]
    assert real["isFullProcess"] is True and real["name"] == "Xóa đăng ký thường trú"


def test_ajax_fragments_page_through(farm, fetch, truth):
    base = farm.portal("dvc-song-hong").url
    page = fetch(base).text
    assert "/dvc/-/list" in page and "mucDo" in page and "start" in page and "count" in page
    assert "/dvc/-/thu-tuc/" not in page  # the list only arrives by AJAX
    expected = by_code(truth, "tinh-song-hong")
    found = {}
    for muc_do, level in (("4", "toan_trinh"), ("3", "mot_phan"), ("2", "khong_truc_tuyen")):
        url, pages = base + f"dvc/-/list?mucDo={muc_do}&start=0&count=5", 0
        while url:
            frag = fetch(url).text
            pages += 1
            for _href, code in re.findall(r'<a href="(/dvc/-/thu-tuc/([^"]+))">', frag):
                assert code not in found
                found[code] = level
            nxt = re.search(r'class="next"[^>]*data-url="([^"]+)"', frag)
            url = urljoin(base, nxt.group(1).replace("&amp;", "&")) if nxt else None
        assert pages >= 1
    assert found == {c: s["level"] for c, s in expected.items()}
    whole = fetch(base + "dvc/-/list?start=0&count=50").text
    assert len(re.findall(r'href="/dvc/-/thu-tuc/', whole)) == len(expected)


def test_table_portal_pages_with_level_column(farm, fetch, truth):
    base = farm.portal("motcua-tttt-song-hong").url
    url, pages, found = base + "thu-tuc-hanh-chinh", 0, {}
    while url:
        text = fetch(url).text
        pages += 1
        assert "<th>Mức độ</th>" in text
        for code, label in re.findall(r'<td>([\d.A-Z]+)</td><td><a href="/thu-tuc/[^"]+">[^<]+</a></td><td>[^<]*</td>\s*'
                                      r'<td class="muc-do">([^<]+)</td>', text):
            found[code] = LEVEL_OF_LABEL[label]
        nxt = re.search(r'<a class="next" href="([^"]+)">', text)
        url = urljoin(base, nxt.group(1)) if nxt else None
    assert pages >= 3
    assert found == {c: s["level"] for c, s in by_code(truth, "so-tttt-song-hong").items()}


def test_prose_portal_states_level_on_detail_pages(farm, fetch, truth):
    base = farm.portal("dvc-truong-son").url
    first = fetch(base + "danh-muc-tthc").text
    assert "Mức độ" not in first and "?page=2" in first
    listed = set(re.findall(r'href="/chi-tiet-tthc\?maThuTuc=([^"]+)"', first + fetch(base + "danh-muc-tthc?page=2").text))
    services = by_code(truth, "tinh-truong-son")
    assert listed == set(services)
    prose = {"toan_trinh": r"trực tuyến (mức độ 4|toàn trình)\.", "mot_phan": r"trực tuyến (một phần|mức độ 3)\.",
             "khong_truc_tuyen": r"chưa cung cấp dịch vụ công trực tuyến"}
    for code, s in services.items():
        if s["status"] != "live":
            continue
        text = fetch(s["url"]).text
        assert re.search(prose[s["level"]], text), code
        assert ("Nộp hồ sơ trực tuyến" in text) == (s["level"] != "khong_truc_tuyen")
        assert ("thanh toán" in text) == (s["level"] == "toan_trinh")
        for f in data.C32_FIELDS:
            assert (f"<th>{f}</th>" in text) == (f not in s["fields_missing"]), (code, f)
    assert any(s["fields_missing"] for s in services.values())
    assert "Không tìm thấy thủ tục" in fetch(base + "chi-tiet-tthc?maThuTuc=9.999999").text


def behaviours():
    out = {}
    for sp in SP.values():
        for s in data.make_services(sp):
            out[s.code] = s.behaviour
    return out


def test_every_service_answers_as_its_truth_says(fetch, truth):
    beh = behaviours()
    seen = set()
    for _pid, t in truth.items():
        for s in t["services"]:
            seen.add(s["status"])
            b = beh[s["code"]]
            if s["status"] == "timeout":
                with pytest.raises(socket.timeout):
                    fetch(s["url"], timeout=0.5)
                continue
            t0 = time.monotonic()
            got = fetch(s["url"], follow=False)
            if b == "login_redirect":
                assert got.status == 302 and got.headers["location"].startswith("/dang-nhap")
                got = fetch(s["url"])
                assert got.status == 200 and "Đăng nhập" in got.text
            elif s["status"] == "live":
                assert got.status == 200, s
                assert s["name"] in html.unescape(got.text) or '<div id="root">' in got.text
                if b == "slow":
                    assert time.monotonic() - t0 >= 0.25
            elif s["status"] == "not_found":
                assert got.status == 404
            elif s["status"] == "soft_404":
                assert got.status == 200
                assert "Không tìm thấy thủ tục" in got.text or '<div id="root">' in got.text
            elif s["status"] == "server_error":
                assert got.status == 500
            elif s["status"] == "blocked":
                assert got.status in (403, 429)
                assert "Request Rejected" in got.text or "Attention Required! | Cloudflare" in got.text
            else:
                raise AssertionError(s)
    assert seen == {"live", "not_found", "soft_404", "blocked", "timeout", "server_error"}
    assert {"cloudflare", "rate_limited", "blocked", "slow", "login_redirect", "hang"} <= set(beh.values())


def test_service_portals_found_from_homepage_banners(fetch, targets, truth):
    empty = [pid for pid, row in targets.items() if not row["services_url"] and truth[pid]["services_portal"]["url"]]
    assert empty
    for pid in empty:
        home = fetch(targets[pid]["portal_url"]).text
        assert re.search(rf'<a href="{re.escape(truth[pid]["services_portal"]["url"])}"><img alt="" src=', home), pid


def test_runtime_overrides(farm, fetch, truth):
    svc = next(s for s in truth["tinh-song-hong"]["services"] if s["status"] == "live")
    handle = farm.portal("tinh-song-hong")
    handle.set(svc["url"], "server_error")
    assert fetch(svc["url"], follow=False).status == 500
    handle.set(svc["url"], "hang", seconds=1)
    with pytest.raises(socket.timeout):
        fetch(svc["url"], timeout=0.3)
    handle.reset(svc["url"])
    assert fetch(svc["url"], follow=False).status == 200
    handle.set("*", "blocked")
    assert fetch(handle.url).status == 403
    handle.set("*", "reset")
    with pytest.raises(ConnectionError):
        fetch(handle.url)
    handle.reset()
    assert fetch(handle.url).status == 200
    with pytest.raises(ValueError):
        handle.set("/", "no-such-behaviour")


def test_refused_portal_can_be_brought_up():
    with DemoFarm() as farm:
        handle = farm.portal("tinh-ha-son")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((handle.host.ip, handle.host.port), timeout=1)
        handle.set("/khong-co", "not_found")  # any set() makes it listen
        conn = socket.create_connection((handle.host.ip, handle.host.port), timeout=1)
        conn.close()
