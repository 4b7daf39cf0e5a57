"""Which Chromium portalcheck uses, and whether it starts, asked before a run.

A JavaScript menu read without a browser looks like a portal with no menu: a
browser that cannot start must stop a run before anything is fetched (or, with
`--no-browser`, make what needed it inconclusive), never turn into "không đạt".

The executable is the setting PORTALCHECK_CHROMIUM (environment variable or
`-s`): Debian's /usr/bin/chromium by default; when the setting names none (an
empty value), or names the default and it is not installed, Playwright's own
Chromium if one was downloaded.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
# A successful launch is remembered this long for the same executable (same
# path, size and modification time) and Playwright: `monitor` runs from cron
# every few minutes and each check costs a second or two of Chromium start-up.
# A failure is never remembered.
_REMEMBER_SECONDS = 600


@dataclass
class BrowserReport:
    """What the launch check found; `ok` only when Chromium started and rendered."""

    ok: bool
    path: str | None
    version: str | None = None
    playwright: str | None = None
    error: str | None = None
    seconds: float | None = None


def playwright_version() -> str | None:
    try:
        return version("playwright")
    except PackageNotFoundError:
        return None


def _playwright_own_chromium() -> str | None:
    """The Chromium `playwright install` downloaded, if any (never downloads)."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for candidate in sorted(root.glob("chromium-*/chrome-linux*/chrome"), reverse=True):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def chromium_path(setting: str | None) -> str | None:
    """The executable the setting stands for (None when there is none to use)."""
    setting = (setting or "").strip()
    debian = DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else None
    if not setting:
        return _playwright_own_chromium() or debian
    if setting == DEBIAN_CHROMIUM and debian is None:
        # the default, not installed: Playwright's own, else name the default in the error
        return _playwright_own_chromium() or DEBIAN_CHROMIUM
    return setting


def launch_options(settings) -> dict:
    """PLAYWRIGHT_LAUNCH_OPTIONS with the executable PORTALCHECK_CHROMIUM stands for."""
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") if hasattr(settings, "getdict")
                   else settings.get("PLAYWRIGHT_LAUNCH_OPTIONS") or {})
    path = chromium_path(settings.get("PORTALCHECK_CHROMIUM"))
    options.pop("executable_path", None)
    if path:
        options["executable_path"] = path
    return options


def project_launch_options() -> dict:
    """The launch options of the project's settings (for tools and tests that
    drive Playwright themselves): Chromium as every render starts it."""
    from scrapy.settings import Settings

    from crawler import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings)
    return launch_options(settings)


def _stamp_file(path: str) -> Path | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = f"{path}|{st.st_size}|{st.st_mtime_ns}|{playwright_version()}"
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"portalcheck-{os.getuid()}"
    return folder / f"browser-ok-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _remembered(path: str) -> BrowserReport | None:
    stamp = _stamp_file(path)
    try:
        if stamp and time.time() - stamp.stat().st_mtime < _REMEMBER_SECONDS:
            return BrowserReport(**json.loads(stamp.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return None


def _remember(report: BrowserReport) -> None:
    stamp = _stamp_file(report.path or "")
    if stamp is None:
        return
    try:
        stamp.parent.mkdir(mode=0o700, exist_ok=True)
        stamp.write_text(json.dumps(asdict(report)), encoding="utf-8")
    except OSError:
        pass  # remembering is a saving, not a need


def _launch(options: dict, timeout_ms: float, out: dict) -> None:
    """In a thread of its own: Playwright's sync API runs its own event loop,
    which must not be the one Scrapy's reactor installs later in this process."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**options, timeout=timeout_ms)
            try:
                page = browser.new_page()
                page.set_content("<title>portalcheck</title><p id=t>ok</p>", timeout=timeout_ms)
                if page.inner_text("#t", timeout=timeout_ms) != "ok":
                    raise RuntimeError("the page did not render")
                out["version"] = browser.version
            finally:
                browser.close()
    except Exception as exc:  # any failure is the answer, told to the user
        out["error"] = f"{type(exc).__name__}: {exc}".strip()[:600]


def check_launch(settings, timeout_s: float = 60.0, remember: bool = True) -> BrowserReport:
    """Start Chromium as a render would (same executable and flags), render a
    tiny page, and close it."""
    options = launch_options(settings)
    path = options.get("executable_path")
    report = BrowserReport(ok=False, path=path, playwright=playwright_version())
    if not path:
        report.error = "no Chromium found"
        return report
    if not os.access(path, os.X_OK):
        report.error = "not found or not executable"
        return report
    if remember and (known := _remembered(path)) is not None:
        return known
    out: dict = {}
    started = time.monotonic()
    thread = threading.Thread(target=_launch, args=(options, timeout_s * 1000, out), daemon=True,
                              name="browser-check")
    thread.start()
    thread.join(timeout_s + 5)
    report.seconds = round(time.monotonic() - started, 2)
    if thread.is_alive():
        report.error = f"Chromium did not start within {timeout_s:g} s"
    elif out.get("error"):
        report.error = out["error"].splitlines()[0][:300]
    else:
        report.ok, report.version = True, out.get("version")
        if remember:
            _remember(report)
    return report
