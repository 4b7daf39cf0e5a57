"""Render JavaScript pages through portalcheck's own rendering path (base spider,
scrapy-playwright settings, one context per target), and print how many."""
import time

from crawler.registry.targets import Target
from spiders.base import PortalcheckSpider


class RenderSpider(PortalcheckSpider):
    name = "render-bench"

    def __init__(self, urls: str, pages: str = "300", **kwargs):
        targets = [Target(id=f"r{i}", name=f"r{i}", kind="other", group="bench", portal_url=u)
                   for i, u in enumerate(urls.split(","))]
        super().__init__(target_list=targets, **kwargs)
        self.total = int(pages)
        self.rendered = 0
        self.first = None

    async def start(self):
        self.first = time.monotonic()  # rendering is timed from the first request (browser launch included)
        async for item in super().start():
            yield item

    def start_target(self, target):
        share = self.total // len(self.targets)
        return [self.fetch(f"{target.portal_url}?n={n}", self.page, target, "render", render=True)
                for n in range(share)]

    def page(self, page, meta):
        self.last = time.monotonic()
        if page.rendered and page.status == "live" and "Giới thiệu" in page.text:
            self.rendered += 1
        return ()

    def target_done(self, target):
        return ()

    def closed(self, reason):
        print(self.rendered, self.last - self.first if self.first and getattr(self, "last", None) else 0)
