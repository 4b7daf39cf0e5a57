"""portalcheck doctor: what the tool found on this machine (docs/cli.md).

Exit status: 0 everything is ready, 1 something is missing (named, with the fix).
Nothing is created or changed: the database is opened read-only.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from crawler.browser.launch import check_launch
from crawler.cli.i18n import t
from crawler.orchestration.process import project_settings
from results import store
from results.schema import SCHEMA_VERSION

DATA_FILES = ("checks/data/lexicon.yaml", "checks/data/functions.yaml",
              "checks/data/service_levels.yaml", "checks/data/service_detail_fields.yaml",
              "checks/data/fetch_signatures.yaml", "checks/data/monitor.yaml")
ROOT = Path(__file__).resolve().parents[3]  # the folder holding checks/ and scoring/


def register(sub) -> None:
    p = sub.add_parser("doctor", help=t("doctor.help"), description=t("doctor.help"))
    p.add_argument("--db", default=str(store.DEFAULT_DB), help=t("cli.db"))
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help=t("sweep.set"))
    p.add_argument("--json", action="store_true", help=t("doctor.json"))
    p.set_defaults(func=run)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def database_finding(db: str) -> dict:
    """Whether the results database can be used, without creating or changing it."""
    path = Path(db)
    if not path.exists():
        folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
        ok = os.access(folder, os.W_OK | os.X_OK)
        return {"ok": ok, "path": db, "exists": False,
                "text": t("doctor.db_new", db=db) if ok else t("doctor.db_bad", db=db, problem=t("doctor.db_dir_missing"))}
    finding = {"ok": False, "path": db, "exists": True}
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=5)
        try:
            schema = conn.execute("PRAGMA user_version").fetchone()[0]
            runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0] if schema else 0
        finally:
            conn.close()
    except sqlite3.Error as exc:
        finding["text"] = t("doctor.db_bad", db=db, problem=t("doctor.db_not_sqlite", error=exc))
        return finding
    finding["schema_version"] = schema
    if schema > SCHEMA_VERSION:
        finding["text"] = t("doctor.db_bad", db=db, problem=t("doctor.db_newer", version=schema,
                                                                 supported=SCHEMA_VERSION))
    elif not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)):
        finding["text"] = t("doctor.db_bad", db=db, problem=t("doctor.db_not_writable"))
    else:
        finding.update(ok=True, runs=runs, text=t("doctor.db_ok", db=db, version=schema, runs=runs))
    return finding


def data_findings() -> list[dict]:
    out = []
    for name in DATA_FILES:
        path = ROOT / name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.append({"name": name, "version": data.get("version", "—"), "digest": _digest(path)})
    return out


def methodology_findings() -> list[dict]:
    from scoring.methodology import METHODOLOGY_DIR, list_methodologies

    out = []
    for name in list_methodologies():
        path = METHODOLOGY_DIR / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.append({"name": name, "valid_from": str(data.get("valid_from", "—")), "digest": _digest(path)})
    return out


def findings(db: str, overrides: dict) -> dict:
    browser = check_launch(project_settings(overrides), remember=False)
    return {
        "browser": {"ok": browser.ok, "path": browser.path, "version": browser.version,
                    "error": browser.error, "seconds": browser.seconds},
        "versions": {name: _package(name) for name in
                     ("portalcheck", "playwright", "scrapy", "scrapy-playwright", "sqlite-utils", "warcio", "wacz")},
        "database": database_finding(db),
        "data": data_findings(),
        "methodologies": methodology_findings(),
    }


def _print(found: dict) -> None:
    def mark(ok: bool) -> str:
        return t("doctor.ok") if ok else t("doctor.missing")

    b = found["browser"]
    line = t("doctor.browser_ok", path=b["path"], version=b["version"], seconds=b["seconds"]) if b["ok"] \
        else t("doctor.browser_bad", path=b["path"] or "—", error=b["error"])
    print(f"[{mark(b['ok'])}] {t('doctor.browser')}: {line}")
    versions = ", ".join(f"{k} {v or '—'}" for k, v in found["versions"].items())
    print(f"[{mark(bool(found['versions']['playwright']))}] {t('doctor.versions')}: {versions}")
    d = found["database"]
    print(f"[{mark(d['ok'])}] {t('doctor.database')}: {d['text']}")
    for item in found["data"]:
        print(f"[{mark(True)}] {t('doctor.lexicon')}: {t('doctor.data_file', **item)}")
    for item in found["methodologies"]:
        print(f"[{mark(True)}] {t('doctor.methodologies')}: {t('doctor.methodology', **item)}")


def missing(found: dict) -> list[str]:
    out = []
    if not found["browser"]["ok"]:
        out.append(t("doctor.browser"))
    if not found["versions"]["playwright"]:
        out.append(t("doctor.playwright"))
    if not found["database"]["ok"]:
        out.append(t("doctor.database"))
    return out


def run(args) -> int:
    overrides = dict(item.partition("=")[::2] for item in args.set)
    found = findings(args.db, {k.strip(): v for k, v in overrides.items()})
    lacking = missing(found)
    if args.json:
        print(json.dumps({**found, "missing": lacking}, ensure_ascii=False, indent=2))
    else:
        _print(found)
        print(t("doctor.some_missing", what=", ".join(lacking)) if lacking else t("doctor.all_ok"))
    return 1 if lacking else 0
