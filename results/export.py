"""The public export of a run, as JSON (schema: export_schema.json) or CSV.

Reads stored rows and shapes them; judges nothing.
"""
from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from checks.model import FUNCTION_KEYS, SECTION_KEYS
from results import scoring_store, store
from results.screenshots import screenshot_refs
from results.spreadsheet import neutralise

SCHEMA_PATH = Path(__file__).with_name("export_schema.json")
CATEGORIES = ("portal", "services", "overall")
# The export's version, "major.minor": the minor grows when fields are added
# (old readers keep working), the major would change only if one were removed or
# changed meaning. 1.1 added "$schema" and "version" themselves; 1.2 the per-target "audits" block
# and the lang_vi, image_link_alt and mobile_width functions; 1.3 the per-target "screenshots" list
# (references: the images stay in the database, docs/screenshots.md).
EXPORT_VERSION = "1.3"
# What the export says of a screenshot: where, what, when, and the digest that names its bytes.
SCREENSHOT_FIELDS = ("url", "purpose", "page_status", "http_status", "taken_at", "media_type", "width", "height",
                     "bytes", "sha256")

# Criteria whose whole evidence the export carries (docs/audits.md): the browser audits' figures.
AUDIT_EVIDENCE_KEYS = ("accessibility", "performance", "mobile_width", "lang_vi", "image_link_alt")


@lru_cache(maxsize=1)
def export_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _by_category(rows: list[dict], field: str) -> dict[str, Any]:
    values = {category: None for category in CATEGORIES}
    for row in rows:
        if row["category"] in values:
            values[row["category"]] = row.get(field)
    return values


def build_export(db, run_id: int) -> dict[str, Any]:
    run = store.get_run(db, run_id)
    if run is None:
        raise LookupError(run_id)
    scoring = scoring_store.latest_scoring(db, run_id)
    scores = scoring_store.scores_for(db, scoring["id"]) if scoring else []
    observations = store.rows_for_run(db, "observations", run_id)
    services = store.rows_for_run(db, "services", run_id)
    screenshots = screenshot_refs(db, run_id)
    targets = []
    for t in store.run_targets(db, run_id):
        tid = t["target_id"]
        mine = [o for o in observations if o["target_id"] == tid]
        sections = {o["key"]: {"outcome": o["outcome"], "evidence_url": o["evidence_url"],
                               "label": o["label"], "reason": o["reason"], "legal_ref": o["legal_ref"]}
                    for o in mine if o["category"] == "section" and o["key"] in SECTION_KEYS}
        # A present section whose page lists nothing yet (its content observation failed).
        for o in mine:
            if o["category"] == "content" and o["key"] in sections:
                sections[o["key"]]["empty"] = o["outcome"] == "fail"
        functions = {o["key"]: {"outcome": o["outcome"], "evidence_url": o["evidence_url"],
                                "reason": o["reason"]}
                     for o in mine if o["category"] == "function" and o["key"] in FUNCTION_KEYS}
        audits = {o["key"]: {"outcome": o["outcome"], "reason": o["reason"],
                             "evidence": o["evidence"] if isinstance(o["evidence"], dict) else {}}
                  for o in mine if o["category"] == "function" and o["key"] in AUDIT_EVIDENCE_KEYS
                  and o["reason"] != "not_measured"}
        target_scores = [s for s in scores if s["target_id"] == tid]
        targets.append({
            "id": tid, "name": t["name"] or tid, "group": t["group_name"] or "",
            "kind": t["kind"], "parent": t["parent"] or None,
            "portal": {"url": t["portal_url"], "status": t["portal_status"],
                       "http_status": t["portal_http_status"], "final_url": t["portal_final_url"],
                       "rendered": bool(t["rendered"])},
            "sections": {k: sections[k] for k in SECTION_KEYS if k in sections},
            "functions": {k: functions[k] for k in FUNCTION_KEYS if k in functions},
            "audits": {k: audits[k] for k in AUDIT_EVIDENCE_KEYS if k in audits},
            "services_portal": {"url": t["services_portal_url"], "status": t["services_portal_status"]},
            "services": [{"url": s["url"], "code": s["code"], "name": s["name"],
                          "level": s["level"] or "unknown", "level_raw": s["level_raw"],
                          "status": s["status"], "http_status": s["http_status"],
                          "completeness": s["completeness"]}
                         for s in services if s["target_id"] == tid],
            "screenshots": [{k: shot[k] for k in SCREENSHOT_FIELDS} for shot in screenshots.get(tid, [])],
            "scores": _by_category(target_scores, "score"),
            "classification": _by_category(target_scores, "classification"),
            "rank": _by_category(target_scores, "rank"),
        })
    return {"$schema": export_schema()["$id"], "version": EXPORT_VERSION,
            "run": {"id": run["id"], "label": run["label"], "methodology": (scoring or run)["methodology"],
                    "mode": run["mode"], "started_at": run["started_at"],
                    "finished_at": run["finished_at"], "status": run["status"],
                    "tool_version": run["tool_version"]},
            "targets": targets}


def to_json(export: dict[str, Any]) -> str:
    return json.dumps(export, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    ["id", "name", "group", "kind", "portal_status", "portal_http_status", "portal_final_url",
     "services_portal_url", "services_portal_status", "services_total", "services_toan_trinh",
     "services_mot_phan", "services_live"]
    + [f"section_{k}" for k in SECTION_KEYS]
    + [f"function_{k}" for k in FUNCTION_KEYS]
    + [f"{field}_{c}" for field in ("score", "classification", "rank") for c in CATEGORIES]
)


def to_csv(export: dict[str, Any]) -> str:
    """One row per target; section and function columns hold the outcome.
    Text cells that a spreadsheet would run as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for t in export["targets"]:
        row = {"id": t["id"], "name": t["name"], "group": t["group"], "kind": t["kind"],
               "portal_status": t["portal"]["status"], "portal_http_status": t["portal"]["http_status"],
               "portal_final_url": t["portal"]["final_url"],
               "services_portal_url": t["services_portal"]["url"],
               "services_portal_status": t["services_portal"]["status"],
               "services_total": len(t["services"]),
               "services_toan_trinh": sum(s["level"] == "toan_trinh" for s in t["services"]),
               "services_mot_phan": sum(s["level"] == "mot_phan" for s in t["services"]),
               "services_live": sum(s["status"] == "live" for s in t["services"])}
        row.update({f"section_{k}": v["outcome"] for k, v in t["sections"].items()})
        row.update({f"function_{k}": v["outcome"] for k, v in t["functions"].items()})
        for field in ("scores", "classification", "rank"):
            for c in CATEGORIES:
                row[f"{field.rstrip('s') if field == 'scores' else field}_{c}"] = t[field][c]
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return buffer.getvalue()
