"""What `ana-story explore` tells while it searches, on stderr.

On a terminal (stderr a tty, text output): a Rich progress bar with the States
explored, the States per second and the projection of the space's size, drawn at
most 10 times a second. Piped (text output): no bar, but one line the moment the
space is known to be over the bound (projection.py), so a log says so at once, not
when the search ends. With --format json: nothing, stdout is the data.
"""
from __future__ import annotations

import sys
import time
from typing import Any

from ..sanitize import visible

REFRESH = 10  # the bar is drawn at most this many times a second


class ExploreProgress:
    """The progress callback of explore (or random runs) and the bar behind it."""

    def __init__(self, fmt: str, random: bool, projection: Any):
        self.projection = projection
        self.began = time.perf_counter()
        self.bar: Any = None
        self.told = False
        self.quiet = fmt == "json"
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
            self.unit = "runs" if random else "States"
            self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                TextColumn("{task.completed:,} / {task.total:,} " + self.unit),
                                TimeElapsedColumn(), console=Console(file=sys.stderr),
                                transient=True, refresh_per_second=REFRESH)
            self.task = self.bar.add_task("exploring", total=1)
        elif not self.quiet and not random:
            projection.on_over = self.tell  # piped: one line when over the bound

    @property
    def callback(self):
        """What explore calls with (done, known), or None when nothing is shown."""
        return self.update if self.bar is not None else None

    def update(self, done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - self.began, 1e-9)
        line = " · ".join(x for x in (f"{rate:,.0f} {self.unit}/s",
                                      self.projection.line(bar=True)) if x)
        self.bar.update(self.task, completed=done, total=total,
                        description=f"exploring · {line}")

    def tell(self, projection: Any) -> None:
        """Piped: say once, on stderr, that the space is over the bound."""
        if not self.told:
            self.told = True
            when = f"at {projection.known:,} States found" if projection.known else \
                "before the search"
            print(visible(f"explore: {projection.line()} (said {when}; the search goes on "
                          "to the bound)"), file=sys.stderr)

    def __enter__(self) -> ExploreProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
