"""Read the farm's data files (data/*.yaml, the catalog sample, the real DVCQG records) and
derive the service lists. Pure functions of the package data: same data, same farm."""
from __future__ import annotations

import copy
import functools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"

SECTION_KEYS = (
    "gioi_thieu", "lanh_dao", "lien_he", "tin_tuc", "chi_dao_dieu_hanh", "lich_cong_tac", "van_ban",
    "dieu_uoc_quoc_te", "thu_tuc_hanh_chinh", "pho_bien_phap_luat", "chien_luoc_quy_hoach",
    "du_an_dau_tu", "lay_y_kien", "hoi_dap", "thong_ke", "ngan_sach", "khoa_hoc", "phat_ngon",
)
FUNCTION_KEYS = ("search", "related_links", "print", "english", "site_map", "rss", "emc", "https",
                 "mobile", "accessibility", "performance")
LEVELS = ("toan_trinh", "mot_phan", "khong_truc_tuyen")

# behaviour of a URL -> taxonomy status a correct checker must report for it
STATUS_OF = {
    "live": "live", "slow": "live", "login_redirect": "live", "garbage": "live",
    "not_found": "not_found", "soft_404": "soft_404", "server_error": "server_error",
    "blocked": "blocked", "cloudflare": "blocked", "rate_limited": "blocked",
    "hang": "timeout", "refused": "connection_error", "reset": "connection_error",
    "redirect_loop": "redirect_loop",
}
# Circular 32/2017 fields shown on an HTML service detail page
C32_FIELDS = ("Tên thủ tục", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần, số lượng hồ sơ",
              "Thời hạn giải quyết", "Đối tượng thực hiện", "Cơ quan giải quyết", "Kết quả thực hiện",
              "Lệ phí", "Căn cứ pháp lý")


def _yaml(name: str) -> Any:
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.cache
def content() -> dict[str, Any]:
    return _yaml("content.yaml")


@functools.cache
def portals() -> tuple[dict[str, Any], ...]:
    rows = list(_yaml("portals_tinh.yaml")) + list(_yaml("portals_so.yaml"))
    ids = [p["id"] for p in rows]
    assert len(ids) == len(set(ids)), "duplicate portal id"
    return tuple(rows)


@functools.cache
def service_portals() -> dict[str, dict[str, Any]]:
    return {sp["id"]: sp for sp in _yaml("service_portals.yaml")}


