"""loops.py's shortcut for the common case: explored States with no cycle among
them, every one without a way on good (an ending, an error, the bound).

Then there are no loops to report, and every State can reach an ending or the
bound (from any State, any walk ends, in a finite graph with no cycle, at a
State with no way on, which is good, or at one found but not explored, which
counts as good); the depth-first pass over every way on (loops._components)
is not needed. On the story as at 389dc23 that pass took some 0.3 s of 3.

A cycle of States is a closed walk of the scene graph (analysis.scene_graph:
every way a State can go, a return to any caller included, a choice that stays
as a way to its own scene), so each of its States is in a scene on a cycle of
that graph (``looping``: sceneorder.scene_order's). Only the States of those
scenes and the ways on between them are looked at, and the look stops at the
first cycle (the full pass then runs, as before).
"""
from __future__ import annotations

from array import array
from itertools import compress
from operator import eq

from .tree import Tree


def no_cycle(tree: Tree, good: bytearray, looping: set[str]) -> bytearray | None:
    """What loops._components' ``alive`` is (every State can end) when the explored
    States hold no cycle and every one without a way on is good; None when that
    is not so (or not shown here)."""
    first, succ, scenes = tree.first, tree.succ, tree.scene_of
    n, total = len(first), len(scenes)
    ends = first[1:]
    ends.append(len(succ))
    inside = bytearray(len(scenes.ids))
    for sid in looping:
        number = scenes.no.get(sid)
        if number is not None:
            inside[number] = 1
    member = bytes(map(inside.__getitem__, scenes.at[:n]))  # per explored State
    if _cyclic(first, ends, succ, member):
        return None
    for v in compress(range(n), map(eq, first, ends)):  # the States with no way on
        if not good[v]:
            return None
    return bytearray(b"\x01") * total


def _cyclic(first: array, ends: array, succ: array, member: bytes) -> bool:
    """Whether the explored States ``member`` marks hold a cycle among themselves:
    a depth-first walk (colour 1: on the path walked, 2: done), stopped at the
    first way on back to a State on the path."""
    n = len(member)
    colour = bytearray(n)
    nxt = array("i", first)  # per State on the path: its next way on to look at
    for root in compress(range(n), member):
        if colour[root]:
            continue
        colour[root] = 1
        path = [root]
        v, i, end = root, first[root], ends[root]
        while True:
            while i < end:
                w = succ[i]
                i += 1
                if w < n and member[w]:
                    c = colour[w]
                    if c == 1:
                        return True
                    if not c:
                        break
            else:  # every way on looked at: v is done
                colour[v] = 2
                path.pop()
                if not path:
                    break
                v = path[-1]
                i, end = nxt[v], ends[v]
                continue
            nxt[v] = i
            colour[w] = 1
            path.append(w)
            v, i, end = w, first[w], ends[w]
    return False
