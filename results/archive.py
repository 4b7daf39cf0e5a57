"""Reading a run's web archive (a WACZ, docs/archive.md): where it lives, its
digest, and its records by request key (a re-judgement), by record id (`serve`,
the reports) and its screenshots by target. Storage only: nothing here judges.

WACZ stores its WARC files uncompressed in the zip, so a record is read by
seeking straight to it in the .wacz file (no unzip, no scan per read).
The record headers portalcheck writes (crawler/archive/records.py) are named here.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

KEY_HEADER = "WARC-Portalcheck-Key"
RENDERED_HEADER = "WARC-Portalcheck-Rendered"
FINAL_URL_HEADER = "WARC-Portalcheck-Final-URI"
TARGET_HEADER = "WARC-Portalcheck-Target"
PURPOSE_HEADER = "WARC-Portalcheck-Purpose"
ROLE_HEADER = "WARC-Portalcheck-Role"       # on metadata records: failure | render-extras
SCREENSHOT_SCHEME = "urn:screenshot:"
# Fetches that ask a new random URL each time (the soft-404 probe): a replay of
# one gets the answer the original probe of the same target got.
PROBE_PURPOSES = frozenset({"random_path"})

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip member's local file header (30 bytes)


def archive_root(db_path: str | Path, directory: str | Path | None = None) -> Path:
    """Where a database's archives live: `directory`, else `<db>.archive` beside it."""
    if directory:
        return Path(directory)
    db = Path(db_path)
    return db.with_name(db.name + ".archive")


def run_warc_dir(root: Path, run_id: int | str) -> Path:
    return root / f"run-{run_id}"


def wacz_path(root: Path, run_id: int | str) -> Path:
    return root / f"run-{run_id}.wacz"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def decoded_body(answer: Answer, limit: int) -> bytes:
    """A response body as a person reads it: gzip/deflate undone, at most `limit` bytes."""
    encoding = next((v.lower() for k, v in answer.headers if k.lower() == "content-encoding"), "")
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32 if "gzip" in encoding else zlib.MAX_WBITS)
        with contextlib.suppress(zlib.error):
            return inflater.decompress(answer.body, limit)
        return b""
    return answer.body[:limit]


@dataclass
class Answer:
    """What the archive holds for one request."""

    record_id: str
    url: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    final_url: str | None = None
    rendered: bool = False
    error: str | None = None          # a failed fetch: its error text
    extras: dict = field(default_factory=dict)
    content_type: str | None = None   # resource records (screenshots)


class ArchiveReader:
    """An index of a WACZ's records, built once (one pass), read by seeking."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.by_key: dict[str, dict[str, tuple[int, str]]] = {}
        self.by_id: dict[str, int] = {}
        self.extras_of: dict[str, int] = {}       # response record id -> its render-extras record
        self.screenshot_of: dict[str, str] = {}   # response record id -> its screenshot record id
        self.screenshots: dict[str, list[tuple[str, str]]] = {}  # target -> [(url, record id)]
        self.probes: dict[tuple[str, str, str], str] = {}  # (target, purpose, origin) -> its key
        with zipfile.ZipFile(self.path) as wacz, open(self.path, "rb") as raw:
            for info in wacz.infolist():
                if info.filename.startswith("archive/") and info.compress_type == zipfile.ZIP_STORED:
                    self._index_member(raw, self._data_offset(raw, info), info.compress_size)

    @staticmethod
    def _data_offset(raw, info: zipfile.ZipInfo) -> int:
        raw.seek(info.header_offset)
        header = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
        return info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1]

    def _index_member(self, raw, start: int, size: int) -> None:
        raw.seek(start)
        iterator = ArchiveIterator(LimitReader(raw, size))  # not past the member, into the zip's next one
        for record in iterator:
            at = start + iterator.get_record_offset()
            headers = record.rec_headers
            record_id = headers.get_header("WARC-Record-ID")
            self.by_id[record_id] = at
            key, role = headers.get_header(KEY_HEADER), headers.get_header(ROLE_HEADER)
            concurrent = headers.get_header("WARC-Concurrent-To")
            purpose = headers.get_header(PURPOSE_HEADER)
            if key and purpose in PROBE_PURPOSES:
                origin = _origin(headers.get_header("WARC-Target-URI") or "")
                self.probes[(headers.get_header(TARGET_HEADER) or "", purpose, origin)] = key
            if record.rec_type == "response" and key:
                self.by_key.setdefault(key, {})["response"] = (at, record_id)
            elif record.rec_type == "metadata" and role in ("failure", "tls-probe") and key:
                self.by_key.setdefault(key, {})[role] = (at, record_id)
            elif record.rec_type == "metadata" and role == "render-extras" and concurrent:
                self.extras_of[concurrent] = at
            elif record.rec_type == "resource" and (headers.get_header("WARC-Target-URI") or "").startswith(
                    SCREENSHOT_SCHEME):
                if concurrent:
                    self.screenshot_of[concurrent] = record_id
                target = headers.get_header(TARGET_HEADER) or ""
                url = headers.get_header("WARC-Target-URI")[len(SCREENSHOT_SCHEME):]
                self.screenshots.setdefault(target, []).append((url, record_id))

    def answer(self, key: str, target: str | None = None, purpose: str | None = None,
               url: str = "") -> Answer | None:
        """The answer a request got: its last response if it ever got one (a
        retried fetch that then succeeded), else its last failure; None if absent.
        A probe of a random URL gets the answer its target's original probe of the
        same site got."""
        if key not in self.by_key and purpose in PROBE_PURPOSES:
            key = self.probes.get((target or "", purpose, _origin(url)), key)
        found = self.by_key.get(key)
        if not found:
            return None
        if "response" not in found and "failure" not in found:
            return None
        at, _ = found.get("response") or found["failure"]
        answer = self._read(at)
        if answer.status is not None and answer.record_id in self.extras_of:
            extras = self._read(self.extras_of[answer.record_id])
            with contextlib.suppress(ValueError):
                answer.extras = json.loads(extras.body)
        return answer

    def tls_probe(self, key: str) -> dict | None:
        """The certificate check's archived answer (spiders.portal.tls_probe's dict)."""
        found = (self.by_key.get(key) or {}).get("tls-probe")
        if not found:
            return None
        with contextlib.suppress(ValueError):
            return json.loads(self._read(found[0]).body)
        return None

    def record(self, record_id: str) -> Answer | None:
        at = self.by_id.get(record_id)
        return None if at is None else self._read(at)

    def _read(self, at: int) -> Answer:
        with open(self.path, "rb") as raw:
            raw.seek(at)
            record = next(iter(ArchiveIterator(raw)))
            headers = record.rec_headers
            answer = Answer(record_id=headers.get_header("WARC-Record-ID"),
                            url=headers.get_header("WARC-Target-URI") or "",
                            rendered=headers.get_header(RENDERED_HEADER) == "dom",
                            final_url=headers.get_header(FINAL_URL_HEADER))
            body = record.raw_stream.read()
            if record.rec_type == "response" and record.http_headers is not None:
                answer.status = int(record.http_headers.get_statuscode() or 0)
                answer.headers = list(record.http_headers.headers)
                answer.body = body
            elif record.rec_type == "metadata" and headers.get_header(ROLE_HEADER) == "failure":
                try:
                    answer.error = json.loads(body).get("error") or "error"
                except ValueError:
                    answer.error = "error"
            else:
                answer.body = body
                answer.content_type = headers.get_header("Content-Type")
            return answer
