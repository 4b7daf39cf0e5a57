"""Lists of services behind a JSON API: single-page apps such as the national
portal since 2025 (React shell, POST `/api/v1/...` endpoints, cursor `lastId`).

Legal basis: Decree 42/2022 Art. 11 (see checks.service_listing).
The endpoints are found from the calls the rendered shell made (recorded by
crawler.browser) or, failing that, from the `/api/v1/...` strings of its JS
bundle. Real request and answer shapes (OpenGOV crawler, 2026):
list   {"limit": 200, "lastId": "", "q": "", ...} -> {"data": {"items": [...], "lastId": "..."}}
detail {"id": "<item id>"}                         -> {"code": "OK", "data": {...}}
Pure: text in, data out.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from checks.service_level import vocabulary
from checks.service_listing import ListedService


def _voc() -> dict:
    return vocabulary()["api"]


@dataclass
class ApiCall:
    url: str
    method: str = "POST"
    body: dict[str, Any] = field(default_factory=dict)
    source: str = "recorded"              # recorded | bundle | default


def find_api_paths(js: str) -> list[str]:
    """`/api/v1/...` strings in a JS bundle, in order of appearance."""
    paths = re.findall(_voc()["path_pattern"], js or "")
    return list(dict.fromkeys(p.rstrip("/") for p in paths))


def _score(path: str, words: list[str], exclude: list[str]) -> int | None:
    low = path.lower()
    if any(w in low for w in exclude):
        return None
    for rank, w in enumerate(words):
        if w in low:
            return rank
    return None


def _pick(paths: list[str], words: list[str], exclude: list[str]) -> str | None:
    scored = [(s, i, p) for i, p in enumerate(paths) if (s := _score(p, words, exclude)) is not None]
    return min(scored)[2] if scored else None


def _json(text: str | bytes | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def choose_list_call(recorded: list[dict], bundle_paths: list[str], base_url: str) -> ApiCall | None:
    """The list endpoint: a recorded call carrying the cursor field first, then a
    recorded call whose path looks like a list, then a bundle path."""
    voc = _voc()
    cursor = voc["cursor_field"]
    api_calls = [c for c in recorded or [] if "/api/" in urlsplit(c.get("url", "")).path]
    for call in api_calls:
        body = _json(call.get("body"))
        if isinstance(body, dict) and cursor in body and \
                _score(urlsplit(call["url"]).path, voc["list_words"], voc["list_exclude_words"]) is not None:
            return ApiCall(call["url"], call.get("method", "POST").upper(), body, "recorded")
    paths = [urlsplit(c["url"]).path for c in api_calls]
    path = _pick(paths, voc["list_words"], voc["list_exclude_words"])
    if path:
        call = next(c for c in api_calls if urlsplit(c["url"]).path == path)
        body = _json(call.get("body"))
        return ApiCall(call["url"], call.get("method", "POST").upper(),
                       body if isinstance(body, dict) else dict(voc["default_list_body"]), "recorded")
    path = _pick(bundle_paths, voc["list_words"], voc["list_exclude_words"])
    if path:
        return ApiCall(urljoin(base_url, path), "POST", dict(voc["default_list_body"]), "bundle")
    return None


def choose_detail_url(recorded: list[dict], bundle_paths: list[str], base_url: str) -> str | None:
    voc = _voc()
    paths = [urlsplit(c.get("url", "")).path for c in recorded or []] + list(bundle_paths or [])
    path = _pick([p for p in paths if "/api/" in p], voc["detail_words"], voc["detail_exclude_words"])
    return urljoin(base_url, path) if path else None


def list_body(base: dict[str, Any], cursor: str | None) -> dict[str, Any]:
    """The body of one list page: the recorded body, a polite page size, the cursor."""
    voc = _voc()
    body = dict(base)
    for key in voc["size_fields"]:
        if key in body:
            body[key] = voc["page_size"]
            break
    else:
        body[voc["size_fields"][0]] = voc["page_size"]
    body[voc["cursor_field"]] = cursor or ""
    return body


def _items(data: Any) -> list[dict] | None:
    if isinstance(data, list):
        return [i for i in data if isinstance(i, dict)]
    if isinstance(data, dict):
        for key in ("items", "content", "data", "list", "records", "result"):
            if key in data:
                found = _items(data[key])
                if found is not None:
                    return found
    return None


def parse_list_response(text: str) -> tuple[list[dict] | None, str | None]:
    """(items, next cursor). Items is None when the answer is not a list at all
    (an error page, a firewall): that is not "no services"."""
    data = _json(text)
    items = _items(data)
    if items is None:
        return None, None
    cursor = None
    box = data.get("data") if isinstance(data, dict) and isinstance(data.get("data"), dict) else data
    if isinstance(box, dict) and box.get(_voc()["cursor_field"]):
        cursor = str(box[_voc()["cursor_field"]])
    elif items and items[-1].get("id"):
        cursor = str(items[-1]["id"])
    return items, cursor


def list_total(text: str) -> int | None:
    """The count a list answer announces (`total`, `totalCount`…), if any."""
    data = _json(text)
    box = data.get("data") if isinstance(data, dict) and isinstance(data.get("data"), dict) else data
    for holder in (box, data):
        if isinstance(holder, dict):
            for key in ("total", "totalCount", "totalRecords", "totalItems", "totalElements", "recordsTotal"):
                value = holder.get(key)
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    return value
    return None


def detail_page_pattern(rendered_html: str | None, base_url: str) -> str:
    """Where the SPA shows one procedure: a rendered link that carries a
    procedure code (`/thu-tuc-hanh-chinh/1.004222`), else the known route."""
    code_rx = re.compile(vocabulary()["listing"]["code_pattern"])
    if rendered_html:
        try:
            doc = lxml.html.fromstring(rendered_html)
            for href in doc.xpath("//a/@href"):
                m = code_rx.search(href)
                if m and "/api/" not in href:
                    full = urljoin(base_url, href)
                    return full[: full.index(m.group(1))] + "{code}" + full[full.index(m.group(1)) + len(m.group(1)):]
        except (ValueError, lxml.etree.ParserError):
            pass
    return urljoin(base_url, _voc()["detail_page_pattern"])


def item_service(item: dict, pattern: str, list_url: str) -> ListedService | None:
    """One catalog item (no level: the catalog has none) as a listed service."""
    code = item.get("codeNotation") or item.get("code")
    if not code:
        return None
    name = item.get("name")
    url = pattern.replace("{code}", str(code)).replace("{id}", str(item.get("id", "")))
    extra = {k: item[k] for k in ("departmentPromulgate", "type", "state") if k in item}
    return ListedService(url, str(code), name, list_url=list_url, api_id=item.get("id"), extra=extra)


def detail_body(service: ListedService) -> dict[str, Any]:
    return {_voc()["detail_body_key"]: service.api_id or service.code}


def parse_detail_response(text: str, code: str | None = None) -> dict | None:
    """The procedure record, or None when the API says it does not exist."""
    data = _json(text)
    record = data.get("data") if isinstance(data, dict) and "data" in data else data
    if not isinstance(record, dict) or not (record.get("name") or record.get("code")):
        return None
    if code and record.get("code") and str(record.get("code")) != str(code) and \
            str(record.get("codeNotation")) != str(code):
        return None
    return record
