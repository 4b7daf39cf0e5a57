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

import functools
import hashlib
import json
import os
import re
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


_DISABLE_FEATURES = "--disable-features="


@functools.lru_cache(maxsize=1)
def playwright_disabled_features() -> tuple[str, ...]:
    """The Chromium features Playwright's driver turns off at every launch (its own
    `--disable-features=` switch), read from the installed driver; () if it cannot be read.

    Chromium keeps only the last `--disable-features` on its command line, and Playwright puts
    the launch options' arguments after its own: a switch of ours replaces its list (HTTP kept
    on HTTP, the fix for redirects under request interception, ...) unless it carries it too."""
    try:
        import playwright

        bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
        text = bundle.read_text(encoding="utf-8")
    except (ImportError, OSError, UnicodeDecodeError):
        return ()
    found = re.search(r"\bdisabledFeatures = \[(.*?)\]", text, re.S)
    if not found:
        return ()
    return tuple(re.findall(r'^\s*"([A-Za-z0-9]+)"', found.group(1), re.M))


def _with_disabled_features(args: list[str], ours: list[str]) -> list[str]:
    """`args` with one `--disable-features` switch: Playwright's list, any the arguments
    name, and `ours`. Without Playwright's list (a driver we cannot read) ours are left out
    rather than let them turn Playwright's back on."""
    named = [a for a in args if a.startswith(_DISABLE_FEATURES)]
    if not ours and not named:
        return args
    base = playwright_disabled_features()
    if not base:
        return args
    features = list(dict.fromkeys([*base, *(f for a in named for f in a[len(_DISABLE_FEATURES):].split(",") if f),
                                   *ours]))
    return [a for a in args if not a.startswith(_DISABLE_FEATURES)] + [_DISABLE_FEATURES + ",".join(features)]


def launch_options(settings) -> dict:
    """PLAYWRIGHT_LAUNCH_OPTIONS with the executable PORTALCHECK_CHROMIUM stands for, and
    the features PORTALCHECK_CHROMIUM_DISABLED_FEATURES names turned off (with Playwright's)."""
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") if hasattr(settings, "getdict")
                   else settings.get("PLAYWRIGHT_LAUNCH_OPTIONS") or {})
    path = chromium_path(settings.get("PORTALCHECK_CHROMIUM"))
    options.pop("executable_path", None)
    if path:
        options["executable_path"] = path
    ours = (settings.getlist("PORTALCHECK_CHROMIUM_DISABLED_FEATURES") if hasattr(settings, "getlist")
            else list(settings.get("PORTALCHECK_CHROMIUM_DISABLED_FEATURES") or []))
    options["args"] = _with_disabled_features(list(options.get("args") or []), ours)
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
