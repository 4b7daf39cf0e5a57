"""A Scrapy extension that shows how far a sweep has got.

On a terminal: a rich progress bar. Otherwise (cron, CI, a pipe): one plain
line per finished target, so logs stay readable.
"""
from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import signals as portalcheck_signals
from crawler.i18n import t

# One bar for the whole process, shared by the spiders of a sweep.
_shared: dict = {}


class ProgressExtension:
    def __init__(self, total: int):
        self.total = total

    @classmethod
    def from_crawler(cls, crawler):
        total = crawler.settings.getint("PORTALCHECK_PROGRESS_TOTAL")
        if not crawler.settings.getbool("PORTALCHECK_PROGRESS") or total <= 0:
            raise NotConfigured
        ext = cls(total)
        crawler.signals.connect(ext.target_finished, signal=portalcheck_signals.target_finished)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        if "done" not in _shared:
            _shared["done"] = 0
            if sys.stderr.isatty():
                progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                    MofNCompleteColumn(), TimeElapsedColumn(),
                                    console=Console(stderr=True), transient=True)
                progress.start()
                _shared["progress"] = progress
                _shared["task"] = progress.add_task(t("progress.sweeping"), total=total)
        return ext

    def target_finished(self, spider, target):
        _shared["done"] += 1
        progress = _shared.get("progress")
        if progress is not None:
            progress.update(_shared["task"], advance=1,
                            description=t("progress.sweeping") + f" {target.id}")
        else:
            print(t("progress.line", done=_shared["done"], total=self.total,
                    spider=spider.name, target=target.id), file=sys.stderr, flush=True)

    def engine_stopped(self):
        progress = _shared.get("progress")
        if progress is not None and _shared["done"] >= self.total:
            progress.stop()
            _shared.pop("progress")
