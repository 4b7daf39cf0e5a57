"""The services score as a person reads it (issue #13): a portal that answers and
lists nothing is judged (not "chưa đủ dữ liệu"), a unit is "chưa đủ dữ liệu" only
when nothing could be judged and the report says why, and a score made over a
list a bound cut says it is partial — in the score rows, the stored scoring and
the reports."""
from __future__ import annotations

from results import store
from scoring import load_methodology, score_run
from scoring.reports import write_reports
from scoring.runs import score_and_save, stored_scores

GROUP = "Sở, ban, ngành tỉnh"


def _target(tid: str, services_status: str | None = "live") -> dict:
    return {"id": tid, "target_id": tid, "name": f"Sở {tid}", "kind": "department", "group": GROUP,
            "portal_url": f"https://{tid}.x.gov.vn/", "portal_status": "live", "portal_http_status": 200,
            "portal_final_url": f"https://{tid}.x.gov.vn/",
            "services_portal_url": f"https://dvc.{tid}.x.gov.vn/" if services_status else None,
            "services_portal_status": services_status}


def _obs(tid: str, key: str, outcome: str, reason: str | None = None, **evidence) -> dict:
    return {"target_id": tid, "category": "service", "key": key, "outcome": outcome, "legal_ref": "",
            "evidence_url": evidence.get("url"), "label": None, "snippet": evidence.get("snippet"),
            "reason": reason, "evidence": {**evidence, **({"reason": reason} if reason else {})}}


def _svc(tid: str, n: int, level: str = "toan_trinh", status: str = "live") -> dict:
    return {"target_id": tid, "url": f"https://dvc.{tid}.x.gov.vn/tthc/{n}", "code": f"1.00{n:04d}",
            "name": f"Thủ tục {n}", "level": level, "level_raw": level, "status": status, "http_status": 200,
            "completeness": 1.0, "has_online_submission": True, "has_online_payment": True, "clicks": 2}


def _evidence() -> dict:
    cut = {"seen": 3, "announced": 12345, "truncated": True, "truncated_by": "services", "complete": False,
           "reason": "truncated", "announced_phrase": "Tổng số: 12.345 thủ tục"}
    observations = [
        _obs("rong", "services_portal", "pass", url="https://dvc.rong.x.gov.vn/", status="live"),
        _obs("rong", "services_listed", "fail", "empty_list", url="https://dvc.rong.x.gov.vn/tthc",
             snippet="Không có dữ liệu"),
        _obs("khongthay", "services_portal", "inconclusive", "not_discovered"),
        _obs("khongthay", "services_listed", "inconclusive", "not_discovered"),
        _obs("trinhduyet", "services_portal", "pass", url="https://dvc.trinhduyet.x.gov.vn/"),
        _obs("trinhduyet", "services_listed", "inconclusive", "render_failed"),
        _obs("mot_phan_ds", "services_portal", "pass", url="https://dvc.mot_phan_ds.x.gov.vn/"),
        _obs("mot_phan_ds", "services_listed", "pass", coverage=cut),
        _obs("day_du", "services_portal", "pass", url="https://dvc.day_du.x.gov.vn/"),
        _obs("day_du", "services_listed", "pass", coverage={**cut, "complete": True, "truncated": False}),
    ]
    services = [_svc(t, n) for t in ("mot_phan_ds", "day_du") for n in range(3)]
    targets = [_target("rong"), _target("khongthay", None), _target("trinhduyet"), _target("mot_phan_ds"),
               _target("day_du")]
    return {"run": {"id": 1, "label": "thử", "mode": "sweep", "started_at": "2026-11-01T00:00:00+00:00"},
            "targets": targets, "observations": observations, "services": services}


def _row(rows, tid, category="services"):
    return next(r for r in rows if r["target_id"] == tid and r["category"] == category)


def test_an_empty_portal_is_judged_and_scores_low():
    rows = score_run(_evidence(), load_methodology("nd42-2025"))
    empty = _row(rows, "rong")
    assert empty["status"] == "ranked" and empty["score"] < 0.5
    crit = {c["key"]: c for c in empty["criteria"]}
    assert crit["online_share"]["outcome"] == "fail" and crit["online_share"]["points"] == 0
    assert crit["online_share"]["detail"]["reason"] == "empty_list"
    assert crit["online_share"]["detail"]["evidence"][0]["url"] == "https://dvc.rong.x.gov.vn/tthc"
    assert crit["live_share"]["outcome"] == "not_applicable"      # no service whose page could work or not
    assert crit["services_portal_reachable"]["outcome"] == "pass"


def test_insufficient_data_only_when_nothing_could_be_judged_with_the_reason():
    rows = score_run(_evidence(), load_methodology("nd42-2025"))
    for tid, reason in (("khongthay", "not_discovered"), ("trinhduyet", "render_failed")):
        row = _row(rows, tid)
        assert row["status"] == "insufficient_data", tid
        assert {c["detail"].get("reason") for c in row["criteria"] if c["outcome"] == "inconclusive"
                and c["key"] != "services_portal_reachable"} == {reason}
        assert not [c for c in row["criteria"] if c["outcome"] == "fail"]   # a tool failure is never a fail


def test_a_cut_list_makes_a_partial_score_in_rows_storage_and_reports(tmp_path):
    m = load_methodology("nd42-2025")
    rows = score_run(_evidence(), m)
    partial, full = _row(rows, "mot_phan_ds"), _row(rows, "day_du")
    assert partial["status"] == "ranked" and partial["partial"]["announced"] == 12345
    assert all(c.get("partial_list") for c in partial["criteria"] if c["key"] in ("online_share", "live_share"))
    assert "partial" not in full and partial["score"] == full["score"]   # the same value, labelled partial
    # stored: the criteria carry it; the reports say it in every format
    db = store.open_db(tmp_path / "r.db")
    run_id = store.create_run(db, "sweep", label="thử")
    ev = _evidence()
    for t in ev["targets"]:
        store.save_run_target(db, run_id, {**{k: v for k, v in t.items() if k not in ("id", "group")},
                                           "group_name": t["group"]})
    store.add_rows(db, "observations", run_id, ev["observations"])
    store.add_rows(db, "services", run_id, ev["services"])
    store.finish_run(db, run_id)
    score_and_save(db, store.get_run(db, run_id), "nd42-2025")
    stored = _row(stored_scores(db, run_id)[1], "mot_phan_ds")
    assert any(c.get("partial_list") for c in stored["criteria"])
    for lang, words in (("vi", ("điểm một phần", "3/12.345")), ("en", ("partial score", "3 of the 12,345"))):
        out = tmp_path / lang
        write_reports(store.load_evidence(db, run_id), stored_scores(db, run_id)[1], out, ("md", "csv", "html"),
                      lang=lang, methodology="nd42-2025")
        for name in ("rankings.md", "rankings.csv", "targets/mot_phan_ds.html"):
            text = (out / name).read_text(encoding="utf-8")
            assert all(w in text for w in words), (lang, name)
        md = (out / "rankings.md").read_text(encoding="utf-8")
        assert ("không tìm thấy Cổng dịch vụ công" if lang == "vi" else "no online services portal found") in md
        assert ("trình duyệt của công cụ không chạy được" if lang == "vi" else "the tool's browser could not run") in md
