"""One service's own page: does it answer, is it complete, can a citizen submit
and pay online (docs/services.md).

Legal basis: Circular 32/2017/TT-BTTTT (the information every service page
must show; a service reachable within 3 clicks of the service portal's home
page; per-level requirements), with Decree 42/2022 Art. 11 for what "toàn
trình" adds (fees paid online).

Liveness uses the fetch taxonomy (checks.fetch_status): a redirect to a login
page is live, bot protection is `blocked` and never dead. On a single-page app
every path answers the same shell, so a service is live when the shell answers
and the API holds its record. Field labels are in data/service_detail_fields.yaml.
Pure: pages and records in, verdicts out.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.html
import yaml

from checks.fetch_status import is_login_url
from checks.model import DEAD_STATUSES, Page
from checks.service_level import Level
from checks.text import fold, normalise

LEGAL_REF = "Circular 32/2017/TT-BTTTT"
_DATA = Path(__file__).with_name("data") / "service_detail_fields.yaml"
_CHROME = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form[@role='search']")
_LABEL_XPATH = ("//h1|//h2|//h3|//h4|//h5|//h6|//th|//dt|//strong|//b|//label|//legend|"
                "//*[contains(@class,'title') or contains(@class,'label') or contains(@class,'tieu-de')]|"
                "//tr/td[1]")
# Compiled once: a sweep reads tens of thousands of detail pages.
_CHROME_ELEMENTS = lxml.etree.XPath("|".join(f"//{xp}" for xp in _CHROME))
_WITH_CLASS_OR_ID = lxml.etree.XPath("//*[@class or @id]")
_LABEL_ELEMENTS = lxml.etree.XPath(_LABEL_XPATH)
_ENTRY_ELEMENTS = lxml.etree.XPath("//a|//button|//input[@type='submit' or @type='button']")
_CHROME_WORDS = ("menu", "navbar", "sidebar", "footer", "header", "breadcrumb")
_NAME_SPLIT = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def detail_vocabulary() -> dict:
    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


@dataclass
class Fields:
    """Which Circular 32/2017 items a service shows."""

    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    optional_found: list[str] = field(default_factory=list)

    @property
    def completeness(self) -> float | None:
        total = len(self.found) + len(self.missing)
        return round(len(self.found) / total, 4) if total else None

    def to_dict(self) -> dict[str, Any]:
        return {"found": self.found, "missing": self.missing,
                "optional_found": self.optional_found, "completeness": self.completeness}


def _all_text(el, sep: str = " ") -> str:
    """Text of an element with its blocks kept apart ("Toàn trình</p><p>Tên" must
    not become "trìnhTên", which lxml's text_content() does)."""
    return sep.join(el.itertext())


def _doc(html: str):
    try:
        return lxml.html.fromstring(html) if html and html.strip() else None
    except (ValueError, lxml.etree.ParserError):
        return None


def _main(doc):
    """The page without menus, header, footer and side boxes (news headlines there
    say "mức độ 4" about other things)."""
    for el in _CHROME_ELEMENTS(doc):
        el.drop_tree()
    for el in _WITH_CLASS_OR_ID(doc):
        if el.tag in ("html", "body"):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if not any(word in names for word in _CHROME_WORDS):
            continue  # most elements: no need to split their names into words
        if any(t in _CHROME_WORDS for t in _NAME_SPLIT.split(names)) and el.getparent() is not None:
            el.drop_tree()
    return doc


@lru_cache(maxsize=4)
def _parsed(html: str) -> tuple[Any, Any, str]:
    """(whole page, page without its chrome, main text), parsed once per page:
    the detail checks below all read the same page (a cache, not state: the
    trees are never changed after this)."""
    doc = _doc(html)
    if doc is None:
        return None, None, ""
    main = _main(copy.deepcopy(doc))  # a copy costs a quarter of a second parse
    return doc, main, normalise(_all_text(main))


def main_text(html: str) -> str:
    return _parsed(html)[2]


def _labels(doc) -> tuple[list[str], list[str]]:
    """(texts of label-like elements, short phrases written before a colon)."""
    elements = [fold(_all_text(el))[:120] for el in _LABEL_ELEMENTS(doc)]
    inline = []
    # "Thời hạn giải quyết: 05 ngày" written inline: a short phrase that starts a
    # line or sentence and ends at a colon ("… hẹn trả kết quả (mẫu CT04): " is prose).
    for piece in re.split(r"[\n.;!?]", _all_text(doc, "\n")):
        if ":" in piece:
            head = fold(piece.split(":", 1)[0])
            if head and len(head.split()) <= 6:
                inline.append(head)
    return [e for e in elements if e], inline


def _label_matches(labels: tuple[list[str], list[str]], synonyms: list[str]) -> bool:
    elements, inline = labels
    for syn in synonyms:
        for label in elements:
            # A label is short: a table cell of prose that mentions "kết quả" is not one.
            if len(label.split()) > len(syn.split()) + 5:
                continue
            if label == syn or label.startswith(syn + " ") or label.endswith(" " + syn) or \
                    (len(syn.split()) >= 2 and f" {syn} " in f" {label} "):
                return True
        if any(label == syn or label.startswith(syn + " ") for label in inline):
            return True
    return False


def fields_from_html(html: str, name: str | None = None) -> Fields:
    """The Circular 32/2017 items a detail page labels (a label with nothing
    after it still counts: emptiness is not judged)."""
    doc = _parsed(html)[1]
    result = Fields()
    if doc is None:
        return result
    labels = _labels(doc)
    folded_text = fold(main_text(html))  # the same folded text the level and payment checks read
    for key, spec in detail_vocabulary()["fields"].items():
        present = _label_matches(labels, spec["labels"])
        if key == "ten_thu_tuc" and not present and name:
            present = fold(name) in folded_text
        _record(result, key, spec, present)
    return result


def _record(result: Fields, key: str, spec: dict, present: bool) -> None:
    if spec["required"]:
        (result.found if present else result.missing).append(key)
    elif present:
        result.optional_found.append(key)


def _path_values(data: Any, path: str) -> list[Any]:
    values = [data]
    for part in path.split("."):
        nxt: list = []
        for v in values:
            if isinstance(v, list):
                nxt.extend(x.get(part) for x in v if isinstance(x, dict))
            elif isinstance(v, dict):
                nxt.append(v.get(part))
        values = nxt
    flat = []
    for v in values:
        flat.extend(v if isinstance(v, list) else [v])
    return flat


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip()) and not value.strip().endswith("download_file.jsp?ma=")
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _fields_from_data(data: dict, which: str) -> Fields:
    result = Fields()
    for key, spec in detail_vocabulary()["fields"].items():
        present = any(_filled(v) for path in spec.get(which) or [] for v in _path_values(data, path))
        _record(result, key, spec, present)
    return result


