"""What changed between two stored runs (`portalcheck diff`, docs/diff.md).

`diff_exports` is pure: two public exports (results.export.build_export) in,
plain data out. A tool's doubt is not a change of compliance: an item that
passed and is now inconclusive is listed apart, never as "lost".
"""
from __future__ import annotations

from typing import Any

from checks.model import DEAD_STATUSES
from results import store
from results.export import CATEGORIES, build_export


def last_two_sweeps(db) -> list[int]:
    rows = db.execute("SELECT id FROM runs WHERE mode = 'sweep' AND status = 'finished' "
                      "ORDER BY id DESC LIMIT 2").fetchall()
    return sorted(r[0] for r in rows)


def build_diff(db, run_a: int, run_b: int) -> dict[str, Any]:
    return diff_exports(build_export(db, run_a), build_export(db, run_b))


def _items(a: dict, b: dict) -> dict[str, Any]:
    keys = sorted(set(a) | set(b))
    out = lambda x: (x or {}).get("outcome")  # noqa: E731
    items: dict[str, Any] = {
        "gained": [k for k in keys if out(b.get(k)) == "pass" and out(a.get(k)) != "pass"],
        "lost": [k for k in keys if out(a.get(k)) == "pass" and out(b.get(k)) == "fail"],
        "now_inconclusive": [k for k in keys if out(a.get(k)) == "pass" and out(b.get(k)) in ("inconclusive", None)],
    }
    # why: the reason the later run gives for an item it no longer passes
    changed = items["lost"] + items["now_inconclusive"]
    items["why"] = {k: (b.get(k) or {}).get("reason") for k in changed if (b.get(k) or {}).get("reason")}
    return items


def _service_key(service: dict) -> tuple[str, str]:
    return ("code", service["code"]) if service.get("code") else ("url", service["url"])


def _brief(service: dict) -> dict:
    return {"url": service["url"], "code": service.get("code"), "name": service.get("name")}


def _services(a: list[dict], b: list[dict]) -> dict[str, list[dict]]:
    old = {_service_key(s): s for s in a}
    new = {_service_key(s): s for s in b}
    dead = lambda s: s.get("status") in DEAD_STATUSES  # noqa: E731
    both = [k for k in new if k in old]
    return {
        "added": [_brief(new[k]) for k in new if k not in old],
        "removed": [_brief(old[k]) for k in old if k not in new],
        "gone_dead": [{**_brief(new[k]), "status": new[k]["status"]} for k in both
                      if old[k].get("status") == "live" and dead(new[k])],
        "revived": [{**_brief(new[k]), "was": old[k]["status"]} for k in both
                    if dead(old[k]) and new[k].get("status") == "live"],
        "level_changes": [{**_brief(new[k]), "from": old[k].get("level"), "to": new[k].get("level")}
                          for k in both if (old[k].get("level") or "unknown") != (new[k].get("level") or "unknown")],
    }


def _scores(a: dict, b: dict) -> dict[str, dict]:
    out = {}
    for category in CATEGORIES:
        before, after = a["scores"][category], b["scores"][category]
        delta = round(after - before, 4) if before is not None and after is not None else None
        out[category] = {"a": before, "b": after, "delta": delta,
                         "classification_a": a["classification"][category],
                         "classification_b": b["classification"][category],
                         "rank_a": a["rank"][category], "rank_b": b["rank"][category]}
    return out


def _changed(entry: dict) -> bool:
    if entry["portal_status"]["a"] != entry["portal_status"]["b"]:
        return True
    if any(entry[part][k] for part in ("sections", "functions") for k in entry[part]):
        return True
    if any(entry["services"].values()):
        return True
    return any(s["a"] != s["b"] or s["classification_a"] != s["classification_b"] or s["rank_a"] != s["rank_b"]
               for s in entry["scores"].values())


def diff_exports(a: dict, b: dict) -> dict[str, Any]:
    old = {t["id"]: t for t in a["targets"]}
    new = {t["id"]: t for t in b["targets"]}
    targets = []
    for tid in [i for i in new if i in old]:
        x, y = old[tid], new[tid]
        entry = {
            "id": tid, "name": y["name"], "group": y["group"],
            "portal_status": {"a": x["portal"]["status"], "b": y["portal"]["status"]},
            "sections": _items(x["sections"], y["sections"]),
            "functions": _items(x["functions"], y["functions"]),
            "services": _services(x["services"], y["services"]),
            "services_count": {"a": len(x["services"]), "b": len(y["services"])},
            "scores": _scores(x, y),
        }
        entry["changed"] = _changed(entry)
        targets.append(entry)
    run = lambda r: {k: r["run"][k] for k in ("id", "label", "mode", "started_at", "methodology")}  # noqa: E731
    totals = {
        "targets_changed": sum(e["changed"] for e in targets),
        "sections_gained": sum(len(e["sections"]["gained"]) for e in targets),
        "sections_lost": sum(len(e["sections"]["lost"]) for e in targets),
        "services_gone_dead": sum(len(e["services"]["gone_dead"]) for e in targets),
        "services_revived": sum(len(e["services"]["revived"]) for e in targets),
        "level_changes": sum(len(e["services"]["level_changes"]) for e in targets),
    }
    return {"run_a": run(a), "run_b": run(b),
            "targets_added": [i for i in new if i not in old],
            "targets_removed": [i for i in old if i not in new],
            "totals": totals, "targets": targets}


def resolve_runs(db, run_a: str | None, run_b: str | None) -> tuple[int, int] | None:
    """The two runs to compare: given ids, or the last two finished sweeps."""
    if run_a is None and run_b is None:
        ids = last_two_sweeps(db)
        return (ids[0], ids[1]) if len(ids) == 2 else None
    if run_a is None or run_b is None:
        return None
    for run_id in (run_a, run_b):
        if store.get_run(db, int(run_id)) is None:
            return None
    return int(run_a), int(run_b)
