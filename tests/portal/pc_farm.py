"""The portals the end-to-end tests crawl, each with the verdicts we expect (truth).

- hanoi:   the real Hà Nội Sở TT&TT mirror (tests/fixtures/sotttt-hanoi-2022), served
           offline: pages HTTrack did not save answer 404.
- mau:     a model portal: every section present, labels written every way portals
           write them (numeric entities, NFD, no diacritics, title/alt/image name/slug
           only, a typo), and every function working (search, RSS, site map, English...).
- moi:     decoys (poll, visit counter, "Kế hoạch tài chính", headlines) and empty pages.
- soft404: unknown paths answer 200 with the site's template, and every page has one title.
- jsmenu:  a menu drawn by JavaScript (rendered in Chromium).
- drupal, sharepoint, liferay7, aspnet: platform look-alikes (sites/make_platforms.py):
           /node/N, ItemID and p_l_id addresses, UUID banners, aria-labels, postbacks,
           table-row menus, a soft 404 that repeats a long menu, weak labels and decoys.
- blocked: a firewall answering 403 "Request Rejected" to everything.
- down:    nothing listens.
"""
from __future__ import annotations

import re
from pathlib import Path

from pc_loopback import Site, free_port

HERE = Path(__file__).resolve().parent
SITES = HERE / "sites"
HANOI = HERE.parent / "fixtures" / "sotttt-hanoi-2022"

WAF = (403, {}, b"<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
                b"Please consult with your administrator.<br>Your support ID is: 1234567890</body></html>")


def _search(path: str, params: dict):
    """The model portal's search: articles whose title holds the query."""
    query = (params.get("q") or [""])[0].lower()
    index = (SITES / "mau" / "index.html").read_text(encoding="utf-8")
    hits = [(href, title) for href, title in re.findall(r'<a href="(/tin-tuc/[^"]+)">([^<]+)</a>', index)
            if query and query in title.lower()]
    items = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in hits) or "<p>Không tìm thấy kết quả nào.</p>"
    body = (f'<html><head><title>Tìm kiếm</title></head><body><h1>Kết quả tìm kiếm</h1>'
            f'<ul class="results">{items}</ul></body></html>')
    return 200, {}, body.encode("utf-8")


def _soft404(path: str):
    return 200, {}, (SITES / "soft404" / "_missing.html").read_bytes()


def _sharepoint_missing(path: str):
    return 200, {}, (SITES / "sharepoint" / "_missing.html").read_bytes()


def start() -> dict[str, Site]:
    sites = {
        "hanoi": Site(HANOI, ip="127.0.0.21"),
        "mau": Site(SITES / "mau", ip="127.0.0.22", routes={"/tim-kiem": _search}),
        # "Hỏi đáp" sends the visitor back to the homepage: a soft 404.
        "moi": Site(SITES / "moi", ip="127.0.0.23", routes={"/hoi-dap": lambda p, q: (302, {"Location": "/"}, b"")}),
        "soft404": Site(SITES / "soft404", ip="127.0.0.24", not_found=_soft404),
        "jsmenu": Site(SITES / "jsmenu", ip="127.0.0.25"),
        "blocked": Site(ip="127.0.0.26", everything=WAF),
        "drupal": Site(SITES / "drupal", ip="127.0.0.28"),
        "sharepoint": Site(SITES / "sharepoint", ip="127.0.0.29", not_found=_sharepoint_missing),
        "liferay7": Site(SITES / "liferay7", ip="127.0.0.30"),
        "aspnet": Site(SITES / "aspnet", ip="127.0.0.31"),
    }
    for site in sites.values():
        site.start()
    return sites


def stop(sites: dict[str, Site]) -> None:
    for site in sites.values():
        site.stop()


def write_targets(sites: dict[str, Site], path: Path) -> dict[str, str]:
    """The targets CSV; returns {target id: portal URL}."""
    urls = {name: site.url for name, site in sites.items()}
    urls["down"] = f"http://127.0.0.27:{free_port('127.0.0.27')}/"
    lines = ["id,name,kind,group,portal_url,services_url"]
    for name, url in urls.items():
        lines.append(f"{name},Cổng {name},department,so,{url},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return urls


def write_hints(path: Path) -> None:
    """The decoy portal's agency says where its work calendar is (a self-test hint)."""
    path.write_text("moi:\n  lich_cong_tac: /lich-hint\n", encoding="utf-8")
