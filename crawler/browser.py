"""Chromium policy for rendered pages: what a check never needs is never loaded,
and a page never takes the browser across the public/private boundary."""
from __future__ import annotations

from urllib.parse import urlsplit

from crawler.targets import is_private_address

_HEAVY = frozenset({"image", "media", "font"})


def abort_heavy_request(request) -> bool:
    """True for requests Chromium must not make.

    Images, fonts and media: checks read the DOM, not the pixels. And the same
    address rule as crawler.middlewares.AddressSafetyMiddleware: a page served
    from a private address (the demo, a test) loads nothing from the internet
    (tracking scripts, CDNs), and a public page loads nothing from a private one.
    """
    if request.resource_type in _HEAVY:
        return True
    frame = getattr(request, "frame", None)
    page_url = getattr(frame, "url", "") or ""
    page_host = urlsplit(page_url).hostname
    host = urlsplit(request.url).hostname or ""
    if not page_host or page_url.startswith("about:"):
        return False
    return is_private_address(page_host) != is_private_address(host)
