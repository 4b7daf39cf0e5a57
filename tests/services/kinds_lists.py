"""Service portals whose lists grow in the ways real platforms make them grow.

- LoadMorePortal: a first page of cards and a "Xem thêm" / "Tải thêm" button or
  infinite scroll that fetches the next cards as AJAX fragments (HTML or JSON);
- LiferayPagerPortal: a Liferay 6.2 / 7 search container paged by `cur` and
  `delta` (page selector, delta selector, Đầu/Trước/Tiếp/Cuối), which shows its
  last page for any `cur` beyond the end, as Liferay does;
- PostBackPortal: an ASP.NET WebForms GridView paged by `__doPostBack`: the form
  must be posted back with its view state, the search button left out;
- NumberedPortal: numbered pagers in the path (NukeViet `/page-2/`, WordPress
  `/page/2/`) or the query (Joomla `?start=10`), windowed.
"""
from __future__ import annotations

import base64
import json
import math
import re
from urllib.parse import parse_qs

from farm import Reply
from kinds import GeneratedPortal, esc

from checks.text import fold


def _card(portal: GeneratedPortal, s: dict) -> str:
    return (f"<div class='item-tthc'><a class='ten-tthc' href='{portal.detail_path(s)}'>{esc(s['name'])}</a>"
            f"<div class='meta'>Lĩnh vực: {esc(s['category'])}</div>{portal.badge(s)}</div>")


