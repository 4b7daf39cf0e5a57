"""Loopback portals for `portalcheck discover`, with the children we expect (truth).

- tinhmau (127.0.0.60): a province portal. A "Liên kết website" select with
  optgroups (Sở, ban, ngành / UBND cấp xã / Trung ương / Tỉnh, thành phố), a
  footer with link groups (departments, social media, a newspaper, its own
  service portal, itself, the party committee), a menu to "Cơ cấu tổ chức",
  which links "Đơn vị trực thuộc" (a directory table whose link texts are the
  bare address, "Truy cập", "Website", and a list "UBND xã …: <address>").
  Its children are linked as https and http, as `/` and `/index.html`, twice
  under two names; one moved to a new host (its old one redirects); one lands
  on the parent itself; one is down; one is a page of the parent's own site.
- bomau (127.0.0.80): a ministry. A Liferay "Website liên kết" select whose
  groups are header options and whose addresses are in `data-url`; a footer
  "Các đơn vị thuộc Bộ" with a peer ministry and itself among its units.
- hanoi: the real Sở TT&TT Hà Nội mirror (tests/fixtures/sotttt-hanoi-2022),
  a department whose parent (Hà Nội) is on the internet, never fetched.

`registry` is what the province already has: two rows the discovery must
match (one renamed by the 2025 merger, one whose URL moved), one no longer
linked, one that ended on 2025-06-30.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from loopback import LoopbackServer, free_port  # noqa: E402

SITES = HERE / "sites"
HANOI = HERE.parent / "fixtures" / "sotttt-hanoi-2022"

# name -> (address, title of its homepage); a title of None: nothing listens there.
CHILDREN = {
    "tuphap": ("127.0.0.61", "Sở Tư pháp tỉnh Mẫu"),
    "taichinh": ("127.0.0.62", "Sở Tài chính tỉnh Mẫu"),
    "congthuong_old": ("127.0.0.63", ""),          # redirects to congthuong
    "congthuong": ("127.0.0.64", "Sở Công Thương tỉnh Mẫu"),
    "vanhoa": ("127.0.0.65", "Sở Văn hóa, Thể thao và Du lịch tỉnh Mẫu"),
    "khcn": ("127.0.0.66", "Sở Khoa học và Công nghệ tỉnh Mẫu"),
    "donghai": ("127.0.0.67", "UBND phường Đông Hải"),
    "tanlap": ("127.0.0.68", "UBND xã Tân Lập"),
    "conco": ("127.0.0.69", None),
    "yte": ("127.0.0.70", "Sở Y tế tỉnh Mẫu"),
    "noivu": ("127.0.0.71", "Sở Nội vụ tỉnh Mẫu"),
    "ttxt": ("127.0.0.72", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh Mẫu"),
    "xaydung": ("127.0.0.73", "Sở Xây dựng tỉnh Mẫu"),
    "bqlkcn": ("127.0.0.74", "Ban Quản lý các khu công nghiệp tỉnh Mẫu"),
    "phuocson": ("127.0.0.75", "UBND xã Phước Sơn"),
    "dvc": ("127.0.0.76", "Cổng Dịch vụ công tỉnh Mẫu"),
    "vpubnd": ("127.0.0.77", ""),                 # redirects to the province's own portal
    "ngoaivu": ("127.0.0.78", "Sở Ngoại vụ tỉnh Mẫu"),   # in the registry, no longer linked
    "tongcuc": ("127.0.0.81", "Tổng cục Thống kê"),
    "cuc": ("127.0.0.82", "Cục Công nghệ thông tin"),
    "vien": ("127.0.0.83", "Viện Chiến lược và Chính sách"),
}
DVC_BANNER = '<a href="{dvc}"><img src="/images/banner-dichvucong.png" alt="Dịch vụ công trực tuyến"></a>'


def _page(text: str, **values: str) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _html(body: str):
    return lambda handler: handler.reply(200, body)


def _redirect(location: str):
    return lambda handler: handler.reply(301, "", headers={"Location": location})


def _mirror(folder: Path):
    def serve(handler):
        name = handler.path.split("?", 1)[0].strip("/") or "index"
        path = (folder / (name if name.endswith(".html") else name + ".html")).resolve()
        if folder.resolve() in path.parents and path.is_file():
            handler.reply(200, path.read_bytes())
        else:
            handler.reply(404, "<html><body><h1>404 Not Found</h1></body></html>")
    return serve


class Farm:
    def __init__(self) -> None:
        self.servers: dict[str, LoopbackServer] = {}
        self.urls: dict[str, str] = {}

    def start(self) -> Farm:
        for name, ip in [("tinhmau", "127.0.0.60"), ("bomau", "127.0.0.80"), ("hanoi", "127.0.0.84")] + [
                (n, ip) for n, (ip, title) in CHILDREN.items() if title is not None]:
            self.servers[name] = LoopbackServer({}, host=ip).__enter__()
            self.urls[name] = self.servers[name].url + "/"
        self.urls["conco"] = f"http://127.0.0.69:{free_port('127.0.0.69')}/"
        u = self.urls
        for name, (_ip, title) in CHILDREN.items():
            if title:
                banner = DVC_BANNER.format(dvc=u["dvc"]) if name in ("tuphap", "xaydung") else ""
                self.servers[name].routes["/"] = _html(_page((SITES / "child.html").read_text(encoding="utf-8"),
                                                              title=title, banner=banner, parent=u["tinhmau"]))
        self.servers["congthuong"].routes["/trang-chu"] = self.servers["congthuong"].routes.pop("/")
        self.servers["congthuong_old"].routes["/"] = _redirect(u["congthuong"] + "trang-chu")
        self.servers["vpubnd"].routes["/"] = _redirect(u["tinhmau"])
        values = {k: v for k, v in u.items()}
        values["home"] = u["tinhmau"]
        values["tuphap_host"] = u["tuphap"].split("//", 1)[1].rstrip("/")
        province = self.servers["tinhmau"].routes
        for path, template in (("/", "tinhmau_home.html"), ("/co-cau-to-chuc", "tinhmau_co_cau.html"),
                               ("/don-vi-truc-thuoc", "tinhmau_don_vi.html")):
            province[path] = _html(_page((SITES / template).read_text(encoding="utf-8"), **values))
        province["/xa-hoa-binh"] = _html(_page((SITES / "child.html").read_text(encoding="utf-8"),
                                              title="UBND xã Hòa Bình", banner="", parent=u["tinhmau"]))
        self.servers["bomau"].routes["/"] = _html(_page((SITES / "bomau_home.html").read_text(encoding="utf-8"),
                                                        **{**values, "home": u["bomau"]}))
        self.servers["hanoi"].routes["*"] = _mirror(HANOI)
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.__exit__(None, None, None)

    def registry(self) -> str:
        """The registry CSV a province and the ministry already have."""
        u = self.urls
        rows = [
            "id,name,kind,group,portal_url,services_url,parent,valid_from,valid_to,notes,verified",
            f"tinhmau,UBND tỉnh Mẫu,province,tinh,{u['tinhmau']},,,2025-07-01,,,yes",
            f"bo-mau,Bộ Mẫu,ministry,bo_nganh,{u['bomau']},,,,,,yes",
            "hanoi,UBND Thành phố Hà Nội,province,tinh,https://hanoi.gov.vn/,https://dichvucong.hanoi.gov.vn/,,,,,yes",
            f"sotttt-hanoi,Sở Thông tin và Truyền thông Hà Nội,department,so_nganh_hanoi,{u['hanoi']},,hanoi,,,"
            "bản lưu HTTrack 2022,yes",
            f"so-tai-chinh-tinhmau,Sở Tài chính tỉnh Mẫu,department,so_nganh_tinhmau,{u['taichinh']},,tinhmau,,,,yes",
            f"so-cong-thuong-tinhmau,Sở Công Thương,department,so_nganh_tinhmau,{u['congthuong_old']},,tinhmau,,,,yes",
            f"so-tttt-tinhmau,Sở Thông tin và Truyền thông,department,so_nganh_tinhmau,{u['khcn']},,tinhmau,,,,yes",
            f"so-ngoai-vu-tinhmau,Sở Ngoại vụ,department,so_nganh_tinhmau,{u['ngoaivu']},,tinhmau,,,,yes",
            f"so-lao-dong-tinhmau,Sở Lao động - Thương binh và Xã hội,department,so_nganh_tinhmau,"
            f"http://127.0.0.79:{free_port('127.0.0.79')}/,,tinhmau,,2025-06-30,sáp nhập vào Sở Nội vụ,yes",
        ]
        return "\n".join(rows) + "\n"

    def truth(self) -> dict[str, dict[str, tuple[str, str, str]]]:
        """Per parent: the expected children, site URL -> (kind, parent, matched registry id or "")."""
        u = self.urls
        province = {
            "tuphap": ("department", ""), "taichinh": ("department", "so-tai-chinh-tinhmau"),
            "congthuong": ("department", "so-cong-thuong-tinhmau"), "vanhoa": ("department", ""),
            "khcn": ("department", "so-tttt-tinhmau"), "donghai": ("commune", ""), "tanlap": ("commune", ""),
            "conco": ("commune", ""), "yte": ("department", ""), "noivu": ("department", ""),
            "ttxt": ("other", ""), "xaydung": ("department", ""), "bqlkcn": ("department", ""),
            "phuocson": ("commune", ""),
        }
        tinhmau = {u[k] + ("trang-chu" if k == "congthuong" else ""): (kind, "tinhmau", match)
                   for k, (kind, match) in province.items()}
        tinhmau[u["tinhmau"] + "xa-hoa-binh"] = ("commune", "tinhmau", "")
        bomau = {u[k]: ("department", "bo-mau", "") for k in ("tongcuc", "cuc", "vien")}
        hanoi = {"http://thanhxuan.gov.vn/portal/Home/default.aspx": ("other", "hanoi", ""),
                 "http://longbien.gov.vn/longbien/web/default.html": ("other", "hanoi", ""),
                 "http://congthuonghn.gov.vn:8080/web/guest/homepage": ("department", "hanoi", "")}
        return {"tinhmau": tinhmau, "bo-mau": bomau, "sotttt-hanoi": hanoi}


def read_candidates(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def compare(truth: dict[str, dict[str, tuple[str, str, str]]], rows: list[dict[str, str]]) -> dict[str, dict]:
    """Per parent: children linked (truth), found, false children, missed, and
    how many found ones have the right kind, parent and registry id."""
    from checks.sites import site_key

    expected = {site_key(url): (parent, kind, parent_id, match)
                for parent, children in truth.items() for url, (kind, parent_id, match) in children.items()}
    figures = {parent: {"linked": len(children), "found": 0, "false": 0, "kind_right": 0, "parent_right": 0,
                        "id_right": 0, "false_rows": [], "missed": []}
               for parent, children in truth.items()}
    seen = set()
    for row in rows:
        if row["id"] in truth:
            continue  # the row of a parent whose portal was read
        key = site_key(row["portal_url"])
        if key not in expected:
            owner = next((p for p, children in truth.items()
                          if any(cid == row["parent"] for _, cid, _ in children.values())), None)
            fig = figures.get(owner) or figures.setdefault("?", {"linked": 0, "found": 0, "false": 0,
                                                                  "kind_right": 0, "parent_right": 0, "id_right": 0,
                                                                  "false_rows": [], "missed": []})
            fig["false"] += 1
            fig["false_rows"].append((row["id"], row["name"], row["portal_url"]))
            continue
        parent, kind, parent_id, match = expected[key]
        seen.add(key)
        fig = figures[parent]
        fig["found"] += 1
        fig["kind_right"] += row["kind"] == kind
        fig["parent_right"] += row["parent"] == parent_id
        fig["id_right"] += (row["id"] == match) if match else not row["id"].startswith(tuple(
            m for c in truth.values() for _, _, m in c.values() if m))
    for key, (parent, *_rest) in expected.items():
        if key not in seen:
            figures[parent]["missed"].append(key)
    return figures
