"""The results database: WAL, append-only runs, migrations from older versions."""
from __future__ import annotations

import json
import sqlite3

import jsonschema
import pytest

from results import schema, scoring_store, store
from results.export import build_export, export_schema, to_csv


def test_open_creates_schema_in_wal_mode(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert {"runs", "run_targets", "fetches", "observations", "services", "scores"} <= set(db.table_names())
    assert "latest_observations" in db.view_names()


def test_an_older_database_upgrades_and_keeps_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = store.open_db(path)
    run_id = store.create_run(db, mode="sweep", label="quý 3")
    db.conn.close()
    # A newer portalcheck adds a migration step: the old file must upgrade in place.
    before = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["ALTER TABLE runs ADD COLUMN operator TEXT"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = sqlite3.connect(path)
    assert schema.migrate(conn) == before
    assert conn.execute("PRAGMA user_version").fetchone()[0] == before + 1
    assert conn.execute("SELECT label, operator FROM runs WHERE id = ?", [run_id]).fetchone() == ("quý 3", None)


def test_a_newer_database_is_refused_clearly(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(store.DatabaseError, match="newer_schema"):
        store.open_db(path)


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "r.db"
    store.open_db(path).conn.close()
    before = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["CREATE TABLE x (a); SELECT nope FROM nowhere"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.Error):
        schema.migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'x'").fetchone()


def stored_run(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    run_id = store.create_run(db, mode="sweep", label="demo", methodology="nd42-2025")
    store.save_run_target(db, run_id, {"target_id": "a", "name": "Sở Tư pháp", "kind": "department",
                                       "group_name": "so_nganh", "portal_status": "live",
                                       "portal_http_status": 200, "portal_final_url": "http://127.0.0.1/"})
    store.add_rows(db, "observations", run_id, [
        {"target_id": "a", "category": "section", "key": "hoi_dap", "outcome": "pass",
         "evidence_url": "http://127.0.0.1/hoi-ap.html", "label": "Hỏi đáp", "evidence": {"matched_by": "slug"}},
        {"target_id": "a", "category": "function", "key": "rss", "outcome": "fail", "reason": "no_link"},
    ])
    store.add_rows(db, "services", run_id, [
        {"target_id": "a", "url": "http://127.0.0.1/tthc/1", "code": "1.004222", "name": "Đăng ký thường trú",
         "level": "mot_phan", "level_raw": "Một phần", "status": "live", "http_status": 200}])
    scoring_store.save_scoring(db, run_id, "nd42-2025", [
        {"target_id": "a", "group": "so_nganh", "category": c, "score": 0.5, "classification": "trung_binh",
         "rank": 1, "status": "ranked"} for c in ("portal", "services", "overall")])
    store.finish_run(db, run_id)
    return db, run_id


def test_export_validates_against_the_published_schema(tmp_path):
    db, run_id = stored_run(tmp_path)
    export = build_export(db, run_id)
    jsonschema.validate(export, export_schema())
    target = export["targets"][0]
    assert target["sections"]["hoi_dap"]["label"] == "Hỏi đáp"
    assert target["services"][0]["level"] == "mot_phan"
    assert target["rank"] == {"portal": 1, "services": 1, "overall": 1}
    csv_text = to_csv(export)
    assert "section_hoi_dap" in csv_text.splitlines()[0] and "Sở Tư pháp" in csv_text


def test_export_schema_rejects_unknown_keys(tmp_path):
    db, run_id = stored_run(tmp_path)
    export = build_export(db, run_id)
    export["targets"][0]["sections"]["not_a_key"] = {"outcome": "pass", "evidence_url": None, "label": None}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(export, export_schema())
    export = json.loads(json.dumps(build_export(db, run_id)))
    export["targets"][0]["portal"]["status"] = "dead"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(export, export_schema())


def test_a_target_is_written_whole_or_not_at_all(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    run_id = store.create_run(db, mode="sweep")
    good = [{"target_id": "a", "purpose": "homepage", "url": "http://127.0.0.1/", "status": "live"}]
    bad = [{"target_id": "a", "category": "section", "key": "hoi_dap", "outcome": "pass", "no_such_column": 1}]
    with pytest.raises(Exception):  # noqa: B017 - whatever the error, nothing may be left half-written
        store.complete_target(db, run_id, "a", "portal", {"fetches": good, "observations": bad}, {"portal_status": "live"})
    assert db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 0
    assert store.finished_targets(db, run_id, "portal") == set()
    store.complete_target(db, run_id, "a", "portal", {"fetches": good}, {"portal_status": "live"})
    assert store.finished_targets(db, run_id, "portal") == {"a"}
