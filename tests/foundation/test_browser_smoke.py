"""Debian's Chromium lags Playwright's: this catches a pin that no longer launches."""
from __future__ import annotations

import os

import pytest

from crawler.browser.launch import project_launch_options

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"),
                                reason="Debian chromium not installed (make setup installs it)")


def test_system_chromium_launches_and_renders_a_loopback_page(loopback):
    from playwright.sync_api import sync_playwright

    server = loopback({"/": lambda h: h.reply(200, "<html><body><ul id='m'></ul><script>"
                                                   "document.getElementById('m').innerHTML='<li>Giới thiệu</li>'"
                                                   "</script></body></html>")})
    with sync_playwright() as p:
        browser = p.chromium.launch(**project_launch_options())
        page = browser.new_page()
        page.goto(server.url + "/")
        assert page.inner_text("#m") == "Giới thiệu"
        browser.close()
