"""Three kinds of server-rendered service portal, and a homepage linking to one.

- TablePortal: a table with a "Mức độ" column, `?page=N` links and "Trang sau";
- LiferayPortal: a portlet whose lists load as AJAX fragments (`mucDo`, `start`,
  `delta`/`count`), one per level;
- ProsePortal: SharePoint-style `?PageIndex=N` list with no level; each detail
  page states it: the 87 real records of the 2021 national portal scrape (level
  from "Hình thức nộp") and pages saying "mức độ 4", "toàn trình", "chưa cung cấp".
Every portal has a service page of each behaviour (farm.BEHAVIOURS).
"""
from __future__ import annotations

import html

from farm import ALL_FIELDS, EXPECTED_STATUS, NOT_FOUND_BODY, Portal, Reply, detail_page, load_json, news_chrome, page

NAMES = [
    "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký thành lập hộ kinh doanh",
    "Cấp phiếu lý lịch tư pháp cho công dân", "Cấp bản sao trích lục hộ tịch",
    "Đăng ký khai sinh cho trẻ em", "Cấp giấy phép lái xe hạng A1",
    "Cấp chứng chỉ hành nghề dược", "Đăng ký hoạt động tín ngưỡng",
    "Cấp giấy chứng nhận an toàn thực phẩm", "Thẩm định thiết kế cơ sở dự án",
    "Cấp giấy phép khai thác nước mặt", "Đăng ký kết hôn có yếu tố nước ngoài",
    "Cấp đổi giấy chứng nhận quyền sử dụng đất", "Công nhận trường mầm non đạt chuẩn",
    "Cấp giấy phép tổ chức biểu diễn nghệ thuật", "Xác nhận đăng ký kế hoạch bảo vệ môi trường",
]


def _svc(code, name, label, level, behaviour, **kw):
    return {"code": code, "name": name, "label": label, "level": level, "behaviour": behaviour, **kw}


class TablePortal(Portal):
    PAGE_SIZE = 5
    SPEC = [("Mức độ 4", "toan_trinh", "ok"), ("Mức độ 3", "mot_phan", "ok"),
            ("Mức độ 2", "khong_truc_tuyen", "ok"), ("Toàn trình", "toan_trinh", "slow"),
            ("Một phần", "mot_phan", "login"), ("Dịch vụ công trực tuyến toàn trình", "toan_trinh", "dead"),
            ("Mức độ 3", "mot_phan", "soft404"), ("Mức độ 4", "toan_trinh", "blocked"),
            ("Một phần", "mot_phan", "hang"), ("Mức độ 4", "toan_trinh", "server_error"),
            ("Mức độ 1", "khong_truc_tuyen", "ok"), ("Toàn trình", "toan_trinh", "ok"),
            ("Dịch vụ công", "khong_truc_tuyen", "ok"), ("Mức độ 3", "mot_phan", "ok"),
            ("DVC trực tuyến một phần", "mot_phan", "ok"), ("Mức độ 4", "toan_trinh", "ok")]

    def __init__(self, ip: str = "127.0.0.2"):
        super().__init__(ip)
        self.services = [_svc(f"2.0020{i:02d}", NAMES[i], lab, lvl, beh)
                         for i, (lab, lvl, beh) in enumerate(self.SPEC)]
        self.by_code = {s["code"]: s for s in self.services}

    def detail_path(self, s) -> str:
        return f"/thu-tuc/chi-tiet?ma={s['code']}"

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path == "/":
            return Reply(200, page("Cổng dịch vụ công tỉnh", news_chrome() +
                         "<nav class='menu'><a href='/thu-tuc-hanh-chinh'>Thủ tục hành chính</a></nav>"
                         "<div class='content'><h2>Chào mừng</h2></div>"))
        if path == "/thu-tuc-hanh-chinh":
            n = int((query.get("page") or ["1"])[0])
            return Reply(200, self.list_page(n))
        if path == "/thu-tuc/chi-tiet":
            s = self.by_code.get((query.get("ma") or [""])[0])
            if s:
                return self.behave(s["behaviour"], lambda: self.detail(s), path)
        return Reply(404, NOT_FOUND_BODY)

    def list_page(self, n: int) -> str:
        pages = (len(self.services) + self.PAGE_SIZE - 1) // self.PAGE_SIZE
        chunk = self.services[(n - 1) * self.PAGE_SIZE: n * self.PAGE_SIZE]
        rows = "".join(
            f"<tr><td>{(n - 1) * self.PAGE_SIZE + i + 1}</td><td>{s['code']}</td>"
            f"<td><a href='{self.detail_path(s)}'>{html.escape(s['name'])}</a></td><td>Tư pháp</td>"
            f"<td>{s['label']}</td></tr>" for i, s in enumerate(chunk))
        pager = " ".join(f"<a href='/thu-tuc-hanh-chinh?page={i}'>{i}</a>" for i in range(1, pages + 1))
        if n < pages:
            pager += f" <a href='/thu-tuc-hanh-chinh?page={n + 1}'>Trang sau ›</a>"
        return page("Thủ tục hành chính", news_chrome() +
                    "<table class='table'><tr><th>STT</th><th>Mã thủ tục</th><th>Tên thủ tục</th>"
                    f"<th>Lĩnh vực</th><th>Mức độ</th></tr>{rows}</table><div class='pager'>{pager}</div>")

    def detail(self, s) -> str:
        online = s["level"] in ("toan_trinh", "mot_phan")
        fields = ALL_FIELDS if s["code"] != "2.002011" else tuple(
            f for f in ALL_FIELDS if f not in ("ket_qua", "can_cu_phap_ly"))
        return detail_page(s["name"], s["code"], fields=fields, online=online,
                           payment=s["level"] == "toan_trinh" and s["code"] != "2.002015",
                           chrome=news_chrome())

    def truth(self) -> dict:
        return {"services": [{"url": self.abs(self.detail_path(s)), "code": s["code"], "name": s["name"],
                              "level": s["level"], "status": EXPECTED_STATUS[s["behaviour"]],
                              "behaviour": s["behaviour"], "level_visible": True} for s in self.services],
                "kind": "table"}


