"""The baseline: fetch a list of URLs with plain Scrapy, look at nothing. Prints the count."""
import time
from pathlib import Path

import scrapy


class BaselineSpider(scrapy.Spider):
    name = "baseline"
    fetched = 0

    def __init__(self, urls: str, **kwargs):
        super().__init__(**kwargs)
        self.urls = Path(urls).read_text().split()

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.parse_error, dont_filter=True)

    first = last = None

    def parse(self, response):
        self.count()

    def parse_error(self, failure):
        self.count()

    @classmethod
    def count(cls):
        now = time.monotonic()
        cls.first = cls.first or now
        cls.last = now
        cls.fetched += 1

    def closed(self, reason):
        # pages, and the seconds from the first answer to the last
        print(BaselineSpider.fetched, (BaselineSpider.last or 0) - (BaselineSpider.first or 0))
