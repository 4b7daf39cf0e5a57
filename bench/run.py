"""`make bench`: portalcheck's speed and memory, measured against plain Scrapy.

Pages/s are crawl rates: pages divided by the time from the first fetch to the
last (process start-up and the final scoring are left out on both sides).

For each farm size it builds static portals, serves them with nginx on
127.0.1.N, and in the same run measures
  (a) a full `portalcheck sweep` (portal + services spiders, checks, SQLite),
  (b) plain Scrapy fetching the very URLs the sweep fetched, with no checks,
then (c) Chromium rendering JavaScript pages through portalcheck's own
rendering path and, on the very same pages with the same browser and flags, raw
Playwright (bench/raw_render.py), in turn, three times: the median of their ratios is
`rendered_ratio`; (d) the browser
audits (`sweep --audits accessibility,performance`): portals audited per minute;
and (e) `portalcheck check` of one 2,000-service portal.
Peak memory is the PSS of the whole process tree (Chromium included).
The last line is machine-readable and ends with rendered_ratio.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.archive_cost import archive_cost, archive_line, micro, micro_line  # noqa: E402
from bench.farm import build_farm, nginx_conf, write_targets  # noqa: E402
from crawler.orchestration.workers import worker_count  # noqa: E402

PYTHON = sys.executable
PORT = 18480
SIZES = {"small": (5, 200), "medium": (20, 1000), "large": (60, 2000)}


def tree_pss_kb(pid: int) -> int:
    """PSS of `pid` and all its descendants, from /proc (kB)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass
    return total


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run `cmd`, sampling the PSS of its process tree; returns (seconds, peak kB, result)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_pss_kb(proc.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{err[-3000:]}")
    return time.monotonic() - started, peak[0], result


class Nginx:
    def __init__(self, rows: list[dict], workdir: Path):
        self.prefix = workdir / "nginx"
        (self.prefix / "tmp").mkdir(parents=True, exist_ok=True)
        self.conf = self.prefix / "nginx.conf"
        self.conf.write_text(nginx_conf(rows, PORT, self.prefix))
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.hosts = [r["host"] for r in rows]

    def __enter__(self):
        self.proc = subprocess.Popen([self.binary, "-p", str(self.prefix), "-c", str(self.conf)],
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while not all(self._answers(host) for host in self.hosts):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise SystemExit("nginx did not start: " + self.proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(self._answers(host) for host in self.hosts) and time.monotonic() < deadline:
            time.sleep(0.2)  # workers finishing: the next farm reuses these addresses

    @staticmethod
    def _answers(host: str) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex((host, PORT)) == 0


def sweep(targets: Path, db: Path, workers: int, extra: tuple[str, ...] = ()) -> dict:
    seconds, peak, _ = run_measured([PYTHON, "-m", "crawler", "sweep", "--targets", str(targets),
                                     "--db", str(db), "--label", "bench", "--workers", str(workers), *extra])
    conn = sqlite3.connect(db)
    run_id = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    started, finished = conn.execute("SELECT started_at, finished_at FROM runs WHERE id = ?", [run_id]).fetchone()
    pages, first, last = conn.execute(
        "SELECT COUNT(*), MIN(julianday(fetched_at)), MAX(julianday(fetched_at)) FROM fetches WHERE run_id = ?",
        [run_id]).fetchone()
    crawl_seconds = (last - first) * 86400
    rendered = conn.execute("SELECT COUNT(*) FROM fetches WHERE run_id = ? AND rendered = 1", [run_id]).fetchone()[0]
    conn.close()
    return {"seconds": crawl_seconds, "wall": seconds, "pages": pages, "rendered": rendered, "peak_kb": peak,
            "db_bytes": db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-*"))}


def baseline(db: Path, workdir: Path) -> dict:
    urls = workdir / "urls.txt"
    conn = sqlite3.connect(db)
    run_id = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    urls.write_text("\n".join(u for (u,) in conn.execute(
        "SELECT url FROM fetches WHERE run_id = ? AND rendered = 0 AND url LIKE 'http://127.%'", [run_id])))
    conn.close()
    seconds, peak, result = run_measured([PYTHON, "-m", "scrapy", "runspider", "bench/baseline_spider.py",
                                          "-a", f"urls={urls}", "-s", "LOG_LEVEL=WARNING"],
                                         env={"SCRAPY_SETTINGS_MODULE": "bench.baseline_settings"})
    pages, crawl_seconds = result.stdout.strip().splitlines()[-1].split()
    return {"seconds": float(crawl_seconds), "wall": seconds, "pages": int(pages), "peak_kb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--render-pages", type=int, default=300)
    parser.add_argument("--render-rounds", type=int, default=3,
                        help="portalcheck and raw Playwright rendered in turn this many times (medians reported)")
    parser.add_argument("--workers", type=int, default=0,
                        help="sweep worker processes (0: one per core, as `portalcheck sweep` does)")
    parser.add_argument("--one-worker-sizes", default="small,medium",
                        help="sizes also swept in a single process, to show what the workers add")
    parser.add_argument("--archive-sizes", default="medium",
                        help="sizes also swept with --archive, then re-judged (docs/archive.md)")
    parser.add_argument("--audit-portals", type=int, default=6, help="portals swept with --audits")
    parser.add_argument("--parts", default="sweep,archive,render,audit,check",
                        help="what to measure (sweep, archive, render, audit, check): all by default")
    parser.add_argument("--national-scale", type=float, default=1.0,
                        help="the share of the national size to sweep (bench/national.py)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    workroot = Path(tempfile.mkdtemp(prefix="portalcheck-bench-"))
    workroot.chmod(0o755)  # nginx workers run as an unprivileged user
    figures = []
    sizes = args.sizes.split(",")
    try:
        if "national" in sizes:
            from bench import national

            sizes.remove("national")
            national.run(workroot, args.national_scale, PORT, PYTHON, ROOT, run_measured, tree_pss_kb, Nginx)
            if not sizes:
                return
        for name in sizes if "sweep" in parts else ():
            portals, services = SIZES[name]
            workdir = workroot / name
            rows = build_farm(workdir / "www", portals, services, PORT)
            targets = workdir / "targets.csv"
            write_targets(rows, targets)
            workers = worker_count(args.workers, portals)
            with Nginx(rows, workdir):
                s = sweep(targets, workdir / "bench.db", workers)
                b = baseline(workdir / "bench.db", workdir)
                one = sweep(targets, workdir / "one.db", 1) if name in args.one_worker_sizes.split(",") \
                    and workers > 1 else None
                archive = archive_cost(targets, workdir, workers, s, sweep) \
                    if name in args.archive_sizes.split(",") else None
            sweep_rate = s["pages"] / s["seconds"]
            scrapy_rate = b["pages"] / b["seconds"]
            figures.append({"name": name, "sweep": s, "baseline": b, "sweep_rate": sweep_rate,
                            "scrapy_rate": scrapy_rate})
            print(f"{name:6s} portals={portals} services/portal={services} pages={s['pages']} workers={workers} "
                  f"sweep={s['seconds']:.1f}s ({sweep_rate:.0f} p/s) scrapy={b['seconds']:.1f}s "
                  f"({scrapy_rate:.0f} p/s) ratio={sweep_rate / scrapy_rate:.2f} rendered={s['rendered']} "
                  f"peak_pss={s['peak_kb'] / 1024:.0f} MB db={s['db_bytes'] / 1e6:.1f} MB", flush=True)
            if archive is not None:
                print(f"{name:6s} {archive_line(archive)}", flush=True)
            if one is not None:
                one_rate = one["pages"] / one["seconds"]
                print(f"{name:6s} the same sweep in one process: {one['seconds']:.1f}s ({one_rate:.0f} p/s) "
                      f"ratio={one_rate / scrapy_rate:.2f} peak_pss={one['peak_kb'] / 1024:.0f} MB", flush=True)
        if "archive" in parts:
            print(micro_line(micro(10_000, workroot / "archive-micro")), flush=True)
        render = render_bench(workroot, args.render_pages, args.render_rounds) \
            if "render" in parts or "audit" in parts else None
        if render:
            for n, pair in enumerate(render["rounds"], 1):
                print(f"render round {n}: pages={pair['pages']} {pair['seconds']:.1f}s ({pair['rate']:.1f} p/s) · "
                      f"raw Playwright, same pages and flags: pages={pair['raw_pages']} {pair['raw_seconds']:.1f}s "
                      f"({pair['raw_rate']:.1f} p/s) · ratio={pair['ratio']:.2f}", flush=True)
            print(f"render medians of {len(render['rounds'])} rounds: {render['rate']:.1f} p/s against raw "
                  f"Playwright's {render['raw_rate']:.1f} p/s · ratio={render['ratio']:.2f} "
                  f"peak_pss={render['peak_kb'] / 1024:.0f} MB", flush=True)
        audit = audit_bench(workroot, args.audit_portals) if "audit" in parts else None
        if audit:
            print(f"audits portals={audit['portals']} with audits {audit['seconds']:.1f}s "
                  f"({audit['per_minute']:.1f} portals audited/min) · without {audit['plain_seconds']:.1f}s "
                  f"· audits cost {audit['extra_per_portal']:.1f}s per portal · peak_pss={audit['peak_kb'] / 1024:.0f} MB",
                  flush=True)
        if "check" in parts:
            print(f"check of one 2,000-service portal: {check_bench(workroot):.1f}s", flush=True)
        print(last_line(figures, render, audit))
    finally:
        shutil.rmtree(workroot, ignore_errors=True)


def last_line(figures: list[dict], render: dict | None, audit: dict | None) -> str:
    """The machine-readable line: the sweep's ratio to Scrapy, the audits, and rendered_ratio last."""
    fields = []
    if figures:
        last = figures[-1]
        peak = max([f["sweep"]["peak_kb"] for f in figures] + [render["peak_kb"] if render else 0]) / 1024
        fields += [f"ratio={last['sweep_rate'] / last['scrapy_rate']:.2f}",
                   f"sweep_pages_per_s={last['sweep_rate']:.0f}", f"scrapy_pages_per_s={last['scrapy_rate']:.0f}",
                   f"peak_pss_mb={peak:.0f}"]
    if audit:
        fields.append(f"audited_portals_per_min={audit['per_minute']:.1f}")
    if render:
        fields += [f"rendered_pages_per_s={render['rate']:.1f}", f"raw_playwright_pages_per_s={render['raw_rate']:.1f}",
                   f"rendered_ratio={render['ratio']:.2f}"]
    return " ".join(fields)


def render_bench(workroot: Path, pages: int, rounds: int = 3) -> dict:
    """portalcheck's rendering path, then raw Playwright, on the same JavaScript pages, `rounds`
    times in turn. One pair's ratio moves ±10% with what else the 2 cores do (a background task,
    the CPU's clock); interleaving the two and taking medians keeps a drift from favouring one."""
    workdir = workroot / "render"
    rows = build_farm(workdir / "www", 4, 0, PORT, js_share=1.0)
    pairs, peak = [], 0
    with Nginx(rows, workdir):
        urls = [r["portal_url"] for r in rows]
        for n in range(rounds):
            _, round_peak, result = run_measured([PYTHON, "-m", "scrapy", "runspider", "bench/render_spider.py",
                                                  "-a", f"urls={','.join(urls)}", "-a", f"pages={pages}",
                                                  "-s", "LOG_LEVEL=WARNING", "-s", f"PORTALCHECK_DB={workdir / f'r{n}.db'}",
                                                  "-s", "AUTOTHROTTLE_ENABLED=0"],
                                                 env={"SCRAPY_SETTINGS_MODULE": "crawler.settings"})
            _, _, raw = run_measured([PYTHON, "bench/raw_render.py", "--urls", ",".join(urls), "--pages", str(pages)],
                                     env={"SCRAPY_SETTINGS_MODULE": "crawler.settings"})
            rendered, seconds = result.stdout.strip().splitlines()[-1].split()
            raw_pages, raw_seconds = raw.stdout.strip().splitlines()[-1].split()
            pair = {"pages": int(rendered), "seconds": float(seconds), "raw_pages": int(raw_pages),
                    "raw_seconds": float(raw_seconds)}
            pair["rate"], pair["raw_rate"] = pair["pages"] / pair["seconds"], pair["raw_pages"] / pair["raw_seconds"]
            pair["ratio"] = pair["rate"] / pair["raw_rate"]
            pairs.append(pair)
            peak = max(peak, round_peak)
    return {"rounds": pairs, "peak_kb": peak, "ratio": statistics.median(p["ratio"] for p in pairs),
            "rate": statistics.median(p["rate"] for p in pairs),
            "raw_rate": statistics.median(p["raw_rate"] for p in pairs)}


def audit_bench(workroot: Path, portals: int) -> dict:
    """A portal sweep of `portals` farm portals with both browser audits, and without: the audits'
    cost per portal, and portals audited per minute (wall time, start-up included)."""
    workdir = workroot / "audit"
    rows = build_farm(workdir / "www", portals, 0, PORT, js_share=0.25)
    targets = workdir / "targets.csv"
    write_targets(rows, targets)
    with Nginx(rows, workdir):
        base = [PYTHON, "-m", "crawler", "sweep", "--targets", str(targets), "--label", "bench", "--spiders", "portal"]
        seconds, peak, _ = run_measured(base + ["--db", str(workdir / "a.db"), "--audits", "accessibility,performance"])
        plain, _, _ = run_measured(base + ["--db", str(workdir / "p.db"), "--audits", "none"])
    conn = sqlite3.connect(workdir / "a.db")
    judged = conn.execute("SELECT COUNT(DISTINCT target_id) FROM observations WHERE key = 'accessibility' "
                          "AND outcome IN ('pass', 'fail')").fetchone()[0]
    conn.close()
    if judged != portals:
        raise SystemExit(f"audit bench: {judged} of {portals} portals got an accessibility verdict")
    return {"portals": portals, "seconds": seconds, "plain_seconds": plain, "peak_kb": peak,
            "per_minute": portals / seconds * 60, "extra_per_portal": (seconds - plain) / portals}


def check_bench(workroot: Path) -> float:
    workdir = workroot / "check"
    rows = build_farm(workdir / "www", 1, 2000, PORT, js_share=0)
    with Nginx(rows, workdir):
        seconds, _, _ = run_measured([PYTHON, "-m", "crawler", "check", rows[0]["portal_url"],
                                      "--services-url", rows[0]["services_url"], "--db", str(workdir / "c.db")])
    return seconds


if __name__ == "__main__":
    main()
