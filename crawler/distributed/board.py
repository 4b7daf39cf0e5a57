"""What a distributed sweep's coordinator shows: the progress bar (or one line
per target, with the worker that judged it), which group runs where, a
summary of each worker's progress now and then, a stuck group, a lost worker,
Redis going away and coming back. Words from crawler/cli/messages/worker.yaml."""
from __future__ import annotations

import time

from crawler.cli.i18n import t
from crawler.orchestration.progress import ProgressDisplay

SUMMARY_EVERY = 30.0  # seconds between two "who is doing what" lines


class Board:
    def __init__(self, total: int, enabled: bool, redis_shown: str, names: dict[str, str] | None = None):
        """`names`: the targets' names by id (workers report ids): what a person reads."""
        self.names = names or {}
        self.display = ProgressDisplay(total, self.names) if enabled and total else None
        self.redis_shown = redis_shown
        self.last_summary = time.monotonic()

    def _say(self, key: str, **values) -> None:
        if self.display is not None:
            self.display.note(t(key, **values))

    def enqueued(self, enqueued: int, adopted: int, queue: str) -> None:
        self._say("worker.enqueued", enqueued=enqueued, adopted=adopted, queue=queue, redis=self.redis_shown)

    def group_started(self, group, count: int) -> None:
        self._say("worker.group_started", group=self._name(group), worker=group.worker, count=count)

    def target_finished(self, spider: str, target: str, worker: str) -> None:
        if self.display is not None:
            self.display.target_finished(spider, target, where=worker)

    def group_finished(self, group) -> None:
        self._say("worker.group_finished", group=self._name(group), worker=group.worker or "?")

    def group_failed(self, group, job_id: str) -> None:
        self._say("worker.group_failed", group=self._name(group), worker=group.worker or "?", job=job_id)

    def group_lost(self, group) -> None:
        self._say("worker.group_lost", group=self._name(group))

    def group_stuck(self, group, seconds: float) -> None:
        self._say("worker.group_stuck", group=self._name(group), worker=group.worker or "?",
                  minutes=round(seconds / 60, 1))

    def redis_down(self) -> None:
        self._say("worker.redis_down", redis=self.redis_shown)

    def redis_back(self) -> None:
        self._say("worker.redis_back", redis=self.redis_shown)

    def redis_gave_up(self) -> None:
        self._say("worker.redis_gave_up", redis=self.redis_shown)

    def show_workers(self, groups) -> None:
        """Every SUMMARY_EVERY seconds: each worker, its group and how far it is."""
        if self.display is None or time.monotonic() - self.last_summary < SUMMARY_EVERY:
            return
        self.last_summary = time.monotonic()
        running = [g for g in groups if g.state == "started"]
        waiting = sum(1 for g in groups if g.state == "queued")
        finished = sum(1 for g in groups if g.state == "finished")
        parts = [t("worker.at_work", worker=g.worker, group=self._name(g), done=g.done, total=g.size())
                 for g in sorted(running, key=lambda g: g.worker)]
        self._say("worker.summary", running=len(running), waiting=waiting, finished=finished,
                  workers="; ".join(parts) or "-")

    def close(self) -> None:
        if self.display is not None:
            self.display.close()

    def _name(self, group) -> str:
        """A group as a person knows it: its first target's name, and how many more it holds."""
        ids = sorted(group.target_ids)
        if not ids:
            return "-"
        first = self.names.get(ids[0]) or ids[0]
        return first if len(ids) == 1 else t("worker.group_name", first=first, more=len(ids) - 1)
