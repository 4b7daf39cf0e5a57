"""Scrapy settings for portalcheck: the one registry of every setting.

In the manner of Scrapy's own `default_settings.py`: every `PORTALCHECK_*`
setting is declared here once, with its default and a one-line comment, and
code reads it with no default of its own (`settings.getint("X")`). Every
setting can be overridden with `-s NAME=VALUE` (commands, `scrapy crawl`), and
a sweep stores the ones it was given with its run. docs/settings.md is
generated from this file (`scripts/settings_doc.py`; a test keeps them equal):
edit here, then run the script. Why the numbers are what they are, with the
measurements: docs/performance.md.

Polite by default on real servers (2 requests at a time per host, AutoThrottle,
robots.txt obeyed, an identifying User-Agent), while many hosts proceed in
parallel. Not `scrapy startproject`'s 1 request/s template.
"""
import os

from crawler import __version__

BOT_NAME = "portalcheck"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- portalcheck: a run and its results --------------------------------------
# The results database (SQLite) a crawl writes to.
PORTALCHECK_DB = "results/portalcheck.db"
# The run a crawl writes into; set by the commands (a bare `scrapy crawl` creates one).
PORTALCHECK_RUN_ID = None
# The label of a run a bare `scrapy crawl` creates.
PORTALCHECK_RUN_LABEL = None
# The methodology a run is scored with (scoring/methodologies/*.yaml, or a file).
PORTALCHECK_METHODOLOGY = "nd42-2025"
# Why robots.txt was ignored (`sweep --ignore-robots WHY`), stored with the run.
PORTALCHECK_ROBOTS_OVERRIDE_REASON = None
# A write kept waiting this long (seconds) on another process's lock leaves its target unfinished.
PORTALCHECK_WRITE_WAIT_SECONDS = 120
# Rows held in memory per spider until their targets finish; beyond, staged in SQLite.
PORTALCHECK_ROWS_IN_MEMORY = 5000
# Worker processes of a sweep; 0 = one per CPU core (crawler/orchestration/workers.py).
PORTALCHECK_WORKERS = 0
# Show the progress of a crawl (the commands turn it on).
PORTALCHECK_PROGRESS = False
# The number of (spider, target) pairs the progress display counts to.
PORTALCHECK_PROGRESS_TOTAL = 0
# Where a person is told who is calling (in the User-Agent).
PORTALCHECK_CONTACT_URL = "https://github.com/portalcheck/portalcheck#lien-he"
# The language of messages, vi or en (also the environment variable; `--lang` wins).
PORTALCHECK_LANG = os.environ.get("PORTALCHECK_LANG", "vi")

# --- portalcheck: sweeps across machines (RQ on Redis, docs/scaling.md) ------
# The RQ queue a distributed sweep's host groups go to (`sweep --queue`, `worker --queue`).
PORTALCHECK_REDIS_QUEUE = "portalcheck"
# Host groups packed into one RQ job, up to this many targets (a bigger group is a job alone).
PORTALCHECK_TARGETS_PER_JOB = 50
# A host group's job is stopped (RQ's job timeout) after this many seconds, and redone.
PORTALCHECK_JOB_TIMEOUT_SECONDS = 14400
# Times a host group's job is redone after it failed, timed out or lost its worker.
PORTALCHECK_JOB_RETRIES = 3
# Seconds between a worker's heartbeats while a job runs (RQ's job monitoring interval).
PORTALCHECK_WORKER_HEARTBEAT_SECONDS = 30
# Seconds past a missed heartbeat before a job is taken as abandoned and redone.
PORTALCHECK_WORKER_GRACE_SECONDS = 60
# A running host group with no target finished for this many seconds is shown as stuck.
PORTALCHECK_STUCK_GROUP_SECONDS = 900
# Seconds a coordinator or a job keeps retrying an unreachable Redis before giving up.
PORTALCHECK_REDIS_WAIT_SECONDS = 600
# Seconds between the coordinator's looks at its jobs and at the rows they sent back.
PORTALCHECK_COORDINATOR_POLL_SECONDS = 0.5