class LoadMorePortal(GeneratedPortal):
    """Variant `mode`: data_next | script_get | script_post_json | scroll_link | fetch_template;
    `button`: its label."""

    kind = "load_more"
    announces = True
    SIZE = 8

    def chunk(self, n: int) -> list[dict]:
        return self.services[(n - 1) * self.SIZE: n * self.SIZE]

    def more(self, n: int) -> bool:
        return n * self.SIZE < len(self.services)

    def list_routes(self, method, path, query, body):
        mode, button = self.v["mode"], self.v.get("button", "Xem thêm")
        if path == "/":
            return Reply(200, self.wrap("Cổng dịch vụ công", "<h2>Chào mừng</h2><ul class='quick'><li>"
                                        "<a href='/thu-tuc-hanh-chinh'>Thủ tục hành chính</a></li></ul>"))
        page_n = int((query.get("page") or ["1"])[0]) if mode == "scroll_link" else 1
        if path == "/thu-tuc-hanh-chinh":
            cards = "".join(_card(self, s) for s in self.chunk(page_n))
            head = f"<h1>Danh sách thủ tục hành chính</h1><p class='tong'>Có {len(self.services)} thủ tục</p>"
            return Reply(200, self.wrap("Thủ tục hành chính", head + f"<div id='dsThuTuc' class='ds-tthc'>{cards}</div>"
                                        + self.control(mode, button, page_n)))
        if mode == "data_next" and path == "/thu-tuc-hanh-chinh/tai-them":
            n = int((query.get("trang") or ["1"])[0])
            return Reply(200, "".join(_card(self, s) for s in self.chunk(n)) + self.control(mode, button, n))
        if mode == "script_get" and path == "/DichVuCong/DanhSachThuTuc":
            n = int((query.get("trang") or ["1"])[0])
            size = int((query.get("soDong") or [str(self.SIZE)])[0])
            rows = self.services[(n - 1) * size: n * size]
            return Reply(200, "".join(_card(self, s) for s in rows))
        if mode == "script_post_json" and path == "/Home/LoadMoreThuTuc" and method == "POST":
            form = parse_qs(body.decode("utf-8"))
            n, size = int(form.get("pageIndex", ["1"])[0]), int(form.get("pageSize", [str(self.SIZE)])[0])
            rows = self.services[(n - 1) * size: n * size]
            data = [{"MaTTHC": s["code"], "TenTTHC": s["name"], "LinhVuc": s["category"],
                     "MucDo": self.label(s) if self.v.get("list_level") else None,
                     "DuongDan": self.detail_path(s)} for s in rows]
            return Reply(200, json.dumps({"Total": len(self.services), "Data": data}, ensure_ascii=False),
                         "application/json; charset=utf-8")
        if mode == "fetch_template" and path == "/api/dich-vu-cong/xem-them":
            skip, take = int((query.get("skip") or ["0"])[0]), int((query.get("take") or ["10"])[0])
            rows = [{"maThuTuc": s["code"], "tieuDe": s["name"], "lienKet": self.abs(self.detail_path(s))}
                    for s in self.services[skip: skip + take]]
            return Reply(200, json.dumps(rows, ensure_ascii=False), "application/json")
        return None

    def control(self, mode: str, button: str, n: int) -> str:
        if mode == "data_next":
            if not self.more(n):
                return ""
            return (f"<div class='text-center xem-them-wrap'><a href='javascript:void(0)' class='btn btn-xem-them' "
                    f"data-next='/thu-tuc-hanh-chinh/tai-them?trang={n + 1}'>{button}</a></div>"
                    "<script>$(document).on('click', '.btn-xem-them', function () { var b = $(this); "
                    "$.get(b.data('next'), function (h) { b.parent().replaceWith(h); }); });</script>")
        if mode == "script_get":
            return (f"<div class='text-center'><button type='button' id='btnTaiThem' class='btn'>{button}</button></div>"
                    "<script>var trang = 1;\n$('#btnTaiThem').click(function () {\n  trang++;\n  $.ajax({\n"
                    f"    url: '/DichVuCong/DanhSachThuTuc?trang=' + trang + '&soDong={self.SIZE}',\n"
                    "    type: 'GET',\n    success: function (html) {\n      if ($.trim(html) == '') "
                    "{ $('#btnTaiThem').hide(); }\n      $('#dsThuTuc').append(html);\n    }\n  });\n});</script>")
        if mode == "script_post_json":
            return (f"<div class='text-center'><a class='btn' onclick='taiThem()'>{button}</a></div>"
                    "<script>var pageIndex = 1;\nfunction taiThem() {\n  pageIndex += 1;\n"
                    f"  $.post('/Home/LoadMoreThuTuc', {{ pageIndex: pageIndex, pageSize: {self.SIZE}, linhVucId: '' }},"
                    " function (res) {\n    $.each(res.Data, function (i, x) { $('#dsThuTuc').append("
                    "'<div class=\"item-tthc\"><a href=\"' + x.DuongDan + '\">' + x.TenTTHC + '</a></div>'); });\n"
                    "  });\n}</script>")
        if mode == "fetch_template":
            return (f"<p class='text-center'><button class='btn' id='btn-more'>{button}</button></p><script>\n"
                    f"let skip = {self.SIZE};\nconst take = {self.SIZE};\n"
                    "document.getElementById('btn-more').addEventListener('click', async () => {\n"
                    "  const res = await fetch(`/api/dich-vu-cong/xem-them?skip=${skip}&take=${take}`);\n"
                    "  const rows = await res.json();\n  skip += take;\n"
                    "  rows.forEach(r => document.getElementById('dsThuTuc').insertAdjacentHTML('beforeend',"
                    " `<div class='item-tthc'><a href='${r.lienKet}'>${r.tieuDe}</a></div>`));\n});\n</script>")
        # scroll_link: infinite-scroll.js reads the hidden next link
        nxt = (f"<nav class='pagination' style='display:none'><a class='pagination__next' rel='next' "
               f"href='/thu-tuc-hanh-chinh?page={n + 1}'></a></nav>") if self.more(n) else ""
        return (nxt + "<script src='/js/infinite-scroll.pkgd.min.js'></script><script>new InfiniteScroll("
                "'.ds-tthc', { path: '.pagination__next', append: '.item-tthc', history: false });</script>")


