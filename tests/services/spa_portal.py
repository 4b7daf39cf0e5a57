"""A loopback copy of the national service portal since 2025: a React-style
shell (the real 2026 file) on every path, and the POST JSON endpoints serving
the real records of dvcqg-api-2026 with `lastId` cursor paging.

The bundle the shell loads (`/assets/index-DpT3dTJN.js`) is written here: it
calls the list endpoint and renders links, so only rendering (or reading the
bundle) reveals where the data is.
"""
from __future__ import annotations

import json

from farm import EXPECTED_STATUS, FIXTURES, Portal, Reply

LIST = "/api/v1/submitting/formality/list-all-public-formality-by-citizen"
DETAIL = "/api/v1/configuring/formality/get-formality-by-citizen"
PROVINCES = "/api/v1/configuring/province-vn/list-by-citizen"
SERVER_MAX_LIMIT = 4   # the mock's own cap per page, so paging takes several cursors

# The levels README §2 states for each record (independent of the classifier).
README_LEVELS = {
    "1.003197": "toan_trinh", "1.004194": "toan_trinh", "1.010028": "toan_trinh", "1.013218": "toan_trinh",
    "1.004222": "mot_phan", "1.000110": "mot_phan", "1.115510": "mot_phan", "1.001193": "mot_phan",
    "1.000419": "khong_truc_tuyen", "2.000712": "khong_truc_tuyen",
}
# Service pages with a behaviour; the rest answer normally. Catalog lines
# without a record here have no API record: their page is a soft 404.
BEHAVIOUR = {"1.004194": "slow", "1.010028": "login", "1.000419": "dead", "1.115510": "blocked",
             "1.013218": "hang", "2.000712": "server_error"}

BUNDLE = """
const API = { list: "%(list)s", detail: "%(detail)s", provinces: "%(provinces)s" };
async function post(path, body) {
  const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                               body: JSON.stringify(body)});
  return r.json();
}
async function main() {
  const root = document.getElementById("root");
  if (!location.pathname.startsWith("/thu-tuc-hanh-chinh/")) {
    const res = await post(API.list, {limit: 10, lastId: "", q: "", categoryId: "", departmentCode: ""});
    root.innerHTML = "<h1>Thủ tục hành chính</h1><ul>" + res.data.items.map(
      i => `<li><a href="/thu-tuc-hanh-chinh/${i.code}">${i.name}</a></li>`).join("") + "</ul>";
  }
}
main();
"""
EMPTY_BUNDLE = "document.getElementById('root').textContent = '';\n"


class SpaPortal(Portal):
    def __init__(self, ip: str = "127.0.0.5", with_api: bool = True):
        super().__init__(ip)
        self.with_api = with_api
        self.shell = (FIXTURES / "dvcqg-spa-shell-2026" / "dvc-detail-probe-2.000815.html").read_bytes()
        lines = (FIXTURES / "dvcqg-api-2026" / "catalog-lines.jsonl").read_text(encoding="utf-8").splitlines()
        self.catalog = [json.loads(line) for line in lines if line.strip()]
        self.records = {}
        for path in sorted((FIXTURES / "dvcqg-api-2026" / "details").glob("*.json")) + \
                [FIXTURES / "dvcqg-api-2026" / "sample-formality-detail.json"]:
            answer = json.loads(path.read_bytes())
            self.records[answer["data"]["id"]] = path.read_bytes()
        self.api_calls: list[tuple[str, dict]] = []

    def route(self, method, path, query, body):
        if (r := self.common(path)):
            return r
        if path.startswith("/assets/") and path.endswith(".js"):
            js = BUNDLE % {"list": LIST, "detail": DETAIL, "provinces": PROVINCES} if self.with_api else EMPTY_BUNDLE
            return Reply(200, js, "application/javascript")
        if path.startswith("/assets/"):
            return Reply(200, "", "text/css")
        if path.startswith("/api/"):
            if not self.with_api:
                return Reply(404, '{"code":"NOT_FOUND"}', "application/json")
            return self.api(method, path, body)
        if path.startswith("/thu-tuc-hanh-chinh/"):
            code = path.rsplit("/", 1)[-1]
            return self.behave(BEHAVIOUR.get(code, "ok"), lambda: self.shell, path)
        return Reply(200, self.shell)   # an SPA answers every path with its shell

    def api(self, method, path, body) -> Reply:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = {}
        self.api_calls.append((path, data))
        if method != "POST":
            return Reply(405, '{"code":"METHOD_NOT_ALLOWED"}', "application/json")
        if path == LIST:
            limit = min(int(data.get("limit") or 10), SERVER_MAX_LIMIT)
            ids = [c["id"] for c in self.catalog]
            start = ids.index(data["lastId"]) + 1 if data.get("lastId") in ids else 0
            items = self.catalog[start: start + limit]
            last = items[-1]["id"] if items else None
            return Reply(200, json.dumps({"code": "OK", "data": {"items": items, "lastId": last}},
                                         ensure_ascii=False), "application/json")
        if path == DETAIL:
            record = self.records.get(data.get("id"))
            if record is None:
                return Reply(200, '{"code":"FORMALITY_NOT_FOUND","message":"Không tìm thấy thủ tục","data":null}',
                             "application/json")
            return Reply(200, record, "application/json")
        if path == PROVINCES:
            return Reply(200, '{"code":"OK","data":[]}', "application/json")
        return Reply(404, '{"code":"NOT_FOUND"}', "application/json")

    def detail_url(self, code: str) -> str:
        return self.abs(f"/thu-tuc-hanh-chinh/{code}")

    def truth(self) -> dict:
        out = []
        for item in self.catalog:
            code = item["code"]
            has_record = item["id"] in self.records
            status = EXPECTED_STATUS[BEHAVIOUR.get(code, "ok")] if has_record else "soft_404"
            out.append({"url": self.detail_url(code), "code": code, "name": item["name"],
                        "level": README_LEVELS.get(code, "unknown"), "status": status,
                        "behaviour": BEHAVIOUR.get(code, "ok" if has_record else "no_record"),
                        "level_visible": has_record})
        return {"services": out if self.with_api else [], "kind": "spa"}
