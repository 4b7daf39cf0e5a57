"""Loopback service portals for the services tests and bench: a small server
core, the behaviours a service page can have, and the truth each portal knows.

Each portal listens on its own loopback address (127.0.0.x), so Scrapy's
per-host politeness treats them as different hosts, as real portals are.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.demo.loopback import LoopbackHost, Reply  # noqa: F401  (Reply: the portals build their answers with it)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HANG_SECONDS = 8.0          # beyond the tests' DOWNLOAD_TIMEOUT (3 s) times its retry
SLOW_SECONDS = 1.5

# What each behaviour of a service page must be reported as.
EXPECTED_STATUS = {
    "ok": "live", "slow": "live", "login": "live", "dead": "not_found", "soft404": "soft_404",
    "blocked": "blocked", "hang": "timeout", "server_error": "server_error",
}
BEHAVIOURS = tuple(EXPECTED_STATUS)
BLOCKED_BODY = ("<html><head><title>Request Rejected</title></head><body>The requested URL was "
                "rejected. Please consult with your administrator.<br><br>Your support ID is: "
                "13852034528469711</body></html>")
NOT_FOUND_BODY = ("<html><head><title>404</title></head><body><h1>Trang bạn tìm không tồn tại"
                  "</h1></body></html>")
LOGIN_BODY = ("<html><head><title>Đăng nhập</title></head><body><form><label>Tài khoản</label>"
              "<input name='u'><label>Mật khẩu</label><input type='password' name='p'>"
              "<button>Đăng nhập</button></form></body></html>")


def page(title: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title>{head}</head><body>{body}</body></html>")


class Portal(LoopbackHost):
    """One service portal on its own address; subclasses answer `route(method, path, query, body)`
    (the server is the loopback core all test farms share: crawler/demo/loopback.py)."""

    def __init__(self, ip: str):
        super().__init__(ip)
        self.hits: list[tuple[str, str]] = []

    # -- lifecycle --
    def serve(self, handler) -> None:
        parts = urlsplit(handler.path)
        self.hits.append((handler.command, handler.path))
        handler.send(self.route(handler.command, parts.path, parse_qs(parts.query), handler.body()))

    def start(self) -> Portal:
        return super().start(name=f"portal-{self.ip}")

    def stop(self) -> None:
        self.stop_event.set()  # a hanging answer ends now
        super().stop()

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    def abs(self, path: str) -> str:
        return self.url.rstrip("/") + path

    # -- behaviours --
    def behave(self, behaviour: str, ok: callable, path: str) -> Reply:
        """The answer of a service page with `behaviour`; `ok()` builds the real page."""
        if behaviour == "dead":
            return Reply(404, NOT_FOUND_BODY)
        if behaviour == "soft404":
            return self.soft_404_reply()
        if behaviour == "blocked":
            return Reply(403, BLOCKED_BODY)
        if behaviour == "hang":
            return Reply(200, ok(), delay=HANG_SECONDS)
        if behaviour == "login":
            return Reply(302, "", headers={"Location": "/dang-nhap?ReturnUrl=" + path})
        if behaviour == "server_error":
            return Reply(500, page("Lỗi máy chủ", "<h1>500 Internal Server Error</h1>"))
        return Reply(200, ok(), delay=SLOW_SECONDS if behaviour == "slow" else 0.0)

    def soft_404_reply(self) -> Reply:
        return Reply(200, page("Không tìm thấy", "<h1>Trang bạn tìm không tồn tại</h1>"))

    def common(self, path: str) -> Reply | None:
        if path == "/robots.txt":
            return Reply(404, "", "text/plain")
        if path == "/dang-nhap":
            return Reply(200, LOGIN_BODY)
        return None

    def route(self, method: str, path: str, query: dict, body: bytes) -> Reply:
        raise NotImplementedError

    def truth(self) -> dict:
        """{"services": [{"url", "code", "name", "level", "status"}], ...}"""
        raise NotImplementedError


def detail_page(name: str, code: str, *, level_text: str = "", fields: tuple = (), online: bool = False,
                payment: bool = False, chrome: str = "") -> str:
    """A Circular 32/2017 detail page with the given labelled fields."""
    labels = {
        "ten_thu_tuc": ("Tên thủ tục", name), "trinh_tu": ("Trình tự thực hiện", "Bước 1: Nộp hồ sơ."),
        "cach_thuc": ("Cách thức thực hiện", "Trực tiếp hoặc trực tuyến."),
        "thanh_phan_ho_so": ("Thành phần, số lượng hồ sơ", "01 bộ."),
        "thoi_han": ("Thời hạn giải quyết", "05 ngày làm việc."),
        "doi_tuong": ("Đối tượng thực hiện", "Cá nhân, tổ chức."),
        "co_quan": ("Cơ quan thực hiện", "Sở Tư pháp."), "ket_qua": ("Kết quả thực hiện", "Giấy phép."),
        "can_cu_phap_ly": ("Căn cứ pháp lý", "Nghị định 42/2022/NĐ-CP."),
        "phi_le_phi": ("Phí, lệ phí", "Không."),
    }
    rows = "".join(f"<tr><td>{labels[f][0]}</td><td>{html.escape(labels[f][1])}</td></tr>" for f in fields)
    actions = f"<a class='btn' href='/nop-ho-so?ma={code}'>Nộp hồ sơ trực tuyến</a>" if online else ""
    pay = "<p>Lệ phí được thanh toán trực tuyến qua Cổng thanh toán quốc gia.</p>" if payment else ""
    return page(name, f"{chrome}<div class='content'><h1>{html.escape(name)}</h1><p>Mã: {code}</p>"
                      f"<p>{level_text}</p><table>{rows}</table>{pay}{actions}</div>")


def news_chrome() -> str:
    """A side box with a headline that says "mức độ 4" about other things (a trap)."""
    return ("<nav class='menu'><a href='/'>Trang chủ</a> <a href='/gioi-thieu'>Giới thiệu</a></nav>"
            "<aside class='sidebar'><a href='/tin-tuc/day-manh-cung-cap-dich-vu-cong-truc-tuyen-muc-do-4'>"
            "Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4 trên địa bàn tỉnh</a></aside>")


ALL_FIELDS = ("ten_thu_tuc", "trinh_tu", "cach_thuc", "thanh_phan_ho_so", "thoi_han", "doi_tuong",
              "co_quan", "ket_qua", "can_cu_phap_ly", "phi_le_phi")


def load_json(rel: str):
    return json.loads((FIXTURES / rel).read_text(encoding="utf-8"))
