"""How many States the whole space holds, projected early in the search, honestly.

Four things are said, each with its basis:
- a floor: the States found so far (explored or waiting), a fact;
- a ceiling, when the story gives one: the most values each scene's key can take,
  summed over the scenes (ceiling.py), a fact;
- a guess, after each level of the breadth-first search, the largest of three:
  * capture-recapture: the ways on from a level are a sample of the space, and a
    way on that meets a known State a "recapture", so total is about known x ways
    on / repeats (Lincoln-Petersen; the median of the last three levels'). It runs
    low: most repeats meet States of their own level (two orders of the same
    choices), not a sign that the space is filling up;
  * scenes: the States known, and for each scene the scene graph reaches that the
    search has not, the mean States of the busier half of the scenes reached (a
    scene not reached yet lies deeper, where more variables have diverged);
  * levels: while scenes are still to be reached, the frontier's pace (scenes
    newly reached per level, over the last six levels) says how many levels are
    to come, each finding as many new States as the most of the last three. That
    is what foretells a long path early (explore-long-path: a figure at a tenth of
    its search, where the others had none before half) and a frontier that has not
    yet spread to most scenes. A chapter's burst does not last, so it counts at
    most LEVELS (2.5) times what the scenes' guess adds to the States known.
  When a ceiling is within EIGHT times the guess, the figure is their geometric
  mean (the guess runs low, the ceiling high); else the guess. Never below the
  floor nor above the ceiling; given once MIN_KNOWN (100) States are known and a
  guess has its basis (three levels with repeats, or scenes still to reach), and
  ``why`` says what is missing until then.
  docs/performance.md gives its accuracy on stories that finish;
- no end: when a variable explore keeps exact can be moved without bound by a
  loop (abstraction.endless, from the story alone), the space may have no end,
  and that is said before the search begins.
Both the one-process search and --jobs feed it the same levels, so it is part of
the report. Each level costs a sort of the scenes reached (the busier half).
"""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping

MIN_KNOWN = 100  # no figure below this many States: a handful of levels says little
EIGHT = 8  # a ceiling further above the guess than this says little: not blended
PACE = 6  # levels over which the frontier's pace (scenes newly reached) is taken
RATE = 3  # levels whose most new States is the rate of the levels to come
LEVELS = 2.5  # the levels' guess adds at most this times what the scenes' guess adds