# --- portalcheck: bounds of one target ---------------------------------------
# Pages fetched per target: crawler traps end here.
PORTALCHECK_MAX_PAGES_PER_TARGET = 5000
# Seconds after a target's first request when no new request is made for it (0: no limit).
PORTALCHECK_MAX_SECONDS_PER_TARGET = 1800
# Longest URL fetched (an ever-growing query string is a trap); target files are held to it too.
PORTALCHECK_MAX_URL_LENGTH = 2083
# Services listed per target; past it the evidence says `truncated`.
PORTALCHECK_MAX_SERVICES_PER_TARGET = 5000
# Service list pages read per target (pages, fragments, postbacks, API pages).
PORTALCHECK_MAX_LIST_PAGES_PER_TARGET = 500
# Service pages asked for at once per target.
PORTALCHECK_SERVICES_IN_FLIGHT = 16

# --- portalcheck: the portal spider ------------------------------------------
# Links to other sites the portal spider may follow: all, private (loopback only) or none.
PORTALCHECK_FOLLOW_OFFSITE = "all"
# A YAML file of an agency's hints (where its sections are); `-a hints=FILE` too.
PORTALCHECK_HINTS = None
# A section lexicon file in place of checks/data/lexicon.yaml (a trial of new labels; `rejudge -s`).
PORTALCHECK_LEXICON = None
# Verify the portal's TLS certificate with Python's ssl module (Scrapy's accepts any).
PORTALCHECK_TLS_CHECK = True

# --- portalcheck: browser audits (docs/audits.md) ------------------------------
# Audits a crawl runs: "accessibility,performance", "none"; None: the methodology's `audits.enabled`.
PORTALCHECK_AUDITS = None
# Pages axe-core audits too, besides the homepage ("" for none): sections' keys (their page, once
# found) and services_portal (the target's online services portal, as its target file lists it).
PORTALCHECK_AUDIT_SAMPLE = "gioi_thieu,thu_tuc_hanh_chinh,services_portal"
# Seconds an audit may take inside a page (axe's run, a throttled load) before it is inconclusive.
PORTALCHECK_AUDIT_TIMEOUT = 45

# --- portalcheck: discover ---------------------------------------------------
# Structure pages ("Cơ cấu tổ chức", "Liên kết website"…) read per parent beyond its homepage.
PORTALCHECK_DISCOVER_PAGES = 6
# Child homepages fetched per parent (one GET each).
PORTALCHECK_DISCOVER_MAX_CHILDREN = 500

# --- portalcheck: monitor ----------------------------------------------------
# When the pass started (unix seconds); set by `portalcheck monitor` (0: when the spider starts).
PORTALCHECK_MONITOR_AT = 0
# Services a pass checks: "all" or "sample:N" (None: the monitor configuration's).
PORTALCHECK_MONITOR_SERVICES = None
# A YAML file over checks/data/monitor.yaml (thresholds, windows' time zone…).
PORTALCHECK_MONITOR_CONFIG = None
# Notification URLs (apprise), separated by spaces, besides `--notify` (environment variable).
PORTALCHECK_NOTIFY = os.environ.get("PORTALCHECK_NOTIFY", "")
# Where `monitor --report --format html` writes the status page without --out.
PORTALCHECK_MONITOR_PAGE_DIR = "reports/monitor"
# Days of uptime bars and response times the status page shows without --last.
PORTALCHECK_MONITOR_PAGE_DAYS = 30

# --- portalcheck: the archive (docs/archive.md) ------------------------------
# Keep every response of the run in a web archive (WACZ) beside the database (`--archive`).
PORTALCHECK_ARCHIVE = False
# Where the archives go; None: `<db>.archive/` beside the database.
PORTALCHECK_ARCHIVE_DIR = None
# A WACZ every request is answered from, with no network (set by `portalcheck rejudge`).
PORTALCHECK_REPLAY_FROM = None

