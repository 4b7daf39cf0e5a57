"""Lists that a script grows: "Xem thêm" / "Tải thêm" buttons and infinite scroll
whose next page is asked for by jQuery or fetch with a URL built in the script
(`'/DichVuCong/DanhSach?trang=' + trang + '&soDong=10'`, `$.post('/Home/LoadMore',
{ pageIndex: pageIndex, pageSize: 10 })`), and the answers they get: HTML
fragments or JSON (docs/services.md: every service listed).

Legal basis: Decree 42/2022 Art. 11 (see checks.service_listing). The script is
read, never run: the page parameter is the query or form field the script fills
from a variable and whose name says "page" or "offset"; every other field keeps
the value written in the script. Pure: text in, data out.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html

from checks.service_level import UNKNOWN, level_from_label, vocabulary
from checks.service_listing import ListedService
from checks.service_listing_html import Fragment, parse_list_page

_CALL = re.compile(r"(\$|jQuery)\.(ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|\baxios(?:\.(get|post))?\s*\(")
_INIT = re.compile(r"(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:(\d+)|['\"]([^'\"]*)['\"])")
_ROW_OFFSETS = ("start", "offset", "skip", "from", "limitstart")


def _voc() -> dict:
    return vocabulary()["listing"]


def _close(text: str, i: int, open_: str = "(", close: str = ")") -> int:
    """Index of the bracket closing the one at text[i] (quotes and nesting respected)."""
    depth, quote = 0, None
    for j in range(i, min(len(text), i + 4000)):
        c = text[j]
        if quote:
            if c == "\\":
                continue
            if c == quote and text[j - 1] != "\\":
                quote = None
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _split(text: str, sep: str = ",") -> list[str]:
    """Top-level parts of an argument list or object body."""
    parts, depth, quote, cur = [], 0, None, ""
    for c in text:
        if quote:
            quote = None if c == quote and not cur.endswith("\\") else quote
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        cur += c
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _object(text: str) -> dict[str, str] | None:
    """`{ a: 1, 'b': x }` -> {"a": "1", "b": "x"} (values as written)."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    out = {}
    for part in _split(text[1:-1]):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip().strip("'\"")] = value.strip()
    return out


def _literal(expr: str) -> str | None:
    expr = expr.strip()
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "'\"":
        return expr[1:-1]
    if re.fullmatch(r"-?\d+", expr):
        return expr
    return None


def _template(expr: str, init: dict[str, str]) -> str | None:
    """A URL expression as a template: literals kept, variables as {name}."""
    out = ""
    for part in _split(expr, "+"):
        lit = _literal(part)
        if lit is not None:
            out += lit
        elif part.startswith("`"):
            out += re.sub(r"\$\{([^}]*)\}", lambda m: f"{{{m.group(1).strip()}}}", part.strip("`"))
        elif re.fullmatch(r"[A-Za-z_$][\w$.]*", part) and part in init and not out:
            out += init[part]          # a base URL kept in a variable
        else:
            out += f"{{{part}}}"
    return out if out.startswith(("/", "http", "?", ".")) else None


def _is_offset(name: str) -> bool:
    low = name.lower()
    names = _voc()["fragment_offset_params"] + _voc()["page_params"]
    return any(low == p or low.endswith(p) for p in names)


def _is_size(name: str) -> bool:
    low = name.lower()
    return any(low == p or low.endswith(p) for p in _voc()["size_params"])


def _fill(name: str, value: str, init: dict[str, str]) -> tuple[str, bool]:
    """(value to send, whether the script fills it from a variable)."""
    lit = _literal(value)
    if lit is not None:
        return lit, False
    var = re.match(r"[A-Za-z_$][\w$]*", value.strip().strip("{}"))
    start = init.get(var.group(0)) if var else None
    if _is_offset(name):
        row = any(name.lower().endswith(p) for p in _ROW_OFFSETS)
        return start if start and start.isdigit() else ("0" if row else "1"), True
    if _is_size(name):
        return start if start and start.isdigit() else str(_voc()["fragment_default_size"]), True
    return start or "", True


def _call_parts(name: str, args: list[str]) -> tuple[str | None, str, dict | None]:
    """(URL expression, method, data object) of one jQuery / fetch / axios call."""
    method = "POST" if name in ("post",) else "GET"
    first = _object(args[0]) if args else None
    if first is not None:            # $.ajax({url: …, type: 'POST', data: {…}})
        kind = (_literal(first.get("type") or first.get("method") or "") or "GET").upper()
        return first.get("url"), kind, _object(first.get("data") or first.get("params") or "")
    data = _object(args[1]) if len(args) > 1 else None
    if data and "params" in data:     # axios.get(url, {params: {…}})
        data = _object(data["params"])
    return (args[0] if args else None), method, data


