"""The browser audits of one target as a report shows them (scoring/templates/_audits.html.j2):
impact counts, the worst rules with how to fix them, speed figures against their thresholds.
Reads stored observations' evidence; judges nothing (the verdicts are the checks')."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

from scoring.catalogue import catalogue, reason_words
from scoring.methodology import criteria_catalogue, text

PREFIX = "audit_report."  # the audits' words in the one catalogue (scoring/messages/audits.yaml)
IMPACTS = ("critical", "serious", "moderate", "minor")
SPEED_METRICS = ("fcp_ms", "lcp_ms", "cls", "ttfb_ms")
WORST_SHOWN = 8


@lru_cache(maxsize=1)
def words() -> dict:
    """{section: {key: {vi, en}}} of the catalogue's audit_report.<section>.<key> messages."""
    out: dict[str, dict] = defaultdict(dict)
    for key, texts in catalogue().items():
        if key.startswith(PREFIX):
            section, name = key[len(PREFIX):].split(".", 1)
            out[section][name] = texts
    return dict(out)


class _Reasons:
    """What the template asks as `a.reasons.get(code, code)`: the catalogue's words for a reason."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get(self, code: str | None, default: Any = None) -> str:
        return reason_words(code, self.lang) if code else (default or "")


def word(section: str, key: str, lang: str, **values) -> str:
    value = words().get(section, {}).get(key)
    out = text(value, lang) if value is not None else key
    return out.format(**values) if values else out


def role_words(role: str | None, lang: str) -> str:
    """What an audited page is, in words: the homepage, the services portal, or the section
    whose page it is (its title in the criteria catalogue)."""
    if role and role in words().get("roles", {}):
        return word("roles", role, lang)
    title = (criteria_catalogue().get(role or "") or {}).get("title")
    return text(title, lang) if title else word("roles", "page", lang)


def _figure(key: str, value: Any, lang: str) -> str:
    if value is None:
        return "—"
    if key == "cls":
        out = f"{float(value):.3f}"
    else:
        out = f"{float(value) / 1000:.2f} s"
    return out.replace(".", ",") if lang == "vi" else out


def _accessibility(obs: dict, lang: str) -> dict:
    ev = obs.get("evidence") or {}
    rules = []
    for rule in (ev.get("violations") or [])[:WORST_SHOWN]:
        fix = words().get("rules", {}).get(rule.get("id"))
        rules.append({**rule, "impact_label": word("impacts", rule.get("impact") or "minor", lang),
                      "fix": text(fix, lang) if fix else rule.get("help") or ""})
    pages = [{"url": p.get("url"), "role": role_words(p.get("role"), lang),
              "counts": [(word("impacts", i, lang), n) for i, n in (p.get("counts") or {}).items()],
              "reason": p.get("reason")} for p in ev.get("pages") or []]
    return {"outcome": obs["outcome"], "reason": obs.get("reason"), "axe_version": ev.get("axe_version"),
            "counts": [(word("impacts", i, lang), (ev.get("counts") or {}).get(i, 0)) for i in IMPACTS]
            if ev.get("counts") else [], "rules": rules, "pages": pages}


def _performance(obs: dict, lang: str) -> dict:
    ev = obs.get("evidence") or {}
    thresholds = ev.get("thresholds") or {}
    rows = [{"label": word("metrics", k, lang), "value": _figure(k, ev.get(k), lang),
             "threshold": _figure(k, thresholds.get(k), lang) if k in thresholds else "—",
             "over": k in (ev.get("over") or []) + (ev.get("over_informational") or []),
             "judged": k in (ev.get("judged") or SPEED_METRICS), "source": (ev.get("sources") or {}).get(k, "")}
            for k in SPEED_METRICS]
    visitor = ev.get("visitor") or {}
    viewport = visitor.get("viewport") or {}
    conditions = word("labels", "conditions", lang, width=viewport.get("width", "—"), height=viewport.get("height", "—"),
                      latency=visitor.get("latency_ms", "—"), down=visitor.get("download_kbps", "—"),
                      cpu=visitor.get("cpu_slowdown", "—")) if visitor else ""
    transfer = word("labels", "transfer", lang, kb=round((ev.get("transfer_bytes") or 0) / 1024),
                    requests=ev.get("requests") or 0) if ev.get("requests") is not None else ""
    return {"outcome": obs["outcome"], "reason": obs.get("reason"), "rows": rows, "conditions": conditions,
            "transfer": transfer}


def audit_view(observations: list[dict], lang: str) -> dict | None:
    """The audits that ran for one target's observations (None when none ran)."""
    by_key = {o["key"]: o for o in observations
              if o.get("category") == "function" and o.get("reason") != "not_measured"
              and o.get("key") in ("accessibility", "performance", "mobile_width")}
    if not by_key:
        return None
    out: dict[str, Any] = {"words": {k: text(v, lang) for k, v in words()["labels"].items()},
                           "reasons": _Reasons(lang)}
    if "accessibility" in by_key:
        out["accessibility"] = _accessibility(by_key["accessibility"], lang)
    if "performance" in by_key:
        out["performance"] = _performance(by_key["performance"], lang)
    if "mobile_width" in by_key:
        obs = by_key["mobile_width"]
        out["mobile_width"] = {"outcome": obs["outcome"], "reason": obs.get("reason"),
                               "widths": (obs.get("evidence") or {}).get("scroll_widths") or {}}
    return out
