"""`python -m crawler diff`: two stored sweeps compared, as text and as JSON."""
from __future__ import annotations

import json
import re

from loopback import run_cli

from results import scoring_store, store
from results.diff import diff_exports
from results.export import build_export


def sweep(db, label, portal_status, sections, services, scores):
    run_id = store.create_run(db, mode="sweep", label=label, methodology="nd42-2025")
    store.save_run_targets(db, run_id, [{"target_id": "so-a", "name": "Sở A", "kind": "department",
                                         "group_name": "so", "portal_url": "http://a/"},
                                        {"target_id": "so-b", "name": "Sở B", "kind": "department",
                                         "group_name": "so", "portal_url": "http://b/"}])
    for tid in ("so-a", "so-b"):
        mine = sections if tid == "so-a" else {"gioi_thieu": "pass"}
        rows = {"observations": [{"target_id": tid, "category": "section", "key": k, "outcome": o}
                                 for k, o in mine.items()],
                "services": [{"target_id": tid, "url": u, "code": c, "name": n, "level": lvl, "status": s}
                             for u, c, n, lvl, s in services] if tid == "so-a" else []}
        store.complete_target(db, run_id, tid, "portal", rows, {"portal_status": portal_status if tid == "so-a" else "live"})
    store.finish_run(db, run_id)
    scoring_store.save_scoring(db, run_id, "nd42-2025", [
        {"target_id": tid, "group": "so", "category": cat, "score": scores.get((tid, cat)),
         "classification": "kha", "rank": 1 if tid == "so-a" else 2, "status": "ranked"}
        for tid in ("so-a", "so-b") for cat in ("portal", "services", "overall")])
    return run_id


def seed(path):
    db = store.open_db(path)
    first = sweep(db, "quý 3", "live",
                  {"gioi_thieu": "pass", "lanh_dao": "pass", "hoi_dap": "fail", "van_ban": "pass"},
                  [("http://a/dv/1", "1.001", "Cấp phép", "mot_phan", "live"),
                   ("http://a/dv/2", "1.002", "Đăng ký", "mot_phan", "server_error"),
                   ("http://a/dv/3", "1.003", "Gia hạn", "mot_phan", "live"),
                   ("http://a/dv/4", None, "Bỏ", "khong_truc_tuyen", "live")],
                  {("so-a", "overall"): 0.700, ("so-b", "overall"): 0.500})
    second = sweep(db, "quý 4", "live",
                   {"gioi_thieu": "pass", "lanh_dao": "fail", "hoi_dap": "pass", "van_ban": "inconclusive"},
                   [("http://a/dv/1b", "1.001", "Cấp phép", "toan_trinh", "not_found"),
                    ("http://a/dv/2", "1.002", "Đăng ký", "mot_phan", "live"),
                    ("http://a/dv/3", "1.003", "Gia hạn", "mot_phan", "live"),
                    ("http://a/dv/5", None, "Mới", "mot_phan", "live")],
                   {("so-a", "overall"): 0.750, ("so-b", "overall"): 0.500})
    db.conn.close()
    return first, second


def test_diff_of_the_last_two_sweeps(tmp_path):
    path = tmp_path / "r.db"
    first, second = seed(path)
    result = run_cli("diff", "--db", str(path), "--json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert (diff["run_a"]["id"], diff["run_b"]["id"]) == (first, second)
    a = {t["id"]: t for t in diff["targets"]}["so-a"]
    assert a["sections"] == {"gained": ["hoi_dap"], "lost": ["lanh_dao"], "now_inconclusive": ["van_ban"], "why": {}}
    services = a["services"]
    # Matched by procedure code when there is one (the URL of 1.001 changed).
    assert [s["code"] for s in services["gone_dead"]] == ["1.001"] and services["gone_dead"][0]["status"] == "not_found"
    assert [s["code"] for s in services["revived"]] == ["1.002"]
    assert services["level_changes"] == [{"url": "http://a/dv/1b", "code": "1.001", "name": "Cấp phép",
                                          "from": "mot_phan", "to": "toan_trinh"}]
    assert [s["url"] for s in services["added"]] == ["http://a/dv/5"]
    assert [s["url"] for s in services["removed"]] == ["http://a/dv/4"]
    assert a["scores"]["overall"]["delta"] == 0.05 and a["changed"]
    b = {t["id"]: t for t in diff["targets"]}["so-b"]
    assert not b["changed"]
    assert diff["totals"] == {"targets_changed": 1, "sections_gained": 1, "sections_lost": 1,
                              "services_gone_dead": 1, "services_revived": 1, "level_changes": 1}
    # The same as text, in Vietnamese; explicit run ids in either order work.
    text = run_cli("diff", str(first), str(second), "--db", str(path))
    assert text.returncode == 0
    assert "Chuyên mục không còn đạt: Thông tin lãnh đạo (họ tên, chức vụ, nhiệm vụ, liên hệ)" in text.stdout
    assert "Sở B" not in text.stdout and "lanh_dao" not in text.stdout   # words, not codes
    assert "Điểm tổng hợp: 0,700 → 0,750 (+0,050)" in text.stdout          # Babel's Vietnamese decimals
    assert "một phần (mức 3) → toàn trình (mức 4)" in text.stdout and "[trang không tồn tại (404)]" in text.stdout
    assert re.search(r"So sánh lượt \d+ \(\d\d/\d\d/\d{4} \d\d:\d\d", text.stdout)    # times as a person reads them
    english = run_cli("--lang", "en", "diff", "--db", str(path))
    assert "Services gone dead: 1" in english.stdout


def test_diff_needs_two_runs(tmp_path):
    path = tmp_path / "r.db"
    assert run_cli("diff", "--db", str(path)).returncode == 2
    db = store.open_db(path)
    run_id = sweep(db, "x", "live", {}, [], {})
    db.conn.close()
    result = run_cli("diff", "--db", str(path))
    assert result.returncode == 2 and "hai lượt" in result.stderr
    assert run_cli("diff", str(run_id), "999", "--db", str(path)).returncode == 2
    assert run_cli("diff", str(run_id), "--db", str(path)).returncode == 2


def test_diff_is_pure_data(tmp_path):
    path = tmp_path / "r.db"
    first, second = seed(path)
    db = store.open_db(path)
    same = diff_exports(build_export(db, second), build_export(db, second))
    assert same["totals"]["targets_changed"] == 0 and not same["targets_added"]
