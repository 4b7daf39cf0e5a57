"""Browser audits, the browser's side (docs/audits.md): axe-core run inside a rendered page, and
a homepage loaded as a visitor on a phone feels it. What is found is judged in checks/
(checks/functions/accessibility.py, performance.py, mobile_width.py); here it is only measured.

Both run as scrapy-playwright page methods (callables given the page), so a render that asks for
an audit goes through the same downloader, page pool, address guard and limits as every other
render. Neither raises: a page method that fails or runs out of time returns {"error": …}, and
the check says inconclusive with that reason.

- axe-core comes from the pinned axe-playwright-python package (its bundled axe.min.js): nothing
  is downloaded at run time. The page's results are cut down inside the page (rules, a few
  selectors each) before they cross to Python.
- The visitor: a fresh browser context with Lighthouse's phone (checks/data/audits.yaml,
  `visitor`), its network and CPU throttled through the DevTools protocol
  (Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate) before the navigation
  starts. Its images, fonts and media are loaded (crawler/browser/policy.py lets a measured
  page have them), as a visitor's browser does; the address rule still holds.
"""
from __future__ import annotations

import asyncio
import weakref
from contextlib import suppress
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

from crawler.browser.policy import guard_page, measure_heavy_resources

# Runs axe with the WCAG tags asked for and returns only what the evidence keeps; every
# string and list is cut in the page, so a hostile page's results stay small.
_AXE_RUN = """async ({tags, maxRules, maxTargets, maxChars}) => {
  const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const cut = (s, n) => String(s == null ? '' : s).slice(0, n);
  return {version: cut(r.testEngine && r.testEngine.version, 20),
          violations: r.violations.slice(0, maxRules).map(v => ({
            id: cut(v.id, 80), impact: cut(v.impact, 12), help: cut(v.help, 300), helpUrl: cut(v.helpUrl, 300),
            tags: (v.tags || []).slice(0, 12).map(t => cut(t, 30)), nodes: (v.nodes || []).length,
            targets: (v.nodes || []).slice(0, maxTargets).map(n => cut([].concat(n.target || []).join(' '), maxChars))}))};
}"""

# The browser's own performance APIs, read after the load event and a short settle: the last
# largest-contentful-paint candidate, layout shifts in web.dev's session windows (gap < 1 s,
# window < 5 s, the largest window counts), TTFB as responseStart of the navigation.
_VITALS = """async (settleMs) => {
  await new Promise(r => setTimeout(r, settleMs));
  const take = (type) => new Promise(resolve => {
    const got = [];
    try {
      const po = new PerformanceObserver(list => { got.push(...list.getEntries()); });
      po.observe({type, buffered: true});
      setTimeout(() => { po.disconnect(); resolve(got); }, 50);
    } catch (e) { resolve(got); }
  });
  const lcps = await take('largest-contentful-paint');
  const shifts = await take('layout-shift');
  let cls = 0, win = 0, first = 0, prev = 0;
  for (const s of shifts) {
    if (s.hadRecentInput) continue;
    if (win && s.startTime - prev < 1000 && s.startTime - first < 5000) { win += s.value; }
    else { win = s.value; first = s.startTime; }
    prev = s.startTime; cls = Math.max(cls, win);
  }
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const lcp = lcps.length ? lcps[lcps.length - 1] : null;
  return {fcp_ms: fcp ? fcp.startTime : null, lcp_ms: lcp ? lcp.startTime : null, cls: cls,
          ttfb_ms: nav ? nav.responseStart - (nav.activationStart || 0) : null,
          load_ms: nav && nav.loadEventEnd ? nav.loadEventEnd : null,
          resources: performance.getEntriesByType('resource').length + 1};
}"""

