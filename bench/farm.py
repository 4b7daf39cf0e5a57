"""A farm of static portals for the benchmark, served by nginx on loopback.

Each portal gets its own loopback address (127.0.1.N), as real portals have
their own hosts, so per-host politeness applies as it would on a real sweep.
Pages are realistic in size and shape (menus, sidebar boxes, footers, dated
lists, service tables with a "Mức độ" column, Circular 32 detail pages), and
a share of portals build their menu with JavaScript, so the sweep renders
exactly those homepages and nothing else.
"""
from __future__ import annotations

import csv
import html
import random
from pathlib import Path

SECTIONS = [
    ("gioi-thieu.html", "Giới thiệu"), ("co-cau-to-chuc.html", "Cơ cấu tổ chức"),
    ("lanh-ao-so.html", "Lãnh đạo Sở"), ("lien-he.html", "Liên hệ"),
    ("tin-tuc-su-kien.html", "Tin tức sự kiện"), ("chi-dao-dieu-hanh.html", "Chỉ đạo điều hành"),
    ("lich-cong-tac.html", "Lịch công tác"), ("van-ban-phap-quy.html", "Văn bản quy phạm pháp luật"),
    ("thu-tuc-hanh-chinh.html", "Thủ tục hành chính"), ("pho-bien-phap-luat.html", "Phổ biến, giáo dục pháp luật"),
    ("chien-luoc-quy-hoach.html", "Chiến lược, quy hoạch, kế hoạch"),
    ("-au-thau-mua-sam-cong.html", "Đấu thầu, mua sắm công"),
    ("lay-y-kien-van-ban-du-thao.html", "Lấy ý kiến dự thảo văn bản"), ("hoi-ap.html", "Hỏi đáp"),
    ("thong-tin-bao-cao-thong-ke.html", "Thông tin thống kê"), ("cong-khai-ngan-sach.html", "Công khai ngân sách"),
    ("thong-tin-nguoi-phat-ngon.html", "Người phát ngôn"), ("so-do-website.html", "Sơ đồ cổng"),
]
LEVEL_LABELS = ["Toàn trình", "Một phần", "Mức độ 2", "Mức độ 4", "Mức độ 3"]
FILLER = ("Sở đã tổ chức hội nghị triển khai kế hoạch chuyển đổi số năm 2026, tăng cường cung cấp "
          "dịch vụ công trực tuyến toàn trình và nâng cao chất lượng phục vụ người dân, doanh nghiệp. ")
PER_PAGE = 20


