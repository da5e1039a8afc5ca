"""How many States the whole space holds, projected early in the search, honestly.

Three things are said, each with its basis:
- a floor: the States found so far (explored or waiting), a fact;
- a guess: after each level of the breadth-first search, the ways on from that
  level are a sample of the space, and a way on that meets a State already known
  is a "recapture": if the States met were a fair sample, known / total would be
  repeats / ways on, so total is about known x ways on / repeats (the
  Lincoln-Petersen estimate). The search is no fair sample: many ways on meet
  States of their own level (two orders of the same choices), so the guess runs
  low, at 0.15x to 0.9x of the final count on the stories measured, nearer as the
  search goes on. The figure is the median of the last three levels' estimates
  (low and high: the least and the most of them), never below the floor; given
  once 1,000 States are known;
- no end: when a variable explore keeps exact can be moved without bound by a
  loop (abstraction.endless, from the story alone), the space may have no end,
  and that is said before the search begins.
docs/performance.md gives its accuracy on stories that finish. Both the
one-process search and --jobs feed it the same levels, so it is part of the report.
"""
from __future__ import annotations

from collections.abc import Callable
from statistics import median

MIN_KNOWN = 1_000  # no estimate below this many States: too few recaptures


class Projection:
    """The projected size of the space; when it first went over the bound."""

    def __init__(self, bound: int):
        self.bound = bound
        self.estimates: list[float] = []
        self.total: int | None = None  # the figure: projected States in all
        self.low: int | None = None  # the range, never below the States known
        self.high: int | None = None
        self.known = 0  # States found so far: the floor
        self.over_at: int | None = None  # States known when it first passed the bound
        self.endless: list[str] = []  # variables a loop moves without bound
        self.growing = False  # the last level found more new States than the one before
        self.last_new = 0
        self.on_over: Callable[[Projection], None] | None = None  # told once, when over

    def _over_at(self, known: int) -> None:
        self.over_at = known
        if self.on_over is not None:
            self.on_over(self)

    def begin(self, endless: list[str]) -> None:
        """Before the search: the variables that may make the space endless."""
        self.endless = endless
        if endless and self.over_at is None:
            self._over_at(0)

    def level(self, ways: int, new: int, known: int) -> None:
        """One level done: ``ways`` ways on from it, ``new`` of them to States
        not known before, ``known`` States known now."""
        self.known = known
        self.growing, self.last_new = new > self.last_new, new
        repeats = ways - new
        if known < MIN_KNOWN or repeats <= 0:
            return
        self.estimates.append(known * ways / repeats)
        if len(self.estimates) >= 3:
            last = self.estimates[-3:]
            self.total = max(known, round(median(last)))
            self.low, self.high = max(known, round(min(last))), max(known, round(max(last)))
            if self.over_at is None and self.total > self.bound:
                self._over_at(known)

    def found(self, known: int) -> None:
        """The search stopped with ``known`` States found: the floor rises to it."""
        self.known = max(self.known, known)
        for attr in ("total", "low", "high"):
            value = getattr(self, attr)
            if value is not None and value < self.known:
                setattr(self, attr, self.known)

    @property
    def over(self) -> bool:
        return bool(self.endless) or (self.total is not None and self.total > self.bound) \
            or self.known > self.bound

    def line(self, bar: bool = False) -> str:
        """The projection and whether it is over the bound: short for the progress
        bar (``bar``), else with the range and the bound."""
        over = ", over the bound" + ("" if bar else f" of {self.bound:,}")
        if self.endless:
            return (f"no end in sight ({', '.join(self.endless[:3])} unbounded){over}")
        if self.total is None:
            return ""
        span = "" if bar or self.low == self.high else f" ({self.low:,}-{self.high:,})"
        return f"projected ~{self.total:,} States{span}" + (over if self.over else "")

    def to_json(self) -> dict | None:
        if self.total is None and not self.endless:
            return None
        out: dict = {"states": self.total, "low": self.low, "high": self.high,
                     "known": self.known, "over_bound": self.over,
                     "over_bound_at": self.over_at}
        if self.endless:
            out["endless"] = self.endless
        return out
