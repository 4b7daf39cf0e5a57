"""What every generated service portal of tests/services shares: real procedure
names and codes (tests/fixtures/dvcqg-api-2026/catalog-names.jsonl), a level and a
behaviour per service, detail pages whose level sits in a labelled row (styled as
real platforms style it) with prose elsewhere that says something else, and the
truth the bench and the tests compare with.

A portal class (kinds_lists.py, kinds_home.py) decides how its list grows: Xem
thêm buttons, Liferay pagers, ASP.NET postbacks, numbered pagers. A *variant* (a
dict) decides the markup: labels, level vocabulary, row style, decoy prose. The
variants are in variants.py, split into the set used while tuning and a held-out
set measured at the end.
"""
from __future__ import annotations

import html
import json
from functools import lru_cache

from farm import EXPECTED_STATUS, FIXTURES, NOT_FOUND_BODY, Portal, Reply, page

esc = html.escape

# Level vocabularies portals use on lists and detail pages (level -> label).
VOCABULARIES = {
    "nd43": {"toan_trinh": "Mức độ 4", "mot_phan": "Mức độ 3", "khong_truc_tuyen": "Mức độ 2"},
    "nd42": {"toan_trinh": "Toàn trình", "mot_phan": "Một phần",
             "khong_truc_tuyen": "Dịch vụ cung cấp thông tin trực tuyến"},
    "long": {"toan_trinh": "Dịch vụ công trực tuyến toàn trình", "mot_phan": "Dịch vụ công trực tuyến một phần",
             "khong_truc_tuyen": "Dịch vụ cung cấp thông tin trực tuyến"},
    "dvc": {"toan_trinh": "DVC mức 4", "mot_phan": "DVC mức 3", "khong_truc_tuyen": "DVC mức 2"},
    "short": {"toan_trinh": "Trực tuyến toàn trình", "mot_phan": "Trực tuyến một phần",
              "khong_truc_tuyen": "Chưa cung cấp DVCTT"},
}
LEVEL_CYCLE = ("toan_trinh", "mot_phan", "mot_phan", "khong_truc_tuyen", "toan_trinh", "mot_phan")
# Service index -> behaviour of its page (the rest answer normally).
BEHAVIOURS = {2: "dead", 5: "blocked", 8: "soft404", 11: "login", 14: "hang", 17: "server_error"}

# Prose a detail page may carry elsewhere than its labelled row: none of it is
# this service's level (a note, a legend of level icons, related news, a headline).
DECOYS = {
    "note": "<p class='ghi-chu'><em>Lưu ý:</em> tổ chức, cá nhân tra cứu và nộp hồ sơ các dịch vụ công trực "
            "tuyến mức độ 4 tại Cổng Dịch vụ công của tỉnh hoặc Cổng Dịch vụ công quốc gia.</p>",
    "legend": "<div class='chu-thich'><span class='icon icon-ttt'></span> Dịch vụ cung cấp thông tin trực tuyến "
              "<span class='icon icon-mp'></span> Dịch vụ công trực tuyến một phần "
              "<span class='icon icon-tt'></span> Dịch vụ công trực tuyến toàn trình</div>",
    "related": "<div class='tin-lien-quan'><h4>Tin liên quan</h4><ul><li><a href='/tin-tuc/day-manh-cung-cap-"
               "dich-vu-cong-truc-tuyen-muc-do-4-1203.html'>Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4 "
               "trên địa bàn tỉnh</a></li><li><a href='/tin-tuc/khong-cung-cap-dich-vu-cong-truc-tuyen-doi-voi-"
               "thu-tuc-dac-thu-88.html'>Không cung cấp dịch vụ công trực tuyến đối với thủ tục đặc thù</a></li>"
               "</ul></div>",
    "headline": "<h3 class='tieu-de-tin'>Tỉnh hoàn thành cung cấp dịch vụ công trực tuyến toàn trình cho 100% "
                "thủ tục đủ điều kiện</h3>",
}

FIELDS = (("Trình tự thực hiện", "Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ. Bước 2: Nộp hồ sơ. Bước 3: Nhận kết "
           "quả."), ("Cách thức thực hiện", "Nộp trực tiếp hoặc qua dịch vụ bưu chính công ích."),
          ("Thành phần, số lượng hồ sơ", "Đơn đề nghị theo mẫu; 01 bộ."),
          ("Thời hạn giải quyết", "10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ."),
          ("Đối tượng thực hiện", "Công dân Việt Nam, tổ chức."), ("Kết quả thực hiện", "Văn bản chấp thuận."),
          ("Căn cứ pháp lý", "Nghị định số 42/2022/NĐ-CP."), ("Phí, lệ phí", "Không."))


@lru_cache(maxsize=1)
def catalog() -> list[dict]:
    path = FIXTURES / "dvcqg-api-2026" / "catalog-names.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_services(first: int, count: int, behaviours: dict[int, str] | None = None) -> list[dict]:
    """`count` real procedures from line `first` of the name pool, with levels and behaviours."""
    pool = catalog()
    behaviours = BEHAVIOURS if behaviours is None else behaviours
    out = []
    for i in range(count):
        rec = pool[(first + i) % len(pool)]
        out.append({"id": 1000 + first + i, "code": rec["code"], "name": rec["name"], "category": rec["category"],
                    "agency": rec["department"], "level": LEVEL_CYCLE[(first + i) % len(LEVEL_CYCLE)],
                    "behaviour": behaviours.get(i, "ok")})
    return out


