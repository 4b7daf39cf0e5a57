"""The coordinator's side of the row stream: what jobs sent, written to SQLite.

Each "target" entry is written as a sweep in one process writes it
(results.store.complete_target: the target's rows, fields and progress marker
in one transaction), then deleted from the stream; an entry is deleted only
after its transaction committed, so a coordinator killed in between finds it
again when resumed. A target already stored (judged twice: its job was redone
because its worker was thought dead, or the coordinator restarted) is not
written again: the first complete answer stored is the one kept, whatever
arrives after it is counted and dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import redis
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from crawler.distributed import redis_names
from crawler.distributed.outbox import decode_body
from results import store

_RETRIED_FAULTS = frozenset({"locked", "io"})
BATCH = 50  # stream entries read at a time: a province's services can be megabytes each


@dataclass
class Message:
    kind: str
    job: str
    group: str
    worker: str
    spider: str
    target: str
    count: int
    at: float
    written: bool = False  # a target's rows stored by this message (not a duplicate)


@dataclass
class Inbox:
    connection: redis.Redis
    sweep: str
    db: object
    run_id: int
    write_wait_seconds: float
    stored: set[tuple[str, str]] = field(default_factory=set)
    duplicates: int = 0

    def load_stored(self, spiders) -> None:
        """What the database already holds (a resumed run's finished targets)."""
        self.stored = {(spider, target) for spider in spiders
                       for target in store.finished_targets(self.db, self.run_id, spider)}

    def drain(self) -> list[Message]:
        """Write what the stream holds; returns the messages, in order. A
        database write that fails raises store.DatabaseError with the entry
        left in the stream."""
        key = redis_names.rows_key(self.sweep)
        seen: list[Message] = []
        while True:
            entries = self.connection.xrange(key, "-", "+", count=BATCH)
            if not entries:
                return seen
            for entry_id, raw in entries:
                fields = {k.decode(): v for k, v in raw.items()}
                message = Message(*(fields.get(k, b"").decode() for k in ("kind", "job", "group", "worker",
                                                                           "spider", "target")),
                                  count=int(fields.get("count") or 0), at=float(fields.get("at") or 0))
                message.written = self._write(message, fields.get("body"))
                self.connection.xdel(key, entry_id)
                seen.append(message)

    def _write(self, message: Message, body: bytes | None) -> bool:
        if message.kind == "loose" and body:
            data = decode_body(body)
            self._retried(store.add_rows, self.db, data["table"], self.run_id, data["rows"])
        elif message.kind == "target" and body:
            pair = (message.spider, message.target)
            if pair in self.stored:
                self.duplicates += 1
                return False
            data = decode_body(body)
            self._retried(store.complete_target, self.db, self.run_id, message.target, message.spider,
                          data["rows"], data["fields"])
            self.stored.add(pair)
            self.connection.sadd(redis_names.stored_key(self.sweep),
                                 redis_names.stored_member(message.spider, message.target))
            return True
        return False

    def _retried(self, write, *args) -> None:
        # another process (a monitor pass) may hold the write lock a moment
        for attempt in Retrying(retry=retry_if_exception(lambda e: getattr(e, "reason", None) in _RETRIED_FAULTS),
                                stop=stop_after_delay(self.write_wait_seconds),
                                wait=wait_exponential(multiplier=0.1, max=5), reraise=True):
            with attempt:
                write(*args)
