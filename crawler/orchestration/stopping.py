"""A person's request to stop (Ctrl-C, SIGTERM), remembered for the whole command.

Python turns Ctrl-C into KeyboardInterrupt, but a library running its own event loop (the
browser probe before a crawl, Twisted before Scrapy's handlers are installed) can swallow
it, and the sweep then ran to its end and exited 0. The request is remembered here as well,
so `execute` (crawler/orchestration/runs.py) refuses to start or to call the run finished
after one came: the run is `interrupted`, exit 3 or 130, and `sweep --resume` finishes it.
"""
from __future__ import annotations

import signal

_requested: list[int] = []


def requested() -> bool:
    return bool(_requested)


def note(signum: int) -> None:
    _requested.append(signum)


def _on_signal(signum, frame):
    note(signum)
    raise KeyboardInterrupt


def install() -> None:
    """Ctrl-C and SIGTERM both stop the command as Ctrl-C does, and are remembered."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)


def reset() -> None:
    _requested.clear()
