"""After the search: soft-locks (States no ending can be reached from), cycles of
States grouped by scene, and the value-changing loops played for real."""
from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterator

from ...model import Story
from ..soundness import changing_choices, pump
from .replay import replay_seed, replay_state
from .report import Finding, PathStep, Report
from .tree import Tree, cycle


def softlocks_and_loops(story: Story, report: Report, tree: Tree, good: bytearray,
                        seed: int) -> list:
    """Fill the report's soft-locks and loops; the loops to play for real."""
    alive = _alive(tree, good)
    _softlocks(story, report, tree, alive, seed)
    changing = {tree.index[k] for k in changing_choices(story)}
    report.loops, candidates = _loops(tree, alive, changing)
    return candidates


def _alive(tree: Tree, good: bytearray) -> bytearray:
    """Per State, 1 when an ending (or an error, or the bound) can be reached from
    it: a backward search from those over the predecessor arrays."""
    n = len(tree.first)
    total = len(tree.scene_of)
    # States found but not explored (cut by the bound) may still reach an ending.
    alive = bytearray(good) + bytearray(b"\x01" * (total - n))
    counts = array("i", [0]) * (total + 1)  # predecessors, as flat arrays (CSR)
    for b in tree.succ:
        counts[b + 1] += 1
    for i in range(total):
        counts[i + 1] += counts[i]
    pred = array("i", [0]) * len(tree.succ)
    fill = array("i", counts[:total])
    for a in range(n):
        for b in tree.successors(a):
            pred[fill[b]] = a
            fill[b] += 1
    del fill
    todo = deque(i for i in range(total) if alive[i])
    while todo:
        b = todo.popleft()
        for a in pred[counts[b]:counts[b + 1]]:
            if not alive[a]:
                alive[a] = 1
                todo.append(a)
    return alive


def _softlocks(story: Story, report: Report, tree: Tree, alive: bytearray,
               seed: int) -> None:
    """One finding per scene: its first stuck State (no choice at all) if it has
    one, else its first State from which no way on leads to an ending."""
    example: dict[str, int] = {}
    count: dict[str, int] = {}
    for sid in range(len(tree.first)):
        if alive[sid]:
            continue
        scene = tree.scene_of[sid]
        count[scene] = count.get(scene, 0) + 1
        first = example.get(scene)
        if first is None or (tree.successors(first) and not tree.successors(sid)):
            example[scene] = sid
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
                seed: int, played: list | None = None) -> None:
    """Play each loop that changes a value for real (soundness.pump): merged
    States hide the values it drifts, so only playing it shows an error ahead.
    ``played``: given each loop played, as (the path to it, its start's draws, the
    keys of the choices a round takes) (incremental.py plays it again after an edit)."""
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
        got = pump(story, start, keys)
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


def _loops(tree: Tree, alive: bytearray, changing: set) -> tuple[list[dict], list]:
    """Cycles of States (strongly connected components), grouped by their scenes,
    and the loops to play for real: (first State, its successor, the choice
    between them, the component) for each component with a choice in
    ``changing`` (choice indexes) inside it, one per scene set and choice."""
    candidates: list = []
    pumped: set = set()
    scene_of = tree.scene_of
    groups: dict[tuple, dict] = {}
    for comp in _components(tree):  # (a State alone only when it leads to itself)
        members = set(comp)
        scenes = tuple(sorted({scene_of[c] for c in comp}))
        leaves = any(w not in members for c in comp for w in tree.successors(c))
        _candidate(tree, comp, members, scenes, changing, pumped, candidates)
        _group(groups, scenes, tree, comp, leaves, bool(alive[min(comp)]))
    return sorted(groups.values(), key=lambda g: (len(g["path"]), g["scenes"])), candidates


def _components(tree: Tree) -> Iterator[list[int]]:
    """The strongly connected components of the explored States that hold a cycle
    (a State alone only when a way on leads back to it), in the order Tarjan's
    algorithm (iterative, over the flat successor arrays: each State's next
    successor to look at kept in an array, no frame built per step) closes them."""
    n = len(tree.first)
    index = array("i", [0]) * n
    low = array("i", [0]) * n
    on = bytearray(n)
    looped = bytearray(n)  # a way on from the State leads back to it
    stack: list[int] = []
    counter = 1
    succ = tree.succ
    at = array("i", tree.first)  # per State: its next successor to look at
    ends = array("i", tree.first[1:])
    ends.append(len(succ))
    for root in range(n):
        if index[root]:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on[root] = 1
        work = [root]
        while work:
            v = work[-1]
            i, end = at[v], ends[v]
            while i < end:
                w = succ[i]
                i += 1
                if w >= n:
                    continue
                if not index[w]:
                    break
                if w == v:
                    looped[v] = 1
                elif on[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:
                work.pop()
                if work:
                    u = work[-1]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v] and (comp := _pop_component(stack, on, v, looped)):
                    yield comp
                continue
            at[v] = i  # w next: go down to it, and come back here
            index[w] = low[w] = counter
            counter += 1
            stack.append(w)
            on[w] = 1
            work.append(w)


def _pop_component(stack: list[int], on: bytearray, root: int, looped: bytearray
                   ) -> list[int]:
    """Take the component closed at ``root`` off Tarjan's stack; [] for a State
    alone that no way on leads back to (most are)."""
    w = stack.pop()
    on[w] = 0
    if w == root:
        return [w] if looped[w] else []
    comp = [w]
    while True:
        w = stack.pop()
        on[w] = 0
        comp.append(w)
        if w == root:
            return comp


def _group(groups: dict, scenes: tuple, tree: Tree, comp: list, leaves: bool,
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


def _candidate(tree: Tree, comp: list, members: set, scenes: tuple, changing: set,
               pumped: set, out: list) -> None:
    """Note the first edge inside ``comp`` taken by a changing choice, once per
    (scene set, choice), up to MAX_PUMPED."""
    if not changing or len(out) >= MAX_PUMPED:
        return
    for a in sorted(comp):
        start = tree.first[a]
        for i, b in enumerate(tree.successors(a)):
            code = tree.via[start + i] // 256
            if b in members and code in changing and (scenes, code) not in pumped:
                pumped.add((scenes, code))
                out.append((a, b, tree.keys[code], members))
                return


