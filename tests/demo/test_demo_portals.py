"""Each portal answers as its truth says: homepage status, section links and pages, functions."""
from __future__ import annotations

import html
import re
import socket
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from crawler.demo import data

EMPTY = ("Không có dữ liệu", "Không có văn bản nào được tìm thấy")
SOFT = "Trang bạn tìm không tồn tại"
ROWS = {p["id"]: p for p in data.portals()}
LIVE = [pid for pid, p in ROWS.items() if p.get("behaviour", "live") in ("live", "garbage")]
LINK_RE = re.compile(r'(?:href|src)="([^"]*)"|"href": "([^"]*)"')


def home(fetch, targets, pid):
    got = fetch(targets[pid]["portal_url"])
    assert got.status == 200
    return got, html.unescape(got.body.decode("utf-8", "replace"))


def resolve(farm, pid, href):
    if href.startswith("@services"):
        return farm.services_url_of(pid).rstrip("/") + (href[len("@services"):] or "/")
    return href


def test_homepage_status_matches_truth(fetch, targets, truth):
    seen = set()
    for pid, t in truth.items():
        url, status = targets[pid]["portal_url"], t["portal_status"]
        seen.add(status)
        if status == "live":
            got = fetch(url)
            assert got.status == 200, pid
            assert b'lang="vi"' in got.body, pid
        elif status == "blocked":
            got = fetch(url)
            assert got.status == 403
            assert "The requested URL was rejected. Please consult with your administrator." in got.text
            assert "Your support ID is:" in got.text
        elif status == "connection_error":
            with pytest.raises(ConnectionRefusedError):
                fetch(url, timeout=1)
        elif status == "timeout":
            with pytest.raises(socket.timeout):
                fetch(url, timeout=0.5)
        else:
            raise AssertionError(status)
    assert seen == {"live", "blocked", "connection_error", "timeout"}


def test_unreachable_portals_are_inconclusive(truth):
    for pid, t in truth.items():
        if t["portal_status"] != "live":
            assert set(t["sections"].values()) == {"inconclusive"}, pid
            assert set(t["functions"].values()) == {"inconclusive"}, pid
            assert t["services"] == []


def test_truth_keys(truth):
    for t in truth.values():
        assert tuple(t["sections"]) == data.SECTION_KEYS
        assert tuple(t["functions"]) == data.FUNCTION_KEYS
        assert set(t["sections"].values()) <= {"pass", "fail", "inconclusive", "not_applicable"}
        if t["portal_status"] == "live":
            assert t["functions"]["https"] == "fail"
            assert t["functions"]["accessibility"] == t["functions"]["performance"] == "inconclusive"


def test_random_path_real_404_or_soft_404(fetch, targets):
    for pid in LIVE:
        got = fetch(targets[pid]["portal_url"].rstrip("/") + "/khong-ton-tai-8f3a2c.html")
        if ROWS[pid].get("unknown_path") == "soft_404":
            assert got.status == 200
            assert got.body == home(fetch, targets, pid)[0].body
        elif ROWS[pid].get("unknown_path") == "soft_404_page":
            assert got.status == 200 and SOFT in got.text
        else:
            assert got.status == 404, pid