class LiferayPortal(Portal):
    SIZE = 3
    SPEC = {"4": [("ok",), ("slow",), ("dead",), ("hang",), ("ok",)],
            "3": [("login",), ("blocked",), ("ok",), ("soft404",)],
            "2": [("server_error",), ("ok",), ("ok",)]}
    LEVEL = {"4": "toan_trinh", "3": "mot_phan", "2": "khong_truc_tuyen"}

    def __init__(self, ip: str = "127.0.0.3"):
        super().__init__(ip)
        self.services, i = [], 0
        for muc, specs in self.SPEC.items():
            for (beh,) in specs:
                self.services.append(_svc(f"2.0030{i:02d}", NAMES[i], muc, self.LEVEL[muc], beh))
                i += 1
        self.by_code = {s["code"]: s for s in self.services}

    def detail_path(self, s) -> str:
        return f"/web/guest/tthc/-/chi-tiet/{s['code']}"

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path in ("/", "/web/guest/trang-chu"):
            return Reply(200, self.home())
        if path in ("/web/guest/dich-vu-cong", "/o/dvc/danh-sach"):
            q = {k.split("_")[-1].lower(): v[0] for k, v in query.items()}
            muc, start = q.get("mucdo", "4"), int(q.get("start", "0"))
            size = int(q.get("delta") or q.get("count") or self.SIZE)
            return Reply(200, self.fragment(muc, start, size))
        if path.startswith("/web/guest/tthc/-/chi-tiet/"):
            s = self.by_code.get(path.rsplit("/", 1)[-1])
            if s:
                return self.behave(s["behaviour"], lambda: self.detail(s), path)
        return Reply(404, page("Không tìm thấy trang", "<h1>The requested resource could not be found.</h1>"))

    def home(self) -> str:
        ns = "_dvc_WAR_dvcportlet_"
        script = ("<script>var Liferay={Browser:{},ThemeDisplay:{getLayoutURL:function(){return '/'}}};"
                  "AUI().ready(function(A){var resourceURL = '/web/guest/dich-vu-cong?p_p_id=dvc_WAR_dvcportlet"
                  f"&p_p_lifecycle=2&p_p_resource_id=danhSach&{ns}mucDo=4&{ns}start=0&{ns}delta={self.SIZE}';"
                  "A.io.request(resourceURL,{on:{success:function(){}}});});</script>")
        tabs = ("<ul class='tabs'><li data-url='/o/dvc/danh-sach?mucDo=3&amp;start=0&amp;count=3'>Mức độ 3</li>"
                "<li data-url='/o/dvc/danh-sach?mucDo=2&amp;start=0&amp;count=3'>Mức độ 2</li></ul>")
        body = (f"<div id='p_p_id{ns}' class='portlet-boundary'><span class='portlet-title-text'>"
                f"Dịch vụ công trực tuyến</span>{tabs}<div id='{ns}list'></div></div>{script}")
        return page("Trang chủ - Cổng dịch vụ công", body).replace("<html lang='vi'>", "<html class='aui ltr'>")

    def fragment(self, muc: str, start: int, size: int) -> str:
        rows = [s for s in self.services if s["label"] == muc][start: start + size]
        if not rows:
            return "<p class='empty'>Không có dữ liệu</p>"
        label = "<span class='muc-do'>Một phần</span>" if muc == "3" else ""
        return "<ul class='list-tthc'>" + "".join(
            f"<li class='tthc-item'><a href='{self.detail_path(s)}'>{html.escape(s['name'])}</a> "
            f"<span class='ma'>{s['code']}</span> {label}</li>" for s in rows) + "</ul>"

    def detail(self, s) -> str:
        return detail_page(s["name"], s["code"], fields=ALL_FIELDS,
                           online=s["level"] != "khong_truc_tuyen", payment=s["level"] == "toan_trinh")

    def truth(self) -> dict:
        return {"services": [{"url": self.abs(self.detail_path(s)), "code": s["code"], "name": s["name"],
                              "level": s["level"], "status": EXPECTED_STATUS[s["behaviour"]],
                              "behaviour": s["behaviour"], "level_visible": True} for s in self.services],
                "kind": "ajax"}


