"""Can a citizen reach the portal, and how (like pshtt, the US HTTPS scanner).

Why: the ministry mainly judges whether a portal answers, and answers stably;
failures keep their own status, blocked is not dead (docs/statuses.md); and
Circular 22/2023 (HTTPS, security). The spider fetches the http/https and www
variants, a random path, robots.txt and sitemap.xml; these pure functions turn
the Pages (and the certificate check) into `reachability` observations:

  portal            the homepage answers (fail only for a dead status)
  variants          http/https × bare/www: which answer, where they end
  http_to_https     the http variant redirects to https
  tls_certificate   the certificate verifies; days to expiry
  hsts              Strict-Transport-Security on the https answer
  not_found_handling  a random path gets a real 404 (a soft 404 hides dead links)
  robots_txt, sitemap_xml   presence
"""
from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from checks import certificate
from checks.fetch_status import NotFoundFingerprint
from checks.model import DEAD_STATUSES, Observation, Page, outcome_for_status

LEGAL = "TT 22/2023/TT-BTTTT (an toàn thông tin); NĐ 42/2022/NĐ-CP Điều 6"
PORTAL_LEGAL = "NĐ 42/2022/NĐ-CP (cung cấp thông tin liên tục); QĐ 922/QĐ-BTTTT"


def _obs(key: str, outcome: str, legal: str = LEGAL, /, **evidence: Any) -> Observation:
    return Observation("reachability", key, outcome, legal, {k: v for k, v in evidence.items() if v is not None})


