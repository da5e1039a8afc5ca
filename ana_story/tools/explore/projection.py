"""How many States the whole space holds, projected early in the search.

After each level of the breadth-first search, the ways on from that level are
a sample of the space: a way on that meets a State already known is a
"recapture". If the States met were a fair sample, known / total would be
duplicates / ways on, so total is about known x ways on / duplicates (the
Lincoln-Petersen estimate). The search is not a fair sample (early levels meet
few old States, so early estimates run high, then low while the levels still
grow), so the projection is the median of the last three levels' estimates,
given only once 1,000 States are known. docs/performance.md gives its accuracy
on stories that finish. Both the one-process search and --jobs feed it the same
levels, so it is part of the report.
"""
from __future__ import annotations

from statistics import median

MIN_KNOWN = 1_000  # no projection below this many States: too few recaptures


class Projection:
    """The projected size of the space; when it first went over the bound."""

    def __init__(self, bound: int):
        self.bound = bound
        self.estimates: list[float] = []
        self.total: int | None = None  # projected States in all
        self.over_at: int | None = None  # States known when the projection first passed the bound

    def level(self, ways: int, new: int, known: int) -> None:
        """One level done: ``ways`` ways on from it, ``new`` of them to States
        not known before, ``known`` States known now."""
        repeats = ways - new
        if known < MIN_KNOWN or repeats <= 0:
            return
        self.estimates.append(known * ways / repeats)
        if len(self.estimates) >= 3:
            self.total = max(known, round(median(self.estimates[-3:])))
            if self.over_at is None and self.total > self.bound:
                self.over_at = known

    def line(self) -> str:
        """For the progress bar: the projection, and whether it is over the bound."""
        if self.total is None:
            return ""
        if self.total > self.bound:
            return f"projected ~{self.total:,} States: over the bound of {self.bound:,}"
        return f"projected ~{self.total:,} States"

    def to_json(self) -> dict | None:
        if self.total is None:
            return None
        return {"states": self.total, "over_bound": self.total > self.bound,
                "over_bound_at": self.over_at}
