"""Accuracy of the portal verdicts — required sections and support functions — against written truth.

    .venv/bin/python bench/accuracy.py [--no-demo] [--no-real] [--no-heldout] [--keep DIR]   (make accuracy)

Every fixture's truth was written by reading its pages, never by running the tool. Three sources:

1. Loopback fixtures, crawled by the real portal spider (`scrapy crawl portal` in a subprocess,
   PORTALCHECK_FOLLOW_OFFSITE=private; nothing leaves the machine): the Hà Nội Sở TT&TT mirror
   (tests/fixtures/sotttt-hanoi-2022/truth.yaml) and the synthetic portals and platform
   look-alikes of tests/portal/sites/*/truth.yaml (a section a synthetic truth does not list
   is expected to fail).
2. The demo farm (crawler.demo.DemoFarm), crawled the same way; its truth is derived from the
   data that builds its pages.
3. Real homepages of other agencies (tests/fixtures/real-portals/<id>/: homepage, sometimes
   section pages, PROVENANCE.md, truth.yaml), judged offline by the spider's own chains
   (checks.portal_judge.judge_offline: the same candidates, the same order, the same
   judgement). A page that was saved answers as itself; a link whose page was not saved is
   answered by a neutral stand-in built from the homepage alone (bench/real_portals.py):
   the homepage's name for that link as the page's title, breadcrumb and heading, and a
   list of dated items. So on these portals the figures measure the reading of the homepage
   — which links are found for which section, with which labels, and the choice between
   them — and the destination check only where a page was saved: a stand-in neither
   confirms what the homepage does not name nor denies what it does. Functions are counted
   there only where the homepage decides them (related links, EMC, mobile) or a link is all
   the offline run can judge (site map); the rest only where their pages were saved.

Measures. Sections: a pass is a positive; precision = right passes / passes given; recall =
right passes / true passes (a true pass given as fail or inconclusive is missed); sections
whose truth is inconclusive are left out. Functions: right = verdicts equal to the truth's /
verdicts the truth gives (pass, fail or inconclusive; accessibility and performance, never
measured, left out). Content: where the truth says a present section is empty (or, on the
demo farm, whether each present section lists items), the section's `content` observation must say
so (its `content` observation). The output: one line per fixture, the per-key table, every difference, and last
`sections precision=P recall=R`, the content line and `functions right=F (k/n)`.

Then, apart, the held-out real homepages (tests/fixtures/real-portals-heldout/, same layout):
read by an expert before any code saw them and never tuned on, they are the figure that says
how the tool fares on a portal nobody wrote a rule for. A miss there is fixed by class, with
a fixture of its own in tests/fixtures/real-portals/, never by tuning on the held-out page.
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
# tests/portal/pc_farm.py serves the loopback fixtures; it needs tests/loopback.py.
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "portal")]

from checks.model import FUNCTION_KEYS, SECTION_KEYS  # noqa: E402

PYTHON = sys.executable
NOT_MEASURED = ("accessibility", "performance")
FIXTURE_SITES = ("hanoi", "mau", "moi", "soft404", "jsmenu", "drupal", "sharepoint", "liferay7", "aspnet")


def crawl(targets: Path, db: Path, *settings: str) -> None:
    cmd = [PYTHON, "-m", "scrapy", "crawl", "portal", "-a", f"targets={targets}", "-s", f"PORTALCHECK_DB={db}",
           "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0",
           "-s", "LOG_LEVEL=ERROR", "-s", "PORTALCHECK_FOLLOW_OFFSITE=private"]
    for setting in settings:
        cmd += ["-s", setting]
    with open(db.with_suffix(".log"), "w") as log:
        subprocess.run(cmd, cwd=ROOT, env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
                       stdout=log, stderr=subprocess.STDOUT, timeout=900, check=True)


def verdicts(db: Path, prefix: str = "") -> dict[tuple[str, str, str], str]:
    """{(target, category, key): outcome} of the sections, functions and content a crawl stored."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT target_id, category, key, outcome, evidence FROM observations "
                        "WHERE category IN ('section', 'function', 'content')")
    out = {(prefix + t, c, k): o for t, c, k, o, _ in rows}
    conn.close()
    return out


def _outcome(value) -> str:
    return value["outcome"] if isinstance(value, dict) else value


def written_truth(path: Path, default_section: str | None) -> dict[str, dict[str, str]]:
    """{"section": {key: outcome}, "function": {key: outcome}} of a truth.yaml."""
    written = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections = written.get("sections") or {}
    out = {"section": {}, "function": {}, "content": {}}
    for key in SECTION_KEYS:
        value = sections.get(key, default_section)
        if value is not None:
            out["section"][key] = _outcome(value)
        if isinstance(value, dict) and value.get("empty"):
            out["content"][key] = "fail"  # present, and empty
    for key, value in (written.get("functions") or {}).items():
        if key in FUNCTION_KEYS and key not in NOT_MEASURED:
            out["function"][key] = _outcome(value)
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
    truth = {}
    for name in FIXTURE_SITES:
        path = pc_farm.HANOI / "truth.yaml" if name == "hanoi" else pc_farm.SITES / name / "truth.yaml"
        truth[name] = written_truth(path, None if name == "hanoi" else "fail")
    return truth, verdicts(tmp / "fixtures.db")


def run_demo(tmp: Path) -> tuple[dict, dict]:
    from crawler.demo import DemoFarm

    with DemoFarm(timeout_hang_seconds=10) as farm:
        farm.write_targets_csv(tmp / "demo.csv")
        truth = {f"demo:{tid}": {"section": t["sections"], "content": t.get("content", {}),
                                 "function": {k: v for k, v in t["functions"].items() if k not in NOT_MEASURED}}
                 for tid, t in farm.truth().items()}
        crawl(tmp / "demo.csv", tmp / "demo.db")
    return truth, verdicts(tmp / "demo.db", "demo:")


