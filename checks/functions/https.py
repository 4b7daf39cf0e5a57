"""HTTPS: the portal is served over HTTPS with a valid certificate (TT 22/2023/TT-BTTTT,
security group).

Inputs: what Scrapy got from the https:// variant of the portal, and the result
of a certificate check made with Python's `ssl` module (Scrapy does not verify
certificates, so the spider runs a verifying handshake in a thread: see
`spiders/portal.py`). pass: the https variant answers and the certificate
verifies; fail: no HTTPS at all, or an invalid/expired certificate; inconclusive:
the https variant could not be read (blocked, timeout) or the certificate could
not be checked. Pure.
"""
from __future__ import annotations

from checks.functions import config, observation
from checks.model import Observation, Page

KEY = "https"


def judge(https_page: Page | None, tls: dict | None, http_page: Page | None = None) -> Observation:
    ev = {"url": https_page.final_url if https_page else None,
          "target_status": https_page.status if https_page else None,
          "http_status": https_page.http_status if https_page else None}
    if tls:
        ev.update({k: tls.get(k) for k in ("connect", "handshake", "verified", "error", "days_to_expiry",
                                            "not_after", "issuer", "subject")
                   if tls.get(k) is not None})
        if tls.get("days_to_expiry") is not None and tls["days_to_expiry"] < config(KEY)["warn_days"]:
            ev["expiry_warning"] = True
    if http_page is not None:
        ev["http_redirects_to_https"] = (http_page.final_url or "").startswith("https://")
    if tls is None:
        if https_page is not None and https_page.status in ("connection_error", "dns_error", "tls_error"):
            # Scrapy does not verify certificates: its TLS failure is a failed handshake.
            return observation(KEY, "fail", reason="no_https", **ev)
        return observation(KEY, "inconclusive", reason="certificate_not_checked", **ev)
    if tls.get("timeout"):
        return observation(KEY, "inconclusive", reason="unreadable:timeout", **ev)
    if tls.get("verified"):
        # The TLS layer is what this function judges: an HTTP error page is still served over HTTPS.
        return observation(KEY, "pass", **ev)
    if tls.get("handshake"):
        return observation(KEY, "fail", reason="certificate_invalid", **ev)
    if tls.get("connect") is not None:
        # Nothing listens for HTTPS, or it refuses every TLS handshake a browser would make.
        return observation(KEY, "fail", reason="no_https", **ev)
    return observation(KEY, "inconclusive", reason=f"unreadable:{tls.get('error') or 'not_checked'}", **ev)
