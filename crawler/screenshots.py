"""Screenshots as evidence (docs/screenshots.md): one way of taking them.

`ScreenshotMiddleware` (a downloader middleware, crawler/settings.py places it)
asks a render for a screenshot when the page is one a verdict rests on: its
fetch purpose is in PORTALCHECK_SCREENSHOT_PURPOSES (the homepage as rendered,
a single-page portal's shell), or the spider asked for one (`pc_screenshot_wanted`:
a failing service page, rendered for it). The screenshot is the render's last
page method; the middleware hands its result on as `meta["pc_screenshot"]`.
From there the spider stores it with the run (spiders.base yields a
ScreenshotItem, the SQLite pipeline writes it), and with `--archive` the
archive middleware also keeps it as a WARC resource record. A re-judgement
gets the archived one back the same way (crawler.archive.middleware.ReplayMiddleware).

A screenshot is bounded (the viewport only, JPEG at PORTALCHECK_SCREENSHOT_QUALITY,
at most PORTALCHECK_SCREENSHOT_MAX_BYTES, PORTALCHECK_SCREENSHOT_TIMEOUT seconds)
and may fail: the page then has none, and nothing else changes (its render, its
verdicts and the run go on as if none had been asked for).
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

METHOD_NAME = "portalcheck_screenshot"


async def screenshot_or_nothing(page, quality: int, max_bytes: int, timeout_ms: float) -> dict | None:
    """The viewport as JPEG, run as the render's last page method: at `quality`,
    then at half of it if too big; None when it is still too big or fails (a
    page that closed, a renderer that hung). A screenshot that fails costs the
    evidence its picture, never the render its verdict."""
    try:
        for q in (quality, max(10, quality // 2)):
            image = await page.screenshot(type="jpeg", quality=q, full_page=False, timeout=timeout_ms,
                                          animations="disabled", caret="hide")
            if len(image) <= max_bytes:
                return {"image": image, "media_type": "image/jpeg"}
    except Exception:
        return None
    return None


class ScreenshotMiddleware:
    """Adds the screenshot page method to the renders that want one, and hands
    the screenshot on in the response's meta (`pc_screenshot`: image, media type)."""

    def __init__(self, purposes: set[str], quality: int, max_bytes: int, timeout_ms: float, crawler=None):
        self.purposes = purposes
        self.args = (quality, max_bytes, timeout_ms)
        self.crawler = crawler   # its stats are read when a screenshot is counted (set once the crawl starts)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("PORTALCHECK_SCREENSHOTS"):
            raise NotConfigured("PORTALCHECK_SCREENSHOTS is off")
        quality = min(100, max(1, settings.getint("PORTALCHECK_SCREENSHOT_QUALITY")))
        return cls(set(settings.getlist("PORTALCHECK_SCREENSHOT_PURPOSES")), quality,
                   settings.getint("PORTALCHECK_SCREENSHOT_MAX_BYTES"),
                   settings.getfloat("PORTALCHECK_SCREENSHOT_TIMEOUT") * 1000, crawler)

    def wanted(self, meta) -> bool:
        return bool(meta.get("playwright")) and (
            meta.get("pc_purpose") in self.purposes or bool(meta.get("pc_screenshot_wanted")))

    def process_request(self, request, spider=None):
        meta = request.meta
        if self.wanted(meta) and not meta.get("pc_screenshot_asked"):
            from scrapy_playwright.page import PageMethod

            meta["pc_screenshot_asked"] = True
            shot = PageMethod(screenshot_or_nothing, *self.args)
            methods = meta.get("playwright_page_methods") or []
            meta["playwright_page_methods"] = ({**methods, METHOD_NAME: shot} if isinstance(methods, dict)
                                               else [*methods, shot])
        return None

    def process_response(self, request, response, spider=None):
        meta = request.meta
        if meta.get("pc_screenshot_asked") and "pc_screenshot" not in meta:
            shot = taken(meta)
            if shot is not None:
                meta["pc_screenshot"] = shot
            if self.crawler is not None:   # a failed one is counted, never raised
                self.crawler.stats.inc_value("portalcheck/screenshots" if shot else "portalcheck/screenshots_failed")
        return response


def taken(meta) -> dict | None:
    """The screenshot the render's page method took, if it took one."""
    methods = meta.get("playwright_page_methods") or []
    candidates = [methods.get(METHOD_NAME)] if isinstance(methods, dict) else methods
    for method in candidates:
        result = getattr(method, "result", None)
        if getattr(method, "method", None) is screenshot_or_nothing and isinstance(result, dict):
            return result
    return None
