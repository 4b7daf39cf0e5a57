"""What `--archive` costs (docs/archive.md): the same sweep with and without it,
then a re-judgement of the archived run, on the bench's nginx farm.

Figures: bytes of WACZ per page fetched, extra seconds per 10,000 pages (wall
clock: recording every answer and packing the WACZ, both included), and the
seconds a re-judgement takes per 10,000 pages. `bench/run.py` calls it for the
sizes in `--archive-sizes`; alone: `python bench/archive_cost.py --size small`.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def archive_cost(targets: Path, workdir: Path, workers: int, plain: dict, sweep) -> dict:
    """`plain`: the figures of the same sweep without --archive (bench.run.sweep)."""
    from bench.run import PYTHON, run_measured

    db = workdir / "archive.db"
    archived = sweep(targets, db, workers, ("--archive",))
    conn = sqlite3.connect(db)
    run_id, path = conn.execute("SELECT id, archive_path FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    wacz_bytes = Path(path).stat().st_size
    rejudge_seconds, rejudge_peak, _ = run_measured([PYTHON, "-m", "crawler", "rejudge", "--db", str(db),
                                                     "--run", str(run_id)])
    pages = archived["pages"]
    return {"pages": pages, "wacz_bytes": wacz_bytes, "bytes_per_page": wacz_bytes / pages,
            "extra_seconds_per_10k": (archived["wall"] - plain["wall"]) / pages * 10_000,
            "archived_wall": archived["wall"], "plain_wall": plain["wall"],
            "rejudge_seconds": rejudge_seconds, "rejudge_seconds_per_10k": rejudge_seconds / pages * 10_000,
            "rejudge_peak_kb": rejudge_peak}


def archive_line(figures: dict) -> str:
    return (f"archive: pages={figures['pages']} wacz={figures['wacz_bytes'] / 1e6:.1f} MB "
            f"bytes_per_page={figures['bytes_per_page']:.0f} sweep_wall={figures['plain_wall']:.1f}s "
            f"with_archive={figures['archived_wall']:.1f}s "
            f"extra_s_per_10k_pages={figures['extra_seconds_per_10k']:.0f} "
            f"rejudge={figures['rejudge_seconds']:.1f}s rejudge_s_per_10k_pages={figures['rejudge_seconds_per_10k']:.0f} "
            f"rejudge_peak_pss={figures['rejudge_peak_kb'] / 1024:.0f} MB")


def main() -> None:
    from bench.farm import build_farm, write_targets
    from bench.run import PORT, SIZES, Nginx, sweep
    from crawler.orchestration.workers import worker_count

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", choices=sorted(SIZES))
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    portals, services = SIZES[args.size]
    workdir = Path(tempfile.mkdtemp(prefix="portalcheck-archive-bench-"))
    workdir.chmod(0o755)  # nginx workers run as an unprivileged user
    rows = build_farm(workdir / "www", portals, services, PORT)
    targets = workdir / "targets.csv"
    write_targets(rows, targets)
    workers = worker_count(args.workers, portals)
    with Nginx(rows, workdir):
        plain = sweep(targets, workdir / "plain.db", workers)
        figures = archive_cost(targets, workdir, workers, plain, sweep)
    print(f"{args.size} {archive_line(figures)}")


if __name__ == "__main__":
    main()
