"""The address rule, in one place: which hosts are private, and whether a target
was listed on a public address (docs/security.md). The downloader middleware
(crawler.netsafety.middleware), Chromium's request policy
(crawler.browser.policy) and the discover spider all ask here."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_private_address(host: str) -> bool:
    """True for every IP literal that is not globally routable (loopback, private,
    link-local such as 169.254.169.254, shared, reserved) and for localhost."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() in ("localhost",) or host.lower().endswith(".localhost")
    mapped = getattr(address, "ipv4_mapped", None)
    return not (mapped or address).is_global


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def target_is_public(target) -> bool:
    hosts = [urlsplit(u).hostname or "" for u in (target.portal_url, target.services_url) if u]
    return not any(is_private_address(h) for h in hosts)
