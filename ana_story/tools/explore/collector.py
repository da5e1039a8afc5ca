"""How often the cyclic garbage collector looks while explore runs.

explore makes many objects that live on (memos, key tables, queued vectors) and
no cycle to speak of; at Python's default (a look after 700 new objects) it
scans the young ones again and again, and a full collection may fall in any
phase, by where the counts happen to stand.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 50_000  # objects made before the garbage collector looks (Python's default: 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector looks at young objects only after YOUNG of them (as Python's
    default, at least) meanwhile: the whole of explore (search.py; one full collection
    in its guided runs took 0.055 of 0.93 CPU s on the benchmark story, and the young
    ones scanned again and again 0.03 s there), and the search loop (vecloop.py: each
    queued vector is young once, and looking at its items cost 0.3 of 3.2 CPU s on
    the 389dc23 story)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
