"""After the search: soft-locks (States no ending can be reached from), cycles of
States grouped by scene, and the value-changing loops played for real."""
from __future__ import annotations

from array import array

from ...model import Story
from ..sceneorder import scene_order
from ..soundness import changing_choices, pump, steady
from .acyclic import no_cycle
from .key import Keyer
from .replay import replay_seed, replay_state
from .report import Finding, PathStep, Report
from .tree import Tree, cycle


def softlocks_and_loops(story: Story, report: Report, tree: Tree, good: bytearray,
                        seed: int) -> list:
    """Fill the report's soft-locks and loops; the loops to play for real."""
    alive = no_cycle(tree, good, scene_order(story)[1])  # (most stories: no cycle)
    comps, alive = ([], alive) if alive is not None else _components(tree, good)
    _softlocks(story, report, tree, alive, seed)
    changing = {tree.index[k] for k in changing_choices(story)} if comps else set()
    report.loops, candidates = _loops(tree, comps, alive, changing)
    return candidates


_CLOSED = 2 ** 31 - 1  # a State's number in Pearce's order once its component is closed


def _components(tree: Tree, good: bytearray) -> tuple[list[array], bytearray]:
    """The strongly connected components of the explored States that hold a cycle
    (a State alone only when a way on leads back to it), in the order Tarjan's
    algorithm closes them; and per State, 1 when an ending (or an error, or the
    bound: ``good``, and the States found but not explored) can be reached from it.

    One depth-first pass over the flat successor arrays (Pearce's variant of Tarjan:
    one array ``rindex`` tells unseen, on the stack and closed apart, a State alone
    is never stacked): a component is closed after every component it leads to,
    so it can reach an ending when one of its States is good or leads to a closed
    State that can; what a State leads to is gathered as its ways on are looked at."""
    n, total = len(tree.first), len(tree.scene_of)
    rindex = array("i", [0]) * n + array("i", [_CLOSED]) * (total - n)
    alive = bytearray(good) + bytearray(b"\x01" * (total - n))
    ends = array("i", tree.first[1:])
    ends.append(len(tree.succ))
    # the successor arrays, per State its next way on to look at, the number each
    # State was first seen with, the States seen whose component is open (roots
    # apart), the components found, the States with a way on back to themselves
    # (arrays, not lists: a component of 700,000 States took some 36 bytes a State more)
    pearce: tuple = (tree.succ, array("i", tree.first), ends, array("i", [0]) * n,
                     array("i"), [], set())
    closed, seen = _CLOSED - 1, 1
    for root in range(n):
        if not rindex[root]:
            closed, seen = _down(root, rindex, alive, pearce, closed, seen)
    return pearce[5], alive


def _down(root: int, rindex: array, alive: bytearray, pearce: tuple, closed: int,
          seen: int) -> tuple[int, int]:
    """The depth-first walk from ``root`` (see _components); the next numbers. The
    State walked (``v``) and where it is are kept in locals, its ancestors in
    ``work``, their places in the arrays."""
    succ, at, ends, index, stack, comps, looped = pearce
    rindex[root] = index[root] = low = seen
    seen += 1
    v, i, end, can = root, at[root], ends[root], alive[root]
    work = array("i")
    while True:
        while i < end:
            w = succ[i]
            i += 1
            r = rindex[w]
            if not r:
                break
            if r < low:
                low = r
            elif w == v:
                looped.add(v)
            if not can:
                can = alive[w]
        else:  # every way on looked at: v is done
            alive[v] = can
            if low < index[v]:  # in the component of a State seen before it
                rindex[v] = low
                stack.append(v)
            elif not stack or rindex[stack[-1]] < low:  # a State alone (most are)
                rindex[v] = closed
                closed -= 1
                if v in looped:
                    comps.append(array("i", [v]))
            else:
                _close(v, stack, rindex, alive, closed, comps)
                closed -= 1
            if not work:
                return closed, seen
            v = work.pop()  # back up to where v was gone down to from
            i, end, r = at[v], ends[v], rindex[v]
            low = low if low < r else r
            can = can or alive[v]
            continue
        at[v], rindex[v], alive[v] = i, low, can  # w next: go down to it
        work.append(v)
        v, i, end, can = w, at[w], ends[w], alive[w]
        rindex[w] = index[w] = low = seen
        seen += 1


def _close(root: int, stack: array, rindex: array, alive: bytearray, closed: int,
           comps: list[array]) -> None:
    """Close the component of more than one State whose first State is ``root``:
    those stacked after it; each can reach an ending when any of them can."""
    low = rindex[root]
    comp = array("i", [root])
    can = alive[root]
    while stack and rindex[stack[-1]] >= low:
        w = stack.pop()
        comp.append(w)
        can |= alive[w]
    for w in comp:
        rindex[w] = closed
        alive[w] = can
    comps.append(comp)


def _softlocks(story: Story, report: Report, tree: Tree, alive: bytearray,
               seed: int) -> None:
    """One finding per scene: its first stuck State (no choice at all) if it has
    one, else its first State from which no way on leads to an ending."""
    example: dict[str, int] = {}
    count: dict[str, int] = {}
    n = len(tree.first)
    sid = alive.find(0)  # the States no ending can be reached from (most often none)
    while 0 <= sid < n:
        scene = tree.scene_of[sid]
        count[scene] = count.get(scene, 0) + 1
        first = example.get(scene)
        if first is None or (tree.successors(first) and not tree.successors(sid)):
            example[scene] = sid
        sid = alive.find(0, sid + 1)
    for scene, sid in example.items():
        path, begins = tree.path(sid), tree.start(sid)
        replay = replay_seed(story, path, seed, start=begins)
        state = replay_state(story, path, replay, begins) if replay is not None else None
        report.softlocks.append(Finding(scene, path,
                                        dict(state.variables) if state else {},
                                        states=count[scene],
                                        stuck=not tree.successors(sid), seed=replay,
                                        start=begins))
    report.softlocks.sort(key=lambda f: (len(f.path), f.scene))


