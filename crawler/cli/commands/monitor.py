"""portalcheck monitor: one quick availability pass, meant for cron (docs/monitoring.md);
`--report` prints uptime by day, week or quarter instead.

Exit status: 0 nothing down, 1 something down (outside a maintenance window),
2 could not run (bad input, a database fault, another pass holding the lock, a
failed crawl, an undeliverable notification) — never 1, so a broken pass is
never taken for news. Silent unless something changed or --verbose.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings
from datetime import date
from pathlib import Path

import yaml

from checks.monitor_state import load_config, parse_services_mode, parse_windows
from crawler import __version__
from crawler import settings as defaults
from crawler.cli.i18n import get_lang, t, w
from crawler.cli.preflight import ready_to_fetch, stderr
from crawler.monitoring import notify
from crawler.monitoring.passes import housekeeping
from crawler.netsafety.redact import redact_notify_url
from crawler.orchestration import lock
from crawler.orchestration.process import fast_local_settings, run_spiders
from crawler.orchestration.runs import all_local
from crawler.registry.targets import TargetFileError, load_targets, targets_on
from results import monitor_store, store
from scoring import l10n
from scoring.uptime import build_report, pass_summary, period_words

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser("monitor", help=t("monitor.help"), description=t("monitor.description"))
    p.add_argument("--targets", metavar="FILE", help=t("monitor.targets"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--services", metavar="all|sample:N", help=t("monitor.services"))
    p.add_argument("--notify", action="append", default=[], metavar="URL", help=t("monitor.notify"))
    p.add_argument("--config", metavar="FILE", help=t("monitor.config"))
    p.add_argument("--no-browser", action="store_true", help=t("browser.no_browser"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("monitor.verbose"))
    g = p.add_argument_group(t("monitor.report_group"))
    g.add_argument("--report", action="store_true", help=t("monitor.report"))
    g.add_argument("--by", choices=("day", "week", "quarter"), default="day", help=t("monitor.by"))
    g.add_argument("--last", type=int, metavar="K", help=t("monitor.last"))
    g.add_argument("--target", metavar="ID", help=t("monitor.target"))
    g.add_argument("--each-service", action="store_true", help=t("monitor.each_service"))
    g.add_argument("--json", action="store_true", help=t("monitor.json"))
    g.add_argument("--format", choices=("table", "json", "html"), default=None, help=t("monitor_page.format"))
    g.add_argument("--out", metavar="DIR", help=t("monitor_page.out"))
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        config = load_config(args.config)
        services_n = parse_services_mode(args.services or config.services)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        stderr(t("monitor.bad_config", error=exc))
        return 2
    if args.report or args.format or args.out:   # a report format or folder asks for the report
        return report(args, config)
    if not args.targets:
        stderr(t("monitor.need_targets"))
        return 2
    try:
        # the units of today's map: a unit merged away is no longer watched
        targets = targets_on(load_targets(args.targets), date.today(), path=args.targets)
    except TargetFileError as exc:
        stderr(str(exc))
        return 2
    problems = []
    for target in targets:
        try:
            parse_windows(target.maintenance, config.tz)
        except ValueError as exc:
            problems.append(t("monitor.bad_maintenance", line=target.line, target=target.id, part=exc))
    urls = args.notify + defaults.PORTALCHECK_NOTIFY.split()
    problems += [t("monitor.bad_notify", url=redact_notify_url(url), position=urls.index(url) + 1)
                 for url in notify.invalid_urls(urls)]
    if problems:
        stderr("\n".join(problems))
        return 2
    try:
        with lock.hold(args.db):
            # after the lock: a pass refused because another runs says so at once
            args.browser_overrides = {}
            if not ready_to_fetch(args.db, args.no_browser, args.browser_overrides):
                return 2
            return one_pass(args, config, targets, services_n, urls)
    except lock.Locked as exc:
        stderr(t("monitor.locked", pid=exc.pid or "?", lock=exc.path))
        return 2


def one_pass(args, config, targets, services_n, urls) -> int:
    at = int(time.time())
    db = store.open_db(args.db)
    run_id = store.create_run(db, mode="monitor", tool_version=__version__,
                              settings={"services": args.services or config.services, "targets": len(targets)})
    db.conn.close()
    overrides = {
        "PORTALCHECK_MONITOR_AT": at, "PORTALCHECK_MONITOR_SERVICES": args.services or config.services,
        "PORTALCHECK_MONITOR_CONFIG": args.config, "PORTALCHECK_PROGRESS": False,
        "DOWNLOAD_TIMEOUT": config.download_timeout, "RETRY_TIMES": config.retry_times,
        "RETRY_ENABLED": config.retry_times > 0,
        # cron mails whatever a pass prints: Scrapy's log (robots.txt errors,
        # retries) only with --verbose
        "LOG_LEVEL": "WARNING" if args.verbose else "CRITICAL",
        **getattr(args, "browser_overrides", {}),
    }
    if all_local(targets):
        overrides = {**fast_local_settings(), **overrides}
    status = "failed"
    # A cron job mails whatever it prints: Scrapy's deprecation notices are not news.
    warnings.filterwarnings("ignore", message=".*install_root_handler.*")
    try:
        stats = run_spiders({"monitor": targets}, args.db, run_id, overrides)
        done = stats.get("monitor", {}).get("portalcheck/monitor_targets", 0)
        finished = stats.get("monitor", {}).get("finish_reason") == "finished"
        status = "finished" if finished and done == len(targets) else "interrupted"
    except Exception as exc:  # the pass failed: say so, exit 2, keep what was stored
        log.exception("monitor pass failed")
        stderr(t("monitor.crashed", error=exc))
    finally:
        db = store.open_db(args.db)
        store.finish_run(db, run_id, status)
    if status != "finished":
        stderr(t("monitor.incomplete", run=run_id, status=status))
        return 2
    housekeeping(db, at, config)
    code = tell(db, urls, at, config)
    summary = pass_summary(monitor_store.pass_vectors(db, at))
    problems = monitor_store.problems(db, [t_.id for t_ in targets])
    down = [p for p in problems if p["state"] == "down" and not summary.get(p["target_id"], {}).get("maintenance")]
    if args.verbose:
        print_pass(run_id, summary, problems, config, {t_.id: t_.name for t_ in targets})
    return code if code else (1 if down else 0)


def tell(db, urls: list[str], at: int, config) -> int:
    """Print and send this pass's (and undelivered earlier) messages; 2 if delivery failed."""
    events = monitor_store.pending_events(db, at - config.resend_hours * 3600)
    messages = notify.compose(events, config.tz, config.message_max_lines)
    if not messages:
        return 0
    for m in messages:  # cron mails what a job prints: changes only, so no repeated mail
        print(f"{m.title}\n{m.body}\n", flush=True)
    failed = notify.send(urls, messages) if urls else []
    monitor_store.mark_sent(db, [i for m in messages if m not in failed for i in m.event_ids], int(time.time()))
    for m in failed:
        stderr(t("monitor.notify_failed", target=m.target_id))
    return 2 if failed else 0


