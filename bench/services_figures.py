"""How well the services spider lists, levels and judges services, measured on
loopback portals whose truth is known.

    .venv/bin/python bench/services_figures.py [--no-demo] [--timeout 3]

Crawls (1) the fixture portals of tests/services (table, Liferay AJAX, prose
with the real 2021 records, SPA over the real 2026 API records, an empty
shell, a homepage banner, a homepage without link) and (2) the demo farm
(crawler.demo.DemoFarm) when it exists, each with the real spider in a
subprocess, and prints per target: discovered/expected, level accuracy,
status accuracy, and live-or-blocked services reported dead (must be 0).
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "services"))

from harness import compare, crawl, start_farm, stop_farm, truth, write_targets  # noqa: E402


def _rows(db_path: Path) -> dict[str, dict[str, dict]]:
    db = sqlite3.connect(str(db_path))
    db.row_factory = sqlite3.Row
    out: dict[str, dict[str, dict]] = {}
    for row in db.execute("SELECT target_id, url, level, status FROM services"):
        out.setdefault(row["target_id"], {})[row["url"]] = dict(row)
    db.close()
    return out


def _report(title: str, expected: dict[str, list[dict]], got: dict[str, dict[str, dict]], seconds: float) -> dict:
    print(f"\n## {title}  ({seconds:.1f} s)")
    print(f"{'target':<24}{'discovered':>12}{'extra':>7}{'level*':>12}{'level(all)':>12}{'status':>12}"
          f"{'live/blocked→dead':>19}")
    total = {k: 0 for k in ("expected", "discovered", "extra", "level_right", "level_judged",
                            "level_right_all", "status_right", "live_or_blocked_dead")}
    for target, services in expected.items():
        m = compare(services, got.get(target, {}))
        for k in total:
            total[k] += m[k]
        _line(target, m)
    _line("TOTAL", total)
    print("level* = over services whose level can be read (list, API or a page that answers)")
    return total


def _line(name: str, m: dict) -> None:
    print(f"{name:<24}{m['discovered']:>6}/{m['expected']:<5}{m['extra']:>7}"
          f"{m['level_right']:>7}/{m['level_judged']:<4}{m['level_right_all']:>7}/{m['discovered']:<4}"
          f"{m['status_right']:>7}/{m['discovered']:<4}{m['live_or_blocked_dead']:>19}")


def bench_fixtures(tmp: Path, timeout: str) -> dict:
    farm = start_farm()
    try:
        write_targets(farm, tmp / "fixtures.csv")
        started = time.monotonic()
        proc = crawl(tmp / "fixtures.csv", tmp / "fixtures.db", ("-s", f"DOWNLOAD_TIMEOUT={timeout}"))
        seconds = time.monotonic() - started
        if proc.returncode:
            print(proc.stderr[-3000:])
        expected = {t: v["services"] for t, v in truth(farm).items()}
        return _report("fixture portals (tests/services)", expected, _rows(tmp / "fixtures.db"), seconds)
    finally:
        stop_farm(farm)


def bench_demo(tmp: Path, timeout: str) -> dict | None:
    try:
        from crawler.demo import DemoFarm
    except ImportError:
        print("\n## demo farm: crawler.demo.DemoFarm not available, skipped")
        return None
    with DemoFarm(timeout_hang_seconds=max(8.0, 2.5 * float(timeout))) as farm:
        farm.write_targets_csv(tmp / "demo.csv")
        started = time.monotonic()
        proc = crawl(tmp / "demo.csv", tmp / "demo.db", ("-s", f"DOWNLOAD_TIMEOUT={timeout}"))
        seconds = time.monotonic() - started
        if proc.returncode:
            print(proc.stderr[-3000:])
        expected = {t: v.get("services") or [] for t, v in farm.truth().items()}
        return _report("demo farm (crawler.demo)", expected, _rows(tmp / "demo.db"), seconds)


class _Keep:
    def __init__(self, path: str):
        self.path = path

    def __enter__(self) -> str:
        return self.path

    def __exit__(self, *exc) -> None:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-demo", action="store_true", help="skip the demo farm")
    parser.add_argument("--timeout", default="3", help="DOWNLOAD_TIMEOUT for the crawls (s)")
    parser.add_argument("--keep", metavar="DIR", help="keep the targets and databases in DIR")
    args = parser.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with (tempfile.TemporaryDirectory() if not args.keep else _Keep(args.keep)) as tmp:
        totals = [bench_fixtures(Path(tmp), args.timeout)]
        if not args.no_demo:
            totals.append(bench_demo(Path(tmp), args.timeout))
    misreported = sum(t["live_or_blocked_dead"] for t in totals if t)
    print(f"\nlive or blocked services reported dead: {misreported} (must be 0)")
    return 1 if misreported else 0


if __name__ == "__main__":
    sys.exit(main())
