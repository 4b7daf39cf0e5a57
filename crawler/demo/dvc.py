"""Build one online public service (DVC) portal from its data row.

Styles: table (server-rendered list with a "Mức độ" column, ?page=N), ajax (Liferay portlet
loading list fragments from /dvc/-/list?mucDo=&start=&count=), spa (empty #root shell + JS over
the national JSON API with lastId cursor), prose (list without level; detail pages state it in
prose), same_host (a path on the portal's own host)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import data
from .data import Service
from .render import fold, render
from .server import Host, Request, Resp, canon

LIST_API = "/api/v1/submitting/formality/list-all-public-formality-by-citizen"
DETAIL_API = "/api/v1/configuring/formality/get-formality-by-citizen"
SPA_JS = "/assets/index-Dm0F4rm1.js"
AJAX_LIST = "/dvc/-/list"
MUC_DO = {"4": "toan_trinh", "3": "mot_phan", "2": "khong_truc_tuyen"}
DETAIL_PATH = {"table": "/thu-tuc/{code}.html", "ajax": "/dvc/-/thu-tuc/{code}",
               "spa": "/thu-tuc-hanh-chinh/{code}", "prose": "/chi-tiet-tthc?maThuTuc={code}"}
LABELS = {"toan_trinh": ["Mức độ 4", "Toàn trình"], "mot_phan": ["Một phần", "Mức độ 3"],
          "khong_truc_tuyen": ["Mức độ 2"]}
PROSE = {"toan_trinh": ["Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4.",
                        "Thủ tục này được cung cấp dịch vụ công trực tuyến toàn trình."],
         "mot_phan": ["Thủ tục này được cung cấp dịch vụ công trực tuyến một phần.",
                      "Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 3."],
         "khong_truc_tuyen": ["Thủ tục này chưa cung cấp dịch vụ công trực tuyến."]}


def level_label(s: Service) -> str:
    opts = LABELS[s.level]
    return opts[s.index % len(opts)]


def c32_fields(s: Service, owner: str) -> dict[str, str]:
    """The Circular 32/2017 fields of a detail page (minus the service's missing_fields)."""
    online = s.level != "khong_truc_tuyen"
    ways = ["Trực tiếp tại Trung tâm Phục vụ hành chính công", "Dịch vụ bưu chính công ích"]
    if online:
        ways.insert(1, "Trực tuyến qua Cổng Dịch vụ công")
    fee = "Không" if s.index % 3 else f"{50 + 10 * (s.index % 5)}.000 đồng/hồ sơ"
    if s.level == "toan_trinh":
        fee += " (nộp và thanh toán trực tuyến qua Nền tảng thanh toán trực tuyến của Cổng Dịch vụ công quốc gia)"
    fields = {
        "Tên thủ tục": s.name,
        "Trình tự thực hiện": "Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ. Bước 2: Nộp hồ sơ. "
                              "Bước 3: Cơ quan giải quyết kiểm tra, thẩm định. Bước 4: Trả kết quả.",
        "Cách thức thực hiện": "Hình thức nộp: " + "; ".join(ways),
        "Thành phần, số lượng hồ sơ": "Đơn đề nghị (theo mẫu); bản sao giấy tờ liên quan. Số lượng: 01 bộ.",
        "Thời hạn giải quyết": f"{3 + s.index % 12} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        "Đối tượng thực hiện": "Công dân Việt Nam, Doanh nghiệp, Tổ chức",
        "Cơ quan giải quyết": owner,
        "Kết quả thực hiện": "Văn bản chấp thuận hoặc giấy phép",
        "Lệ phí": fee,
        "Căn cứ pháp lý": "Nghị định số 61/2018/NĐ-CP; Nghị định số 107/2021/NĐ-CP; Nghị định số 42/2022/NĐ-CP",
    }
    return {k: v for k, v in fields.items() if k not in s.missing_fields}


class ServicePortal:
    def __init__(self, sp: dict[str, Any], host: Host, services: list[Service]) -> None:
        self.sp, self.host, self.services = sp, host, services
        self.by_code = {s.code: s for s in services}
        self.per_page = int(sp.get("per_page", 10))
        self.base = sp.get("path", "/")
        for s in services:
            s.path = DETAIL_PATH[sp["style"]].format(code=s.code)
        self.chrome = {"name": sp["name"], "domain": sp["domain"], "owner": sp.get("owner", ""),
                       "contact": sp.get("contact") or {}, "style": sp["style"]}

    def url(self) -> str:
        return self.host.url(self.base)

    def page(self, name: str, title: str, **ctx: Any) -> str:
        return render(f"dvc/{name}.html", site=self.chrome, title=title, **ctx)

    def build(self) -> None:
        getattr(self, "_" + self.sp["style"])()
        if self.sp["style"] == "same_host":
            return
        h = self.host
        h.add("/dang-nhap", lambda req: self.page("login", "Đăng nhập"))
        h.add("/robots.txt", Resp(200, "User-agent: *\nAllow: /\n", "text/plain"))
        h.add("/favicon.ico", Resp(200, b"\x00\x00\x01\x00", "image/x-icon"))
        soft = self.page("message", "Thông báo", message=data.content()["markers"]["soft_404_service"])
        h.pages["soft_404"] = lambda req: Resp(200, soft)
        nf = self.page("message", "Lỗi 404", message="404 - Không tìm thấy trang yêu cầu.")
        h.pages["not_found"] = lambda req: Resp(404, nf)
        for s in self.services:
            if s.behaviour != "live" and not (self.sp["style"] == "spa" and s.behaviour == "soft_404"):
                h.defaults[canon(s.path)] = {"b": s.behaviour}

    # -- html detail pages ----------------------------------------------------------------
    def _details(self, prose: bool = False) -> None:
        owner = self.sp.get("owner", "")
        for s in self.services:
            statement = PROSE[s.level][s.index % len(PROSE[s.level])] if prose else None
            html = self.page("detail", s.name, s=s, fields=c32_fields(s, owner), statement=statement,
                             level_label=None if prose else level_label(s),
                             online=s.level != "khong_truc_tuyen", full=s.level == "toan_trinh")
            self.host.add(s.path, Resp(200, html))

    def _paged_list(self, path: str, title: str, show_level: bool) -> Callable:
        n = max(1, -(-len(self.services) // self.per_page))

        def fn(req: Request) -> str:
            try:
                page = min(max(int(req.params.get("page", "1")), 1), n)
            except ValueError:
                page = 1
            rows = self.services[(page - 1) * self.per_page: page * self.per_page]
            return self.page("list", title, rows=rows, start=(page - 1) * self.per_page, page=page, pages=n,
                             path=path, show_level=show_level, level_label=level_label,
                             total=len(self.services))
        return fn

    def _table(self) -> None:
        self.host.add("/", lambda req: self.page("home", self.sp["name"], list_href="/thu-tuc-hanh-chinh",
                                                  services=self.services[:5], level_label=level_label))
        self.host.add("/thu-tuc-hanh-chinh", self._paged_list("/thu-tuc-hanh-chinh", "Thủ tục hành chính", True))
        self._details()

    def _prose(self) -> None:
        self.host.add("/", lambda req: self.page("home", self.sp["name"], list_href="/danh-muc-tthc",
                                                  services=[], level_label=None))
        self.host.add("/danh-muc-tthc", self._paged_list("/danh-muc-tthc", "Danh mục thủ tục hành chính", False))
        self.host.add("/chi-tiet-tthc", lambda req: self.host.page("soft_404", req))
        self._details(prose=True)

    # -- ajax (Liferay portlet) ---------------------------------------------------------
    def _ajax(self) -> None:
        home = lambda req: self.page("ajax_home", self.sp["name"], list_url=AJAX_LIST, count=self.per_page)  # noqa: E731
        self.host.add("/", home)
        self.host.add("/web/guest/dich-vu-cong-truc-tuyen", home)
        self.host.add(AJAX_LIST, self._fragment)
        self._details()

    def _fragment(self, req: Request) -> Resp:
        level = MUC_DO.get(req.params.get("mucDo", ""))
        rows = [s for s in self.services if level is None or s.level == level]
        try:
            start = max(0, int(req.params.get("start", "0")))
            count = min(max(1, int(req.params.get("count", str(self.per_page)))), 50)
        except ValueError:
            return Resp(400, "<div class=\"portlet-msg-error\">Tham số không hợp lệ</div>")
        page = rows[start:start + count]
        nxt = start + count if start + count < len(rows) else None
        html = render("dvc/fragment.html", rows=page, start=start, count=count, total=len(rows),
                      next_start=nxt, muc_do=req.params.get("mucDo", ""), list_url=AJAX_LIST)
        return Resp(200, html)

    # -- spa (national API shape) ---------------------------------------------------------
    def _spa(self) -> None:
        shell = Resp(200, render("dvc/spa_shell.html", site=self.chrome, js=SPA_JS))
        self.host.add("/", shell)
        self.host.fallback = shell
        self.host.add(SPA_JS, Resp(200, render("dvc/spa.js", list_api=LIST_API, detail_api=DETAIL_API,
                                               page_size=self.per_page), "application/javascript; charset=utf-8"))
        self.host.add(LIST_API, self._api_list)
        self.host.add(DETAIL_API, self._api_detail)

    def _api_list(self, req: Request) -> Resp:
        if req.method != "POST":
            return Resp.json({"code": "METHOD_NOT_ALLOWED", "message": "Method Not Allowed", "data": None}, 405)
        body = req.json()
        if not isinstance(body, dict):
            return Resp.json({"code": "BAD_REQUEST", "message": "Invalid JSON body", "data": None}, 400)
        try:
            size = min(max(1, int(body.get("size") or body.get("limit") or self.per_page)), 200)
        except (TypeError, ValueError):
            size = self.per_page
        last = body.get("lastId") or ""
        q = fold(str(body.get("q") or ""))
        rows = sorted(self.services, key=lambda s: s.id)
        rows = [s for s in rows if s.id > last and (not q or q in fold(s.name) or q in s.code)]
        page = rows[:size]
        more = len(rows) > size
        items = [{"id": s.id, "name": s.name, "code": s.code, "codeNotation": s.code, "categories": [s.category],
                  "departments": [self.sp.get("owner", "")], "departmentPromulgate": self.sp.get("owner", ""),
                  "formalityTargetType": ["Công dân Việt Nam"], "state": "ACTIVE",
                  "type": (s.record or {}).get("type", "STANDARD")} for s in page]
        return Resp.json({"code": "OK", "message": "OK", "data": {
            "items": items, "lastId": page[-1].id if more else None, "hasMore": more,
            "total": len(self.services)}})

    def _api_detail(self, req: Request) -> Resp:
        if req.method != "POST":
            return Resp.json({"code": "METHOD_NOT_ALLOWED", "message": "Method Not Allowed", "data": None}, 405)
        body = req.json() or {}
        key = body.get("code") or body.get("id") if isinstance(body, dict) else None
        s = self.by_code.get(key) or next((x for x in self.services if x.id == key), None)
        if s is None or s.behaviour == "soft_404":
            return Resp.json({"code": "NOT_FOUND", "message": "Không tìm thấy thủ tục hành chính", "data": None}, 404)
        return Resp.json({"code": "OK", "data": s.record, "message": "OK"})

    # -- a path on another host ---------------------------------------------------------
    def _same_host(self) -> None:
        self.host.add(self.base, lambda req: self.page("home", self.sp["name"], list_href=self.base,
                                                        services=[], level_label=None))