def _is_ip_or_local(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return host == "localhost" or "." not in host


def variant_urls(portal_url: str) -> dict[str, str]:
    """http/https × bare/www roots of the portal's host (no www variants for an IP)."""
    parts = urlsplit(portal_url)
    host = (parts.hostname or "").lower()
    bare = host[4:] if host.startswith("www.") else host
    port = f":{parts.port}" if parts.port else ""
    # A portal given with an explicit port (a test server) keeps it for both schemes.
    out = {}
    for www in ((False,) if _is_ip_or_local(bare) else (False, True)):
        name = ("www." if www else "") + bare
        for scheme in ("http", "https"):
            out[f"{scheme}{'_www' if www else ''}"] = urlunsplit((scheme, name + port, "/", "", ""))
    return out


def root_url(portal_url: str, path: str) -> str:
    parts = urlsplit(portal_url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _page_ev(page: Page | None) -> dict | None:
    if page is None:
        return None
    return {"url": page.url, "final_url": page.final_url, "status": page.status,
            "http_status": page.http_status, "redirect_chain": page.redirect_chain or None,
            "error": page.error}


def judge_portal(home: Page | None) -> Observation:
    """pass when the homepage is live; fail only for a dead status; otherwise inconclusive."""
    if home is None:
        return _obs("portal", "inconclusive", PORTAL_LEGAL, reason="not_fetched")
    outcome = outcome_for_status(home.status)
    return _obs("portal", outcome, PORTAL_LEGAL, url=home.final_url, href=home.url,
                target_status=home.status, http_status=home.http_status,
                redirect_chain=home.redirect_chain or None, rendered=home.rendered,
                reason=None if outcome == "pass" else home.status, elapsed_ms=home.elapsed_ms, error=home.error)


def judge_variants(pages: dict[str, Page]) -> Observation:
    """fail when a variant that answers HTTP is broken (404/5xx/loop) while the portal
    lives; a variant that does not exist (no DNS, nothing listening) is just absent."""
    table = {name: _page_ev(page) for name, page in pages.items()}
    # A root URL that answers a page is live here, even if the site's soft-404 fingerprint
    # (its homepage, on sites that answer every path with it) says otherwise.
    answers = {n: p for n, p in pages.items() if p.ok or (p.status == "soft_404" and p.http_status and p.http_status < 400)}
    live = list(answers)
    broken = [n for n, p in pages.items() if n not in answers and (
        p.http_status is not None and p.status in DEAD_STATUSES or p.status == "redirect_loop")]
    finals = sorted({_host_scheme(p.final_url) for p in answers.values()})
    ev = {"variants": table, "live": live, "final_origins": finals}
    if not live:
        unread = [n for n, p in pages.items() if p.status not in DEAD_STATUSES]
        return _obs("variants", "inconclusive" if unread else "fail", reason="no_variant_live", **ev)
    if broken:
        return _obs("variants", "fail", reason="broken_variant", broken=broken, **ev)
    return _obs("variants", "pass", **ev)


def _host_scheme(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}"


def judge_http_to_https(http_page: Page | None, https_page: Page | None) -> Observation:
    if http_page is None:
        return _obs("http_to_https", "inconclusive", reason="not_fetched")
    ev = {"url": http_page.url, "final_url": http_page.final_url, "redirect_chain": http_page.redirect_chain or None,
          "target_status": http_page.status}
    if (http_page.final_url or "").startswith("https://") and http_page.status not in DEAD_STATUSES:
        return _obs("http_to_https", "pass", **ev)
    if http_page.ok or http_page.status in DEAD_STATUSES:
        return _obs("http_to_https", "fail", reason="no_redirect_to_https" if http_page.ok else http_page.status,
                    https_status=https_page.status if https_page else None, **ev)
    return _obs("http_to_https", "inconclusive", reason=f"unreadable:{http_page.status}", **ev)


def certificate_days(not_after: str | None, now: datetime | None = None) -> int | None:
    """Days until a certificate's notAfter (checks.certificate reads its formats);
    None when there is none or it cannot be read. The spider passes `now`."""
    if not not_after:
        return None
    try:
        return certificate.days_left(not_after, now or datetime.now(UTC))
    except ValueError:
        return None


def judge_tls(tls: dict | None, https_page: Page | None) -> Observation:
    ev = dict(tls or {})
    ev["https_status"] = https_page.status if https_page else None
    if tls is None:
        return _obs("tls_certificate", "inconclusive", reason="not_checked", **ev)
    if tls.get("timeout"):
        return _obs("tls_certificate", "inconclusive", reason="timeout", **ev)
    if tls.get("verified"):
        expired = tls.get("days_to_expiry") is not None and tls["days_to_expiry"] < 0
        return _obs("tls_certificate", "fail" if expired else "pass", reason="expired" if expired else None, **ev)
    if tls.get("handshake"):
        return _obs("tls_certificate", "fail", reason="certificate_invalid", **ev)
    return _obs("tls_certificate", "fail", reason="no_https", **ev)


def judge_hsts(https_page: Page | None) -> Observation:
    if https_page is not None and https_page.status == "blocked":
        # A firewall's answer need not carry the site's headers.
        return _obs("hsts", "inconclusive", reason="unreadable:blocked", url=https_page.final_url)
    if https_page is None or https_page.http_status is None:
        status = https_page.status if https_page else "not_fetched"
        outcome = "fail" if status in ("connection_error", "tls_error") else "inconclusive"
        return _obs("hsts", outcome, reason="no_https" if outcome == "fail" else f"unreadable:{status}")
    value = https_page.headers.get("strict-transport-security")
    if value and re.search(r"max-age=\s*[1-9]", value):
        return _obs("hsts", "pass", snippet=value, url=https_page.final_url)
    return _obs("hsts", "fail", reason="no_hsts_header", url=https_page.final_url, snippet=value)


def judge_not_found(page: Page | None, fingerprint: NotFoundFingerprint | None) -> Observation:
    if page is None:
        return _obs("not_found_handling", "inconclusive", reason="not_fetched")
    ev = {"url": page.url, "final_url": page.final_url, "http_status": page.http_status, "target_status": page.status}
    if page.http_status in (404, 410):
        return _obs("not_found_handling", "pass", **ev)
    if fingerprint is not None and fingerprint.is_soft or page.status == "soft_404":
        return _obs("not_found_handling", "fail", reason="soft_404", **ev)
    if page.http_status is None or page.status in ("blocked", "timeout", "error"):
        return _obs("not_found_handling", "inconclusive", reason=f"unreadable:{page.status}", **ev)
    return _obs("not_found_handling", "fail", reason=f"answers_{page.http_status}", **ev)


def looks_like_robots(text: str) -> bool:
    return bool(re.search(r"(?im)^\s*(user-agent|disallow|allow|sitemap)\s*:", text or ""))


def judge_robots(page: Page | None) -> Observation:
    if page is None or page.http_status is None:  # no HTTP answer: nothing to say about the file
        return _obs("robots_txt", "inconclusive", reason=f"unreadable:{page.status if page else 'not_fetched'}")
    ev = {"url": page.final_url, "http_status": page.http_status, "target_status": page.status}
    if page.status in ("blocked", "timeout", "error"):
        return _obs("robots_txt", "inconclusive", reason=f"unreadable:{page.status}", **ev)
    if page.http_status and page.http_status < 300 and looks_like_robots(page.text):
        sitemaps = re.findall(r"(?im)^\s*sitemap\s*:\s*(\S+)", page.text)
        return _obs("robots_txt", "pass", sitemaps=sitemaps or None, snippet=page.text[:200], **ev)
    return _obs("robots_txt", "fail", reason="absent", **ev)


def judge_sitemap_xml(page: Page | None) -> Observation:
    if page is None:
        return _obs("sitemap_xml", "inconclusive", reason="not_fetched")
    ev = {"url": page.final_url, "http_status": page.http_status, "target_status": page.status}
    if page.status in ("blocked", "timeout", "error") or page.http_status is None:
        return _obs("sitemap_xml", "inconclusive", reason=f"unreadable:{page.status}", **ev)
    if page.http_status and page.http_status < 300 and page.text:
        text = re.sub(r"^<\?xml[^>]*\?>", "", page.text.lstrip("\ufeff \r\n\t")).strip()
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
            kind = etree.QName(root).localname
        except (etree.XMLSyntaxError, ValueError):
            kind = None
        if kind in ("urlset", "sitemapindex"):
            count = sum(1 for el in root if isinstance(el.tag, str))
            return _obs("sitemap_xml", "pass", kind=kind, entries=count, **ev)
    return _obs("sitemap_xml", "fail", reason="absent", **ev)


def unjudged(obs: Observation, home_status: str) -> Observation:
    """When the homepage itself could not be read, only `portal` and `variants` are
    judged: a firewall or an outage colours every other answer."""
    if obs.key in ("portal", "variants") or obs.outcome == "inconclusive":
        return obs
    evidence = {**obs.evidence, "reason": f"homepage_{home_status}", "would_be": obs.outcome}
    return Observation(obs.category, obs.key, "inconclusive", obs.legal_ref, evidence)