# --- portalcheck: screenshots as evidence (docs/screenshots.md) ---------------
# Keep a screenshot of each rendered page a verdict rests on, in the run's database (False: none).
PORTALCHECK_SCREENSHOTS = True
# Rendered pages whose screenshot is kept (fetch purposes a verdict rests on).
PORTALCHECK_SCREENSHOT_PURPOSES = ["homepage_rendered", "spa_render"]
# JPEG quality (1-100) of a screenshot; the viewport only, never the full page.
PORTALCHECK_SCREENSHOT_QUALITY = 70
# A screenshot bigger than this (bytes) is taken again at half the quality, then dropped.
PORTALCHECK_SCREENSHOT_MAX_BYTES = 600_000
# Seconds a screenshot may take; past it the page has none (its verdict is unchanged).
PORTALCHECK_SCREENSHOT_TIMEOUT = 10
# Failing service pages per target rendered in the browser for their screenshot (0: none).
PORTALCHECK_SCREENSHOTS_PER_TARGET = 5

# --- portalcheck: the browser ------------------------------------------------
# False (`--no-browser`): nothing is rendered; what needed a browser is inconclusive (render_failed).
PORTALCHECK_BROWSER = True
# The Chromium executable (also the environment variable); empty: Playwright's own, if downloaded.
PORTALCHECK_CHROMIUM = os.environ.get("PORTALCHECK_CHROMIUM", "/usr/bin/chromium")
# Targets with a browser context at once per spider (crawler/browser/pool.py).
PORTALCHECK_MAX_RENDER_CONTEXTS = 2
# Seconds a browser with no context open stays before it is closed, driver and all (0: never).
PORTALCHECK_BROWSER_IDLE_SECONDS = 10
# Browsers running at once on this machine, whatever the worker processes (0: one per process).
PORTALCHECK_MAX_BROWSERS = 1
# Seconds a render may wait for a browser context slot before it fails as a timeout (0: no limit).
PORTALCHECK_RENDER_SLOT_WAIT = 300

# --- Scrapy ------------------------------------------------------------------
USER_AGENT = (
    f"Mozilla/5.0 (compatible; portalcheck/{__version__}; "
    f"+{PORTALCHECK_CONTACT_URL}) kiem-tra-cong-TTDT"
)

# Politeness: many hosts at once, few requests per host.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
# Tasks Scrapy starts per response for what its callback yields: the pipeline
# is synchronous, so more buy nothing (docs/performance.md).
CONCURRENT_ITEMS = 8

# Bounds: nothing a hostile page does can hang or exhaust a sweep.
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
# Scrapy's depth and URL-length spider middlewares drop requests silently;
# portalcheck bounds every target itself (pages, seconds, URL length) and
# records when a bound is hit.
DEPTH_LIMIT = 0
URLLENGTH_LIMIT = 0

# Every status reaches the spider: a 403 or 404 is evidence, not noise.
HTTPERROR_ALLOW_ALL = True
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # a page that stays down is a finding, not our error

