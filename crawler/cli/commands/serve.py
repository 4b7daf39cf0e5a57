"""`portalcheck serve`: Datasette over the results database, read-only, on loopback.

Datasette runs as a child process (`python -m datasette serve`), so its event
loop and ours never mix; Ctrl+C or SIGTERM stop it and wait for it. The database
is opened as a mutable file, which Datasette reads through `?mode=ro`
connections: read-only, yet a sweep writing at the same time (WAL) stays visible,
which `immutable=1` would not guarantee.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from crawler.cli.i18n import catalogue, t

METADATA_FILE = Path(__file__).resolve().parents[1] / "datasette" / "metadata.yaml"
# neutralise_csv: no CSV download carries a live spreadsheet formula (docs/security.md)
PLUGINS_DIR = Path(__file__).resolve().parents[1] / "datasette" / "plugins"
STOP_TIMEOUT_S = 10
WORDS_PLACEHOLDER = re.compile(r"\{words:([a-z_]+)\}")


def register(subparsers) -> None:
    from results.store import DEFAULT_DB

    p = subparsers.add_parser("serve", help=t("serve.help"), description=t("serve.help"))
    p.add_argument("--db", default=str(DEFAULT_DB), help=t("cli.db"))
    p.add_argument("--host", default="127.0.0.1", help=t("serve.host"))
    p.add_argument("--port", type=int, default=8001, help=t("serve.port"))
    p.set_defaults(func=run)


def vocabulary_words(vocabulary: str, lang: str = "vi") -> str:
    """"Đạt (pass), Không đạt (fail), …": a vocabulary's codes with their words, from the catalogue."""
    prefix = vocabulary + "."
    return ", ".join(f"{texts.get(lang) or texts['vi']} ({key[len(prefix):]})"
                     for key, texts in catalogue().items() if key.startswith(prefix))


def _fill_words(value):
    """Every "{words:VOCABULARY}" in the metadata's texts, said from the catalogue."""
    if isinstance(value, dict):
        return {k: _fill_words(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_words(v) for v in value]
    if isinstance(value, str):
        return WORDS_PLACEHOLDER.sub(lambda m: vocabulary_words(m.group(1)), value)
    return value


def build_metadata(db_path: str | Path) -> dict:
    """The metadata with the database key set to the name Datasette gives the file,
    the dead statuses and the vocabularies' words filled in."""
    from checks.model import DEAD_STATUSES

    text = METADATA_FILE.read_text(encoding="utf-8")
    dead = ", ".join(f"'{s}'" for s in sorted(DEAD_STATUSES))
    meta = _fill_words(yaml.safe_load(text.replace("{dead_statuses}", dead)))
    databases = meta.get("databases") or {}
    if "__DB__" in databases:
        databases[Path(db_path).stem] = databases.pop("__DB__")
    return meta


def datasette_command(db_path: str | Path, metadata_path: str | Path, host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(db_path),
            "--host", host, "--port", str(port), "--metadata", str(metadata_path),
            "--plugins-dir", str(PLUGINS_DIR),
            "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "200"]


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    from results.store import check_readable

    db_path = Path(args.db)
    if not db_path.exists():  # never create or touch the database: serve only reads
        print(t("score.no_db", path=db_path), file=sys.stderr)
        return 2
    check_readable(db_path)  # a fault: one line and exit 2 (crawler.cli.main)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(t("serve.exposed", host=args.host), file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="portalcheck-serve-"))
    meta_path = workdir / "metadata.json"
    meta_path.write_text(json.dumps(build_metadata(db_path), ensure_ascii=False), encoding="utf-8")
    url = f"http://{args.host}:{args.port}/"
    print(t("serve.started", db=db_path, url=url, dbname=db_path.stem), flush=True)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    proc = subprocess.Popen(datasette_command(db_path, meta_path, args.host, args.port))
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        _stop(proc)
        code = 0
    finally:
        _stop(proc)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(workdir, ignore_errors=True)
    print(t("serve.stopped"), file=sys.stderr)
    return code