def level_row(style: str, label: str, value: str) -> str:
    """A labelled row, as platforms write it."""
    label, value = esc(label), esc(value)
    return {
        "table": f"<tr><td class='td-label'>{label}</td><td>{value}</td></tr>",
        "th": f"<tr><th scope='row'>{label}</th><td>{value}</td></tr>",
        "dl": f"</table><dl class='dl-horizontal'><dt>{label}</dt><dd>{value}</dd></dl><table class='table'>",
        "div": f"</table><div class='row'><div class='col-sm-3 font-weight-bold'>{label}:</div>"
               f"<div class='col-sm-9'>{value}</div></div><table class='table'>",
        "strong": f"</table><p><strong>{label}:</strong> {value}</p><table class='table'>",
        "li": f"</table><ul class='thong-tin'><li><b>{label}</b>: {value}</li></ul><table class='table'>",
        "span": f"</table><div class='field'><span class='field-label'>{label}:</span> "
                f"<span class='field-value'>{value}</span></div><table class='table'>",
    }[style]


class GeneratedPortal(Portal):
    """Shared by the portal classes: services, detail pages, behaviours, truth.

    Variant keys read here: `vocabulary` (VOCABULARIES key), `detail_level`
    (row style or None), `detail_label` ("Mức độ", "Mức trực tuyến"…),
    `detail_vocabulary`, `decoys` (DECOYS keys, placed before the row when
    `decoys_first`), `list_level` ("column", "badge" or None).
    """

    kind = "generated"
    announces = False       # the list shows its count ("Tổng số: N thủ tục", "của N kết quả")

    def __init__(self, ip: str, variant: dict, first: int, count: int, behaviours: dict | None = None):
        super().__init__(ip)
        self.v = variant
        self.services = make_services(first, count, behaviours)
        self.by_id = {str(s["id"]): s for s in self.services}

    # -- what a subclass decides ------------------------------------------------
    def detail_path(self, s: dict) -> str:
        return f"/thu-tuc/chi-tiet/{s['id']}"

    def find_service(self, path: str, query: dict) -> dict | None:
        """The service a detail URL names (default: the last path segment is its id)."""
        return self.by_id.get(path.rstrip("/").rsplit("/", 1)[-1]) if path.startswith("/thu-tuc/chi-tiet/") else None

    def list_routes(self, method: str, path: str, query: dict, body: bytes) -> Reply | None:
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------
    def label(self, s: dict, vocabulary: str | None = None) -> str:
        return VOCABULARIES[vocabulary or self.v.get("vocabulary", "nd43")][s["level"]]

    def chrome(self) -> str:
        return ("<header class='header'><a href='/'><img src='/images/logo.png' alt='Cổng dịch vụ công'></a></header>"
                "<nav class='menu'><a href='/'>Trang chủ</a> <a href='/gioi-thieu'>Giới thiệu</a> "
                "<a href='/huong-dan'>Hướng dẫn</a></nav>")

    def footer(self) -> str:
        return ("<footer class='footer'><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh. Hỗ trợ: 1900 1234.</p>"
                "<p><a href='/tin-tuc/dvc-muc-do-4.html'>Tin: 100% dịch vụ công trực tuyến mức độ 4</a></p></footer>")

    def wrap(self, title: str, body: str, head: str = "") -> str:
        return page(title, self.chrome() + f"<main class='main-content'>{body}</main>" + self.footer(), head)

    def badge(self, s: dict) -> str:
        return f"<span class='badge badge-muc-do'>{esc(self.label(s))}</span>" if self.v.get("list_level") == "badge" else ""

    def detail(self, s: dict) -> str:
        v = self.v
        rows = f"<tr><td class='td-label'>Mã thủ tục</td><td>{s['code']}</td></tr>" \
               f"<tr><td class='td-label'>Tên thủ tục</td><td>{esc(s['name'])}</td></tr>"
        level = ""
        if v.get("detail_level"):
            level = level_row(v["detail_level"], v.get("detail_label", "Mức độ"),
                              self.label(s, v.get("detail_vocabulary")))
        fields = "".join(f"<tr><td class='td-label'>{esc(k)}</td><td>{esc(val)}</td></tr>" for k, val in FIELDS)
        fields += f"<tr><td class='td-label'>Cơ quan thực hiện</td><td>{esc(s['agency'])}</td></tr>"
        decoys = "".join(DECOYS[d] for d in v.get("decoys", ()))
        table = f"<table class='table'>{rows}{level}{fields}</table>"
        actions = (f"<p><a class='btn btn-primary' href='/dang-nhap?ma={s['code']}'>Nộp hồ sơ trực tuyến</a></p>"
                   if s["level"] != "khong_truc_tuyen" else "")
        body = (f"<h1 class='ten-thu-tuc'>{esc(s['name'])}</h1>" +
                (decoys + table if v.get("decoys_first") else table + decoys) + actions)
        return self.wrap(s["name"], f"<div class='chi-tiet-tthc'>{body}</div>")

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        s = self.find_service(path, query)
        if s is not None:
            return self.behave(s["behaviour"], lambda: self.detail(s), path)
        reply = self.list_routes(method, path, query, body)
        return reply if reply is not None else Reply(404, NOT_FOUND_BODY)

    def level_shown_on_list(self) -> bool:
        return self.v.get("list_level") in ("column", "badge")

    def truth(self) -> dict:
        out = []
        for s in self.services:
            status = EXPECTED_STATUS[s["behaviour"]]
            readable = status == "live" and s["behaviour"] != "login" and bool(self.v.get("detail_level"))
            out.append({"url": self.abs(self.detail_path(s)), "code": s["code"], "name": s["name"],
                        "level": s["level"], "status": status, "behaviour": s["behaviour"],
                        "level_visible": self.level_shown_on_list() or readable})
        return {"services": out, "kind": self.kind, "listed": ("pass", None),
                "announced": len(self.services) if self.announces else None}
