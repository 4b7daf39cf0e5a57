"""How far a sweep has got.

On a terminal: a rich progress bar. Otherwise (cron, CI, a pipe): one plain
line per finished target, so logs stay readable. A sweep in one process
updates it from a Scrapy extension; a sweep spread over worker processes
(crawler.orchestration.workers) updates it in the parent from the targets stored as finished.
"""
from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape  # a target's name comes from a file: never rich markup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import signals as portalcheck_signals
from crawler.cli.i18n import t
from scoring.catalogue import has


def spider_words(spider: str) -> str:
    """What a spider checks, in words ("dịch vụ công" / "online services"), never its name."""
    key = f"progress.spider.{spider}"
    return t(key) if has(key) else spider


class ProgressDisplay:
    def __init__(self, total: int, names: dict[str, str] | None = None):
        """`names`: the targets' names by id, for a display fed only ids (worker processes)."""
        self.total = total
        self.done = 0
        self.names = names or {}
        self.progress = None
        if sys.stderr.isatty():
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(t("progress.sweeping"), total=total)

    def target_finished(self, spider: str, target_id: str, where: str = "", name: str = "") -> None:
        """`where`: the worker that judged it (a distributed sweep), shown beside it;
        the target is shown by its name when known, else by its id."""
        self.done += 1
        target = name or self.names.get(target_id) or target_id
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=escape(t("progress.sweeping") + f" {target}"))
        elif where:
            print(t("progress.line_where", done=self.done, total=self.total, spider=spider_words(spider),
                    target=target, where=where), file=sys.stderr, flush=True)
        else:
            print(t("progress.line", done=self.done, total=self.total, spider=spider_words(spider), target=target),
                  file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        """A line of its own (above the bar on a terminal)."""
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


# One display for the whole process, shared by the spiders of a sweep.
_shared: dict = {}


class ProgressExtension:
    @classmethod
    def from_crawler(cls, crawler):
        total = crawler.settings.getint("PORTALCHECK_PROGRESS_TOTAL")
        if not crawler.settings.getbool("PORTALCHECK_PROGRESS") or total <= 0:
            raise NotConfigured
        ext = cls()
        crawler.signals.connect(ext.target_finished, signal=portalcheck_signals.target_finished)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        if "display" not in _shared:
            _shared["display"] = ProgressDisplay(total)
        return ext

    def target_finished(self, spider, target):
        _shared["display"].target_finished(spider.name, target.id, name=target.name or "")

    def engine_stopped(self):
        display = _shared.get("display")
        if display is not None and display.done >= display.total:
            display.close()
            _shared.pop("display")
