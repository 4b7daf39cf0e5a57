"""What several commands do before they start: their options turned into Scrapy
settings, a methodology and a database checked, Chromium checked, and the one
way they print to stderr."""
from __future__ import annotations

import sys
from pathlib import Path

from crawler.browser.launch import check_launch
from crawler.cli.i18n import t
from crawler.orchestration.process import project_settings
from results import store


def scrapy_overrides(args) -> dict:
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name.strip()] = value
    if getattr(args, "ignore_robots", None):
        overrides["ROBOTSTXT_OBEY"] = False
        overrides["PORTALCHECK_ROBOTS_OVERRIDE_REASON"] = args.ignore_robots
    if getattr(args, "workers", None) is not None:
        overrides["PORTALCHECK_WORKERS"] = args.workers
    if getattr(args, "audits", None) is not None:
        overrides["PORTALCHECK_AUDITS"] = args.audits
    return overrides


def warn_audits_without_browser(args) -> None:
    """Audits asked for with the browser turned off: say they will be inconclusive."""
    audits = getattr(args, "audits", None)
    if getattr(args, "no_browser", False) and audits and audits != "none":
        stderr(t("audits.without_browser", names=audits))


def audits_option(value: str) -> str:
    """`--audits accessibility,performance` (or all, none) as PORTALCHECK_AUDITS's value."""
    import argparse

    from checks.audit_config import parse_audits

    try:
        return ",".join(parse_audits(value)) or "none"
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("audits.unknown", names=str(exc))) from None


def ready_to_fetch(db_path: str | Path, no_browser: bool, overrides: dict) -> bool:
    """Before anything is fetched: the results database must take a write
    (else DatabaseError, which the CLI tells in one line, exit 2), then
    Chromium must start, or the command refuses (its caller exits 2) with a
    message naming the fix. `--no-browser` turns renders off instead (what
    needed one is inconclusive: render_failed)."""
    store.check_writable(db_path)
    if no_browser:
        overrides["PORTALCHECK_BROWSER"] = False
        stderr(t("browser.off"))
        return True
    if not project_settings(overrides).getbool("PORTALCHECK_BROWSER"):
        return True  # turned off by -s, as --no-browser does
    report = check_launch(project_settings(overrides))
    if not report.ok:
        stderr(t("browser.unavailable", path=report.path or "—", error=report.error))
    return report.ok


def unknown_methodology(name: str) -> str | None:
    """An error message when `name` is not a shipped methodology (checked before a sweep starts)."""
    from scoring import list_methodologies  # the scoring package only when asked

    known = list_methodologies()
    if name in known or Path(name).is_file():
        return None
    return t("sweep.unknown_methodology", name=name, known=", ".join(known))


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
