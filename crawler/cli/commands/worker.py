"""portalcheck worker: run a distributed sweep's host groups (RQ jobs) until stopped."""
from __future__ import annotations

import os
import socket

from crawler.browser.launch import check_launch
from crawler.cli.i18n import t
from crawler.cli.preflight import scrapy_overrides, stderr
from crawler.orchestration.process import project_settings


def register(sub) -> None:
    default_queue = project_settings().get("PORTALCHECK_REDIS_QUEUE")
    p = sub.add_parser("worker", help=t("worker.help"), description=t("worker.help"))
    p.add_argument("--redis", metavar="URL", required=True, help=t("worker.redis"))
    p.add_argument("--queue", metavar="NAME", default=default_queue, help=t("worker.queue", default=default_queue))
    p.add_argument("--name", help=t("worker.name"))
    p.add_argument("--burst", action="store_true", help=t("worker.burst"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help=t("sweep.set"))
    p.add_argument("--verbose", "-v", action="store_true", help=t("sweep.verbose"))
    p.set_defaults(func=run)


def run(args) -> int:
    import redis

    from crawler.distributed import redis_names
    from crawler.distributed.jobs import run_worker  # Scrapy, RQ and redis only for this command

    shown = redis_names.shown(args.redis)
    name = args.name or f"{socket.gethostname()}:{os.getpid()}"
    overrides = scrapy_overrides(args)
    if not args.verbose:
        overrides.setdefault("LOG_LEVEL", "CRITICAL")
    try:
        redis_names.connect(args.redis).ping()
    except (ValueError, redis.RedisError) as fault:
        # Words for the kind of fault, never its text: a redis error may echo the URL's password.
        kind = "bad_url" if isinstance(fault, ValueError) else \
            "auth" if isinstance(fault, redis.AuthenticationError) else "unreachable"
        stderr(t("worker.bad_redis", redis=shown, error=t(f"worker.fault_{kind}")))
        return 2
    settings = project_settings(overrides)
    if settings.getbool("PORTALCHECK_BROWSER"):
        # a job that needs a render here without a browser stores render_failed
        # (inconclusive, never a failure): said now, not found in the results
        report = check_launch(settings)
        if not report.ok:
            stderr(t("browser.unavailable", path=report.path or "—", error=report.error))
    stderr(t("worker.starting", name=name, queue=args.queue, redis=shown))
    run_worker(args.redis, args.queue, overrides, burst=args.burst, name=name, say=stderr)
    stderr(t("worker.stopped", name=name))
    return 0