DOWNLOADER_MIDDLEWARES = {
    # A re-judgement (`rejudge`): every request answered from the archive,
    # before robots.txt, the address check or the browser are asked.
    "crawler.archive.middleware.ReplayMiddleware": 2,
    # `--archive`: next to the download handler, every answer kept as it came.
    "crawler.archive.middleware.ArchiveMiddleware": 960,
    # Screenshots as evidence: asks the render for one, and hands it on in the
    # response's meta before the archive (960) sees the answer.
    "crawler.screenshots.ScreenshotMiddleware": 965,
    # Same slot as Scrapy's RetryMiddleware, which it replaces: permanent
    # failures (DNS, TLS) are not retried.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.PermanentFailureAwareRetryMiddleware": 550,
    # Before the download handler and after redirects are built (600): every
    # hop of a redirect chain passes through it again.
    "crawler.netsafety.middleware.AddressSafetyMiddleware": 610,
    # First of all: answers the spiders' internal requests (no fetch at all).
    "crawler.middlewares.InternalRequestMiddleware": 1,
    # A render with the browser turned off (--no-browser) fails here, as
    # render_failed, before anything else is done for it.
    "crawler.browser.policy.BrowserSwitchMiddleware": 935,
    # Before the page pool: every render gets the browser's safety guard.
    "crawler.browser.policy.BrowserGuardMiddleware": 940,
    # Last before the download handler: a render takes a pooled page here.
    "crawler.browser.pool.PagePoolMiddleware": 950,
}
ITEM_PIPELINES = {
    # Observations pointed at their archived page (--archive and rejudge only).
    "crawler.archive.pipeline.ArchivePipeline": 290,
    "crawler.pipelines.SQLitePipeline": 300,
}
# No listening consoles on a machine that sweeps the internet.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.orchestration.progress.ProgressExtension": 500,
    # secrets in URLs (user:password@, ?token=) masked in every log line
    "crawler.netsafety.redact.LogRedactionExtension": 0,
}

# JavaScript pages only: scrapy-playwright renders a request only when its meta
# says playwright=True; every other request uses Scrapy's own HTTP handler.
# Only http and https are ever fetched (docs/security.md): a page linking to
# file:///etc/passwd, ftp:// or data: gets nothing (AddressSafetyMiddleware
# refuses the request first; without a handler it could not run anyway).
# crawler.browser.handler is scrapy-playwright's handler with the DOM size bound
# checked without an extra wait for the load event.
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.handler.PortalcheckPlaywrightHandler",
    "https": "crawler.browser.handler.PortalcheckPlaywrightHandler",
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Playwright on an event loop of its own, in a thread (scrapy-playwright's
# adapter): on Scrapy's loop every message to the browser waited behind a
# round of page checks (docs/performance.md, Memory).
_PLAYWRIGHT_THREADED_LOOP = True
# One driver and one Chromium per process, started when a page first needs it.
PLAYWRIGHT_BROWSER_PROVIDER = "crawler.browser.provider.SharedBrowserProvider"
# executable_path is added from PORTALCHECK_CHROMIUM when the browser starts.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        # Chromium otherwise starts a renderer process per navigation, even on
        # the same site; capping them makes it reuse them, which only holds
        # with site-isolation trials off (docs/performance.md, Rendering).
        # Each target still gets its own browser context (no shared storage),
        # and portalcheck logs in nowhere, so no credential is exposed by
        # sharing a process between sites.
        "--disable-site-isolation-trials",
        "--renderer-process-limit=2",
        # Smaller caches and heaps per renderer, at the same speed.
        "--enable-low-end-device-mode",
    ],
}
# Chromium features turned off at launch, on top of Playwright's own list (crawler/browser/launch.py
# merges the two: Chromium keeps only the last --disable-features it is given). Headless Chromium
# 156 opens the address bar's WebUI popups (chrome://omnibox-popup.top-chrome/) for every browser
# context, in a renderer process of their own: one per target, no page ever uses them, and they
# took a tenth of the render bench's CPU (docs/performance.md, Rendering).
PORTALCHECK_CHROMIUM_DISABLED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000
# The context limit is PORTALCHECK_MAX_RENDER_CONTEXTS, kept by
# crawler.browser.pool.PagePool, not scrapy-playwright's
# PLAYWRIGHT_MAX_CONTEXTS, which can deadlock (see there).
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER = True
PLAYWRIGHT_ABORT_REQUEST = "crawler.browser.policy.abort_heavy_request"
# Scrapy reads each callback's source on every response to warn about a generator's return
# value; our callbacks are bound methods, which its cache cannot keep, so it parsed them again
# for every page (5% of the render bench's Python time). The warning is for spider authors.
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
