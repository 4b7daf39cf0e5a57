"""The `national` size of `make bench`: the ministry's quarterly sweep in
miniature, swept twice on this machine, on loopback:

  (a) `portalcheck sweep --workers 2`: worker processes of one process group;
  (b) `portalcheck sweep --redis URL` with two `portalcheck worker` processes
      (RQ on a redis-server the benchmark starts), the distributed sweep.

The farm: 4,000 commune portals (small: the bench portal's 18 sections and a
search page, no service list) plus 34 province service portals of 2,000
services each, every portal on its own loopback address (127.1.x.y) behind one
nginx. `--national-scale F` sweeps F of it (communes and provinces; a
province keeps its 2,000 services), for a machine or an hour too small for
the whole. Printed: both times, peak memory (PSS) of the coordinator and of
the workers (each with its children), pages, and the database sizes.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.farm import write_portal, write_targets

COMMUNES, PROVINCES, SERVICES = 4000, 34, 2000


def address(i: int) -> str:
    return f"127.1.{i // 250}.{10 + i % 250}"


def build(root: Path, scale: float, port: int) -> list[dict]:
    rng = random.Random(7)
    communes = max(1, round(COMMUNES * scale))
    provinces = max(1, round(PROVINCES * scale))
    rows = []
    for i in range(communes + provinces):
        host = address(i)
        province = i >= communes
        write_portal(root / host, i, SERVICES if province else 0, False, rng)
        rows.append({"id": f"tinh-{i - communes}" if province else f"xa-{i}",
                     "name": f"UBND tỉnh số {i - communes}" if province else f"UBND xã số {i}",
                     "kind": "province" if province else "commune", "group": "tinh" if province else "xa",
                     "portal_url": f"http://{host}:{port}/",
                     "services_url": f"http://{host}:{port}/dvc/" if province else "", "host": host,
                     "root": str(root / host)})
    return rows


def nginx_conf(rows: list[dict], port: int, prefix: Path, www: Path) -> str:
    listens = "\n".join(f"    listen {r['host']}:{port};" for r in rows)
    return f"""worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  default_type text/html;
  types {{ text/html html; application/rss+xml xml; text/plain txt; }}
  client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
  keepalive_requests 100000;
  server {{
{listens}
    root {www}/$server_addr; index index.html;
    location = /dvc/ {{ if ($arg_page ~ ^[0-9]+$) {{ rewrite ^ /dvc/page-$arg_page.html break; }} }}
    location / {{ try_files $uri $uri/ =404; }}
  }}
}}
"""


class PeakOfTrees:
    """The peak of the summed PSS of some process trees, sampled in a thread."""

    def __init__(self, pss, pids: list[int]):
        self.pss, self.pids, self.peak = pss, pids, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, sum(self.pss(pid) for pid in self.pids))

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.peak


def db_bytes(db: Path) -> int:
    return db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-*"))


def run(workroot: Path, scale: float, port: int, python: str, root: Path, run_measured, tree_pss_kb,
        nginx_class) -> None:
    from crawler.demo.redis_server import RedisServer

    workdir = workroot / "national"
    www = workdir / "www"
    started = time.monotonic()
    rows = build(www, scale, port)
    targets = workdir / "targets.csv"
    write_targets(rows, targets)
    print(f"national farm: {sum(r['kind'] == 'commune' for r in rows)} communes, "
          f"{sum(r['kind'] == 'province' for r in rows)} provinces x {SERVICES} services "
          f"(scale {scale}), built in {time.monotonic() - started:.0f}s", flush=True)
    env = {"PYTHONPATH": str(root)}
    nginx = nginx_class(rows, workdir)
    nginx.conf.write_text(nginx_conf(rows, port, nginx.prefix, www))
    with nginx:
        local_db = workdir / "local.db"
        seconds, peak, _ = run_measured([python, "-m", "crawler", "sweep", "--targets", str(targets),
                                         "--db", str(local_db), "--workers", "2", "--label", "national"])
        print(f"national one machine (sweep --workers 2): {seconds:.0f}s peak_pss={peak / 1024:.0f} MB "
              f"pages={_pages(local_db)} db={db_bytes(local_db) / 1e6:.1f} MB", flush=True)
        with RedisServer() as redis:
            logs = workdir / "workers.log"
            workers = [subprocess.Popen([python, "-m", "crawler", "worker", "--redis", redis.url, "--name", f"w{i}"],
                                        cwd=root, env={**os.environ, **env}, stdout=logs.open("a"),
                                        stderr=subprocess.STDOUT) for i in range(2)]
            sampler = PeakOfTrees(tree_pss_kb, [w.pid for w in workers])
            try:
                rq_db = workdir / "rq.db"
                seconds, coordinator_peak, _ = run_measured(
                    [python, "-m", "crawler", "sweep", "--targets", str(targets), "--db", str(rq_db),
                     "--redis", redis.url, "--label", "national-rq"])
            finally:
                workers_peak = sampler.close()
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(120)
        print(f"national two RQ workers (sweep --redis): {seconds:.0f}s "
              f"peak_pss coordinator={coordinator_peak / 1024:.0f} MB workers={workers_peak / 1024:.0f} MB "
              f"pages={_pages(rq_db)} db={db_bytes(rq_db) / 1e6:.1f} MB", flush=True)
    shutil.rmtree(www, ignore_errors=True)


def _pages(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM fetches").fetchone()[0]
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit("run through bench/run.py --sizes national")
