"""Performance: the homepage is fast as a visitor on a phone feels it (Tiêu chí Bộ KH&CN 2025;
thresholds from web.dev's Core Web Vitals "good" values unless the methodology sets its own).

The browser side (crawler/browser/audits.py) loads the homepage in a fresh context with a mobile
profile and a throttled network and CPU (checks/data/audits.yaml, `visitor`, Lighthouse's "Slow
4G") and reads the browser's own performance APIs: First Contentful Paint, Largest Contentful
Paint, Cumulative Layout Shift, Time to First Byte, bytes transferred and requests made. This
module judges those figures. A metric the browser could not give (no paint before the audit's
time ran out) makes the verdict inconclusive unless another is already over its threshold.
Pure.
"""
from __future__ import annotations

from typing import Any

from checks.functions import observation
from checks.model import Observation

KEY = "performance"
METRICS = ("fcp_ms", "lcp_ms", "cls", "ttfb_ms", "transfer_bytes", "requests")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
        return None  # NaN, negatives and non-numbers are not measurements
    return float(value)


def measured(raw: dict) -> dict[str, float | None]:
    """The six figures, rounded as a person reads them (ms whole, CLS to 3 places)."""
    out: dict[str, float | None] = {}
    for key in METRICS:
        value = _number(raw.get(key))
        out[key] = None if value is None else (round(value, 3) if key == "cls" else round(value))
    return out


def check(audit: dict, config: dict, visitor: dict | None = None) -> Observation:
    """`audit`: {url, status, metrics: {...} or error}; `config`: the `performance` block of
    checks.audit_config.audit_config() (`thresholds`, and `judged`: those the verdict rests on,
    the others are shown only); `visitor`: the emulated phone and network (evidence)."""
    ev: dict[str, Any] = {"url": audit.get("url"), "thresholds": dict(config["thresholds"]),
                          "sources": dict(config.get("sources") or {})}
    if visitor:
        ev["visitor"] = {k: visitor[k] for k in ("viewport", "latency_ms", "download_kbps", "upload_kbps",
                                                 "cpu_slowdown") if k in visitor}
    status = audit.get("status") or "not_fetched"
    raw = audit.get("metrics") or {}
    if status != "live":
        return observation(KEY, "inconclusive", reason=status, **ev)
    figures = measured(raw)
    ev.update(figures)
    thresholds = config["thresholds"]
    judged = [k for k in config.get("judged") or thresholds if k in thresholds]
    ev["judged"] = judged
    over_all = [k for k, limit in thresholds.items() if figures.get(k) is not None and figures[k] > float(limit)]
    over_keys = [k for k in over_all if k in judged]
    if set(over_all) - set(over_keys):  # shown against its threshold, not judged
        ev["over_informational"] = [k for k in over_all if k not in judged]
    missing = [k for k in judged if figures.get(k) is None]
    if over_keys:
        return observation(KEY, "fail", reason="over_threshold", over=over_keys, **ev)
    if raw.get("error"):
        error = str(raw["error"])
        return observation(KEY, "inconclusive", reason="audit_timeout" if "timeout" in error.lower() else "audit_failed",
                           detail=error[:200], **ev)
    if missing:
        return observation(KEY, "inconclusive", reason="metric_missing", missing=missing, **ev)
    return observation(KEY, "pass", **ev)