class Projection:
    """The projected size of the space; when it first went over the bound."""

    def __init__(self, bound: int):
        self.bound = bound
        # per level, only the last few figures the guesses read (a list of every
        # level's took some 30 bytes a State in a story of two States a level)
        self.estimates: deque[float] = deque(maxlen=3)
        self.total: int | None = None  # the figure: projected States in all
        self.low: int | None = None  # the range, facts: the floor (States known)
        self.high: int | None = None  # and the ceiling (None: the story gives none)
        self.ceiling: int | None = None  # ceiling.py, from the story alone
        self.reach = 0  # scenes the scene graph reaches from the start
        self.known = 0  # States found so far: the floor
        self.over_at: int | None = None  # States known when it first passed the bound
        self.endless: list[str] = []  # variables a loop moves without bound
        self.growing = False  # the last level found more new States than the one before
        self.last_new = 0
        self.news: deque[int] = deque(maxlen=RATE)  # new States of the last levels
        self.reached: deque[int] = deque(maxlen=PACE + 1)  # scenes reached after them
        self.why = "no projection: the search has not begun"  # while total is None
        self.finished = False  # the search ended within the bound: the count is a fact
        self.on_over: Callable[[Projection], None] | None = None  # told once, when over

    def _over_at(self, known: int) -> None:
        self.over_at = known
        if self.on_over is not None:
            self.on_over(self)

    def begin(self, endless: list[str], reach: int = 0, ceiling: int | None = None) -> None:
        """Before the search: the variables that may make the space endless, the
        scenes the scene graph reaches, the ceiling (ceiling.py) when there is one."""
        self.endless, self.reach, self.ceiling = endless, reach, ceiling
        if endless and self.over_at is None:
            self._over_at(0)

    def level(self, ways: int, new: int, known: int, hits: Mapping[str, int] | None = None
              ) -> None:
        """One level done: ``ways`` ways on from it, ``new`` of them to States
        not known before, ``known`` States known now, ``hits`` of them in each scene."""
        self.known = known
        self.growing, self.last_new = new > self.last_new, new
        self.news.append(new)
        self.reached.append(len(hits) if hits else 0)
        if ways > new:
            self.estimates.append(known * ways / (ways - new))
        guess = self._guess(known, hits)
        if known < MIN_KNOWN or not guess:
            self.why = f"no projection: fewer than {MIN_KNOWN} States found" \
                if known < MIN_KNOWN else "no projection: no scene left to reach " \
                "and fewer than three levels whose ways on met known States"
            if self.total is not None:  # an earlier figure stays, never below the floor
                self.total = self.low = max(self.total, known)
            return
        top = self.ceiling
        if top is not None and top <= EIGHT * guess:
            guess = math.sqrt(guess * top)
        self.total = max(known, round(guess if top is None else min(guess, top)))
        self.low, self.high = known, top
        if self.over_at is None and self.total > self.bound:
            self._over_at(known)

    def _guess(self, known: int, hits: Mapping[str, int] | None) -> float:
        """The largest of the three guesses that have a basis (0.0: none has)."""
        # the median of the three kept (statistics.median's value, without importing
        # statistics and its fractions and decimal on every explore's start)
        guess = sorted(self.estimates)[1] if len(self.estimates) >= 3 else 0.0
        unreached = self.reach - len(hits) if hits else 0
        if not hits or unreached <= 0:
            return guess
        scenes = known + unreached * _busier(hits.values())
        guess = max(guess, scenes)
        if len(self.reached) > PACE:
            pace = (self.reached[-1] - self.reached[-1 - PACE]) / PACE
            if pace > 0:
                levels = known + unreached / pace * max(self.news)
                guess = max(guess, min(levels, known + LEVELS * (scenes - known)))
        return guess

    def found(self, known: int) -> None:
        """The search stopped with ``known`` States found: the floor rises to it;
        within the bound the search was not cut, so the figure is that count, a fact
        (an early guess above the bound, or a variable that might have had no end,
        no longer says the space is over it)."""
        self.known = max(self.known, known)
        self.finished = self.known <= self.bound
        if self.total is not None and self.finished:
            self.total = self.low = self.known
        for attr in ("total", "low"):
            value = getattr(self, attr)
            if value is not None and value < self.known:
                setattr(self, attr, self.known)

    @property
    def over(self) -> bool:
        """Whether the space is (said to be) over the bound: never once the search
        finished within it."""
        return not self.finished and (bool(self.endless) or self.known > self.bound
                                      or (self.total is not None and self.total > self.bound))

    def line(self, bar: bool = False) -> str:
        """The projection and whether it is over the bound: short for the progress
        bar (``bar``), else with the range and the bound; while there is no figure,
        why not."""
        over = ", over the bound" + ("" if bar else f" of {self.bound:,}")
        if self.endless:
            return (f"no end in sight ({', '.join(self.endless[:3])} unbounded){over}")
        if self.total is None:
            return self.why + (over if self.over else "")
        span = "" if bar else f" (a guess; at most {self.high:,})" if self.telling() \
            else " (a guess)"
        return f"projected ~{self.total:,} States{span}" + (over if self.over else "")

    def telling(self) -> bool:
        """Whether the ceiling says something beside the figure (within 100 times it)."""
        return self.high is not None and self.total is not None \
            and self.high <= 100 * self.total

    def to_json(self) -> dict | None:
        """The projection for the report; None when there is none to tell, and for a
        search cut short with no figure, ``why`` there is none."""
        cut = self.known > self.bound
        if self.total is None and not self.endless and not cut:
            return None
        out: dict = {"states": self.total, "low": self.low, "high": self.high,
                     "known": self.known, "over_bound": self.over,
                     "over_bound_at": self.over_at, "ceiling": self.ceiling}
        if self.endless:
            out["endless"] = self.endless
        elif self.total is None:
            out["why"] = self.why
        return out


def _busier(counts: Iterable[int]) -> float:
    """The mean States of the busier half of the scenes reached: what a scene not
    reached yet is counted as (it lies deeper, where more variables have diverged)."""
    top = sorted(counts, reverse=True)
    top = top[:max(1, len(top) // 2)]
    return sum(top) / len(top)
