"""Small readers of a results database the archive tests share."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

TRIAL = "tinh-lam-son,so-nnptnt-cao-nguyen"   # re-judged with a trial lexicon (--only: the disputed ones)
LEXICON = Path(__file__).resolve().parents[2] / "checks" / "data" / "lexicon.yaml"


def verdicts(conn, run_id: int) -> dict[tuple[str, str, str], str]:
    """(target, category, key) -> outcome; several observations of a key: their outcomes joined."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for target, category, key, outcome in conn.execute(
            "SELECT target_id, category, key, outcome FROM observations WHERE run_id = ?", [run_id]):
        out.setdefault((target, category, key), []).append(outcome)
    return {k: ",".join(sorted(v)) for k, v in out.items()}


def portalcheck(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTALCHECK_LANG": "en"}
    done = subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True,
                          env=env, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def trial_lexicon(path: Path) -> Path:
    """Today's lexicon without any way to name the "Giới thiệu" section."""
    lexicon = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    section = lexicon["sections"]["gioi_thieu"]
    for field in ("labels", "slug_patterns", "img_patterns"):
        section[field] = []
    path.write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    return path


def archive_without(wacz: Path, url: str, out_dir: Path) -> Path:
    """A copy of a run's WACZ in which nothing was ever archived for `url`."""
    import zipfile

    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    from crawler.archive.package import pack

    warcs = out_dir / "run-1"
    warcs.mkdir(parents=True)
    with zipfile.ZipFile(wacz) as archive:
        for name in (n for n in archive.namelist() if n.startswith("archive/")):
            with archive.open(name) as source, open(warcs / Path(name).name, "wb") as target:
                writer = WARCWriter(target, gzip=True, warc_version="WARC/1.1")
                for record in ArchiveIterator(source):
                    if record.rec_headers.get_header("WARC-Target-URI") != url:
                        writer.write_record(record)
    return pack(out_dir, 1, "trimmed")[0]
