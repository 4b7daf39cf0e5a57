"""Known truth of the demo farm, derived from the same data that builds the pages.

What a careful human inspector concludes (see README.md for the rules):
- portal_status: taxonomy status of the homepage (behaviour blocked -> blocked, hang -> timeout,
  refused -> connection_error, garbage -> live, otherwise live).
- a section passes iff one of its homepage links (menu, JS menu, box, footer, image-only or
  title-only banner) leads to a page of the section that is live and not a soft 404 — an
  empty one ("Không có dữ liệu") included: an empty section is present; lien_he also passes
  on contact details (address/phone/email) in the footer. Otherwise fail.
- content (the `content` observation of a section), for a present section reached through a page: pass when one of
  its pages lists items, fail when every page of it is empty.
- functions follow the portal's `functions` data; https always fails (plain http);
  accessibility and performance are inconclusive.
- portal not live-reachable (blocked, timeout, refused) -> every section and function inconclusive.
"""
from __future__ import annotations

from typing import Any

from . import data

PORTAL_STATUS = {"blocked": "blocked", "hang": "timeout", "refused": "connection_error"}


def portal_status(p: dict[str, Any]) -> str:
    return PORTAL_STATUS.get(p.get("behaviour", "live"), "live")


def _footer_contact(p: dict[str, Any]) -> bool:
    c = p.get("contact") or {}
    return p.get("behaviour") != "garbage" and sum(bool(c.get(k)) for k in ("address", "phone", "email")) >= 2


def _pages(p: dict[str, Any], key: str, services_status: str) -> list[str]:
    """What each homepage link of a section leads to: ok | empty | dead."""
    out = []
    for link in data.links_of((p.get("sections") or {}).get(key)):
        if link["href"].startswith("@services"):
            out.append("ok" if services_status == "live" else "dead")
        else:
            state = link.get("page", "ok")
            out.append(state if state in ("ok", "empty") else "dead")
    return out


def sections(p: dict[str, Any], services_status: str) -> dict[str, str]:
    if portal_status(p) != "live":
        return {k: "inconclusive" for k in data.SECTION_KEYS}
    out = {}
    for key in data.SECTION_KEYS:
        ok = any(state in ("ok", "empty") for state in _pages(p, key, services_status))
        if key == "lien_he" and _footer_contact(p):
            ok = True
        out[key] = "pass" if ok else "fail"
    return out


def content(p: dict[str, Any], services_status: str) -> dict[str, str]:
    """Present sections reached through a page: does one of their pages list items?"""
    if portal_status(p) != "live":
        return {}
    out = {}
    for key in data.SECTION_KEYS:
        pages = _pages(p, key, services_status)
        if "ok" in pages:
            out[key] = "pass"
        elif "empty" in pages and not (key == "lien_he" and _footer_contact(p)):
            out[key] = "fail"
    return out


def functions(p: dict[str, Any]) -> dict[str, str]:
    if portal_status(p) != "live":
        return {k: "inconclusive" for k in data.FUNCTION_KEYS}
    fn = p.get("functions") or {}
    yes = {
        "search": fn.get("search") == "ok",
        "related_links": bool(fn.get("related_links")),
        "print": bool(fn.get("print")),
        "english": fn.get("english") == "ok",
        "site_map": fn.get("site_map") == "ok",
        "rss": fn.get("rss") == "ok",
        "emc": bool(fn.get("emc")),
        "https": False,
        "mobile": bool(fn.get("mobile")),
    }
    out = {k: ("pass" if v else "fail") for k, v in yes.items()}
    out.update(accessibility="inconclusive", performance="inconclusive")
    return out


def derive(p: dict[str, Any], sp_url: str, sp_status: str, services: list[data.Service],
           service_url: Any) -> dict[str, Any]:
    """Truth of one target. `service_url(service)` gives a service's absolute detail URL."""
    listed = sp_status == "live"
    return {
        "portal_status": portal_status(p),
        "sections": sections(p, sp_status),
        "content": content(p, sp_status),
        "functions": functions(p),
        "services_portal": {"url": sp_url, "status": sp_status},
        "services": [
            {"url": service_url(s), "code": s.code, "name": s.name, "level": s.level, "status": s.status,
             "fields_missing": list(s.missing_fields)}
            for s in (services if listed else [])
        ],
    }