MAX_PUMPED = 50  # loops played for real per search (one per scene set and choice)


def _growth_hint(story: Story, name: str) -> str:
    """How to bound the variable ``name``, in its own words."""
    if story.variables[name].type == "str":
        return f"set '{name}' anew rather than add to it each time round, or give the loop an end"
    return f"cap it, e.g. '{name}: min({name} + 1, 99)', or give the loop an end"


def pump_loops(story: Story, report: Report, tree: Tree, candidates: list,
                seed: int, played: list | None = None, keyer: Keyer | None = None) -> None:
    """Play each loop that changes a value for real (soundness.pump): merged
    States hide the values it drifts, so only playing it shows an error ahead.
    ``played``: given each loop played, as (the path to it, its start's draws, the
    keys of the choices a round takes) (incremental.py plays it again after an edit).
    In a story that draws nothing a loop is played only until a round repeats an
    earlier one (soundness._repeated), by the search's key of a State (``keyer``: the
    search's Keyer, when nothing keeps its tables; else one of its own)."""
    same = (keyer or Keyer(story)) if candidates and steady(story) else None
    for a, b, key, members in candidates:
        keys = cycle(tree, a, b, key, members)
        if keys is None:  # pragma: no cover - b reaches a inside its component
            continue
        prefix, begins = tree.path(a), tree.start(a)
        if played is not None:
            played.append((prefix, begins, keys))
        s = replay_seed(story, prefix, seed, start=begins)
        start = replay_state(story, prefix, s, begins) if s is not None else None
        if start is None:
            continue
        got = pump(story, start, keys, same)
        if got is None:
            continue
        path = prefix + [PathStep(*t) for t in got.steps]
        scenes = " > ".join(dict.fromkeys(sc for _, _, sc in got.steps[:len(keys)]))
        f = Finding(got.state.scene, path, dict(got.state.variables), seed=s,
                    loop=(len(prefix), got.round_numbers, got.rounds), start=begins)
        if got.error:
            f.message = (f"{got.error} (after {got.rounds} rounds of the loop "
                         f"{tree.scene_of[a]} > {scenes})")
            report.errors.append(f)
        else:
            f.message = f"{got.growth} (the loop {tree.scene_of[a]} > {scenes})"
            f.hint = _growth_hint(story, got.name)
            f.loop = (len(prefix), got.round_numbers, 0)
            report.growth.append(f)


def _loops(tree: Tree, comps: list[array], alive: bytearray, changing: set
           ) -> tuple[list[dict], list]:
    """Cycles of States (strongly connected components), grouped by their scenes,
    and the loops to play for real: (first State, its successor, the choice
    between them, per State its component's number, the component's) for each
    component with a choice in ``changing`` (choice indexes) inside it, one per
    scene set and choice. (Per State a component's number, not a set per
    component: a set of 700,000 States took some 60 bytes a State.)"""
    candidates: list = []
    pumped: set = set()
    scene_of = tree.scene_of
    groups: dict[tuple, dict] = {}
    owner = array("i", [-1]) * len(scene_of) if comps else array("i")
    for number, comp in enumerate(comps):  # (a State alone only when it leads to itself)
        for c in comp:
            owner[c] = number
        scenes = tuple(sorted({scene_of[c] for c in comp}))
        leaves = any(owner[w] != number for c in comp for w in tree.successors(c))
        _candidate(tree, comp, (owner, number), scenes, changing, pumped, candidates)
        _group(groups, scenes, tree, comp, leaves, bool(alive[min(comp)]))
    return sorted(groups.values(), key=lambda g: (len(g["path"]), g["scenes"])), candidates


def _group(groups: dict, scenes: tuple, tree: Tree, comp: array, leaves: bool,
           can_end: bool) -> None:
    """Add one component to its group of loops (same scenes): a group can be left
    only when every component in it can; how many States cannot is kept."""
    first = min(comp)
    g = groups.get(scenes)
    if g is None:
        g = groups[scenes] = {"scenes": list(scenes), "states": 0, "exit": False,
                              "trapped": 0, "can_end": False,
                              "path": [s.choice for s in tree.path(first)]}
    g["states"] += len(comp)
    g["exit"] = g["exit"] or leaves
    g["can_end"] = g["can_end"] or can_end
    if not leaves:  # these States cannot leave, whatever others can
        g["trapped"] += len(comp)
        g.setdefault("trapped_path", [s.choice for s in tree.path(first)])


def _candidate(tree: Tree, comp: array, members: tuple[array, int], scenes: tuple,
               changing: set, pumped: set, out: list) -> None:
    """Note the first edge inside ``comp`` taken by a changing choice, once per
    (scene set, choice), up to MAX_PUMPED."""
    if not changing or len(out) >= MAX_PUMPED:
        return
    owner, number = members
    for a in sorted(comp):
        start = tree.first[a]
        for i, b in enumerate(tree.successors(a)):
            code = tree.via[start + i] // 256
            if owner[b] == number and code in changing and (scenes, code) not in pumped:
                pumped.add((scenes, code))
                out.append((a, b, tree.keys[code], members))
                return


