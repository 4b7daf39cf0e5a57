"""`python -m crawler.demo`: serve the demo farm in the foreground until Ctrl-C."""
from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path

from . import DemoFarm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__)
    ap.add_argument("--port", type=int, default=0, help="port on every loopback IP (default: OS-chosen)")
    ap.add_argument("--out", type=Path, default=None, help="directory for targets.csv and truth.json")
    ap.add_argument("--hang-seconds", type=float, default=60.0, help="how long hanging endpoints hang")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="portalcheck-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *a: done.set())
    with DemoFarm(timeout_hang_seconds=args.hang_seconds, port=args.port) as farm:
        csv_path = farm.write_targets_csv(out / "targets.csv")
        truth_path = farm.write_truth_json(out / "truth.json")
        print(f"Demo farm running. Targets: {csv_path}\nTruth:   {truth_path}")
        for row in farm.targets():
            print(f"  {row['id']:<22} {row['portal_url']:<28} {row['services_url'] or '-'}")
        print("Ctrl-C to stop.", flush=True)
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("Stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
