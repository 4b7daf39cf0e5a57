"""Builders of evidence dicts and of real results databases for the scoring tests."""
from __future__ import annotations

import types

import pytest

from checks.model import FUNCTION_KEYS, SECTION_KEYS
from results import store

DEPT_GROUP = "Sở, ban, ngành tỉnh"


def target(tid, name=None, kind="department", group=DEPT_GROUP, portal_status="live",
           services_portal_status="live", services=True, **extra):
    row = {"id": tid, "target_id": tid, "name": name or tid, "kind": kind, "group": group, "parent": None,
           "portal_url": f"https://{tid}.example.gov.vn/", "portal_status": portal_status,
           "portal_http_status": 200 if portal_status == "live" else None,
           "portal_final_url": f"https://{tid}.example.gov.vn/",
           "services_portal_url": f"https://dichvucong.{tid}.example.gov.vn/" if services else None,
           "services_portal_status": services_portal_status if services else None}
    row.update(extra)
    return row


def obs(tid, category, key, outcome="pass", **extra):
    row = {"target_id": tid, "category": category, "key": key, "outcome": outcome, "legal_ref": "",
           "evidence_url": f"https://{tid}.example.gov.vn/{key}", "label": f"Mục {key}",
           "snippet": f"Trích đoạn về {key}", "reason": None, "evidence": {"status": "live"}}
    row.update(extra)
    return row


def svc(tid, n, level="toan_trinh", status="live", completeness=1.0, submission=True, payment=True, clicks=2):
    return {"target_id": tid, "url": f"https://dichvucong.{tid}.example.gov.vn/tthc/{n}", "code": f"TT{n}",
            "name": f"Thủ tục {n}", "level": level, "level_raw": level, "status": status,
            "http_status": 200 if status == "live" else None, "completeness": completeness,
            "has_online_submission": submission, "has_online_payment": payment, "clicks": clicks}


def perfect_observations(tid, fail=(), inconclusive=()):
    """Every section and function key observed; those named fail or are inconclusive."""
    out = []
    for category, keys in (("section", SECTION_KEYS), ("function", FUNCTION_KEYS)):
        for key in keys:
            outcome = "fail" if key in fail else "inconclusive" if key in inconclusive else "pass"
            out.append(obs(tid, category, key, outcome))
    return out


def evidence(targets, observations=(), services=(), started_at="2025-06-01T00:00:00+00:00",
             methodology=None, run_id=1):
    return {"run": {"id": run_id, "label": "thử nghiệm", "mode": "sweep", "methodology": methodology,
                    "started_at": started_at},
            "targets": list(targets), "observations": list(observations), "services": list(services)}


def store_evidence(db_path, ev, mode="sweep"):
    """Write an evidence dict into a real results database; returns the run id."""
    db = store.open_db(db_path)
    run_id = store.create_run(db, mode, label=ev["run"].get("label"), methodology=ev["run"].get("methodology"))
    for t in ev["targets"]:
        row = {k: v for k, v in t.items() if k not in ("id", "group")}
        row["group_name"] = t.get("group")
        store.save_run_target(db, run_id, row)
    store.add_rows(db, "observations", run_id, ev["observations"])
    store.add_rows(db, "services", run_id, ev["services"])
    store.finish_run(db, run_id)
    return db, run_id


@pytest.fixture
def b():
    """The builders, as one namespace."""
    return types.SimpleNamespace(target=target, obs=obs, svc=svc, perfect=perfect_observations,
                                 evidence=evidence, store=store_evidence, DEPT_GROUP=DEPT_GROUP)
