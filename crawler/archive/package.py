"""A run's archive packed: its WARC files become one WACZ.

While a run crawls, each crawler writes WARC files into
`<db>.archive/run-<N>/` beside the database; when the run ends they are packed
into `<db>.archive/run-<N>.wacz` by py-wacz (its CDXJ index and page list
included, so ReplayWeb.page and pywb open it), and the WACZ's path and SHA-256
are recorded on the run. results.archive reads it back.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

from results.archive import run_warc_dir, sha256_of, wacz_path


def pack(root: Path, run_id: int, title: str) -> tuple[Path, str] | None:
    """Pack run `run_id`'s WARC files into its WACZ (replacing an older pack of a
    resumed run); returns (path, digest), or None when nothing was recorded."""
    from wacz.main import main as wacz_main

    warcs = sorted(p for p in run_warc_dir(root, run_id).glob("*.warc.gz") if p.stat().st_size)
    if not warcs:
        return None
    out = wacz_path(root, run_id)
    partial = out.with_suffix(".wacz.partial")
    # py-wacz prints its progress: not for our users' screens.
    with contextlib.redirect_stdout(io.StringIO()):
        code = wacz_main(["create", "-o", str(partial), "--detect-pages", "--title", title,
                          "--hash-type", "sha256", *map(str, warcs)])
    if code not in (None, 0):
        raise RuntimeError(f"wacz create failed ({code}) for run {run_id}")
    partial.replace(out)
    return out, sha256_of(out)


def validate(path: Path) -> bool:
    """py-wacz's own validation (what `wacz validate -f FILE` runs)."""
    from wacz.main import main as wacz_main

    with contextlib.redirect_stdout(io.StringIO()):
        return wacz_main(["validate", "-f", str(path)]) == 0


def discard_warcs(root: Path, run_id: int) -> None:
    """The WARC files once packed (they are inside the WACZ)."""
    shutil.rmtree(run_warc_dir(root, run_id), ignore_errors=True)