_LAYOUT_WIDTH = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() =>
  r(Math.max(document.documentElement ? document.documentElement.scrollWidth : 0,
             document.body ? document.body.scrollWidth : 0)))))"""

# Bytes and requests of a measured page, counted from the DevTools protocol's network events
# (a cross-origin resource's transferSize is 0 in Resource Timing without Timing-Allow-Origin).
_COUNTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def run_axe(page, config: dict, timeout: float) -> dict[str, Any]:
    """axe-core in `page` with the `accessibility` settings of checks/data/audits.yaml."""
    args = {"tags": list(config["wcag_tags"]), "maxRules": 200, "maxTargets": int(config["max_targets"]),
            "maxChars": int(config["max_selector_chars"])}

    async def audit() -> dict:
        # A page with an AMD loader (Liferay, RequireJS) would take axe as a module: hide it while axe loads.
        await page.evaluate("() => { if (typeof window.define === 'function' && window.define.amd) {"
                            " window.__pcDefine = window.define; window.define = undefined; } }")
        try:
            await page.evaluate(AXE_SCRIPT)
        finally:
            await page.evaluate("() => { if ('__pcDefine' in window) {"
                                " window.define = window.__pcDefine; delete window.__pcDefine; } }")
        return await page.evaluate(_AXE_RUN, args)

    try:
        return await asyncio.wait_for(audit(), timeout)
    except TimeoutError:
        return {"error": f"timeout: axe-core took longer than {timeout:g} s"}
    except Exception as exc:  # a page that breaks axe is not audited, and says why
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def visitor_context(visitor: dict, user_agent_suffix: str) -> dict:
    """Context options of the phone a visitor holds (a fresh context per audit)."""
    return {"viewport": dict(visitor["viewport"]), "device_scale_factor": float(visitor["device_scale_factor"]),
            "is_mobile": True, "has_touch": True,
            "user_agent": f"{visitor['user_agent']} {user_agent_suffix}".strip()}


async def prepare_visitor_page(page, request) -> None:
    """Page init callback of the speed audit: the guard, heavy resources allowed, then network
    and CPU throttled and network events counted, all before the navigation starts."""
    await guard_page(page, request)
    if page in _COUNTERS:
        return
    visitor = request.meta["pc_visitor"]
    counters = _COUNTERS[page] = {"bytes": 0, "requests": 0}
    measure_heavy_resources(page)
    session = await page.context.new_cdp_session(page)
    counters["session"] = session

    def finished(event: dict) -> None:
        counters["bytes"] += int(event.get("encodedDataLength") or 0)

    def sent(event: dict) -> None:
        counters["requests"] += 1

    session.on("Network.loadingFinished", finished)
    session.on("Network.requestWillBeSent", sent)
    await session.send("Network.enable")
    await session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": float(visitor["latency_ms"]),
        "downloadThroughput": float(visitor["download_kbps"]) * 1024 / 8,
        "uploadThroughput": float(visitor["upload_kbps"]) * 1024 / 8})
    await session.send("Emulation.setCPUThrottlingRate", {"rate": float(visitor["cpu_slowdown"])})


async def measure_visitor(page, visitor: dict, widths: list[int], timeout: float) -> dict[str, Any]:
    """Wait for the load event (at most `timeout` s), read the vitals, then the layout's width at
    each phone width. Returns {"metrics": {...}, "widths": {...}} with "error" when cut short."""
    out: dict[str, Any] = {"metrics": {}, "widths": {}}
    loaded = True
    try:
        await page.wait_for_load_state("load", timeout=timeout * 1000)
    except Exception:
        loaded = False
        out["metrics"]["error"] = f"timeout: the page did not finish loading within {timeout:g} s"
    try:
        vitals = await asyncio.wait_for(page.evaluate(_VITALS, int(visitor["settle_ms"])), timeout)
        out["metrics"].update(vitals or {})
    except Exception as exc:
        out["metrics"].setdefault("error", f"{type(exc).__name__}: {exc}"[:300])
    counters = _COUNTERS.get(page) or {}
    out["metrics"]["transfer_bytes"] = counters.get("bytes")
    out["metrics"]["requests"] = counters.get("requests")
    if not loaded:
        # What was measured is kept; the page is left for a blank one, so the render ends now
        # instead of waiting out the navigation timeout (scrapy-playwright waits for "load").
        with suppress(Exception):
            await page.goto("about:blank", timeout=5000)
        out["error"] = out["metrics"]["error"]
        return out
    session = counters.get("session")
    if session is not None:
        with suppress(Exception):  # the width test need not crawl at 4× slower
            await session.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    height = int(visitor["viewport"]["height"])
    for width in widths:
        try:
            await page.set_viewport_size({"width": int(width), "height": height})
            out["widths"][str(width)] = await asyncio.wait_for(page.evaluate(_LAYOUT_WIDTH), 5)
        except Exception as exc:
            out["error"] = f"{type(exc).__name__}: {exc}"[:300]
            break
    return out
