"""The item pipeline: every item a spider yields reaches SQLite.

A target's rows are held until the spider says it is done with that target,
then written in one short transaction with a progress marker. A killed sweep
therefore leaves whole targets or nothing, and `sweep --resume` redoes exactly
the missing ones; a monitor writing the same database waits milliseconds.

Memory stays bounded whatever a target's size: past PORTALCHECK_ROWS_IN_MEMORY
rows held, the biggest targets' rows are spilled to a staging table and moved
to their tables when the target completes (results.store.stage_rows).

Scrapy processes the outputs of a callback concurrently (CONCURRENT_ITEMS), so
the spider's "done" signal may overtake the target's last items: it carries
their count, and the target is written once that many have arrived.

A write that fails (another process holding the write lock, a full disk) is
retried for PORTALCHECK_WRITE_WAIT_SECONDS, then the target is left
unfinished: its rows are dropped whole, the stats say why
(`portalcheck/write_failed`, `portalcheck/disk_full`), and the run ends
`incomplete` (crawler.orchestration.runs), never `finished`. Every value is stored with
secrets masked (crawler.netsafety.redact).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from crawler import __version__
from crawler.items import FetchItem, ObservationItem, ScreenshotItem, ServiceItem, TargetCompleted, TargetItem
from crawler.netsafety.redact import redact_value
from results import store

log = logging.getLogger(__name__)
_RETRIED_FAULTS = frozenset({"locked", "io"})

_TABLES = {FetchItem: "fetches", ObservationItem: "observations", ServiceItem: "services",
           ScreenshotItem: "screenshots"}


class SQLitePipeline:
    def __init__(self, db_path: str, run_id: int | None, label: str | None,
                 methodology: str, settings_snapshot: dict, rows_in_memory: int = 5000,
                 write_wait_seconds: float = 120):
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = run_id is None
        self.label = label
        self.methodology = methodology
        self.settings_snapshot = settings_snapshot
        self.rows: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        self.fields: dict[str, dict] = defaultdict(dict)
        self.received: dict[str, int] = defaultdict(int)
        self.completing: dict[str, TargetCompleted] = {}
        self.rows_in_memory = rows_in_memory
        self.held = 0                     # rows in self.rows
        self.held_per_target: dict[str, int] = defaultdict(int)
        self.staged: set[str] = set()     # targets with rows in the staging table
        self.stage_key = "pipeline"       # the spider's name once open: staged rows are its own
        self.write_wait_seconds = write_wait_seconds
        self.failed: set[str] = set()     # targets whose rows could not all be stored
        self.joined_status = "finished"   # of the run a bare crawl joined (results.store.run_to_join)
        self.stats = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        snapshot = {k: s.get(k) for k in (
            "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
            "DOWNLOAD_TIMEOUT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "RETRY_TIMES",
            "USER_AGENT", "PORTALCHECK_ROBOTS_OVERRIDE_REASON")}
        pipeline = cls(s.get("PORTALCHECK_DB"), s.get("PORTALCHECK_RUN_ID"),
                       s.get("PORTALCHECK_RUN_LABEL"), s.get("PORTALCHECK_METHODOLOGY"), snapshot,
                       rows_in_memory=s.getint("PORTALCHECK_ROWS_IN_MEMORY"),
                       write_wait_seconds=s.getfloat("PORTALCHECK_WRITE_WAIT_SECONDS"))
        pipeline.crawler = crawler
        pipeline.stats = crawler.stats
        return pipeline

    def open_spider(self, spider=None):
        # Scrapy 2.13+ calls this without the spider; it is on the crawler.
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        busy_ms = int(min(store.BUSY_TIMEOUT_MS, max(0.1, self.write_wait_seconds) * 1000))
        self.db = store.open_db(self.db_path, busy_timeout_ms=busy_ms)
        joined = (store.run_to_join(self.db, self.label, getattr(spider, "name", ""))
                  if self.run_id is None and self.label else None)
        if joined:
            # the same label: this crawl is the rest of the sweep another bare crawl began
            self.run_id, self.joined_status = joined["id"], joined["status"]
            spiders = (joined["settings"].get("spiders_joined") or [joined["settings"]["spider"]]) + [spider.name]
            store.join_run(self.db, self.run_id, {**joined["settings"], "spiders_joined": spiders})
        elif self.run_id is None:
            self.run_id = store.create_run(
                self.db, mode="sweep", label=self.label, methodology=self.methodology,
                settings={"spider": getattr(spider, "name", None), **self.settings_snapshot},
                tool_version=__version__)
        self.run_id = int(self.run_id)
        if spider is not None:
            spider.run_id = self.run_id
            self.stage_key = spider.name
            targets = getattr(spider, "targets", {})
            # rows a killed sweep spilled for targets this spider (re)does
            store.drop_staged(self.db, self.run_id, self.stage_key, targets)
            store.save_run_targets(self.db, self.run_id, [t.as_run_target() for t in targets.values()])

    def process_item(self, item, spider=None):
        if isinstance(item, TargetCompleted):
            self.completing[item.target_id] = item
            self._complete_if_all_arrived(item.target_id)
            return item
        if isinstance(item, TargetItem):
            fields = {k: redact_value(v) for k, v in asdict(item).items() if v is not None and k != "target_id"}
            self.fields[item.target_id].update(fields)
            self._arrived(item.target_id)
            return item
        table = _TABLES.get(type(item))
        if table is not None:
            # Encoded now (evidence as a JSON string): a target's rows wait
            # until it is done (in memory, or staged), and flat rows keep the
            # garbage collector's work small on a sweep of thousands of pages.
            row = store.encode_row(redact_value(asdict(item)))
            if row.get("target_id") is None:
                self.store_loose_row(table, row)
            elif row["target_id"] in self.failed:
                self._arrived(row["target_id"])  # counted, not kept: the target is redone whole
            else:
                self.rows[row["target_id"]][table].append(row)
                self.held += 1
                self.held_per_target[row["target_id"]] += 1
                self._arrived(row["target_id"])
                if self.held > self.rows_in_memory:
                    self._spill()
        return item

    def _arrived(self, target_id: str) -> None:
        self.received[target_id] += 1
        if target_id in self.completing:
            self._complete_if_all_arrived(target_id)

    def _complete_if_all_arrived(self, target_id: str) -> None:
        done = self.completing[target_id]
        if self.received[target_id] >= done.items:
            del self.completing[target_id]
            self.received.pop(target_id, None)
            self.complete(target_id, done.spider)

    def _spill(self) -> None:
        """Stage the rows of the targets holding most, down to half the limit
        (one transaction; small targets, the usual case, never touch it)."""
        spill = {}
        for target_id in sorted(self.held_per_target, key=self.held_per_target.get, reverse=True):
            if self.held <= self.rows_in_memory // 2:
                break
            spill[target_id] = self.rows.pop(target_id)
            self.held -= self.held_per_target.pop(target_id)
            self.staged.add(target_id)
        if not self._write(list(spill), store.stage_rows, self.db, self.run_id, self.stage_key, spill):
            self.staged.difference_update(spill)

    def complete(self, target_id: str, spider_name: str) -> None:
        rows = self.rows.pop(target_id, {})
        self.held -= self.held_per_target.pop(target_id, 0)
        fields = self.fields.pop(target_id, {})
        staged_as = self.stage_key if target_id in self.staged else None
        self.staged.discard(target_id)
        if target_id in self.failed:
            return  # some of its rows are lost: no progress marker, `--resume` redoes it
        self.store_target(target_id, spider_name, rows, fields, staged_as)

    # The two ways rows leave the pipeline; a distributed sweep's job sends
    # them to its coordinator instead (crawler.distributed.outbox).
    def store_loose_row(self, table: str, row: dict) -> None:
        """A row belonging to no target, stored at once."""
        self._write(None, store.add_rows, self.db, table, self.run_id, [row])

    def store_target(self, target_id: str, spider_name: str, rows: dict, fields: dict,
                     staged_as: str | None) -> None:
        """A finished target's rows, fields and progress marker, in one transaction."""
        self._write([target_id], store.complete_target, self.db, self.run_id, target_id, spider_name,
                    rows, fields, staged_as=staged_as)

    def _write(self, target_ids: list[str] | None, write, *args, **kwargs) -> bool:
        """One store write, retried while another process holds the lock (for
        PORTALCHECK_WRITE_WAIT_SECONDS); on failure the targets are marked
        failed and the stats say why. Returns True when it was stored."""
        try:
            for attempt in Retrying(
                    retry=retry_if_exception(lambda e: getattr(e, "reason", None) in _RETRIED_FAULTS),
                    stop=stop_after_delay(self.write_wait_seconds),
                    wait=wait_exponential(multiplier=0.1, max=5), reraise=True):
                with attempt:
                    write(*args, **kwargs)
            return True
        except store.DatabaseError as fault:
            self.failed.update(target_ids or ())
            if self.stats is not None:
                self.stats.inc_value("portalcheck/disk_full" if fault.reason == "disk_full"
                                     else "portalcheck/write_failed")
            log.error("could not store %s in %s: %s", ", ".join(target_ids or ["a row"]), self.db_path, fault)
            return False

    def close_spider(self, spider=None):
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        # A target the spider finished whose count never added up (an item
        # dropped on its way): keep what arrived rather than lose it all.
        for target_id, done in list(self.completing.items()):
            self.complete(target_id, done.spider)
        # Targets never completed (the crawl was stopped) are left out on
        # purpose: `sweep --resume` redoes them whole.
        if self.owns_run:
            stats = getattr(getattr(spider, "crawler", None), "stats", None)
            finish = stats.get_value("finish_reason") if stats else "finished"
            status = "finished" if finish in (None, "finished") else "interrupted"
            if self.joined_status != "finished":
                status = self.joined_status   # the sweep's first part did not finish: neither did the sweep
            self._write(None, store.finish_run, self.db, self.run_id, "incomplete" if self.failed else status)
        self.db.conn.close()
