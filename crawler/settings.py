"""Scrapy settings for portalcheck.

Polite by default on real servers (2 requests at a time per host, AutoThrottle,
robots.txt obeyed, an identifying User-Agent), while many hosts proceed in
parallel. Not `scrapy startproject`'s 1 request/s template.
"""
import os

from crawler import __version__

BOT_NAME = "portalcheck"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

PORTALCHECK_CONTACT_URL = "https://github.com/portalcheck/portalcheck#lien-he"
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
# Scrapy starts this many tasks for every response to process what its
# callback yields. Our pipeline is synchronous, so the default 100 buys nothing
# and cost about a tenth of a sweep's CPU (measured with py-spy).
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
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Playwright on an event loop of its own, in a thread (scrapy-playwright's
# adapter, the one it uses on Windows). On Scrapy's loop, every message to the
# browser waited behind a whole round of page checks: under a busy sweep the
# driver took 16 s to start and a page's render came only after the big
# service portals were done (bench farm). Its thread gets the interpreter
# every few milliseconds instead.
_PLAYWRIGHT_THREADED_LOOP = True
# One driver and one Chromium per process, started when a page first needs it.
PLAYWRIGHT_BROWSER_PROVIDER = "crawler.browser.provider.SharedBrowserProvider"
# The browser executable: Debian's Chromium by default; empty: Playwright's own
# Chromium, if one was downloaded (crawler.browser.launch). Also read from the
# environment variable of the same name.
PORTALCHECK_CHROMIUM = os.environ.get("PORTALCHECK_CHROMIUM", "/usr/bin/chromium")
# False (`--no-browser`): nothing is rendered; what needed a browser is
# inconclusive with the reason render_failed, never "không đạt".
PORTALCHECK_BROWSER = True
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
        # Chromium otherwise starts a new renderer process for every
        # navigation, even on the same site: about 100 ms of CPU per page
        # here. Capping renderer processes makes it reuse them (measured on
        # the bench farm: 7.7 -> 10.3 pages/s, 102 -> 8 processes per 100
        # pages), which only holds once site-isolation trials are off. Each
        # target still gets its own browser context (no shared storage), and
        # portalcheck logs in nowhere, so no credential is exposed by sharing
        # a process between sites.
        "--disable-site-isolation-trials",
        "--renderer-process-limit=2",
        # Smaller caches and heaps per renderer: 1,012 -> 931 MB peak PSS for
        # the render bench, the same pages/s.
        "--enable-low-end-device-mode",
    ],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000
# A context (one per target) costs a renderer of about 150 MB; rendering is
# CPU-bound in Chromium, so more than two at once only adds memory (render
# bench: 8 contexts 1,412 MB and 8.1 pages/s, 2 contexts 1,012 MB and 9.4).
# The limit is kept per spider by crawler.browser.pool.PagePool, not by
# scrapy-playwright's PLAYWRIGHT_MAX_CONTEXTS, which can deadlock (see there).
PORTALCHECK_MAX_RENDER_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
# Rendering is rare and mostly at a target's start: a browser with no context
# open this long is closed, driver and all (about 375 MB), and started again by
# the next render (crawler.browser.provider). 0: never.
PORTALCHECK_BROWSER_IDLE_SECONDS = 10
# Browsers running at once on this machine, whatever the number of worker
# processes (0: one per process). One renders 8-10 pages/s here, far more
# than a sweep asks for, and each costs about 375 MB.
PORTALCHECK_MAX_BROWSERS = 1
PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER = True
PLAYWRIGHT_ABORT_REQUEST = "crawler.browser.policy.abort_heavy_request"

# portalcheck's own settings (overridable with -s or the CLI).
PORTALCHECK_DB = "results/portalcheck.db"
PORTALCHECK_RUN_ID = None          # set by the CLI; a bare `scrapy crawl` creates a run
PORTALCHECK_RUN_LABEL = None
PORTALCHECK_METHODOLOGY = "nd42-2025"
PORTALCHECK_MAX_PAGES_PER_TARGET = 5000  # crawler traps end here
PORTALCHECK_MAX_SECONDS_PER_TARGET = 1800  # no new request for a target after this
PORTALCHECK_MAX_URL_LENGTH = 2083
# The services spider's bounds per target (docs/services.md): services listed (the
# evidence then says `truncated`), list pages read (pages, fragments, postbacks,
# API pages), and service pages asked for at once.
PORTALCHECK_MAX_SERVICES_PER_TARGET = 5000
PORTALCHECK_MAX_LIST_PAGES_PER_TARGET = 500
PORTALCHECK_SERVICES_IN_FLIGHT = 16
# A write kept waiting this long (another process holding the database's
# write lock) leaves its target unfinished and the run `incomplete`.
PORTALCHECK_WRITE_WAIT_SECONDS = 120
# Worker processes of a sweep (crawler.orchestration.workers): 0 = one per CPU core. Checks
# are CPU-bound and one Python process uses one core; targets sharing a host
# stay in one worker, so per-host politeness is unchanged.
PORTALCHECK_WORKERS = 0
# `portalcheck discover` (docs/discover.md): structure pages ("Cơ cấu tổ chức",
# "Đơn vị trực thuộc", "Liên kết website") read per parent beyond its homepage,
# and child homepages fetched per parent (one GET each).
PORTALCHECK_DISCOVER_PAGES = 6
PORTALCHECK_DISCOVER_MAX_CHILDREN = 500
PORTALCHECK_PROGRESS = False        # the CLI turns the progress display on
PORTALCHECK_PROGRESS_TOTAL = 0

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