class LiferayPagerPortal(GeneratedPortal):
    """Variant `version`: "6.2" | "7"; `delta`: default page size; `list_level`: column or None."""

    kind = "liferay_pager"
    announces = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.v["version"] == "6.2":
            self.list_path, self.pid = "/web/guest/thu-tuc-hanh-chinh", "tthc_WAR_tthcportlet"
        else:
            self.list_path, self.pid = "/vi/web/dvc/tra-cuu-thu-tuc", "vn_gov_dvc_tthc_web_TthcPortlet_INSTANCE_x1y2"
        self.ns = f"_{self.pid}_"

    def detail_path(self, s):
        if self.v["version"] == "6.2":
            return f"{self.list_path}/-/tthc/{s['id']}"
        return f"/vi/web/dvc/chi-tiet-thu-tuc?p_p_id={self.pid}&{self.ns}maThuTuc={s['code']}"

    def find_service(self, path, query):
        if path.startswith(f"{self.list_path}/-/tthc/"):
            return self.by_id.get(path.rsplit("/", 1)[-1])
        if path == "/vi/web/dvc/chi-tiet-thu-tuc":
            code = (query.get(f"{self.ns}maThuTuc") or [""])[0]
            return next((s for s in self.services if s["code"] == code), None)
        return None

    def page_url(self, cur: int, delta: int) -> str:
        if self.v["version"] == "6.2":
            return (f"{self.list_path}?p_p_id={self.pid}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view"
                    f"&amp;{self.ns}cur={cur}&amp;{self.ns}delta={delta}")
        return f"{self.list_path}?p_p_id={self.pid}&amp;p_p_lifecycle=0&amp;{self.ns}delta={delta}" \
               f"&amp;{self.ns}resetCur=false&amp;{self.ns}cur={cur}"

    def list_routes(self, method, path, query, body):
        if path == "/":
            return Reply(200, self.wrap("Trang chủ", f"<div class='portlet'><a href='{self.list_path}'>"
                                        "Tra cứu thủ tục hành chính</a></div>"))
        if path != self.list_path:
            return None
        delta = int((query.get(f"{self.ns}delta") or [str(self.v["delta"])])[0])
        pages = max(1, math.ceil(len(self.services) / delta))
        cur = min(max(1, int((query.get(f"{self.ns}cur") or ["1"])[0])), pages)   # beyond the end: the last page
        rows = self.services[(cur - 1) * delta: cur * delta]
        level_th = "<th>Mức độ</th>" if self.v.get("list_level") == "column" else ""
        body_rows = "".join(
            f"<tr><td>{(cur - 1) * delta + i + 1}</td><td><a href='{self.detail_path(s)}'>{esc(s['name'])}</a></td>"
            f"<td>{esc(s['category'])}</td>" + (f"<td>{esc(self.label(s))}</td>" if level_th else "") + "</tr>"
            for i, s in enumerate(rows))
        table = (f"<table class='table table-bordered table-hover'><thead><tr><th>STT</th><th>Tên thủ tục</th>"
                 f"<th>Lĩnh vực</th>{level_th}</tr></thead><tbody>{body_rows}</tbody></table>")
        return Reply(200, self.wrap("Thủ tục hành chính", f"<div id='p_p_id{self.ns}' class='portlet-boundary'>"
                                    f"{table}{self.pager(cur, delta, pages)}</div>"))

    def pager(self, cur: int, delta: int, pages: int) -> str:
        total, first, last = len(self.services), (cur - 1) * delta + 1, min(cur * delta, len(self.services))
        if self.v["version"] == "6.2":
            numbers = "".join(f"<li><a href='{self.page_url(k, delta)}'>{k}</a></li>" for k in range(1, pages + 1))
            deltas = "".join(f"<li><a href='{self.page_url(1, d)}'>{d}</a></li>" for d in (5, 10, 20, 30, 50, 75))
            return (f"<div class='lfr-pagination'><div class='lfr-pagination-config'><div class='lfr-pagination-page-"
                    f"selector'><div class='btn-group lfr-icon-menu'><a class='dropdown-toggle btn' href='javascript:;'>"
                    f"Trang {cur} của {pages}</a><ul class='dropdown-menu lfr-menu-list'>{numbers}</ul></div></div>"
                    f"<div class='lfr-pagination-delta-selector'><div class='btn-group lfr-icon-menu'><a class="
                    f"'dropdown-toggle btn' href='javascript:;'>Số mục mỗi trang {delta}</a><ul class='dropdown-menu "
                    f"lfr-menu-list'>{deltas}</ul></div></div></div><small class='search-results'>Hiển thị {first} - "
                    f"{last} của {total} kết quả.</small><ul class='lfr-pagination-buttons pager'>"
                    f"<li class='first'><a href='{self.page_url(1, delta)}'>&larr; Đầu</a></li>"
                    f"<li><a href='{self.page_url(max(1, cur - 1), delta)}'>Trước</a></li>"
                    f"<li><a href='{self.page_url(min(pages, cur + 1), delta)}'>Tiếp</a></li>"
                    f"<li class='last'><a href='{self.page_url(pages, delta)}'>Cuối &rarr;</a></li></ul></div>")
        items = "".join(f"<li class='page-item{' active' if k == cur else ''}'><a class='page-link' "
                        f"href='{self.page_url(k, delta)}'>{k}</a></li>" for k in range(max(1, cur - 2), min(pages, cur + 2) + 1))
        deltas = "".join(f"<li><a class='dropdown-item' href='{self.page_url(1, d)}'>{d} Mục</a></li>" for d in (4, 8, 20, 40))
        return (f"<div class='pagination-bar'><div class='dropdown pagination-items-per-page'><a class='dropdown-toggle'"
                f" href='javascript:;'>{delta} Mục</a><ul class='dropdown-menu'>{deltas}</ul></div>"
                f"<p class='pagination-results'>Hiển thị {first} đến {last} của {total} mục.</p>"
                f"<ul class='pagination'><li class='page-item'><a class='page-link' href='{self.page_url(max(1, cur - 1), delta)}'"
                f" aria-label='Trang trước'>‹</a></li>{items}<li class='page-item'><a class='page-link' "
                f"href='{self.page_url(min(pages, cur + 1), delta)}' aria-label='Trang sau'>›</a></li></ul></div>")

    def level_shown_on_list(self):
        return self.v.get("list_level") == "column"