HELDOUT = ROOT / "tests" / "fixtures" / "real-portals-heldout"


def run_real(root: Path | None = None, prefix: str = "real") -> tuple[dict, dict]:
    import real_portals

    truth, got = {}, {}
    for fixture in real_portals.fixtures(root or real_portals.FIXTURES):
        name = f"{prefix}:{fixture.id}"
        truth[name] = fixture.truth()
        for obs in fixture.judge():
            got[(name, obs.category, obs.key)] = obs.outcome
    return truth, got


def score(truth: dict[str, dict[str, dict[str, str]]], got: dict):
    """Per fixture and per key counts, and every difference."""
    blank = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "inc": 0, "right": 0, "judged": 0}
    per_key, per_fixture = defaultdict(lambda: dict(blank)), defaultdict(lambda: dict(blank))
    misses = []
    for target, cats in truth.items():
        for key, want in cats.get("section", {}).items():
            if want not in ("pass", "fail"):
                continue
            have = got.get((target, "section", key), "missing")
            cell = "tp" if have == "pass" and want == "pass" else "fp" if have == "pass" else \
                "fn" if want == "pass" else "tn" if have == "fail" else "inc"
            per_key[key][cell] += 1
            per_fixture[target][cell] += 1
            if have != want:
                misses.append((target, "section", key, want, have))
        for key, want in cats.get("function", {}).items():
            have = got.get((target, "function", key), "missing")
            per_fixture[target]["judged"] += 1
            per_fixture[target]["right"] += have == want
            per_key["function:" + key]["judged"] += 1
            per_key["function:" + key]["right"] += have == want
            if have != want:
                misses.append((target, "function", key, want, have))
        for key, want in cats.get("content", {}).items():
            have = got.get((target, "content", key), "missing")
            per_key["content"]["judged"] += 1
            per_key["content"]["right"] += have == want
            if have != want:
                misses.append((target, "content", key, want, have))
    return per_key, per_fixture, misses


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _row(name: str, c: dict) -> str:
    return (f"{name:34} {c['tp']:4} {c['fp']:4} {c['fn']:4} {c['tn']:4} {c['inc']:4}  "
            f"{ratio(c['tp'], c['tp'] + c['fp']):9.3f}  {ratio(c['tp'], c['tp'] + c['fn']):6.3f}  "
            f"{c['right']:4}/{c['judged']:<4}")


def report(per_key: dict, per_fixture: dict, misses: list) -> str:
    head = f"{'':34} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'inc':>4}  precision  recall  functions"
    lines = ["per fixture (sections: tp fp fn tn inc, precision, recall; functions right/judged)", head]
    total = defaultdict(int)
    for name in sorted(per_fixture):
        lines.append(_row(name, per_fixture[name]))
        for k, v in per_fixture[name].items():
            total[k] += v
    lines += ["", "per key", head]
    for key in SECTION_KEYS:
        lines.append(_row(key, per_key.get(key, defaultdict(int))))
    for key in FUNCTION_KEYS:
        c = per_key.get("function:" + key)
        if c:
            lines.append(f"{'function ' + key:34} {'':29} {'':9}  {'':6}  {c['right']:4}/{c['judged']:<4}")
    lines.append(_row("overall", total))
    for target, category, key, want, have in misses:
        lines.append(f"  differs: {target} {category} {key}: truth {want}, got {have}")
    p, r = ratio(total["tp"], total["tp"] + total["fp"]), ratio(total["tp"], total["tp"] + total["fn"])
    lines.append(f"sections precision={p:.3f} recall={r:.3f} ({len(per_fixture)} portals)")
    content = per_key.get("content", {"right": 0, "judged": 0})
    lines.append(f"content (an empty section said empty) right={ratio(content['right'], content['judged']):.3f} "
                 f"({content['right']}/{content['judged']})")
    lines.append(f"functions right={ratio(total['right'], total['judged']):.3f} ({total['right']}/{total['judged']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-demo", action="store_true", help="skip the demo farm")
    parser.add_argument("--no-real", action="store_true", help="skip the real homepages judged offline")
    parser.add_argument("--no-heldout", action="store_true", help="skip the held-out real homepages")
    parser.add_argument("--keep", help="directory for the crawl databases and logs")
    args = parser.parse_args(argv)
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="portalcheck-accuracy-"))
    tmp.mkdir(parents=True, exist_ok=True)
    truth, got = run_fixtures(tmp)
    print(f"loopback fixtures: {len(truth)} portals (Hà Nội mirror, synthetic, platform look-alikes), crawled")
    if not args.no_demo:
        demo = run_demo(tmp)
        truth.update(demo[0])
        got.update(demo[1])
        print(f"demo farm: {len(demo[0])} portals, crawled")
    if not args.no_real:
        real = run_real()
        truth.update(real[0])
        got.update(real[1])
        print(f"real homepages: {len(real[0])} portals, judged offline (saved pages and stand-ins)")
    per_key, per_fixture, misses = score(truth, got)
    (tmp / "verdicts.json").write_text(json.dumps({"|".join(k): o for k, o in got.items()}, indent=1))
    print(report(per_key, per_fixture, misses))
    if not args.no_real and not args.no_heldout:
        # Kept apart and never tuned on: the only figure that says how the next portal will fare.
        held_truth, held_got = run_real(HELDOUT, "heldout")
        if held_truth:
            print(f"\nheld-out real homepages (never tuned on, {HELDOUT.relative_to(ROOT)}): "
                  f"{len(held_truth)} portals, judged offline")
            print(report(*score(held_truth, held_got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
