"""The loop of a search again (rerun.py's Rerun): Search.levels' breadth-first
loop, where a kept State queued by its kept number takes its kept ways on without
a step. The kept search numbered States in the order met, and the new one meets
the kept States of a part the edit left alone in that same order: its queue then
holds runs of consecutive kept numbers (n, n + 1, ...), whose ways on are one
slice of the kept arrays. Such a run is taken whole (``runner``): its ways on, its
tree's ``first`` and ``good``, by one slice and extend each; only a successor not
numbered yet is looked at alone (``numberer``: its key found in the table of keys,
where a State visited for real may have put it, else added). A run is cut where
a State may not take its kept ways (a changed scene, an ending) or is not the
next kept number; a run that leads into a changed scene under 'enter:' or into a
relaid one (rerun.py's ``guard``: no kept way is taken into it), a story
with random gotos (a State's ways counted once per choice) or one that might pass
--max-states is taken State by State (``replayer``), as before."""
from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, islice
from typing import Any

from .vecloop import LOW

BIG = 0x7FFFFFFF  # store.Visited.settle: past this many bytes of keys, 8-byte ends


def levels(search: Any, progress: Any, explored: int, level_end: int, ways: int) -> int:
    """Search.levels from State ``explored`` on (the end of its level, the ways on
    before that level): runs of kept States by ``runner``, one at a time by
    ``replayer``, anything else by ``search._take``."""
    queue, succ, ids = search.queue, search.tree.succ, search.ids
    search.replay = replayer(search)
    step = _leveller(search, progress)
    while queue:
        search.good.extend(bytes(level_end - explored))  # (set as the States are taken)
        step(explored, level_end)
        explored = level_end  # a level of the breadth-first search done
        search._hits()
        search.projection.level(len(succ) - ways, len(ids) - level_end, len(ids),
                                search.report.scene_hits)
        level_end, ways = len(ids), len(succ)
    return explored


def _leveller(search: Any, progress: Any) -> Callable[[int, int], None]:
    """``step(explored, level_end)``: take the queued States of one level."""
    queue, first, succ, ids = search.queue, search.tree.first, search.tree.succ, search.ids
    plain, at, other = search.plain, search.k_at, search._take
    popleft, begin, batch = queue.popleft, first.append, runner(search)

    def step(sid: int, level_end: int) -> None:
        while sid < level_end:
            entry = popleft()
            m = 1
            if type(entry) is int and entry >= 0 and plain[at[entry]]:
                while sid + m < level_end and queue[0] == entry + m and plain[at[entry + m]]:
                    popleft()  # (an int compares equal to a kept number only)
                    m += 1
                if not batch(sid, entry, m):
                    _one_by_one(search, sid, entry, m)
            else:
                begin(len(succ))
                other(sid, entry)
            if progress is not None and (sid + m) // 2000 != sid // 2000:
                progress(sid + m, len(ids))
            sid += m

    return step


def _one_by_one(search: Any, sid: int, n: int, m: int) -> None:
    """Kept States ``n`` to ``n + m - 1``, queued as States ``sid`` on, each by
    ``replay``, or visited for real when its kept ways may not hold."""
    first, succ, replay, other = search.tree.first, search.tree.succ, search.replay, \
        search._take
    for i in range(m):
        first.append(len(succ))
        if not replay(sid + i, n + i):
            other(sid + i, n + i)


def lay(search: Any, lo: int, hi: int) -> None:
    """Kept States ``lo`` to ``hi - 1``'s keys added to the table of keys (which
    holds ``lo``, the kept first ones) as those numbers: the copied start
    (rerunstart.copy). The table grown first as far as adding them one by one
    would grow it; a kept key is another than every other kept one, so each goes
    in the first free slot of its probe, compared with none."""
    ids, k_data, k_ends = search.ids, search.k_data, search.k_ends
    if len(ids) != lo or len(ids.data) + k_ends[hi] - k_ends[lo] > BIG:
        for n in range(lo, hi):  # (one by one, as store.Visited has it)
            k = k_data[k_ends[n]:k_ends[n + 1]]
            ids.add(ids.find(k), k)
        return
    while hi > ids.table[3]:  # (half full: grown, as Visited.settle does)
        ids._grow()
    slots, ends, mask, _ = ids.table
    hashes, data = ids.hashes, ids.data
    keys = [k_data[k_ends[n]:k_ends[n + 1]] for n in range(lo, hi)]
    for nid, k in enumerate(keys, lo):
        h = hash(k) & LOW
        i = h & mask
        while slots[i] >= 0:
            i = (i + 1) & mask
        slots[i] = nid
        hashes.append(h)
    ends.extend(islice(accumulate(map(len, keys), initial=len(data)), 1, None))
    data.extend(k_data[k_ends[lo]:k_ends[hi]])


def _padded(search: Any) -> array:
    """The kept ``first``, one more at the end: State n's ways on are
    k_first[n] to k_first[n + 1]."""
    k_first = array("i", search.k_first)
    k_first.append(len(search.k_succ))
    return k_first


