"""The item pipeline: every item a spider yields reaches SQLite.

Rows are buffered and written in short transactions (a batch size or a time
interval, whichever comes first), so a killed sweep loses at most the last
second, and a monitor writing the same database is never locked out for long.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from crawler import __version__
from crawler.items import FetchItem, ObservationItem, ServiceItem, TargetItem
from results import store

_TABLES = {FetchItem: "fetches", ObservationItem: "observations", ServiceItem: "services"}


class SQLitePipeline:
    def __init__(self, db_path: str, run_id: int | None, label: str | None,
                 methodology: str, batch: int, interval: float, settings_snapshot: dict):
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = run_id is None
        self.label = label
        self.methodology = methodology
        self.batch = batch
        self.interval = interval
        self.settings_snapshot = settings_snapshot
        self.buffer: dict[str, list[dict]] = {t: [] for t in _TABLES.values()}
        self.pending = 0
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        snapshot = {k: s.get(k) for k in (
            "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
            "DOWNLOAD_TIMEOUT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "RETRY_TIMES",
            "USER_AGENT")}
        return cls(s.get("PORTALCHECK_DB"), s.get("PORTALCHECK_RUN_ID"),
                   s.get("PORTALCHECK_RUN_LABEL"), s.get("PORTALCHECK_METHODOLOGY"),
                   s.getint("PORTALCHECK_WRITE_BATCH"), s.getfloat("PORTALCHECK_WRITE_INTERVAL"),
                   snapshot)

    def open_spider(self, spider=None):
        self.db = store.open_db(self.db_path)
        if self.run_id is None:
            self.run_id = store.create_run(
                self.db, mode="sweep", label=self.label, methodology=self.methodology,
                settings={"spider": getattr(spider, "name", None), **self.settings_snapshot},
                tool_version=__version__)
        if spider is not None:
            spider.run_id = self.run_id

    def process_item(self, item, spider=None):
        if isinstance(item, TargetItem):
            self.flush()  # a target row is written after the rows it summarises
            row = {k: v for k, v in asdict(item).items() if v is not None}
            store.save_run_target(self.db, self.run_id, row)
            return item
        table = _TABLES.get(type(item))
        if table is None:
            return item
        self.buffer[table].append(asdict(item))
        self.pending += 1
        if self.pending >= self.batch or time.monotonic() - self.last_flush >= self.interval:
            self.flush()
        return item

    def flush(self) -> None:
        for table, rows in self.buffer.items():
            if rows:
                store.add_rows(self.db, table, self.run_id, rows)
                rows.clear()
        self.pending = 0
        self.last_flush = time.monotonic()

    def close_spider(self, spider=None):
        self.flush()
        if self.owns_run:
            reason = getattr(getattr(spider, "crawler", None), "stats", None)
            finish = reason.get_value("finish_reason") if reason else "finished"
            store.finish_run(self.db, self.run_id,
                             "finished" if finish in (None, "finished") else "interrupted")
        self.db.conn.close()
