"""Service portals that test what a portal *is* and what its detail pages say.

- LabelledPortal: a plain paged list with no level; each detail page states the
  level in one labelled row, and prose elsewhere on the page says otherwise;
- EmptyPortal: a service portal that answers and lists nothing (a table with
  "Không có dữ liệu", an AJAX fragment "Không tìm thấy thủ tục…", the real empty
  TTHC page of sotttt.hanoi.gov.vn), and one whose list is drawn by a script from
  a source nobody can see while a side box says "Không có dữ liệu" (must never be
  called empty);
- DecoyHome: an agency homepage whose links mention "thủ tục hành chính" on a
  video, a news page, a "Cổng góp ý", attachments and an empty own-host section,
  with or without a real link to its service portal.
"""
from __future__ import annotations

import math

from farm import FIXTURES, NOT_FOUND_BODY, Portal, Reply, page
from kinds import GeneratedPortal, esc


class LabelledPortal(GeneratedPortal):
    kind = "labelled"
    SIZE = 10

    def list_routes(self, method, path, query, body):
        if path == "/":
            return Reply(200, self.wrap("Cổng dịch vụ công", "<a href='/danh-muc-thu-tuc'>Danh mục thủ tục</a>"))
        if path != "/danh-muc-thu-tuc":
            return None
        n = int((query.get("page") or ["1"])[0])
        pages = math.ceil(len(self.services) / self.SIZE)
        rows = "".join(f"<div class='tthc-row'><a href='{self.detail_path(s)}'>{esc(s['name'])}</a> "
                       f"<a class='xem' href='{self.detail_path(s)}'>Xem chi tiết</a></div>"
                       for s in self.services[(n - 1) * self.SIZE: n * self.SIZE])
        pager = " ".join(f"<a href='/danh-muc-thu-tuc?page={k}'>{k}</a>" for k in range(1, pages + 1) if k != n)
        return Reply(200, self.wrap("Danh mục thủ tục", f"<div class='ds'>{rows}</div><div class='paging'>{pager}</div>"))


class EmptyPortal(Portal):
    """Variant `mode`: table_empty | fragment_empty | real_hanoi | widget_only | grid_empty."""

    kind = "empty"

    def __init__(self, ip: str, variant: dict):
        super().__init__(ip)
        self.v = variant

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        mode = self.v["mode"]
        if path == "/":
            return Reply(200, self.home(mode))
        if mode == "table_empty" and path == "/thu-tuc-hanh-chinh":
            return Reply(200, page("Thủ tục hành chính", "<nav class='menu'><a href='/'>Trang chủ</a></nav><main>"
                                   "<h1>Danh sách thủ tục hành chính</h1><form><select name='linhVuc'><option>Tất cả"
                                   "</option></select><button>Tìm kiếm</button></form><p>Tổng số: 0 thủ tục</p>"
                                   "<table class='table'><thead><tr><th>STT</th><th>Mã thủ tục</th><th>Tên thủ tục</th>"
                                   "<th>Mức độ</th></tr></thead><tbody><tr><td colspan='4' class='text-center'>Không "
                                   "có dữ liệu</td></tr></tbody></table></main>"))
        if mode == "grid_empty" and path == "/Pages/DanhSachThuTuc.aspx":
            return Reply(200, page("Danh sách thủ tục", "<form method='post' action='./DanhSachThuTuc.aspx' "
                                   "id='aspnetForm'><input type='hidden' name='__VIEWSTATE' value='/wEPDwUKMTY1' />"
                                   "<div class='tim-kiem'><input name='ctl00$cph$txtTuKhoa' type='text' /><input "
                                   "type='submit' name='ctl00$cph$btnTim' value='Tìm kiếm' /></div><div><table "
                                   "id='ctl00_cph_gvThuTuc' class='grid'><tr><td colspan='4'>Không tìm thấy dữ liệu"
                                   "</td></tr></table></div></form>"))
        if mode == "fragment_empty" and path == "/o/tthc/danh-sach":
            return Reply(200, "<div class='tthc-fragment'><p class='portlet-msg-info'>Không tìm thấy thủ tục hành "
                              "chính nào.</p></div>")
        return Reply(404, NOT_FOUND_BODY)

    def home(self, mode: str) -> str:
        if mode == "table_empty":
            return page("Cổng dịch vụ công", "<nav class='menu'><a href='/thu-tuc-hanh-chinh'>Thủ tục hành chính</a>"
                        "</nav><main><h2>Chào mừng đến Cổng dịch vụ công</h2></main>")
        if mode == "fragment_empty":
            return page("Cổng dịch vụ công", "<div class='portlet-boundary' id='p_p_id_tthc_WAR_tthcportlet_'><h2>"
                        "Danh sách dịch vụ công trực tuyến</h2><div id='ds' data-url='/o/tthc/danh-sach?mucDo=4&amp;"
                        "start=0&amp;count=10'>Đang tải…</div></div>")
        if mode == "grid_empty":
            return page("Cổng dịch vụ công", "<div class='menu-doc'><a href='/Pages/DanhSachThuTuc.aspx'>Danh sách "
                        "thủ tục hành chính</a></div><div class='noi-dung'><h2>Giới thiệu</h2></div>")
        if mode == "real_hanoi":
            return (FIXTURES / "sotttt-hanoi-2022" / "linh-vuc-noi-vu.html").read_text(encoding="utf-8")
        # widget_only: the list is drawn by a script from an address it builds at run time
        return page("Cổng dịch vụ công", "<nav class='menu'><a href='/'>Trang chủ</a></nav><main><h1>Thủ tục hành "
                    "chính</h1><div id='app-tthc' class='ds-tthc'><p>Đang tải danh sách thủ tục…</p></div>"
                    "<aside class='widget'><h3>Thống kê hồ sơ tháng này</h3><p>Không có dữ liệu</p></aside></main>"
                    "<script src='/static/js/vue.min.js'></script><script>new Vue({ el: '#app-tthc', created: "
                    "function () { axios.get(window.APP_CONFIG.api + '/tthc/danh-sach').then(function (r) {}); } });"
                    "</script>")

    def truth(self) -> dict:
        listed = ("inconclusive", "no_services_found") if self.v["mode"] == "widget_only" else ("fail", "empty_list")
        return {"services": [], "kind": "empty", "listed": listed, "announced": 0}


