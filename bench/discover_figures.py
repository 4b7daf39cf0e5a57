"""How well `portalcheck discover` finds child units, on portals whose truth is known.

    .venv/bin/python bench/discover_figures.py

Starts the loopback portals of tests/discover/discover_farm.py (a province with link
boxes, footer groups, "Cơ cấu tổ chức" and "Đơn vị trực thuộc" pages and
decoys; a ministry with a Liferay weblink box; the real Sở TT&TT Hà Nội mirror
of 2022), runs the real command in a subprocess, and prints per parent:
children linked (the truth), children found, false children (proposed rows
that are not children), missed, and found rows with the right kind, parent and
registry id. Then the real "Liên kết website" template of a province portal
(tests/fixtures/webtinh-lienket-2017), judged offline (no crawl). Exit 1 when
a false child or a miss appears.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "discover"))

from discover_farm import Farm, compare, read_candidates  # noqa: E402

DANANG = ROOT / "tests" / "fixtures" / "webtinh-lienket-2017" / "lienketwebsite.blade.php"
DANANG_CHILDREN = {"tpc.danang.gov.vn", "cphud.danang.gov.vn", "daugia.danang.gov.vn",
                   "vldanang.vieclamvietnam.gov.vn"}


def _line(name: str, f: dict) -> None:
    print(f"{name:<16}{f['linked']:>8}{f['found']:>8}{f['false']:>8}{len(f['missed']):>8}"
          f"{f['kind_right']:>8}{f['parent_right']:>8}{f['id_right']:>8}")


def crawl_farm(tmp: Path) -> tuple[dict, float]:
    farm = Farm().start()
    try:
        registry, out = tmp / "registry.csv", tmp / "candidates.csv"
        registry.write_text(farm.registry(), encoding="utf-8")
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "crawler", "discover", "--targets", str(registry),
                               "--only", "tinhmau", "bo-mau", "sotttt-hanoi", "--out", str(out),
                               "-s", "DOWNLOAD_TIMEOUT=5"], cwd=ROOT, capture_output=True, text=True, timeout=600)
        seconds = time.monotonic() - started
        print(proc.stdout)
        if proc.returncode:
            print(proc.stderr[-3000:])
        return compare(farm.truth(), read_candidates(out) if out.exists() else []), seconds
    finally:
        farm.stop()


def judge_danang() -> dict:
    from checks.child_units import Family, Unit, propose_children
    from checks.sites import host_key

    family = Family(Unit("danang", "UBND Thành phố Đà Nẵng", "province", "https://danang.gov.vn/"))
    proposals, rejections = propose_children(DANANG.read_text(encoding="utf-8"), "https://danang.gov.vn/", family)
    found = {host_key(p.url) for p in proposals}
    return {"linked": len(DANANG_CHILDREN), "found": len(found & DANANG_CHILDREN),
            "false": len(found - DANANG_CHILDREN), "missed": sorted(DANANG_CHILDREN - found),
            "kind_right": sum(p.kind == "other" for p in proposals if host_key(p.url) in DANANG_CHILDREN),
            "parent_right": sum(p.owner == "danang" for p in proposals if host_key(p.url) in DANANG_CHILDREN),
            "id_right": len(found & DANANG_CHILDREN), "rejected": len(rejections)}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="discover-figures-") as tmp:
        figures, seconds = crawl_farm(Path(tmp))
    print(f"## discover on loopback portals ({seconds:.1f} s)")
    print(f"{'parent':<16}{'linked':>8}{'found':>8}{'false':>8}{'missed':>8}{'kind':>8}{'parent':>8}{'id':>8}")
    total = {k: 0 for k in ("linked", "found", "false", "kind_right", "parent_right", "id_right")}
    total["missed"] = []
    for name, f in figures.items():
        _line(name, f)
        for k in total:
            total[k] += f[k]
        for row in f["false_rows"]:
            print(f"    false child: {row}")
        for key in f["missed"]:
            print(f"    missed: {key}")
    _line("TOTAL", total)
    danang = judge_danang()
    print("\n## real 'Liên kết website' box of a province portal, judged offline"
          f" ({danang['rejected']} links rejected)")
    _line("danang", danang)
    print("linked = children the pages link (truth); found = proposed rows that are children;"
          " false = proposed rows that are not; kind/parent/id = found rows with the right value")
    bad = total["false"] + len(total["missed"]) + danang["false"] + len(danang["missed"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
