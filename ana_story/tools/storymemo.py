"""One story's static analyses worked out once while explore proves it.

The Keyer's set-up, the checks before the search (``endless``, ``ceiling``) and
soundness.py each ask for the same flow ranges and scene order of the same story;
on the 1,000-scene benchmark story each flow-range pass costs about 0.05 s. Inside
``remembering(story)`` a function marked ``remembered`` gives the result it gave
for that very story object (and the same further arguments) before; outside it,
or for another story, it works it out as always. The results are shared: callers
only read them. Nothing is kept once the ``with`` ends.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_active: list = [None, {}]  # the story remembered for (or None), its results by call


def remembered(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn(story, *args)``, worked out once per story and arguments while that
    story is ``remembering``."""
    name = fn.__qualname__

    @functools.wraps(fn)
    def once(*args: P.args, **kwargs: P.kwargs) -> R:
        story, results = _active
        if story is None or kwargs or not args or args[0] is not story:
            return fn(*args, **kwargs)
        key: Hashable = (name, args[1:])
        if key not in results:
            results[key] = fn(*args, **kwargs)
        return results[key]
    return once


@contextmanager
def remembering(story: object) -> Iterator[None]:
    """Remember the marked analyses of ``story`` until the block ends."""
    saved = list(_active)
    if _active[0] is not story:
        _active[:] = [story, {}]
    try:
        yield
    finally:
        _active[:] = saved
