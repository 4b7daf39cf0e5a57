"""Scrapy's per-page log lines, built only when someone can read them.

Scrapy builds a "Crawled (200) …" and a "Scraped from …" record for every
page and item and leaves it to the handler to drop them below LOG_LEVEL=DEBUG.
A sweep yields several items per page, so building those records cost a
measurable share of its CPU (docs/performance.md) for lines nobody sees.
"""
from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    """Returns None (Scrapy then logs nothing) for per-page lines unless the
    log level is DEBUG; errors and drops are logged as usual."""

    def __init__(self, debug: bool = False):
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler):
        level = crawler.settings.get("LOG_LEVEL")
        if isinstance(level, str):
            level = logging.getLevelName(level.upper())
        return cls(debug=isinstance(level, int) and level <= logging.DEBUG)

    def crawled(self, request, response, spider):
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item, response, spider):
        return super().scraped(item, response, spider) if self.debug else None
