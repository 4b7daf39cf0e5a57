"""The download handler: scrapy-playwright's, with the rendered DOM's size bound checked after
the page methods and before the DOM is read (crawler/browser/policy.py, DomTooLarge).

scrapy-playwright waits for the page's `load` event after every page method. The size check used
to be one, so every render waited for `load` (every async script and sub-resource) on top of
`domcontentloaded`, the wait it asked for: about 15% of the render bench's wall time
(docs/performance.md, Rendering). Run here, it costs one evaluate and no wait. This overrides
scrapy-playwright's `_apply_page_methods`, a private method: scrapy-playwright is pinned
(pyproject.toml) and tests/foundation/test_hostile_pages.py fails if the check stops running.
"""
from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.browser.policy import check_dom_size


class PortalcheckPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    async def _apply_page_methods(self, page, request, spider) -> None:
        await super()._apply_page_methods(page, request, spider)
        limit = request.meta.get("pc_dom_limit")
        if limit:
            await check_dom_size(page, limit)