def fields_from_api(record: dict) -> Fields:
    """A JSON record of the national portal (what its SPA renders)."""
    if isinstance(record.get("data"), dict):
        record = record["data"]
    return _fields_from_data(record, "api")


def fields_from_record_2021(record: dict) -> Fields:
    """A record of the 2021 scrape of the old national portal (keys = on-page headings)."""
    return _fields_from_data(record, "record_2021")


def _entries(doc) -> list[tuple[str, str]]:
    out = []
    for el in _ENTRY_ELEMENTS(doc):
        text = _all_text(el) if el.tag != "input" else (el.get("value") or "")
        text = fold(f"{text} {el.get('title') or ''}")
        if text:
            out.append((text, el.get("href") or ""))
    return out


def online_submission(html: str) -> tuple[bool | None, str | None]:
    """(found, label): a link or button that submits the dossier online."""
    doc = _parsed(html)[0]
    if doc is None:
        return None, None
    phrases = detail_vocabulary()["online_submission"]
    for text, _href in _entries(doc):
        hit = next((p for p in phrases if f" {p} " in f" {text} "), None)
        if hit:
            return True, text[:80]
    return False, None


def online_payment(html: str) -> tuple[bool | None, str | None]:
    """(found, phrase): the page offers paying the fee online."""
    text = fold(main_text(html))
    if not text:
        return None, None
    hit = next((p for p in detail_vocabulary()["online_payment"] if f" {p} " in f" {text} "), None)
    return bool(hit), hit