class DecoyHome(Portal):
    """An agency homepage full of links that mention procedures and are not its
    service portal. Variant `real`: a portal (whose url is linked by a banner) or None."""

    kind = "decoy"

    def __init__(self, ip: str, variant: dict, real: Portal | None):
        super().__init__(ip)
        self.v, self.real = variant, real

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path == "/":
            return Reply(200, self.home())
        if path == "/dich-vu-cong":
            return Reply(200, page("Dịch vụ công", self.menu() + "<main><h1>Dịch vụ công</h1><p>Chưa có bài viết "
                                   "trong chuyên mục này.</p></main>"))
        if path == "/chuyen-muc/cai-cach-thu-tuc-hanh-chinh":
            items = "".join(f"<li><a href='/tin-tuc/cai-cach-thu-tuc-hanh-chinh-dot-{k}-{200 + k}.html'>Cải cách thủ "
                            f"tục hành chính đợt {k} năm 2024: kết quả và nhiệm vụ</a> <span>0{k}/05/2024</span></li>"
                            for k in range(1, 6))
            return Reply(200, page("Cải cách thủ tục hành chính", self.menu() + f"<main><ul class='news'>{items}</ul></main>"))
        if path.startswith(("/video/", "/tin-tuc/")):
            return Reply(200, page("Tin tức", self.menu() + "<main><h1>Hướng dẫn thực hiện thủ tục hành chính trực "
                                   "tuyến</h1><video src='/media/hd.mp4'></video><p>Cán bộ hướng dẫn người dân nộp hồ "
                                   "sơ trực tuyến mức độ 4.</p></main>"))
        if path == "/gop-y":
            return Reply(200, page("Cổng góp ý", self.menu() + "<main><h1>Góp ý dự thảo văn bản</h1><form>"
                                   "<textarea></textarea></form></main>"))
        return Reply(404, NOT_FOUND_BODY)

    def menu(self) -> str:
        return ("<nav class='menu'><a href='/'>Trang chủ</a> <a href='/gioi-thieu'>Giới thiệu</a> "
                "<a href='/dich-vu-cong'>Dịch vụ công</a> <a href='/chuyen-muc/cai-cach-thu-tuc-hanh-chinh'>Cải cách "
                "TTHC</a> <a href='/gop-y'>Cổng góp ý</a></nav>")

    def home(self) -> str:
        real = (f"<div class='banner-right'><a href='{self.real.url}' target='_blank'><img src='/upload/banner/"
                f"{self.v.get('banner', 'dichvucong.png')}' alt=''></a></div>") if self.real else ""
        return page("Sở Tư pháp tỉnh", self.menu() +
                    "<main><div class='video'><a href='/video/huong-dan-thuc-hien-thu-tuc-hanh-chinh-tren-cong-dich-vu"
                    "-cong-1234.html'>Video: Thủ tục hành chính trực tuyến</a></div>"
                    "<div class='tin-noi-bat'><a href='/tin-tuc/thu-tuc-hanh-chinh/ket-qua-giai-quyet-tthc-quy-3-55.html'>"
                    "Thủ tục hành chính quý 3</a></div>"
                    "<div class='tai-lieu'><a href='/Uploads/files/danh-muc-thu-tuc-hanh-chinh-2024.docx'>Danh mục thủ "
                    "tục hành chính</a> <a href='/Uploads/files/quy-trinh-noi-bo-giai-quyet-tthc.pdf'>Quy trình nội bộ "
                    "giải quyết TTHC</a></div>"
                    "<div class='lien-ket'><a href='/gop-y'><img src='/images/cong-gop-y-dvc.png' alt='Cổng góp ý dịch "
                    "vụ công'></a></div>" + real + "</main>")

    def truth(self) -> dict:
        if self.real is None:
            return {"services": [], "kind": "decoy", "listed": ("inconclusive", "not_discovered"),
                    "portal": None, "announced": None}
        inner = self.real.truth()
        return {**inner, "kind": "decoy", "portal": self.real.url}
