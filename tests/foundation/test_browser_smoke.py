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


def _browser_command_line() -> list[str]:
    """The arguments of the Chromium browser process this test started (through the driver):
    Chromium gives its own command line over CDP only to a browser started with --enable-automation."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except OSError:
                continue

    def ours(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    for pid in parents:
        if ours(pid):
            try:
                args = open(f"/proc/{pid}/cmdline").read().split("\0")
            except OSError:
                continue
            if "chrom" in args[0] and not any(a.startswith("--type=") for a in args):
                return args
    raise AssertionError("no Chromium browser process under this test")


def test_launch_turns_off_our_features_without_dropping_playwrights():
    """Chromium keeps only the last --disable-features: ours must carry Playwright's list, and
    the address bar's WebUI popups (a renderer per browser context) must not be opened."""
    from playwright.sync_api import sync_playwright

    from crawler.browser.launch import playwright_disabled_features

    playwrights = set(playwright_disabled_features())
    assert {"HttpsUpgrades", "AvoidCorsURLLoaderRestartOnRedirect"} <= playwrights
    with sync_playwright() as p:
        browser = p.chromium.launch(**project_launch_options())
        context = browser.new_context()
        context.new_page().set_content("<p>Giới thiệu</p>")
        switches = _browser_command_line()
        targets = browser.new_browser_cdp_session().send("Target.getTargets")["targetInfos"]
        browser.close()
    disabled = [a for a in switches if a.startswith("--disable-features=")]
    names = set(disabled[-1].split("=", 1)[1].split(","))  # the one Chromium keeps
    assert playwrights | {"WebUIOmniboxPopup", "WebUIOmniboxAimPopup"} <= names
    assert [t["url"] for t in targets if t["type"] == "browser_ui"] == []
