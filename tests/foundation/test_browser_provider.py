"""One browser per process, closed when idle and started again by the next
render; a crash (not an idle close) is told to scrapy-playwright's handlers."""
from __future__ import annotations

import asyncio
import os
import signal

import pytest
from scrapy.settings import Settings
from scrapy_playwright.handler import Config

from crawler import settings as project_settings
from crawler.browser import provider as browser_provider
from crawler.browser.provider import SharedBrowserProvider, _Shared

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"),
                                reason="Debian chromium not installed (make setup installs it)")


def config() -> Config:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("PORTALCHECK_BROWSER_IDLE_SECONDS", 0.4)
    browser_provider.configure(settings)
    return Config.from_settings(settings)


async def render(browser, html: str) -> str:
    context = await browser.new_context()
    page = await context.new_page()
    await page.set_content(html)
    text = await page.inner_text("#m")
    await context.close()
    return text


def test_an_idle_browser_is_closed_and_the_next_render_starts_another():
    async def scenario():
        # two handlers (as a sweep's two spiders have), one browser
        first, second = SharedBrowserProvider(config()), SharedBrowserProvider(config())
        await first.start()
        await second.start()
        a, b = await first.launch_browser(), await second.launch_browser()
        launches = _Shared.launches
        assert _Shared.browser is not None and _Shared.playwright is not None
        assert await render(a, "<p id='m'>Giới thiệu</p>") == "Giới thiệu"
        # no context open past the idle time: browser and driver are gone
        for _ in range(50):
            await asyncio.sleep(0.1)
            if _Shared.browser is None:
                break
        assert _Shared.browser is None and _Shared.playwright is None
        # the handlers keep their SharedBrowser: the next render starts a new one
        assert await render(b, "<p id='m'>Thủ tục hành chính</p>") == "Thủ tục hành chính"
        assert _Shared.launches == launches + 1
        # a context kept open keeps the browser up, however long
        context = await a.new_context()
        await asyncio.sleep(1.2)
        assert _Shared.browser is not None and _Shared.browser.is_connected()
        await context.close()
        await first.close()
        await second.close()
        assert _Shared.browser is None

    asyncio.run(scenario())


def test_a_crashed_browser_is_told_to_the_handlers_an_idle_close_is_not():
    async def scenario():
        provider = SharedBrowserProvider(config())
        await provider.start()
        shared = await provider.launch_browser()
        told = []

        async def handler_callback():  # scrapy-playwright's is a coroutine too
            told.append("disconnected")

        shared.on("disconnected", handler_callback)
        await render(shared, "<p id='m'>x</p>")
        for _ in range(50):  # idle close: not a crash
            await asyncio.sleep(0.1)
            if _Shared.browser is None:
                break
        assert _Shared.browser is None and told == []
        await render(shared, "<p id='m'>x</p>")  # relaunched
        context = await shared.new_context()     # keeps it from closing for idleness
        os.kill(_browser_pid(), signal.SIGKILL)
        for _ in range(50):
            await asyncio.sleep(0.1)
            if told:
                break
        assert told == ["disconnected"]
        del context
        assert await render(shared, "<p id='m'>again</p>") == "again"  # and a new one starts
        await provider.close()

    asyncio.run(scenario())


def _browser_pid() -> int:
    """The Chromium browser process started for this test process."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"chromium") and not any(a.startswith(b"--type=") for a in cmd):
            if _descends_from(ppid, os.getpid()):
                return int(entry)
    raise LookupError("no chromium of ours")


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False


def test_a_browser_waits_while_the_machine_has_its_maximum(tmp_path, monkeypatch):
    """PORTALCHECK_MAX_BROWSERS across processes: a slot held elsewhere (here by
    the test, as another worker process would) makes the launch wait; the slot
    is free again once the browser is closed for idleness."""
    import fcntl
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    async def scenario():
        provider = SharedBrowserProvider(config())
        await provider.start()
        other_worker = open(browser_provider._slot_dir() / "browser-0.lock", "a+")
        fcntl.flock(other_worker, fcntl.LOCK_EX | fcntl.LOCK_NB)
        launch = asyncio.ensure_future(provider.launch_browser())
        await asyncio.sleep(1.0)
        assert not launch.done() and _Shared.browser is None   # waiting, nothing started
        other_worker.close()                                    # the other browser closed
        shared = await asyncio.wait_for(launch, 30)
        assert await render(shared, "<p id='m'>Cổng dịch vụ công</p>") == "Cổng dịch vụ công"
        probe = open(browser_provider._slot_dir() / "browser-0.lock", "a+")
        with pytest.raises(BlockingIOError):                    # ours now
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for _ in range(100):  # idle: closed, driver stopped, then the slot given back
            await asyncio.sleep(0.1)
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                continue
        else:
            pytest.fail("the browser slot was not given back")
        assert _Shared.browser is None and _Shared.slot_file is None
        probe.close()
        await provider.close()

    asyncio.run(scenario())
