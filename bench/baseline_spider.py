"""The baseline: fetch a list of URLs with plain Scrapy, look at nothing. Prints the count."""
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

    def parse(self, response):
        BaselineSpider.fetched += 1

    def parse_error(self, failure):
        BaselineSpider.fetched += 1

    def closed(self, reason):
        print(BaselineSpider.fetched)
