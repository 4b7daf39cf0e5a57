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
import time
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


def micro(pages: int, workdir: Path) -> dict:
    """The archive's own work, in CPU seconds (not wall clock, which a busy machine
    inflates): `pages` responses whose bodies are the real portal pages of
    tests/fixtures (gzip-compressed as servers send them), recorded, packed into a
    WACZ, indexed and every one answered again, as a re-judgement does."""
    import gzip

    from crawler.archive.package import pack
    from crawler.archive.records import WarcRecorder, request_key
    from results.archive import ArchiveReader, run_warc_dir

    files = [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures").rglob("*.html")) if "real" in str(p)]
    bodies = [gzip.compress(html, 6) for html in files]
    raw = sum(len(html) for html in files)
    recorder = WarcRecorder(run_warc_dir(workdir, 1) / "micro.warc.gz", max_bytes=10 * 1024 * 1024)
    started = time.process_time()
    for i in range(pages):
        recorder.response(method="GET", url=f"http://127.0.0.1/p/{i}", request_headers=[("User-Agent", "bench")],
                          request_body=None, status=200,
                          headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                          body=bodies[i % len(bodies)], rendered=False, final_url=None, target="t", purpose="bench")
    recorder.close()
    record = time.process_time() - started
    started = time.process_time()
    path, _ = pack(workdir, 1, "bench")
    packing = time.process_time() - started
    started = time.process_time()
    reader = ArchiveReader(path)
    for i in range(pages):
        reader.answer(request_key("GET", f"http://127.0.0.1/p/{i}", None, False))
    replay = time.process_time() - started
    per10k = 10_000 / pages
    return {"pages": pages, "bytes_per_page": path.stat().st_size / pages,
            "compressed_body_per_page": sum(len(bodies[i % len(bodies)]) for i in range(pages)) / pages,
            "html_per_page": raw / len(bodies), "record_cpu_per_10k": record * per10k,
            "pack_cpu_per_10k": packing * per10k, "replay_cpu_per_10k": replay * per10k}


def micro_line(f: dict) -> str:
    return (f"archive (CPU, real portal pages): pages={f['pages']} html_per_page={f['html_per_page']:.0f} B "
            f"gzip_body_per_page={f['compressed_body_per_page']:.0f} B wacz_bytes_per_page={f['bytes_per_page']:.0f} "
            f"record_cpu_s_per_10k={f['record_cpu_per_10k']:.1f} pack_cpu_s_per_10k={f['pack_cpu_per_10k']:.1f} "
            f"rejudge_read_cpu_s_per_10k={f['replay_cpu_per_10k']:.1f}")


def main() -> None:
    from bench.farm import build_farm, write_targets
    from bench.run import PORT, SIZES, Nginx, sweep
    from crawler.orchestration.workers import worker_count

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", choices=sorted(SIZES))
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--micro", type=int, default=0, metavar="PAGES",
                        help="only the archive's own CPU cost over PAGES real pages (no farm)")
    args = parser.parse_args()
    if args.micro:
        print(micro_line(micro(args.micro, Path(tempfile.mkdtemp(prefix="portalcheck-archive-micro-")))))
        return
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
