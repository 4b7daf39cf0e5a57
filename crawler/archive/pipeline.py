"""The item pipeline step that points stored evidence at the archive.

Every fetch arrives carrying the WARC-Record-ID of the answer it got (set by
crawler.archive.middleware); an observation then points at the record of the
page its evidence names, or, when it names none (a section looked for and not
found), at the page it was looked for on: the target's homepage as rendered,
else as fetched. A service points at its own page's record. Runs before the
SQLite pipeline; not loaded when nothing is archived or replayed.
"""
from __future__ import annotations

from collections import defaultdict

from scrapy.exceptions import NotConfigured

from crawler.items import FetchItem, ObservationItem, ServiceItem

_HOMEPAGE_PURPOSES = ("homepage_rendered", "homepage")   # the first one found wins


class ArchivePipeline:
    def __init__(self):
        self.records: dict[str, dict[str, str]] = defaultdict(dict)   # target -> url -> record id
        self.homepage: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # target -> purpose -> (url, id)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not (settings.getbool("PORTALCHECK_ARCHIVE") or settings.get("PORTALCHECK_REPLAY_FROM")):
            raise NotConfigured("nothing archived")
        return cls()

    def process_item(self, item, spider=None):
        if isinstance(item, FetchItem):
            self._fetched(item)
        elif isinstance(item, ObservationItem) and item.archive_record_id is None:
            item.archived_url, item.archive_record_id = self.record_for(item.target_id, item.evidence_url)
        elif isinstance(item, ServiceItem) and "archive_record_id" not in item.evidence:
            record = self.records[item.target_id].get(item.url)
            if record:
                item.evidence = {**item.evidence, "archive_record_id": record}
        return item

    def _fetched(self, item: FetchItem) -> None:
        if not item.archive_record_id or item.target_id is None:
            return
        urls = self.records[item.target_id]
        for url in (item.url, item.final_url, *item.redirect_chain):
            if url:
                urls[url] = item.archive_record_id
        if item.purpose in _HOMEPAGE_PURPOSES and item.status == "live":
            self.homepage[item.target_id][item.purpose] = (item.final_url or item.url, item.archive_record_id)

    def record_for(self, target_id: str, url: str | None) -> tuple[str | None, str | None]:
        """(the archived URL, its record id) an observation's evidence rests on."""
        if url and url in self.records[target_id]:
            return url, self.records[target_id][url]
        homepages = self.homepage.get(target_id) or {}
        for purpose in _HOMEPAGE_PURPOSES:
            if purpose in homepages:
                return homepages[purpose]
        return None, None

    def close_spider(self, spider=None):
        self.records.clear()
        self.homepage.clear()