def _page(title: str, body: str, menu: str, script: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
<script src="https://f-emc.ngsp.gov.vn/tracking.js" async></script></head><body>
<header><div class="banner">CỔNG THÔNG TIN ĐIỆN TỬ</div><form action="/tim-kiem.html" method="get">
<input name="q"><button>Tìm kiếm</button></form></header>
<nav id="navigation">{menu}</nav><main>{body}</main>
<aside><div class="portlet"><span class="portlet-title-text">Liên kết website</span>
<a href="https://chinhphu.vn/">Chính phủ</a></div></aside>
<footer>Địa chỉ: 1 Đường Lê Lợi · Điện thoại: 0241 3825 000 · Email: vanphong@demo.gov.vn</footer>
{script}</body></html>"""


def _menu(js: bool) -> tuple[str, str]:
    items = "".join(f'<li><a href="/{slug}">{label}</a></li>' for slug, label in SECTIONS)
    if not js:
        return f"<ul>{items}</ul>", ""
    return ('<ul id="main-menu"></ul>',
            f"<script>document.getElementById('main-menu').innerHTML = {items!r};</script>")


def write_portal(root: Path, index: int, services: int, js_menu: bool, rng: random.Random) -> None:
    root.mkdir(parents=True, exist_ok=True)
    menu, script = _menu(js_menu)
    name = f"Sở Thông tin và Truyền thông số {index}"
    boxes = "".join(f'<div class="portlet"><span class="portlet-title-text">{label}</span>'
                    f'<a href="/{slug}">Xem tiếp</a></div>' for slug, label in SECTIONS[:6])
    news = "".join(f"<article><h3>Tin {n}: {FILLER[:60]}</h3><p>{FILLER * 2}</p></article>" for n in range(12))
    (root / "index.html").write_text(_page(name, boxes + news + '<a href="/dvc/">Dịch vụ công trực tuyến</a>',
                                           menu, script), encoding="utf-8")
    for slug, label in SECTIONS:
        items = "".join(f"<li><a href='/{slug}?id={n}'>{label} {n}</a> <span>Ngày đăng: {1 + n % 28:02d}/10/2026</span></li>"
                        for n in range(15))
        (root / slug).write_text(_page(label, f"<h1>{label}</h1><ul>{items}</ul><p>{FILLER * 3}</p>", menu, ""),
                                 encoding="utf-8")
    (root / "tim-kiem.html").write_text(_page("Tìm kiếm", f"<h1>Kết quả tìm kiếm</h1><p>{FILLER}</p>"
                                              "<ul><li><a href='/tin-tuc-su-kien.html'>chuyển đổi số</a></li></ul>",
                                              menu), encoding="utf-8")
    (root / "rss.xml").write_text("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
                                  "<title>Tin tức</title><item><title>Tin</title><link>/</link></item></channel></rss>",
                                  encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    dvc = root / "dvc"
    dvc.mkdir(exist_ok=True)
    pages = max(1, -(-services // PER_PAGE))
    for p in range(1, pages + 1):
        rows = []
        for s in range((p - 1) * PER_PAGE, min(services, p * PER_PAGE)):
            level = LEVEL_LABELS[s % len(LEVEL_LABELS)]
            rows.append(f"<tr><td>1.{index:03d}{s:03d}</td><td><a href='/dvc/tthc-{s}.html'>Thủ tục số {s} "
                        f"lĩnh vực hộ tịch</a></td><td>{level}</td></tr>")
            detail = "".join(f"<h3>{field}</h3><p>{FILLER[: rng.randint(80, 200)]}</p>" for field in (
                "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần, số lượng hồ sơ", "Thời hạn giải quyết",
                "Đối tượng thực hiện", "Cơ quan giải quyết", "Kết quả thực hiện", "Lệ phí", "Căn cứ pháp lý"))
            (dvc / f"tthc-{s}.html").write_text(_page(
                f"Thủ tục số {s}", f"<h1>Tên thủ tục: Thủ tục số {s}</h1><p>Mức độ: {level}</p>{detail}"
                "<a class='btn' href='/dvc/nop-ho-so.html'>Nộp hồ sơ trực tuyến</a>", "", ""), encoding="utf-8")
        pager = "".join(f"<a href='/dvc/?page={q}'>{q}</a> " for q in range(1, pages + 1))
        table = ("<table class='tthc'><tr><th>Mã</th><th>Tên thủ tục</th><th>Mức độ</th></tr>"
                 + "".join(rows) + f"</table><div class='pager'>{pager}</div>")
        listing = _page("Dịch vụ công trực tuyến", "<h1>Danh sách thủ tục hành chính</h1>" + table, "", "")
        (dvc / f"page-{p}.html").write_text(listing, encoding="utf-8")
        if p == 1:
            (dvc / "index.html").write_text(listing, encoding="utf-8")


def build_farm(root: Path, portals: int, services: int, port: int, js_share: float = 0.1,
               seed: int = 42) -> list[dict]:
    """Write `portals` static portals under `root`; returns their target rows."""
    rng = random.Random(seed)
    rows = []
    js_every = max(1, round(1 / js_share)) if js_share else 0
    for i in range(portals):
        host = f"127.0.1.{10 + i}"
        write_portal(root / f"p{i}", i, services, bool(js_every) and i % js_every == 0, rng)
        rows.append({"id": f"p{i}", "name": f"Sở số {i}", "kind": "department", "group": "bench",
                     "portal_url": f"http://{host}:{port}/", "services_url": f"http://{host}:{port}/dvc/",
                     "root": str(root / f"p{i}"), "host": host})
    return rows


def write_targets(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "name", "kind", "group", "portal_url", "services_url"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def nginx_conf(rows: list[dict], port: int, prefix: Path) -> str:
    servers = "\n".join(
        f"  server {{ listen {r['host']}:{port}; root {r['root']}; index index.html;"
        # ?page=N of the service list is a static file per page
        f" location = /dvc/ {{ if ($arg_page ~ ^[0-9]+$) {{ rewrite ^ /dvc/page-$arg_page.html break; }} }}"
        f" location / {{ try_files $uri $uri/ =404; }} }}" for r in rows)
    return f"""worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  default_type text/html;
  types {{ text/html html; application/rss+xml xml; text/plain txt; }}
  client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
  keepalive_requests 100000;
{servers}
}}
"""