class PostBackPortal(GeneratedPortal):
    """Variant `pager`: "numeric" (GridView, 5 numbers then "...") | "nextprev" (LinkButtons)."""

    kind = "postback"
    announces = True
    SIZE = 7
    GRID = "ctl00$ContentPlaceHolder1$gvThuTuc"
    SEARCH = "ctl00$ContentPlaceHolder1$btnTimKiem"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.issued: dict[str, int] = {}

    def detail_path(self, s):
        return f"/Pages/ChiTietThuTuc.aspx?ID={s['id']}"

    def find_service(self, path, query):
        return self.by_id.get((query.get("ID") or [""])[0]) if path == "/Pages/ChiTietThuTuc.aspx" else None

    def list_routes(self, method, path, query, body):
        if path == "/":
            return Reply(200, self.wrap("Cổng dịch vụ công", "<a href='/Pages/DanhSachThuTuc.aspx'>Danh sách thủ tục</a>"))
        if path != "/Pages/DanhSachThuTuc.aspx":
            return None
        pages = math.ceil(len(self.services) / self.SIZE)
        if method == "GET":
            return Reply(200, self.list_page(1, pages))
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        shown = self.issued.get(form.get("__VIEWSTATE", ""))
        if shown is None or "__EVENTVALIDATION" not in form:
            return Reply(500, self.wrap("Lỗi", "<h1>Validation of viewstate MAC failed.</h1>"))
        if self.SEARCH in form:       # the search button was submitted: a new search, page 1
            return Reply(200, self.list_page(1, pages))
        target, arg = form.get("__EVENTTARGET", ""), form.get("__EVENTARGUMENT", "")
        moves = {"ctl00$ContentPlaceHolder1$lnkTrangSau": shown + 1, "ctl00$ContentPlaceHolder1$lnkTrangTruoc": shown - 1,
                 "ctl00$ContentPlaceHolder1$lnkTrangDau": 1, "ctl00$ContentPlaceHolder1$lnkTrangCuoi": pages}
        if target == self.GRID and arg.startswith("Page$"):
            n = {"Next": shown + 1, "Prev": shown - 1, "First": 1, "Last": pages}.get(arg[5:]) or int(arg[5:])
        elif target in moves:
            n = moves[target]
        else:
            n = shown
        return Reply(200, self.list_page(min(max(1, n), pages), pages))

    def list_page(self, n: int, pages: int) -> str:
        state = base64.b64encode(f"/wEPDwUK{n}|{len(self.issued)}|gvThuTuc".encode()).decode()
        self.issued[state] = n
        rows = self.services[(n - 1) * self.SIZE: n * self.SIZE]
        level_th = "<th scope='col'>Mức độ</th>" if self.v.get("list_level") == "column" else ""
        body = "".join(
            f"<tr><td>{(n - 1) * self.SIZE + i + 1}</td><td>{s['code']}</td><td><a href='ChiTietThuTuc.aspx?ID="
            f"{s['id']}'>{esc(s['name'])}</a></td>" + (f"<td>{esc(self.label(s))}</td>" if level_th else "") + "</tr>"
            for i, s in enumerate(rows))
        pager = self.numeric_pager(n, pages) if self.v["pager"] == "numeric" else ""
        grid = (f"<table class='grid' id='ctl00_ContentPlaceHolder1_gvThuTuc' rules='all' border='1'><tr><th scope='col'>"
                f"STT</th><th scope='col'>Mã TTHC</th><th scope='col'>Tên thủ tục hành chính</th>{level_th}</tr>"
                f"{body}{pager}</table>")
        links = self.link_pager(n, pages) if self.v["pager"] == "nextprev" else ""
        hidden = "".join(f"<input type='hidden' name='{k}' id='{k}' value='{v}' />" for k, v in (
            ("__EVENTTARGET", ""), ("__EVENTARGUMENT", ""), ("__VIEWSTATE", state),
            ("__VIEWSTATEGENERATOR", "CA0B0334"), ("__EVENTVALIDATION", f"/wEdAAX{n}kq")))
        search = ("<div class='tim-kiem'><input name='ctl00$ContentPlaceHolder1$txtTuKhoa' type='text' value='' />"
                  "<select name='ctl00$ContentPlaceHolder1$ddlLinhVuc'><option selected='selected' value='0'>-- Tất cả "
                  "lĩnh vực --</option><option value='12'>Hộ tịch</option></select>"
                  f"<input type='submit' name='{self.SEARCH}' value='Tìm kiếm' /></div>")
        script = ("<script type='text/javascript'>var theForm = document.forms['aspnetForm'];\nfunction __doPostBack("
                  "eventTarget, eventArgument) { if (!theForm.onsubmit || (theForm.onsubmit() != false)) { theForm."
                  "__EVENTTARGET.value = eventTarget; theForm.__EVENTARGUMENT.value = eventArgument; theForm.submit(); } }"
                  "</script>")
        form = (f"<form method='post' action='./DanhSachThuTuc.aspx' id='aspnetForm'><div class='aspNetHidden'>{hidden}"
                f"</div>{script}{search}<p>Tổng số: {len(self.services)} thủ tục</p>{grid}{links}</form>")
        return self.wrap("Danh sách thủ tục hành chính", form)

    def numeric_pager(self, n: int, pages: int) -> str:
        block = (n - 1) // 5
        cells = []
        if block:
            cells.append(f"<td><a href=\"javascript:__doPostBack('{self.GRID}','Page${block * 5}')\">...</a></td>")
        for k in range(block * 5 + 1, min(pages, block * 5 + 5) + 1):
            cells.append(f"<td><span>{k}</span></td>" if k == n else
                         f"<td><a href=\"javascript:__doPostBack('{self.GRID}','Page${k}')\">{k}</a></td>")
        if block * 5 + 5 < pages:
            cells.append(f"<td><a href=\"javascript:__doPostBack('{self.GRID}','Page${block * 5 + 6}')\">...</a></td>")
        return f"<tr class='pgr'><td colspan='4'><table><tr>{''.join(cells)}</tr></table></td></tr>"

    def link_pager(self, n: int, pages: int) -> str:
        def link(name: str, text: str, enabled: bool) -> str:
            if not enabled:
                return f"<a class='aspNetDisabled'>{text}</a>"
            target = f"ctl00$ContentPlaceHolder1${name}"
            return (f"<a id='{target.replace('$', '_')}' href='javascript:WebForm_DoPostBackWithOptions(new "
                    f"WebForm_PostBackOptions(&quot;{target}&quot;, &quot;&quot;, true, &quot;&quot;, &quot;&quot;, "
                    f"false, true))'>{text}</a>")
        return (f"<div class='phan-trang'>{link('lnkTrangDau', 'Trang đầu', n > 1)} {link('lnkTrangTruoc', 'Trang trước', n > 1)}"
                f" <span class='trang-hien-tai'>Trang {n}/{pages}</span> {link('lnkTrangSau', 'Trang sau', n < pages)} "
                f"{link('lnkTrangCuoi', 'Trang cuối', n < pages)}</div>")

    def level_shown_on_list(self):
        return self.v.get("list_level") == "column"