@functools.cache
def catalog() -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    with open(DATA / "catalog_sample.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            groups.setdefault(row["group"], []).append(row)
    return groups


@functools.cache
def real_record(code: str) -> dict[str, Any]:
    with open(DATA / "dvcqg" / f"{code}.json", encoding="utf-8") as f:
        return json.load(f)["data"]


def links_of(spec: Any) -> list[dict[str, Any]]:
    """A section spec is one link dict or a list of them."""
    if not spec:
        return []
    return [dict(s) for s in (spec if isinstance(spec, list) else [spec])]


@dataclass
class Service:
    index: int
    code: str
    name: str
    category: str
    level: str
    behaviour: str = "live"
    missing_fields: list[str] = field(default_factory=list)
    id: str = ""
    record: dict[str, Any] | None = None  # national-API shaped detail (SPA portals)
    path: str = ""                        # detail page path on its service portal

    @property
    def status(self) -> str:
        return STATUS_OF[self.behaviour]


def level_of_record(rec: dict[str, Any]) -> str:
    """A service's level as the national portal's API tells it (docs/services.md)."""
    if rec.get("isFullProcess"):
        return "toan_trinh"
    if any(m.get("submissionMethod") == "ONLINE" for m in rec.get("executionMethods") or []):
        return "mot_phan"
    return "khong_truc_tuyen"


def make_services(sp: dict[str, Any]) -> list[Service]:
    """The services of a service portal, deterministic from its data."""
    spec = sp.get("services") or {}
    if not spec:
        return []
    rng = random.Random(sp["id"])
    real = [real_record(c) for c in spec.get("real", [])]
    counts = {lv: int(spec.get("levels", {}).get(lv, 0)) for lv in LEVELS}
    for rec in real:
        counts[level_of_record(rec)] -= 1
    levels = [lv for lv in LEVELS for _ in range(counts[lv])]
    rng.shuffle(levels)
    group, start = spec["pool"]
    pool = [r for r in catalog()[group][start:] if r["code"] not in spec.get("real", [])]
    if len(pool) < len(levels):
        raise ValueError(f"{sp['id']}: catalog pool too small")
    out: list[Service] = []
    for rec in real:
        out.append(Service(len(out), rec["code"], rec["name"], rec["categoriesDetails"][0]["name"],
                           level_of_record(rec), id=rec["id"], record=rec))
    suffix = spec.get("local_suffix")
    for lv, row in zip(levels, pool):
        i = len(out)
        code = row["code"] + (f".{suffix}" if suffix and i % 4 == 3 else "")
        out.append(Service(i, code, row["name"], row["category"], lv,
                           id=f"019f7d{sp.get('ip', 0):02x}-5a1e-7{i:03x}-8000-{i:012x}"))
    for i, b in (spec.get("behaviour") or {}).items():
        out[int(i)].behaviour = b
    for i, fields in (spec.get("missing_fields") or {}).items():
        out[int(i)].missing_fields = list(fields)
    if sp["style"] == "spa":
        for s in out:
            if s.record is None:
                s.record = synth_record(s, sp)
    return out


_METHODS = {
    "toan_trinh": [["ONLINE"], ["DIRECT", "ONLINE"], ["DIRECT", "ONLINE", "POSTAL"]],
    "mot_phan": [["DIRECT", "ONLINE"], ["DIRECT", "ONLINE", "POSTAL"], ["ONLINE", "POSTAL"]],
    "khong_truc_tuyen": [["DIRECT"], ["DIRECT", "POSTAL"]],
}


def synth_record(s: Service, sp: dict[str, Any]) -> dict[str, Any]:
    """A detail record in the shape of the national API (skeleton: real record 1.004222)."""
    rec = copy.deepcopy(real_record("1.004222"))
    methods = _METHODS[s.level][s.index % len(_METHODS[s.level])]
    days = 3 + s.index % 12
    fee = 0 if s.index % 3 else 50000 + 10000 * (s.index % 5)
    rec.update({
        "id": s.id, "code": s.code, "codeNotation": s.code, "name": s.name,
        "isFullProcess": s.level == "toan_trinh", "isOfflineOnly": False,
        "isWard": False, "isProvince": True, "isMinistry": False, "isVertical": False,
        "type": "SPECIFIC" if "." in s.code[8:] else "STANDARD",
        "description": f"Thủ tục {s.name[0].lower() + s.name[1:]} thuộc lĩnh vực {s.category}.",
        "executionSteps": [{"name": "", "description": (
            "Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ theo quy định.\n"
            "Bước 2: Nộp hồ sơ tại Trung tâm Phục vụ hành chính công tỉnh hoặc qua Cổng Dịch vụ công.\n"
            "Bước 3: Cơ quan có thẩm quyền tiếp nhận, kiểm tra, giải quyết hồ sơ.\n"
            "Bước 4: Trả kết quả giải quyết thủ tục hành chính.")}],
        "executionMethods": [{"submissionMethod": m, "processingTime": days, "processingTimeUnit": "WORKING_DAY",
                              "description": "", "fees": ([{"type": "FEE", "value": fee, "currencyId": None,
                                                            "attachment": None, "description": "Lệ phí",
                                                            "currencyName": "Việt Nam Đồng"}] if fee else [])}
                             for m in methods],
        "executingAgencies": sp.get("owner", ""), "delegatedAgencies": "", "authorizedAgencies": "",
        "departmentPromulgateName": sp.get("owner", ""), "departmentPromulgateCode": "H52",
        "createdAt": 1767225600000 + s.index * 86_400_000, "updatedAt": 1773964800000,
    })
    rec["categoriesDetails"] = [{"id": f"cat-{s.index:04d}", "name": s.category, "code": "H52-LV"}]
    rec["departmentsExecuting"] = [{"id": "dept-0001", "name": sp.get("owner", ""), "code": "H52"}]
    rec["cases"] = [{"id": f"case-{s.index:04d}", "name": s.name, "code": s.code + ".01",
                     "processingDay": {"qty": days, "type": "WORKING_DAY"}}]
    return rec
