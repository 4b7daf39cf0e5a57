"""What a rendered page's guard route still asks the address policy about
(crawler/browser/guard_route.py): everything but http(s) requests to hosts the policy allowed
for that page, and heavy resources anywhere. End to end, in a browser:
tests/foundation/test_address_safety.py."""
from __future__ import annotations

import pytest

from crawler.browser.guard_route import intercepted

ALLOWED = {"portal.gov.vn", "cdn.portal.gov.vn", "::1"}


@pytest.mark.parametrize("url", [
    "http://portal.gov.vn/", "https://portal.gov.vn", "https://portal.gov.vn:8443/a?b=c",
    "http://cdn.portal.gov.vn/js/app.js?v=2", "http://portal.gov.vn#top", "http://[::1]:8080/x.css",
    "https://PORTAL.gov.vn/a.js",
])
def test_requests_to_allowed_hosts_go_straight_to_the_network(url):
    assert not intercepted(ALLOWED).search(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://evil.vn/portal.gov.vn/", "http://portal.gov.vn.evil.vn/x.js",
    "http://user@portal.gov.vn/", "http://portal.gov.vn@127.0.0.1/", "ftp://portal.gov.vn/x",
    "file:///etc/passwd", "data:text/html,hi", "ws://portal.gov.vn/socket",
    "http://portal.gov.vn/logo.PNG", "https://cdn.portal.gov.vn/f/font.woff2?v=1", "http://portal.gov.vn/v.mp4#t=1",
    "http://[::2]/", "http://xportal.gov.vn/",
])
def test_everything_else_is_asked(url):
    assert intercepted(ALLOWED).search(url)


def test_with_no_host_allowed_everything_is_asked():
    assert intercepted({"portal.gov.vn"}).search("http://other.gov.vn/")
    assert not intercepted({"portal.gov.vn"}).search("http://portal.gov.vn/page.html")