def script_sources(html: str, page_url: str) -> list[Fragment]:
    """The list pages the page's scripts would ask for, as Fragments to page."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    code = "\n".join(doc.xpath("//script[not(@src)]/text()") + doc.xpath("//@onclick"))
    init = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _INIT.finditer(code)}
    out: dict[str, Fragment] = {}
    for match in _CALL.finditer(code):
        end = _close(code, match.end() - 1)
        if end < 0:
            continue
        name = match.group(2) or match.group(3) or ("get" if "fetch" in match.group(0) else "get")
        expr, method, data = _call_parts(name, _split(code[match.end():end]))
        frag = _fragment(expr, method, data or {}, init, page_url)
        if frag:
            out.setdefault(f"{frag.method} {frag.url} {frag.form}", frag)
    return list(out.values())


def _fragment(expr: str | None, method: str, data: dict, init: dict, page_url: str) -> Fragment | None:
    template = _template(expr, init) if expr else None
    if not template:
        return None
    base, _, query = template.partition("?")
    if "{" in base:
        return None
    url = urljoin(page_url, base)
    parts = urlsplit(url)
    if parts.netloc != urlsplit(page_url).netloc or re.search(r"\.(js|css|json|png|jpg|svg)$", parts.path):
        return None
    pairs, offset, size = [], None, None
    fields = [tuple(p.split("=", 1)) for p in query.split("&") if "=" in p]
    fields += [(k, v) for k, v in data.items()]
    for key, raw in fields:
        value, variable = _fill(key, raw if "{" not in raw else raw.strip("{}"), init)
        if variable and _is_offset(key) and not offset:
            offset = key
        if _is_size(key):
            size = key
        pairs.append((key, value))
    if not offset:
        return None                  # not a pager: a one-off call (statistics, a menu)
    by_page = not any(offset.lower().endswith(p) for p in _ROW_OFFSETS)
    if method == "POST":
        return Fragment(url, offset, size, None, by_page, "POST", tuple(pairs))
    return Fragment(url + "?" + urlencode(pairs), offset, size, None, by_page)


# --- JSON answers ----------------------------------------------------------------

_NAME_KEYS = ("tenthutuc", "tentthc", "tendichvu", "ten", "name", "title", "tieude")
_URL_KEYS = ("duongdan", "url", "link", "href", "detailurl", "lienket", "path", "slug")
_LEVEL_KEYS = ("mucdo", "tenmucdo", "level", "capdo", "mucdodvc")
_TOTAL_KEYS = ("total", "totalrecords", "recordstotal", "totalcount", "tongso", "totalitems", "count")


def _pick(item: dict, keys: tuple[str, ...]) -> Any:
    low = {k.lower().replace("_", ""): v for k, v in item.items()}
    for key in keys:
        if low.get(key) not in (None, ""):
            return low[key]
    return None


def _items(data: Any) -> list[dict] | None:
    """The list of records in an answer, whatever the keys' case (ASP.NET MVC
    writes `Data`, `Items`; Spring `content`; Laravel `data`)."""
    if isinstance(data, list):
        return [i for i in data if isinstance(i, dict)]
    if isinstance(data, dict):
        low = {str(k).lower(): v for k, v in data.items()}
        for key in ("items", "content", "data", "list", "records", "result", "rows", "results"):
            if key in low and (found := _items(low[key])) is not None:
                return found
    return None


def json_answer(text: str, list_url: str) -> tuple[list[ListedService], int | None] | None:
    """(services, announced total) of a JSON list answer; None when it is not JSON.
    Items without an address of their own cannot be judged and are left out."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    total = _pick(data, _TOTAL_KEYS) if isinstance(data, dict) else None
    total = int(total) if isinstance(total, (int, float)) or (isinstance(total, str) and total.isdigit()) else None
    html_parts = [v for v in (data.values() if isinstance(data, dict) else []) if isinstance(v, str) and "<a" in v]
    services = [s for part in html_parts for s in parse_list_page(part, list_url, permissive=True).services]
    code_rx = re.compile(_voc()["code_pattern"])
    for item in _items(data) or []:
        name, href = _pick(item, _NAME_KEYS), _pick(item, _URL_KEYS)
        if not isinstance(name, str) or not isinstance(href, str) or not href.strip():
            continue
        url = urljoin(list_url, href.strip())
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        code = next((m.group(1) for v in item.values() if isinstance(v, str) and (m := code_rx.search(v))), None)
        raw = _pick(item, _LEVEL_KEYS)
        level = level_from_label(str(raw), "list") if raw not in (None, "") else UNKNOWN
        services.append(ListedService(url, code, " ".join(name.split()), level, list_url))
    return services, total