class ProsePortal(Portal):
    PAGE_SIZE = 10
    SOFT_404 = page("Cổng dịch vụ công", "<div class='content'><p>Xin lỗi! Liên kết đã hết hạn hoặc nội "
                    "dung đã được gỡ bỏ.</p><a href='/'>Về trang chủ</a></div>")
    PROSE = [("Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.", "toan_trinh", "ok"),
             ("Mức độ: Toàn trình", "toan_trinh", "slow"),
             ("Thủ tục chưa cung cấp dịch vụ công trực tuyến.", "khong_truc_tuyen", "ok"),
             ("Dịch vụ công trực tuyến một phần.", "mot_phan", "login"),
             ("Được cung cấp dịch vụ công trực tuyến mức độ 3.", "mot_phan", "dead"),
             ("Mức độ: 4", "toan_trinh", "soft404"),
             ("Mức độ dịch vụ công: Một phần", "mot_phan", "blocked"),
             ("Mức độ: 3", "mot_phan", "hang"),
             ("Mức độ: 2", "khong_truc_tuyen", "server_error")]

    def __init__(self, ip: str = "127.0.0.4"):
        super().__init__(ip)
        self.records = load_json("dvcqg-scrape-2021/data.json")
        self.services = []
        for i, rec in enumerate(self.records):
            online = any(m.get("Hình thức nộp") == "Trực tuyến" for m in rec.get("Cách thức thực hiện") or [])
            self.services.append({"id": str(i + 1), "name": rec["title"], "record": rec, "behaviour": "ok",
                                  "level": "mot_phan" if online else "khong_truc_tuyen", "code": None})
        for j, (text, level, beh) in enumerate(self.PROSE):
            self.services.append({"id": str(500 + j), "name": NAMES[j], "prose": text, "level": level,
                                  "behaviour": beh, "code": None})
        self.by_id = {s["id"]: s for s in self.services}

    def detail_path(self, s) -> str:
        return f"/Pages/tthc-chi-tiet.aspx?ItemID={s['id']}"

    def soft_404_reply(self) -> Reply:
        return Reply(200, self.SOFT_404)

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path == "/":
            return Reply(200, page("Cổng dịch vụ công", news_chrome() +
                                   "<div class='content'><a href='/Pages/thu-tuc-hanh-chinh.aspx'>Thủ tục hành chính"
                                   "</a></div>"))
        if path == "/Pages/thu-tuc-hanh-chinh.aspx":
            return Reply(200, self.list_page(int((query.get("PageIndex") or ["1"])[0])))
        if path == "/Pages/tthc-chi-tiet.aspx":
            s = self.by_id.get((query.get("ItemID") or [""])[0])
            if s:
                return self.behave(s["behaviour"], lambda: self.detail(s), path)
        return self.soft_404_reply()   # this portal answers 200 to everything

    def list_page(self, n: int) -> str:
        pages = (len(self.services) + self.PAGE_SIZE - 1) // self.PAGE_SIZE
        items = "".join(f"<div class='tandan-p-article-item'><a href='{self.detail_path(s)}'>"
                        f"{html.escape(s['name'])}</a><span class='date'>01/06/2021</span></div>"
                        for s in self.services[(n - 1) * self.PAGE_SIZE: n * self.PAGE_SIZE])
        pager = "".join(f"<a href='?PageIndex={i}'>{i}</a> " for i in range(max(1, n - 4), min(pages, n + 5) + 1))
        if n < pages:
            pager += f"<a href='?PageIndex={n + 1}'>Trang sau</a>"
        return page("Thủ tục hành chính - CỔNG DỊCH VỤ CÔNG", f"<div class='list'>{items}</div>"
                    f"<div class='paging'>{pager}</div>")

    def detail(self, s) -> str:
        if "prose" in s:
            return detail_page(s["name"], "", level_text=s["prose"], fields=ALL_FIELDS,
                               online=s["level"] != "khong_truc_tuyen", payment=s["level"] == "toan_trinh")
        rec = s["record"]
        ways = "".join(f"<tr><td>{html.escape(m.get('Hình thức nộp', ''))}</td><td>"
                       f"{html.escape(m.get('Thời hạn giải quyết', ''))}</td><td>{html.escape(m.get('Phí, lệ phí', ''))}"
                       f"</td><td>{html.escape(m.get('Mô tả', ''))}</td></tr>" for m in rec["Cách thức thực hiện"])
        docs = "".join(f"<tr><td>{html.escape(d.get('Tên giấy tờ', ''))}</td><td><a href='"
                       f"{html.escape(d.get('Mẫu đơn, tờ khai', ''))}'>Tải về</a></td><td>"
                       f"{html.escape(d.get('Số lượng - bản chính', ''))}</td></tr>" for d in rec["Thành phần hồ sơ"])
        agency = (f"<h3>Cơ quan thực hiện</h3><p>{html.escape(rec['Cơ quan thực hiện'])}</p>"
                  if rec.get("Cơ quan thực hiện") else "")
        body = (f"<div class='content'><h1>{html.escape(rec['title'])}</h1><h3>Trình tự thực hiện</h3>"
                f"<div>{rec['Trình tự thực hiện']}</div><h3>Cách thức thực hiện</h3><table><tr><th>Hình thức nộp"
                "</th><th>Thời hạn giải quyết</th><th>Phí, lệ phí</th><th>Mô tả</th></tr>"
                f"{ways}</table><h3>Thành phần hồ sơ</h3><table><tr><th>Tên giấy tờ</th><th>Mẫu đơn, tờ khai"
                f"</th><th>Số lượng</th></tr>{docs}</table>{agency}</div>")
        return page(rec["title"], news_chrome() + body)

    def truth(self) -> dict:
        out = []
        for s in self.services:
            status = EXPECTED_STATUS[s["behaviour"]]
            # Only the page says the level: a page we cannot read cannot tell it.
            out.append({"url": self.abs(self.detail_path(s)), "code": s["code"], "name": s["name"],
                        "level": s["level"], "status": status, "behaviour": s["behaviour"],
                        "level_visible": status == "live" and s["behaviour"] != "login"})
        return {"services": out, "kind": "prose"}


class HomePortal(Portal):
    """A target's homepage: the service portal is linked only by an image banner
    with an empty alt; a headline mentions "dịch vụ công trực tuyến mức độ 4"."""

    def __init__(self, services_url: str | None, ip: str = "127.0.0.6"):
        super().__init__(ip)
        self.services_url = services_url

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path == "/":
            banner = (f"<a href='{self.services_url}'><img src='/images/banner_DVC.png' alt=''></a>"
                      if self.services_url else "")
            return Reply(200, page("UBND tỉnh", news_chrome() + "<div class='content'>"
                                   "<a href='/tin-tuc/day-manh-dich-vu-cong-truc-tuyen.html'>Đẩy mạnh cung cấp "
                                   "dịch vụ công trực tuyến mức độ 4 toàn trình trên địa bàn tỉnh năm 2022</a>"
                                   f"{banner}</div>"))
        return Reply(404, NOT_FOUND_BODY)