def level_from_detail(html: str) -> Level:
    """The level a detail page states (checks.service_level_detail)."""
    from checks.service_level_detail import level_from_detail_doc
    return level_from_detail_doc(_parsed(html)[1])


def judge_page(html: str, name: str | None, listed_level: Level) -> tuple[dict[str, Any], dict[str, Any], Level]:
    """A live detail page: (row fields, evidence, the service's level).

    Completeness over Circular 32/2017's items, the online submission entry, the
    online payment phrase, and the level: the page's labelled row decides
    (checks.service_level_detail.choose_level)."""
    from checks.service_level_detail import choose_level
    fields = fields_from_html(html, name)
    submission, sub_label = online_submission(html)
    payment, pay_phrase = online_payment(html)
    detail_level = level_from_detail(html)
    level, conflict = choose_level(listed_level, detail_level)
    row = {"completeness": fields.completeness, "has_online_submission": submission, "has_online_payment": payment}
    evidence = {"fields": fields.to_dict(), "submission_entry": sub_label, "payment_phrase": pay_phrase,
                "detail_level": detail_level.to_dict(), **conflict}
    return row, evidence, level


def judge_record(record: dict, status: str) -> tuple[dict[str, Any], dict[str, Any], Level]:
    """A JSON record of a single-page app (the national portal): (row fields,
    evidence, level). Online submission is what its executionMethods say (an
    ONLINE method, i.e. a level of một phần or toàn trình); payment is not known
    from the record."""
    from checks.service_level import level_from_api
    level = level_from_api(record)
    fields = fields_from_api(record)
    row: dict[str, Any] = {"completeness": None, "has_online_submission": None, "has_online_payment": None}
    evidence: dict[str, Any] = {"fields": fields.to_dict()}
    if status == "live":
        row["completeness"] = fields.completeness
        row["has_online_submission"] = level.key in ("toan_trinh", "mot_phan") if level.known else None
        evidence["submission_source"] = "api executionMethods"
    return row, evidence, level


def page_status(page: Page) -> tuple[str, dict[str, Any]]:
    """Liveness of a service page. A redirect that ends on a login page is live
    (the service needs an account); the fetcher's taxonomy decides the rest."""
    evidence: dict[str, Any] = {}
    if page.redirect_chain and is_login_url(page.final_url):
        evidence["login_redirect"] = page.final_url
        if page.status not in DEAD_STATUSES:
            return "live", evidence
    return page.status, evidence


def shows_failure(status: str, http_status: int | None) -> bool:
    """Whether a service page proves the service does not work for a citizen
    (a dead status, never blocked, a timeout or a tool error) with an answer a
    browser can show: a 404, a soft 404, a server error. A DNS, TLS or
    connection failure, or a redirect loop, has no page to show."""
    return status in DEAD_STATUSES and status != "redirect_loop" and http_status is not None


def spa_status(shell: Page, api_page: Page | None, record: dict | None) -> tuple[str, dict[str, Any]]:
    """A service of a single-page app: the shell answering 200 and the API
    holding its record is live. Every path gets the same shell, so a shell
    without a record is a soft 404; an API we could not read proves nothing."""
    status, evidence = page_status(shell)
    evidence["shell_status"] = shell.status
    if api_page is not None:
        evidence["api_status"] = api_page.status
        evidence["api_http_status"] = api_page.http_status
    if status != "live" or evidence.get("login_redirect"):
        return status, evidence
    if record is not None:
        return "live", evidence
    if api_page is None or api_page.status in ("blocked", "timeout", "error") or \
            (api_page.status == "server_error"):
        evidence["reason"] = "api_unreadable"
        return (api_page.status if api_page is not None and api_page.status != "server_error"
                else "error"), evidence
    evidence["reason"] = "no_api_record"
    return "soft_404", evidence
