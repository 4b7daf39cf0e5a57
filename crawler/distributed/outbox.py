"""A job's side of the row stream: each finished target's rows go to the
coordinator through Redis instead of into SQLite.

`StreamPipeline` is the SQLite pipeline (crawler.pipelines) with its two exits
replaced: it holds a target's rows exactly as before, and when the target is
done sends them, its fields and its spider as one stream entry, which the
coordinator writes in one transaction (crawler.distributed.inbox). Nothing
is spilled to a staging table (a worker has no database): a target's rows
stay in the job's memory until it is done.

A send that fails (Redis unreachable past PORTALCHECK_REDIS_WAIT_SECONDS)
marks the target failed, as a failed write does; the job then fails and RQ
redoes it (crawler.distributed.jobs).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
import zlib

import redis
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from crawler.distributed import redis_names
from crawler.pipelines import SQLitePipeline

log = logging.getLogger(__name__)

# The outbox of the job this process runs (an RQ work-horse runs one job).
_current: dict = {}


def encode_body(data: dict) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, default=str).encode(), 3)


def decode_body(body: bytes) -> dict:
    return json.loads(zlib.decompress(body))


class Outbox:
    """Messages from one job to its coordinator, on the sweep's stream."""

    def __init__(self, connection: redis.Redis, sweep: str, job_id: str, group: str, worker: str,
                 wait_seconds: float):
        self.connection, self.sweep, self.job_id, self.group = connection, sweep, job_id, group
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.wait_seconds = wait_seconds

    def stored(self) -> set[str]:
        """(spider, target) pairs the coordinator already stored (redis_names.stored_member)."""
        return {m.decode() for m in self._retried(self.connection.smembers, redis_names.stored_key(self.sweep))}

    def send(self, kind: str, spider: str = "", target: str = "", body: dict | None = None,
             count: int = 0) -> None:
        fields = {"kind": kind, "job": self.job_id, "group": self.group, "worker": self.worker,
                  "spider": spider, "target": target, "count": count, "at": time.time()}
        if body is not None:
            fields["body"] = encode_body(body)
        self._retried(self.connection.xadd, redis_names.rows_key(self.sweep), fields)

    def _retried(self, call, *args):
        # Redis restarting: wait for it (the job's rows are still in memory).
        for attempt in Retrying(retry=retry_if_exception_type((redis.ConnectionError, redis.TimeoutError)),
                                stop=stop_after_delay(self.wait_seconds),
                                wait=wait_exponential(multiplier=0.2, max=5), reraise=True):
            with attempt:
                return call(*args)


def use(outbox: Outbox | None) -> None:
    """Make `outbox` the one this process's StreamPipeline sends to."""
    if outbox is None:
        _current.pop("outbox", None)
    else:
        _current["outbox"] = outbox


class StreamPipeline(SQLitePipeline):
    """The SQLite pipeline of a job: rows go to the coordinator, not to a database."""

    def open_spider(self, spider=None):
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        self.outbox: Outbox = _current["outbox"]
        self.run_id = int(self.run_id)
        if spider is not None:
            spider.run_id = self.run_id
            self.stage_key = spider.name

    def _spill(self) -> None:
        """No staging table on a worker: the rows stay in memory until sent."""

    def store_loose_row(self, table: str, row: dict) -> None:
        self._send(None, "loose", "", "", {"table": table, "rows": [row]})

    def store_target(self, target_id: str, spider_name: str, rows: dict, fields: dict,
                     staged_as: str | None) -> None:
        self._send([target_id], "target", spider_name, target_id, {"rows": rows, "fields": fields})

    def _send(self, target_ids, kind: str, spider: str, target: str, body: dict) -> None:
        try:
            self.outbox.send(kind, spider=spider, target=target, body=body)
        except (redis.ConnectionError, redis.TimeoutError) as fault:
            self.failed.update(target_ids or ())
            if self.stats is not None:
                self.stats.inc_value("portalcheck/write_failed")
            log.error("could not send %s to the coordinator: %s", ", ".join(target_ids or ["a row"]),
                      type(fault).__name__)

    def close_spider(self, spider=None):
        for target_id, done in list(self.completing.items()):
            self.complete(target_id, done.spider)