def print_pass(run_id: int, summary: dict, problems: list[dict], config, names: dict[str, str]) -> None:
    for target_id, info in summary.items():
        lang = get_lang()
        counts = ", ".join(f"{w('status', s)}: {l10n.format_count(n, lang)}" for s, n in sorted(info["counts"].items()))
        flag = f" [{t('monitor.in_maintenance')}]" if info["maintenance"] else ""
        print(t("monitor.pass_line", target=names.get(target_id) or target_id, checked=l10n.format_count(sum(info["counts"].values()), lang),
                counts=counts) + flag)
    for p in problems:
        print(problem_line(p, config))
    print(t("monitor.pass_done", run=run_id))


def report(args, config) -> int:
    from rich.console import Console
    from rich.markup import escape

    if not os.path.exists(args.db):
        stderr(t("export.no_db", db=args.db))
        return 2
    db = store.open_db(args.db)
    if args.format == "html":
        return status_page(args, config, db)
    last = args.last or {"day": 14, "week": 8, "quarter": 4}[args.by]
    data = build_report(db, args.by, last, int(time.time()), config.tz, args.target, args.each_service)
    if args.json or args.format == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not data["targets"]:
        stderr(t("monitor.report_empty", db=args.db))
        return 0
    console = Console()
    for target in data["targets"]:
        console.print(uptime_table(target))
        for p in target["problems"]:
            console.print(escape(problem_line(p, config)))
        for s in target.get("services", []):
            cells = "  ".join(f"{period_words(label, get_lang())}: {l10n.format_uptime(v['uptime'], get_lang())}"
                              for label, v in s["periods"].items())
            console.print(escape(f"  {s['name'] or s['url']}  {cells}"))
    return 0


def uptime_table(target: dict):
    """One target's uptime by period, in words and Babel's numbers (docs/monitoring.md)."""
    from rich.markup import escape
    from rich.table import Table

    lang = get_lang()
    table = Table(title=escape(f"{target['name']} ({target['id']})"))
    for column in ("period", "portal", "services_portal", "services", "unjudged", "maintenance"):
        table.add_column(t(f"monitor.col.{column}"), justify="left" if column == "period" else "right",
                         no_wrap=column == "period")
    for label, p in target["periods"].items():
        unjudged = sum(p[k]["unjudged"] for k in ("portal", "services_portal", "service"))
        table.add_row(period_words(label, lang), *(l10n.format_uptime(p[k]["uptime"], lang)
                                                   for k in ("portal", "services_portal", "service")),
                      l10n.format_count(unjudged, lang), l10n.format_count(p["maintenance_passes"], lang))
    return table


def problem_line(problem: dict, config) -> str:
    """"  Sở TC — Trang chủ cổng thông tin điện tử: Ngừng hoạt động từ 27/11/2026 14:05 (UTC+07:00) — https://…" """
    since = notify.local_time(problem["since"], config.tz) if problem["since"] else "—"
    what = notify.what({"kind": problem["kind"], "url_name": problem.get("name"), "code": problem.get("code"),
                        "url": problem["url"]})
    return t("monitor.problem_line", target=problem.get("target_name") or problem["target_id"], what=what,
             url=problem["url"], since=since, state=t(f"monitor_states.{problem['state']}"))


def status_page(args, config, db) -> int:
    """The static status page (scoring.monitor_page) into --out, in both languages."""
    from scoring.monitor_page import write_monitor_page

    out = Path(args.out or defaults.PORTALCHECK_MONITOR_PAGE_DIR)
    try:
        written = write_monitor_page(db, out, int(time.time()), config.tz, get_lang(),
                                     days=args.last or defaults.PORTALCHECK_MONITOR_PAGE_DAYS, only=args.target)
    except OSError as exc:
        stderr(t("monitor_page.not_written", path=out, error=exc))
        return 2
    print(t("monitor_page.written", path=written[0], other=written[1].name))
    return 0