class NumberedPortal(GeneratedPortal):
    """Variant `style`: nukeviet (/page-2/) | wordpress (/page/2/) | joomla (?start=10)."""

    kind = "numbered"
    SIZE = 6

    def base(self) -> str:
        return {"nukeviet": "/thu-tuc-hanh-chinh/", "wordpress": "/dich-vu-cong/",
                "joomla": "/index.php/thu-tuc-hanh-chinh"}[self.v["style"]]

    def page_href(self, k: int) -> str:
        style = self.v["style"]
        if k == 1:
            return self.base()
        if style == "nukeviet":
            return f"{self.base()}page-{k}/"
        if style == "wordpress":
            return f"{self.base()}page/{k}/"
        return f"{self.base()}?start={(k - 1) * self.SIZE}"

    def page_of(self, path: str, query: dict) -> int | None:
        style, base = self.v["style"], self.base()
        if style == "joomla":
            return int((query.get("start") or ["0"])[0]) // self.SIZE + 1 if path == base else None
        if path == base:
            return 1
        tail = path[len(base):].strip("/") if path.startswith(base) else ""
        prefix = "page-" if style == "nukeviet" else "page/"
        return int(tail[len(prefix):]) if tail.startswith(prefix) and tail[len(prefix):].isdigit() else None

    def detail_path(self, s):
        slug = "-".join(re.findall(r"[a-z0-9]+", fold(s["name"]))[:6])   # Joomla's ASCII alias
        return {"nukeviet": f"/thu-tuc-hanh-chinh/chi-tiet/{s['id']}.html",
                "wordpress": f"/thu-tuc/{s['id']}/",
                "joomla": f"/index.php/thu-tuc-hanh-chinh/{s['id']}-{slug}"}[self.v["style"]]

    def find_service(self, path, query):
        for s in self.services:
            if self.detail_path(s).split("?")[0] == path:
                return s
        return None

    def list_routes(self, method, path, query, body):
        if path == "/":
            return Reply(200, self.wrap("Cổng dịch vụ công", f"<a href='{self.base()}'>Thủ tục hành chính</a>"))
        n = self.page_of(path, query)
        pages = math.ceil(len(self.services) / self.SIZE)
        if n is None or not 1 <= n <= pages:
            return None
        rows = self.services[(n - 1) * self.SIZE: n * self.SIZE]
        if self.v.get("list_level") == "column":
            items = "".join(f"<tr><td><a href='{self.detail_path(s)}'>{esc(s['name'])}</a></td><td>{esc(s['category'])}"
                            f"</td><td>{esc(self.label(s))}</td></tr>" for s in rows)
            listing = (f"<table class='table'><tr><th>Tên thủ tục</th><th>Lĩnh vực</th><th>Mức độ DVC</th></tr>{items}"
                       "</table>")
        else:
            listing = "<ul class='list-tthc'>" + "".join(f"<li>{_card(self, s)}</li>" for s in rows) + "</ul>"
        numbers = "".join(f"<li class='active'><span>{k}</span></li>" if k == n else
                          f"<li><a href='{self.page_href(k)}'>{k}</a></li>"
                          for k in range(max(1, n - 2), min(pages, n + 2) + 1))
        nav = (f"<li><a href='{self.page_href(n - 1)}' title='Trang trước'>«</a></li>" if n > 1 else "") + numbers + \
              (f"<li><a href='{self.page_href(n + 1)}' title='Trang sau'>»</a></li>"
               f"<li><a href='{self.page_href(pages)}'>Trang cuối</a></li>" if n < pages else "")
        return Reply(200, self.wrap("Thủ tục hành chính", f"<h1>Thủ tục hành chính</h1>{listing}"
                                    f"<div class='text-center'><ul class='pagination'>{nav}</ul></div>"))
