"""Accuracy of required-section detection against written truth.

    .venv/bin/python bench/accuracy.py [--no-demo] [--keep DIR]

Crawls, with the real portal spider on loopback (nothing leaves the machine):
- the real Hà Nội Sở TT&TT mirror and the synthetic portals of tests/portal/ (truth in
  tests/fixtures/sotttt-hanoi-2022/truth.yaml and tests/portal/sites/*/truth.yaml; a key a
  synthetic truth does not list is expected to fail);
- the demo farm (crawler.demo.DemoFarm), when it exists, with its own truth.
A section verdict "pass" is a positive. Precision = right passes / all passes given;
recall = right passes / all true passes (a true pass given as fail or inconclusive is
missed). Keys whose truth is inconclusive are left out. The last line is
`precision=P recall=R` over everything.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "portal")]

from checks.model import SECTION_KEYS  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def crawl(targets: Path, db: Path, *settings: str) -> None:
    cmd = [PYTHON, "-m", "scrapy", "crawl", "portal", "-a", f"targets={targets}", "-s", f"PORTALCHECK_DB={db}",
           "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0",
           "-s", "LOG_LEVEL=ERROR", "-s", "PORTALCHECK_FOLLOW_OFFSITE=private"]
    for setting in settings:
        cmd += ["-s", setting]
    with open(db.with_suffix(".log"), "w") as log:
        subprocess.run(cmd, cwd=ROOT, env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
                       stdout=log, stderr=subprocess.STDOUT, timeout=900, check=True)


def verdicts(db: Path) -> dict[tuple[str, str], str]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT target_id, key, outcome FROM observations WHERE category = 'section'")
    out = {(t, k): o for t, k, o in rows}
    conn.close()
    return out


def fixture_truth() -> dict[str, dict[str, str]]:
    import pc_farm

    out = {}
    for name in ("hanoi", "mau", "moi", "soft404", "jsmenu"):
        path = pc_farm.HANOI / "truth.yaml" if name == "hanoi" else pc_farm.SITES / name / "truth.yaml"
        written = yaml.safe_load(path.read_text(encoding="utf-8")).get("sections") or {}
        out[name] = {}
        for key in SECTION_KEYS:
            value = written.get(key, "fail")
            out[name][key] = value["outcome"] if isinstance(value, dict) else value
    return out


def run_fixtures(tmp: Path) -> tuple[dict, dict]:
    import pc_farm

    sites = pc_farm.start()
    try:
        pc_farm.write_targets(sites, tmp / "fixtures.csv")
        pc_farm.write_hints(tmp / "hints.yaml")
        crawl(tmp / "fixtures.csv", tmp / "fixtures.db", f"PORTALCHECK_HINTS={tmp / 'hints.yaml'}")
    finally:
        pc_farm.stop(sites)
    return fixture_truth(), verdicts(tmp / "fixtures.db")


def run_demo(tmp: Path) -> tuple[dict, dict] | None:
    try:
        from crawler.demo import DemoFarm
    except ImportError:
        return None
    with DemoFarm(timeout_hang_seconds=10) as farm:
        farm.write_targets_csv(tmp / "demo.csv")
        truth = {tid: t["sections"] for tid, t in farm.truth().items()}
        crawl(tmp / "demo.csv", tmp / "demo.db")
    return {f"demo:{t}": v for t, v in truth.items()}, {(f"demo:{t}", k): o for (t, k), o in verdicts(tmp / "demo.db").items()}


def score(truth: dict[str, dict[str, str]], got: dict[tuple[str, str], str]):
    per_key = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "inc": 0})
    misses = []
    for target, keys in truth.items():
        for key, want in keys.items():
            if want not in ("pass", "fail"):
                continue
            have = got.get((target, key), "missing")
            c = per_key[key]
            if have == "pass":
                c["tp" if want == "pass" else "fp"] += 1
            elif want == "pass":
                c["fn"] += 1
            elif have == "fail":
                c["tn"] += 1
            else:
                c["inc"] += 1
            if have != want:
                misses.append((target, key, want, have))
    return per_key, misses


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def report(per_key, misses) -> str:
    lines = [f"{'key':22} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'inc':>4}  precision  recall"]
    total = defaultdict(int)
    for key in SECTION_KEYS:
        c = per_key.get(key, {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "inc": 0})
        for k, v in c.items():
            total[k] += v
        lines.append(f"{key:22} {c['tp']:4} {c['fp']:4} {c['fn']:4} {c['tn']:4} {c['inc']:4}  "
                     f"{ratio(c['tp'], c['tp'] + c['fp']):9.3f}  {ratio(c['tp'], c['tp'] + c['fn']):6.3f}")
    p, r = ratio(total["tp"], total["tp"] + total["fp"]), ratio(total["tp"], total["tp"] + total["fn"])
    lines.append(f"{'overall':22} {total['tp']:4} {total['fp']:4} {total['fn']:4} {total['tn']:4} {total['inc']:4}  "
                 f"{p:9.3f}  {r:6.3f}")
    for target, key, want, have in misses:
        lines.append(f"  differs: {target} {key}: truth {want}, got {have}")
    lines.append(f"precision={p:.3f} recall={r:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-demo", action="store_true", help="skip the demo farm")
    parser.add_argument("--keep", help="directory for the crawl databases and logs")
    args = parser.parse_args(argv)
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="portalcheck-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    truth, got = run_fixtures(tmp)
    print(f"fixtures: {len(truth)} portals (Hà Nội mirror + synthetic)")
    demo = None if args.no_demo else run_demo(tmp)
    if demo:
        truth.update(demo[0])
        got.update(demo[1])
        print(f"demo farm: {len(demo[0])} portals")
    else:
        print("demo farm: not used")
    per_key, misses = score(truth, got)
    (tmp / "verdicts.json").write_text(json.dumps({f"{t}|{k}": o for (t, k), o in got.items()}, indent=1))
    print(report(per_key, misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