def runner(search: Any) -> Callable[[int, int, int], bool]:
    """``batch(sid, n, m)``: kept States ``n`` to ``n + m - 1`` (each of a scene that
    may take kept ways), queued as States ``sid`` on, take their kept ways on;
    False (nothing done) when they are to be taken one by one (the module
    docstring)."""
    at, guard, guarded, randoms = search.k_at, search.guard, search.guarded, \
        search.randoms
    k_succ, k_via, k_good, new_of = search.k_succ, search.k_via, search.k_good, \
        search.new_of
    good, first, succ, via, took = search.good, search.tree.first, search.tree.succ, \
        search.tree.via, search.took
    hashes, limit, k_first = search.ids.hashes, search.max_states, _padded(search)
    number, children = numberer(search, k_first), _childer(search, k_first)

    def batch(sid: int, n: int, m: int) -> bool:
        start, end = k_first[n], k_first[n + m]
        cs = k_succ[start:end]
        if randoms or guarded and any(guard[at[c]] for c in cs):
            return False  # (one leads into a changed scene under 'enter:', or a relaid one)
        nids = [new_of[c] for c in cs]
        if len(hashes) + nids.count(-1) > limit:
            return False  # (one may be cut off: a State's ways on are then fewer)
        base = len(succ) - start
        first.extend([f + base for f in k_first[n:n + m]])
        good[sid:sid + m] = k_good[n:n + m]
        codes = k_via[start:end]
        if -1 in nids and not children(sid, n, m, start, cs, codes, nids):
            number(sid, n, m, start, cs, codes, nids)
        succ.extend(nids)
        via.extend(codes)
        took.extend(codes)
        search.reused += m
        return True

    return batch


def _childer(search: Any, k_first: array) -> Callable[..., bool]:
    """``children(sid, n, m, start, cs, codes, nids)``: ``numberer``'s work for a
    run of kept States (its arguments), all at once: each successor not numbered
    yet (-1 in ``nids``) is found in the table of keys (a State visited for real
    found it), else numbered in the order first met, its key put in the table one
    by one, the rest (keys, tree, queue) by one extend each; False, with nothing
    changed, when the table would grow or its keys pass 2 GB meanwhile (``number``
    then takes them one by one)."""
    ids, k_data, k_ends, at, new_of = search.ids, search.k_data, search.k_ends, \
        search.k_at, search.new_of
    k_parent, k_step, exact, hashes, data = search.k_parent, search.k_step, search.exact, \
        ids.hashes, ids.data
    queue, parents, steps, scenes, hits = search.queue, search.tree.parent, \
        search.tree.step, search.tree.scene_of.at, search.hit_at

    def place(met: dict[int, int], keys: list[bytes]) -> tuple[array, dict[int, int]]:
        """The kept States ``met`` (of keys ``keys``) found in the table of keys (a
        State visited for real found them) made known by ``new_of``; the others'
        keys put in the table's slots as the next numbers: (their hashes, they).
        (Two kept States never share a key: a slot taken by one of them is passed
        over.)"""
        slots, ends, mask, _ = ids.table
        nid0, got, new = len(hashes), array("I"), {}
        for (c, j), k in zip(met.items(), keys, strict=True):
            h = hash(k) & LOW
            i = h & mask
            nid = slots[i]
            while nid >= 0 and (nid >= nid0 or hashes[nid] != h  # (one placed here:
                                or data[ends[nid]:ends[nid + 1]] != k):  # another key)
                i = (i + 1) & mask
                nid = slots[i]
            if nid >= 0:
                new_of[c] = nid
                continue
            slots[i] = nid0 + len(got)
            got.append(h)
            new[c] = j
        return got, new

    def children(sid: int, n: int, m: int, start: int, cs: array, codes: array,
                 nids: list) -> bool:
        met: dict[int, int] = {}  # successor not numbered yet -> where first met
        for j, nid in enumerate(nids):
            if nid < 0 and cs[j] not in met:
                met[cs[j]] = j
        keys = [k_data[k_ends[c]:k_ends[c + 1]] for c in met]
        if len(hashes) + len(met) > ids.table[3] or len(data) + sum(map(len, keys)) > BIG:
            return False
        got, new = place(met, keys)
        if len(new) < len(met):
            keys = [k_data[k_ends[c]:k_ends[c + 1]] for c in new]
        by = [bisect_right(k_first, start + j, n, n + m) - 1 for j in new.values()]
        add(sid - n, new, by, [codes[j] for j in new.values()], keys, got)
        for j, c in enumerate(cs):
            nids[j] = new_of[c]
        return True

    def add(shift: int, met: dict[int, int], by: list[int], ways: list[int],
            keys: list[bytes], got: array) -> None:
        """Kept States ``met`` numbered next, found from kept States ``by`` (States
        ``by`` + ``shift`` here) by ``ways``: their keys, tree and queue."""
        nid0 = len(hashes)
        hashes.extend(got)
        ids.ends.extend(islice(accumulate(map(len, keys), initial=len(data)), 1, None))
        data.extend(b"".join(keys))
        for c, nid in zip(met, range(nid0, nid0 + len(met)), strict=True):
            new_of[c] = nid
        queue.extend(c if not exact or k_parent[c] == p and k_step[c] == w else ~c
                     for c, p, w in zip(met, by, ways, strict=True))
        parents.extend([p + shift for p in by])
        steps.extend(ways)
        scenes.extend([at[c] for c in met])
        hits.extend([at[c] for c in met])

    return children