@pytest.mark.parametrize("pid", LIVE)
def test_sections_links_and_pages_match_truth(pid, farm, fetch, targets, truth):
    got, page = home(fetch, targets, pid)
    base = got.url
    for key in data.SECTION_KEYS:
        links = data.links_of(ROWS[pid].get("sections", {}).get(key))
        good = False
        for link in links:
            href = resolve(farm, pid, link["href"])
            assert f'href="{href}"' in page or f'"href": "{href}"' in page, (pid, key, href)
            if link["via"] == "img":
                assert re.search(rf'<a href="{re.escape(href)}"><img alt="" src="[^"]*/{re.escape(link["img"])}"', page)
            if link["via"] == "title":
                assert f'title="{link["label"]}"' in page
            target = fetch(urljoin(base, href))
            state = link.get("page", "ok")
            if state == "ok":
                assert target.status == 200, (pid, key, href)
                assert not any(m in target.text for m in EMPTY + (SOFT,)), (pid, key, href)
                good = True
            elif state == "empty":  # an empty section is present (its emptiness is the content truth)
                assert target.status == 200 and any(m in target.text for m in EMPTY), (pid, key)
                good = True
            elif state == "not_found":
                assert target.status == 404, (pid, key)
            elif state == "soft_404":
                assert target.status == 200 and SOFT in target.text, (pid, key)
        if key == "lien_he" and "Địa chỉ:" in page and "Điện thoại:" in page and "Email:" in page:
            good = True
        assert truth[pid]["sections"][key] == ("pass" if good else "fail"), (pid, key)


def test_jsmenu_links_exist_only_in_script(fetch, targets):
    _, page = home(fetch, targets, "tinh-lam-son")
    assert '<ul id="main-menu" class="nav"></ul>' in page
    assert 'href="/gioi-thieu"' not in page and '"href": "/gioi-thieu"' in page


def test_decoys_never_make_a_section(fetch, targets, truth):
    _, page = home(fetch, targets, "tinh-lam-son")
    assert "THĂM DÒ Ý KIẾN" in page and "Lấy ý kiến Nhân dân về dự thảo" in page
    assert truth["tinh-lam-son"]["sections"]["lay_y_kien"] == "fail"
    _, page = home(fetch, targets, "tinh-truong-son")
    assert "Thống kê truy cập" in page
    assert truth["tinh-truong-son"]["sections"]["thong_ke"] == "pass"  # its real page, empty, is present
    assert truth["tinh-truong-son"]["content"]["thong_ke"] == "fail"
    _, page = home(fetch, targets, "so-tttt-song-hong")
    assert "Số lượng truy cập" in page and ">Kế hoạch tài chính<" in page and "Tọa đàm khoa học" in page
    assert truth["so-tttt-song-hong"]["sections"]["khoa_hoc"] == "fail"
    assert "THĂM DÒ Ý KIẾN" in page
    _, page = home(fetch, targets, "so-tu-phap-ha-son")
    assert ">Kế hoạch tài chính<" in page and "Lấy ý kiến Nhân dân về dự thảo" in page
    assert truth["so-tu-phap-ha-son"]["sections"]["chien_luoc_quy_hoach"] == "fail"
    assert truth["so-tu-phap-ha-son"]["sections"]["lay_y_kien"] == "fail"


def test_numeric_entities_on_sharepoint(fetch, targets):
    got = fetch(targets["tinh-song-hong"]["portal_url"])
    assert got.url.endswith("/portal/Pages/default.aspx")
    assert b"Th&#xF4;ng tin ho&#x1EA1;t &#x111;&#x1ED9;ng" in got.body
    assert "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH SÔNG HỒNG</title>" in got.text


