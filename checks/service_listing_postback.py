"""Lists paged by ASP.NET WebForms postbacks: GridView pagers
(`javascript:__doPostBack('ctl00$…$gvThuTuc','Page$3')`), LinkButtons "Trang sau"
(`WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("ctl00$…$lnkTrangSau", …))`)
and DataPagers (docs/services.md: every service listed).

Legal basis: Decree 42/2022 Art. 11 (see checks.service_listing). A postback is
the page's form submitted as a browser submits it: every hidden field (the view
state and its validation), text box, checked box and selected option, never a
submit button (a search button resets the list to page 1), with __EVENTTARGET
and __EVENTARGUMENT set from the link. Pure: (html, url) in, requests out.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode, urljoin, urlsplit

from checks.service_level import vocabulary
from checks.service_listing import ListRequest, canonical_url, plain
from checks.text import fold, normalise

_POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
_OPTIONS = re.compile(r"""WebForm_PostBackOptions\(\s*["']([^"']+)["']\s*,\s*["']([^"']*)["']""")
_PAGE_ARG = re.compile(r"^Page\$(\d+|Next|Last)$", re.I)
_CURRENT = re.compile(r"\btrang (\d+) ?(?:/|cua|tren|trong) ?\d+\b")
# Backwards, and "last" (from every page it is the same page): never asked for.
_SKIPPED = ("truoc", "trang truoc", "dau", "trang dau", "prev", "previous", "first", "<", "<<", "«", "‹",
            "cuoi", "trang cuoi", "last", "cuoi »")


def _form_fields(form) -> list[tuple[str, str]]:
    """What a browser submits from `form`, submit buttons left out."""
    out = []
    for el in form.iter("input", "select", "textarea"):
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio") and el.get("checked") is None:
                continue
            out.append((name, el.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif el.tag == "select":
            options = el.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            out.extend((name, o.get("value", normalise(o.text_content()))) for o in chosen)
        else:
            out.append((name, el.text or ""))
    return out


def _label(el) -> str:
    return normalise(" ".join(el.itertext()) or el.get("value") or el.get("title") or "")


def current_page(doc) -> int | None:
    """The page a postback list shows: "Trang 3/6", or the pager's number that is not a link."""
    match = _CURRENT.search(plain(" ".join(doc.itertext())))
    if match:
        return int(match.group(1))
    for el in doc.xpath("//*[contains(@href,'__doPostBack') or contains(@href,'WebForm_DoPostBack')]"):
        holder = el.getparent().getparent() if el.getparent() is not None else None
        if holder is None:
            continue
        for span in holder.iter("span", "b", "strong"):
            value = _label(span)
            if value.isdigit() and not any(a.tag == "a" for a in span.iterancestors()):
                return int(value)
    return None


def postback_pages(doc, page_url: str) -> tuple[list[ListRequest], str | None]:
    """(requests for the pager's other pages, this page's key `<action>#page=N`)."""
    voc = vocabulary()["listing"]
    forms = doc.xpath("//form[.//input[@name='__VIEWSTATE' or @name='__EVENTTARGET']]")
    if not forms:
        return [], None
    current = current_page(doc)
    # Without a page number on the page, its view state tells pages apart.
    state = (forms[0].xpath(".//input[@name='__VIEWSTATE']/@value") or [""])[0]
    here = current or f"vs{hashlib.sha1(state.encode()).hexdigest()[:12]}"
    out: dict[str, ListRequest] = {}
    action_key = None
    for el in doc.xpath("//*[@href or @onclick]"):
        script = f"{el.get('href') or ''} {el.get('onclick') or ''}"
        match = _POSTBACK.search(script) or _OPTIONS.search(script)
        if not match:
            continue
        target, argument = match.group(1), match.group(2)
        label = fold(_label(el))
        pager = label.isdigit() or label in voc["next_words"] or _PAGE_ARG.match(argument) or \
            _label(el) in ("...", "…", ">", "»", "›", ">>")
        if not pager or label in _SKIPPED or argument.lower() in ("page$prev", "page$first", "page$last"):
            continue
        form = next((f for f in el.iterancestors("form")), forms[0])
        action = urljoin(page_url, form.get("action") or page_url)
        if urlsplit(action).netloc != urlsplit(page_url).netloc:
            continue
        action_key = canonical_url(action)
        number = int(argument[5:]) if argument[5:].isdigit() and argument.lower().startswith("page$") else \
            (int(label) if label.isdigit() else None)
        key = f"{action_key}#page={number}" if number else f"{action_key}#{target}|{argument}|from={here}"
        fields = [(k, v) for k, v in _form_fields(form) if k not in ("__EVENTTARGET", "__EVENTARGUMENT")]
        body = urlencode([("__EVENTTARGET", target), ("__EVENTARGUMENT", argument), *fields])
        out.setdefault(key, ListRequest(action, "POST", body, "application/x-www-form-urlencoded", key))
    page_key = f"{action_key}#page={current}" if action_key and current else None
    return list(out.values()), page_key
