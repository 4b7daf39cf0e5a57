"""Mobile width: at a phone's width (360–412 CSS px) the homepage does not scroll sideways
(TT 22/2023/TT-BTTTT, layout on mobile devices; WCAG 2.1 SC 1.4.10 Reflow).

The browser side measures the document's scroll width at each width of checks/data/audits.yaml
(`mobile_width.widths`) in the phone context of the speed audit; this module judges it. A page
wider than the screen makes a citizen pan left and right on every line. Pure.
"""
from __future__ import annotations

from typing import Any

from checks.functions import observation
from checks.model import Observation

KEY = "mobile_width"


def check(audit: dict, config: dict) -> Observation:
    """`audit`: {url, status, widths: {"360": scroll width px, ...} or error}; `config`: the
    `mobile_width` block of checks.audit_config.audit_config()."""
    status = audit.get("status") or "not_fetched"
    ev: dict[str, Any] = {"url": audit.get("url")}
    if status != "live":
        return observation(KEY, "inconclusive", reason=status, **ev)
    seen = audit.get("widths") or {}
    tolerance = float(config["tolerance_px"])
    widths = {}
    for width in config["widths"]:
        value = seen.get(str(width), seen.get(width))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            widths[str(width)] = round(float(value))
    ev["scroll_widths"] = widths
    if not widths:
        return observation(KEY, "inconclusive", reason="not_measured", detail=str(audit.get("error") or "")[:200], **ev)
    wider = {w: px - int(w) for w, px in widths.items() if px > int(w) + tolerance}
    if wider:
        return observation(KEY, "fail", reason="scrolls_sideways", overflow_px=wider, **ev)
    return observation(KEY, "pass", **ev)