@pytest.mark.parametrize("pid", [p for p in LIVE if p != "so-nnptnt-cao-nguyen"])
def test_functions_match_truth(pid, fetch, targets, truth):
    got, page = home(fetch, targets, pid)
    base, fn = got.url, truth[pid]["functions"]
    form = re.search(r'<form class="[^"]*" action="([^"]*)" method="get" role="search">(.*?)</form>', page, re.S)
    search = "fail"
    if form:
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
        param = re.search(r'<input type="text" name="([^"]+)"', form.group(2)).group(1)
        qs = "&".join(f"{k}={v}" for k, v in {**fields, param: "chuy%E1%BB%83n%20%C4%91%E1%BB%95i%20s%E1%BB%91"}.items())
        res = fetch(urljoin(base, form.group(1)) + "?" + qs)
        if res.status == 200 and "Tìm thấy" in res.text and "chuyển đổi số" in res.text.lower():
            search = "pass"
    assert fn["search"] == search, pid
    rss = re.search(r'<link rel="alternate" type="application/rss\+xml" title="[^"]*" href="([^"]+)"', page)
    ok = False
    if rss:
        r = fetch(urljoin(base, rss.group(1)))
        ok = r.status == 200 and len(ET.fromstring(r.body).findall("./channel/item")) > 0
    assert fn["rss"] == ("pass" if ok else "fail"), pid
    assert fn["mobile"] == ("pass" if '<meta name="viewport"' in page else "fail")
    assert fn["emc"] == ("pass" if 'src="https://f-emc.ngsp.gov.vn/' in page else "fail")
    assert fn["print"] == ("pass" if "window.print()" in page else "fail")
    has_related = ("Liên kết website" in page or "Website liên kết" in page) and ".gov.vn" in page
    assert fn["related_links"] == ("pass" if has_related else "fail"), pid
    sm = re.search(r'<a href="([^"]+)">Sơ đồ (?:cổng|website)</a>', page)
    assert fn["site_map"] == ("pass" if sm and fetch(urljoin(base, sm.group(1))).status == 200 else "fail")
    en = re.search(r'<a class="lang[^"]*" href="([^"]+)">', page)
    assert fn["english"] == ("pass" if en and fetch(urljoin(base, en.group(1))).status == 200 else "fail"), pid


def test_article_pages_have_print_and_dates(fetch, targets):
    got, page = home(fetch, targets, "so-tttt-song-hong")
    art = re.search(r'href="(/tin-tuc-su-kien/-/view_content/\d+-[a-z0-9-]+\.html)"', page).group(1)
    text = fetch(urljoin(got.url, art)).text
    assert "window.print()" in text and "Ngày đăng: " in text
    lst = fetch(urljoin(got.url, "/tin-tuc-su-kien.html")).text
    assert re.search(r"Ngày đăng: \d\d/\d\d/2026", lst) and "?page=2" in lst


def test_garbage_portal(fetch, targets, truth):
    got = fetch(targets["so-nnptnt-cao-nguyen"]["portal_url"])
    assert got.status == 200
    assert b"\x00" in got.body
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    assert b'<a href="/gioi-thieu/">Gi\xe1\xbb\x9bi thi\xe1\xbb\x87u</a>' in got.body
    t = truth["so-nnptnt-cao-nguyen"]
    assert t["portal_status"] == "live"
    assert [k for k, v in t["sections"].items() if v == "pass"] == ["gioi_thieu", "tin_tuc"]


@pytest.mark.parametrize("pid", LIVE)
def test_no_unintended_broken_links(pid, fetch, targets):
    """Crawl the portal's own host: every link and image answers 200, except the declared dead ones."""
    row = ROWS[pid]
    dead = {l["href"] for k in data.SECTION_KEYS for l in data.links_of(row.get("sections", {}).get(k))
            if l.get("page") in ("not_found", "server_error")}
    plat = data.content()["platforms"][row["platform"]]
    if row["functions"].get("rss") == "broken":
        dead.add(plat["rss"])
    if row["functions"].get("english") == "dead":
        dead.add(plat["english"]["href"])
    start = fetch(targets[pid]["portal_url"]).url
    host = urlsplit(start).netloc
    queue, seen, checked = [start], {start}, 0
    while queue and checked < 400:
        url = queue.pop(0)
        got = fetch(url)
        checked += 1
        rel = url.split(host, 1)[1]
        if rel in dead:
            assert got.status == 404, url
            continue
        assert got.status == 200, url
        if not got.headers.get("content-type", "").startswith("text/html"):
            continue
        for a, b in LINK_RE.findall(html.unescape(got.body.decode("latin-1"))):
            href = a or b
            if not href or href.startswith(("javascript:", "mailto:", "#")) or not href.isprintable() \
                    or not href.isascii() or "<" in href:
                continue  # garbage (the broken portal has truncated tags)
            nxt = urljoin(url, href).split("#")[0]
            if urlsplit(nxt).netloc == host and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    assert checked > 5
