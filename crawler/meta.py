"""Every key portalcheck puts in a Scrapy request's `meta`, in one place.

Scrapy carries `request.meta` from a request to its response (and to an
errback's failure); portalcheck's own keys start with `pc_`, next to Scrapy's
(`download_timeout`, `redirect_urls`, `depth_reset`…) and scrapy-playwright's
(`playwright`, `playwright_context`, `playwright_page`…). A handler gets the
meta as `meta` (spiders/base.py: `handler(page, meta)`). A new key is declared
here first, with what it holds; tests/foundation/test_settings_registry.py
fails on a `pc_` key used anywhere and not declared here.
"""
from __future__ import annotations

from typing import Any, TypedDict


class RequestMeta(TypedDict, total=False):
    # --- every request a spider makes (spiders.base.PortalcheckSpider.fetch) ---
    pc_target: str                # the id of the target the request is for
    pc_handler: str               # the spider method that gets the answer as a Page
    pc_purpose: str               # why it is fetched, stored as fetches.purpose (homepage, section, service…)
    pc_started: float             # time.monotonic() when it was made: the fetch's elapsed_ms
    pc_permanent_failure: bool    # a failure no retry can fix (DNS, TLS): not retried (crawler.middlewares)

    # --- renders (crawler/browser/) ---
    pc_pooled_page: bool          # the render takes a page of the target's pool (crawler.browser.pool)
    pc_pool_acquired: bool        # the pool gave it one (a retry keeps it)
    pc_browser_guarded: bool      # the browser's guard was added (crawler.browser.policy)
    pc_dom_limit: int             # the rendered DOM's size bound, checked by crawler.browser.handler
    pc_api_calls: list[dict]      # XHR/fetch calls the rendered page made: {method, url, body, resource_type}
    pc_pool_key: str              # a page pool of its own (a speed audit's phone context), not the target's

    # --- browser audits (spiders/audits.py, crawler/browser/audits.py) ---
    pc_audit_role: str            # the audited page: homepage, or the section key of a sampled page
    pc_visitor: dict              # the emulated phone and its throttling (checks/data/audits.yaml, visitor)

    # --- the archive (crawler/archive/, --archive and rejudge) ---
    pc_archive_record: str        # the WARC-Record-ID of the answer (or failure) this request got
    pc_screenshot_record: str     # the WARC-Record-ID of its render's screenshot

    # --- screenshots as evidence (crawler/screenshots.py) ---
    pc_screenshot_wanted: bool    # the spider wants this render's screenshot (a failing service page)
    pc_screenshot_asked: bool     # a screenshot was added to the render's page methods
    pc_screenshot: dict           # the screenshot taken (or replayed): {image: bytes, media_type}

    # --- requests that fetch nothing (crawler.middlewares.internal_request) ---
    pc_internal: bool             # answered in the process with an empty response
    pc_stale: list[str]           # the targets to finish whose requests were dropped

    # --- the portal spider ---
    pc_key: str                   # the chain (section or function key) that asked for the page
    pc_slot: str | int            # robots, sitemap or a http/https/www variant (portal); a URL slot (monitor)
    pc_static: tuple[Any, Any]    # (Page, soup) of the plain homepage, judged if its render fails

    # --- the services spider ---
    pc_depth: int                 # clicks from the portal's home to this list page
    pc_fragment: Any              # checks.service_listing_html.Fragment: the AJAX list being paged
    pc_n: int                     # the page number of a fragment or an API list
    pc_previous_urls: list[str]   # the service URLs the previous fragment page listed (a repeat ends the list)
    pc_cursor: str | None         # the API list's cursor (lastId) this page was asked with
    pc_service: str               # the URL of the service this page is of
    pc_part: str                  # shell or api: which half of a single-page portal's service this is

    # --- the monitor spider ---
    pc_kind: str                  # portal, services_portal or service
    pc_plain: Any                 # the plain fetch's Page, standing if the browser fails

    # --- the discover spider ---
    pc_child: str                 # the site key of a proposed child unit
    pc_rest: list[str]            # the child's other spellings, tried when this one fails
    pc_known: str                 # the registry id of a child already listed