def replayer(search: Any) -> Callable[[int, int], bool]:
    """``replay(sid, n)``: take kept State ``n``'s ways on as State ``sid``'s; False
    when they may not hold. A successor this search numbered already is known by
    ``new_of``, without its key looked up; the others are ``numberer``'s. The ways'
    choices are counted at the end (Rerun.run), from ``took``."""
    at, plain, guard, guarded = search.k_at, search.plain, search.guard, search.guarded
    k_succ, k_via, k_good, new_of = search.k_succ, search.k_via, search.k_good, \
        search.new_of
    good, succ, via, took = search.good, search.tree.succ, search.tree.via, search.took
    k_first = _padded(search)
    number, randoms = numberer(search, k_first), search.randoms

    def replay(sid: int, n: int) -> bool:
        if not plain[at[n]]:
            return False
        start, end = k_first[n], k_first[n + 1]
        cs = k_succ[start:end]
        if guarded and any(guard[at[c]] for c in cs):
            return False  # it leads into a changed scene under 'enter:', or a relaid one
        good[sid] = k_good[n]  # (then 1 if a way on is cut off, as Ways.cut has it)
        codes = k_via[start:end]
        took.extend(codes if not randoms else _once(codes))  # (cut off or not: counted)
        nids = [new_of[c] for c in cs]
        if -1 in nids and -1 in number(sid, n, 1, start, cs, codes, nids):
            # cut off past --max-states: counted (``number``), not kept
            codes = array("i", (code for nid, code in zip(nids, codes, strict=True)
                                if nid >= 0))
            nids = [nid for nid in nids if nid >= 0]
        succ.extend(nids)
        via.extend(codes)
        search.reused += 1
        return True

    return replay


def numberer(search: Any, k_first: array) -> Callable[..., list]:
    """``number(sid, n, m, start, cs, codes, nids)``: ``nids`` with each -1 in it
    made a number in this search. ``cs``: the kept ways on of kept States ``n`` to
    ``n + m - 1`` (taken as States ``sid`` on), from ``start`` in the kept arrays;
    ``codes``: their choices; ``nids``: their numbers in this search, -1 where
    ``new_of`` had none. Such a successor is found in the table of keys (a State
    visited for real may have found it), else added there and queued as its kept
    number (under 'exact:' as ~ it unless it is the kept State itself: met by the
    kept tree's own way on to it, from the kept State it is reached from); left -1
    past --max-states (``cut``). store.Visited.find and add, inline."""
    ids, k_data, k_ends, at, new_of = search.ids, search.k_data, search.k_ends, \
        search.k_at, search.new_of
    k_parent, k_step, exact, limit, cut = search.k_parent, search.k_step, search.exact, \
        search.max_states, search.cut
    hashes, data, tree = ids.hashes, ids.data, search.tree
    queue, parent, steps, scene_of, hit = search.queue.append, tree.parent.append, \
        tree.step.append, tree.scene_of.at.append, search.hit_at.append

    def number(sid: int, n: int, m: int, start: int, cs: array, codes: array,
               nids: list) -> list:
        slots, ends, mask, room = ids.table
        j = -1
        for _ in range(nids.count(-1)):
            j = nids.index(-1, j + 1)
            c = cs[j]
            nid = new_of[c]  # (met already: by a way on before it)
            if nid < 0:
                k = k_data[k_ends[c]:k_ends[c + 1]]
                h = hash(k) & LOW
                i = h & mask
                nid = slots[i]
                while nid >= 0 and (hashes[nid] != h or data[ends[nid]:ends[nid + 1]] != k):
                    i = (i + 1) & mask
                    nid = slots[i]
                if nid < 0:
                    by = bisect_right(k_first, start + j, n, n + m) - 1  # whose way it is
                    nid = _add(sid + by - n, len(hashes), slots, i, h, k)
                    if nid < 0:
                        continue
                    if nid >= room or len(data) > BIG:
                        ids.settle(nid)  # (a table grown, or 8-byte ends: read again)
                        slots, ends, mask, room = ids.table
                    code = codes[j]
                    queue(c if not exact or k_parent[c] == by and k_step[c] == code else ~c)
                    steps(code)
                    scene_of(at[c])
                    hit(at[c])
                new_of[c] = nid
            nids[j] = nid
        return nids

    def _add(sid: int, nid: int, slots: array, i: int, h: int, k: bytes) -> int:
        """Key ``k`` added as State ``nid`` (found from ``sid``); -1 past --max-states."""
        if nid >= limit:
            cut(sid)
            return -1
        slots[i] = nid
        hashes.append(h)
        data.extend(k)
        ids.ends.append(len(data))
        parent(sid)
        return nid

    return number


def _once(codes: array) -> list[int]:
    """A State's ways' codes, once per choice: a random goto's several ways on are
    one after another with the same code."""
    return [code for j, code in enumerate(codes) if j == 0 or codes[j - 1] != code]
