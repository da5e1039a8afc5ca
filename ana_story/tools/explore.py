"""Explore: search every State a player can reach, or play many random games.

The exhaustive search is a breadth-first search over engine States, driven by
the real ``engine.present`` / ``engine.choose``. Two States are merged when
they play the same from here on: same scene, same values of the variables that
can change a condition or a route (analysis.relevant_variables), same visit
counts of the scenes a condition counts (capped where counting higher changes
nothing, analysis.visit_caps), same once-only choices taken. Turn, seed and
history are left out of that key.

Per scene, only what can still matter from there is kept (analysis.live_sets:
a variable last read in chapter 2 no longer splits States in chapter 3), and a
tally only ever compared with constants and changed by constant steps is
kept only as its place among the thresholds still ahead (analysis.thresholds): without that a
story of a dozen tallies has millions of States; with it, thousands.

Merging is exact about where a player can go, not about whether play can fail:
soundness.py keeps exact the values a failing expression or the bounds may hinge
on, and after the search plays each value-changing loop for real (_pump_loops),
so that a clean report means no reachable play can fail. Dead choices (never
taken) are listed with why, and fail the report under --strict.

Randomness, decided here and documented in docs/authoring-tools.md:
- a ``goto: {random: ...}`` is explored along *every* outcome, so an ending
  reached by luck is still found;
- draws inside expressions (random(), chance(), pick()): dice.py plays such a
  scene under every outcome of its draws, so a choice only luck offers is taken,
  an error any draw gives is found, and every value an effect can draw is
  explored on.

Breadth-first order means the first path found to each ending is a shortest
one. Paths are kept as parent links, not per State, so memory stays small.
"""
from __future__ import annotations

import random as _random
import time
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from .. import engine
from ..errors import AnaStoryError
from ..model import Story
from ..state import State, Step
from .analysis import live_sets, relevant_variables, thresholds, visit_caps
from .dice import available_any, choose_all, drawing_scenes, failing_seed, present_error
from .soundness import changing_choices, fallible_live, fallible_scenes, pump

Progress = Callable[[int, int], None]  # (states explored, states known)


@dataclass(frozen=True, slots=True)
class PathStep:
    """One choice on a replayable path."""

    choice: str  # the choice's key
    number: int  # what a player types: its place among the available choices
    scene: str  # where it led


@dataclass
class Finding:
    """A State worth reporting (a soft-lock, an error) with a shortest path to it."""

    scene: str
    path: list[PathStep]
    variables: dict
    states: int = 1  # how many States share this scene and finding
    stuck: bool = False  # no choice at all is available there
    message: str = ""
    seed: int | None = None
    loop: tuple | None = None  # (steps before the loop, numbers of one round, rounds)
    hint: str = ""
    fails: int | None = None  # an error's action: -1 the scene itself, else the choice index


@dataclass
class Report:
    """What explore found; ``to_json`` is the `--format json` shape."""

    story: Story
    mode: str  # "exhaustive" or "random"
    seed: int
    states: int = 0
    complete: bool = True
    cut: int = 0  # States found but left unexplored because of --max-states
    seconds: float = 0.0
    runs: int = 0
    max_turns: int = 0
    long_runs: int = 0  # random runs stopped by --max-turns
    long: list = field(default_factory=list)  # Findings: the first runs so stopped
    growth: list = field(default_factory=list)  # Findings: a value a loop grows
    strict: bool = False  # never-taken choices fail the report
    scene_hits: dict = field(default_factory=dict)
    choice_hits: dict = field(default_factory=dict)
    ending_paths: dict = field(default_factory=dict)  # ending scene id -> Finding
    ending_hits: dict = field(default_factory=dict)
    softlocks: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    loops: list = field(default_factory=list)  # [{"scenes": [...], "exit": bool, ...}]
    widest: list = field(default_factory=list)  # when cut: what kept growing

    @property
    def unreached_scenes(self) -> list[str]:
        return [s for s in self.story.scenes if not self.scene_hits.get(s)]

    @property
    def unreached_endings(self) -> list[str]:
        return [s.id for s in self.story.endings if not self.scene_hits.get(s.id)]

    @property
    def unreached_choices(self) -> list[str]:
        return [c.key for s in self.story.scenes.values() for c in s.choices
                if not self.choice_hits.get(c.key)]

    @property
    def clean(self) -> bool:
        return not (self.unreached_scenes or self.softlocks or self.errors or self.growth
                    or (self.strict and self.complete and self.unreached_choices))

    def exit_code(self) -> int:
        """1 when a scene or ending was never reached, a soft-lock, an error or a
        value growing without bound was found (with --strict: a choice never
        taken); 3 when the bound cut the search short with nothing found so far.
        Random runs prove no absence, so they fail only on a soft-lock, an error
        or a run still going after --max-turns."""
        if self.mode == "random":
            return 1 if (self.softlocks or self.errors or self.long_runs) else 0
        if not self.clean:
            return 1
        return 0 if self.complete else 3

    def to_json(self) -> dict:
        def finding(f: Finding) -> dict:
            out = {"scene": f.scene, "steps": len(f.path),
                   "path": [s.choice for s in f.path],
                   "numbers": [s.number for s in f.path], "seed": f.seed,
                   "variables": f.variables}
            if f.message:
                out["message"] = f.message
            if f.hint:
                out["hint"] = f.hint
            if f.loop:  # the path is: `after` steps, then `rounds` x `numbers` (0: for ever)
                out["loop"] = {"after": f.loop[0], "numbers": list(f.loop[1]),
                               "rounds": f.loop[2]}
            return out

        endings = {}
        for s in self.story.endings:
            e = {"title": s.ending, "reached": bool(self.scene_hits.get(s.id))}
            if self.mode == "random":
                e["hits"] = self.ending_hits.get(s.id, 0)
            f = self.ending_paths.get(s.id)
            if f is not None:
                e.update(finding(f))
            endings[s.id] = e
        data = {
            "story": self.story.title, "mode": self.mode, "seed": self.seed,
            "states": self.states, "complete": self.complete, "cut": self.cut,
            "seconds": round(self.seconds, 3),
            "scenes": {s: self.scene_hits.get(s, 0) for s in self.story.scenes},
            "choices": {c.key: self.choice_hits.get(c.key, 0)
                        for s in self.story.scenes.values() for c in s.choices},
            "endings": endings,
            "unreached": {"scenes": self.unreached_scenes,
                          "endings": self.unreached_endings,
                          "choices": self.unreached_choices},
            "softlocks": [dict(finding(f), states=f.states, stuck=f.stuck)
                          for f in self.softlocks],
            "errors": [finding(f) for f in self.errors],
            "growth": [finding(f) for f in self.growth],
            "dead_choices": dead_choices(self),
            "loops": self.loops,
        }
        if self.mode == "random":
            data.update(runs=self.runs, max_turns=self.max_turns, long_runs=self.long_runs,
                        long=[finding(f) for f in self.long])
        if self.widest:
            data["growing"] = self.widest
        return data


def dead_choices(r: Report) -> list[dict]:
    """Each choice no explored State (or random run) took, with why: a dead
    choice is a finding (it fails `explore --strict`)."""
    out = []
    for key in r.unreached_choices:
        scene_id = key.rsplit(".", 1)[0]
        scene = r.story.scenes[scene_id]
        c = next(x for x in scene.choices if x.key == key)
        always = next((o for o in scene.choices if o.condition is None and not o.once
                       and not o.fallback), None)
        if not r.scene_hits.get(scene_id):
            why = f"its scene '{scene_id}' is never reached"
        elif r.mode == "random":
            why = "no random run took it"
        elif c.fallback and always is not None:
            why = (f"a fallback that can never appear: choice {always.index + 1} "
                   f"({always.key}) has no condition, so it is always available")
        elif c.fallback:
            why = "a fallback never needed: every reachable State offers another choice"
        elif c.condition is not None:
            why = (f"its condition '{c.condition.source.strip()}' holds in no reachable "
                   "State")
        else:
            why = "it is available in no reachable State"
        if r.mode != "random" and not r.complete:
            why += " (among the States explored before the search was cut)"
        out.append({"choice": key, "scene": scene_id, "reason": why})
    return out


class _Cells(dict):
    """value -> its place among the thresholds ahead: 2i for the gap below the
    i-th threshold, 2i+1 for the threshold itself. Computed once per value."""

    __slots__ = ("points",)

    def __init__(self, points: tuple):
        super().__init__()
        self.points = points

    def __missing__(self, x):
        i = bisect_left(self.points, x)
        cell = 2 * i + (1 if i < len(self.points) and self.points[i] == x else 0)
        self[x] = cell
        return cell


def _getter(names: tuple) -> Callable[[dict], tuple]:
    if not names:
        return lambda v: ()
    if len(names) == 1:
        name = names[0]
        return lambda v: (v[name],)
    return itemgetter(*names)


class _Keyer:
    """Builds the de-duplication key of a State (see the module docstring): per
    scene, only what can still matter from that scene on (analysis.live_sets),
    tallies by their place among the thresholds still ahead (analysis.thresholds)."""

    def __init__(self, story: Story):
        caps = visit_caps(story)
        counted_too = fallible_scenes(story)  # soundness.py: counts a failure reads
        caps.update({sc: None for sc in counted_too})
        bounds = thresholds(story)
        self.variables = relevant_variables(story)
        self.counted = tuple(sorted(caps))
        self.per_scene = {}
        risky = fallible_live(story)  # soundness.py: values a failure may hinge on
        for sid, (names, counted, once) in live_sets(story).items():
            exact = tuple(sorted({n for n in names if bounds[sid].get(n) is None}
                                 | risky[sid]))
            tallied = tuple(sorted(n for n in names if bounds[sid].get(n) is not None
                                   and n not in risky[sid]))
            cells = tuple(_Cells(bounds[sid][n]) for n in tallied)
            counted = tuple(sorted(set(counted) | counted_too))
            self.per_scene[sid] = (exact, tallied, counted, _getter(exact),
                                   _getter(tallied), cells,
                                   tuple(caps[c] for c in counted), once)

    def __call__(self, s: State) -> tuple:
        _, _, counted, exact, tallied, cells, caps, once = self.per_scene[s.scene]
        v, visits = s.variables, s.visits
        return (s.scene, exact(v),
                tuple([m[x] for m, x in zip(cells, tallied(v))]),
                tuple([visits.get(sc, 0) if cap is None else min(visits.get(sc, 0), cap)
                       for sc, cap in zip(counted, caps)]) if counted else (),
                s.once & once if s.once else s.once)


def _random_outcomes(story: Story, before: State, after: State, choice) -> list[State]:
    """``after`` with its random goto sent to each possible target in turn."""
    chosen = after.scene
    out = []
    for target in dict.fromkeys(r.scene for r in choice.goto.routes if r.weight > 0):
        if target == chosen:
            out.append(after)
            continue
        visits = dict(after.visits)
        visits[chosen] -= 1
        if not visits[chosen]:
            del visits[chosen]
        visits[target] = visits.get(target, 0) + 1
        out.append(State(target, after.variables, visits, after.once,
                         before.path + (Step(choice.key, target),), after.turn, after.seed))
    return out


class _Tree:
    """Parent links and successor lists of the explored States, in flat arrays
    (a few bytes a State), so a search of millions of States fits in memory."""

    def __init__(self, story: Story, start_scene: str):
        self.keys = [c.key for s in story.scenes.values() for c in s.choices]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.parent = array("l", [-1])
        self.step = array("l", [0])  # choice index * 256 + number typed
        self.scene_of = [start_scene]
        self.first = array("l")  # explored State -> start of its successors in succ
        self.succ = array("l")
        self.via = array("l")  # per successor: choice index * 256 + number typed

    def add(self, parent: int, choice: str, number: int, scene: str) -> None:
        self.parent.append(parent)
        self.step.append(self.index[choice] * 256 + min(number, 255))
        self.scene_of.append(scene)

    def path(self, sid: int) -> list[PathStep]:
        steps = []
        while self.parent[sid] >= 0:
            code = self.step[sid]
            steps.append(PathStep(self.keys[code // 256], code % 256, self.scene_of[sid]))
            sid = self.parent[sid]
        steps.reverse()
        return steps

    def successors(self, sid: int):
        end = self.first[sid + 1] if sid + 1 < len(self.first) else len(self.succ)
        return self.succ[self.first[sid]:end]

    def edges(self, sid: int):
        """(successor, choice key) of each way on from an explored State."""
        start = self.first[sid]
        end = self.first[sid + 1] if sid + 1 < len(self.first) else len(self.succ)
        return [(self.succ[i], self.keys[self.via[i] // 256]) for i in range(start, end)]


def explore(story: Story, *, max_states: int = 1_000_000, seed: int = 0,
            progress: Progress | None = None, strict: bool = False) -> Report:
    """Search every State reachable from the start, up to ``max_states``;
    ``strict``: a choice no State can take fails the report."""
    t0 = time.perf_counter()
    key = _Keyer(story)
    start = engine.new_state(story, seed)
    ids = {key(start): 0}
    tree = _Tree(story, start.scene)
    good = bytearray()  # explored State -> 1 when it ends, errs or was cut off
    report = Report(story, "exhaustive", seed, strict=strict)
    hits = report.scene_hits
    hits[start.scene] = 1
    choice_hits = report.choice_hits
    queue = deque([start])
    drawing = drawing_scenes(story)
    told: set = set()  # (scene or choice, message) of the errors only some draws give
    explored = 0
    succ, via, index = tree.succ, tree.via, tree.index
    while queue:
        state = queue.popleft()
        sid = explored
        explored += 1
        if progress is not None and explored % 2000 == 0:
            progress(explored, len(ids))
        tree.first.append(len(succ))
        good.append(0)
        try:
            p = engine.present(story, state)
        except AnaStoryError as e:
            report.errors.append(_finding(tree, sid, state, str(e), -1))
            good[sid] = 1  # reported as an error, not again as a soft-lock
            continue
        dicey = state.scene in drawing
        if dicey and (e := present_error(story, state)) is not None:
            good[sid] = 1
            if _first(told, state.scene, str(e)):
                report.errors.append(_finding(tree, sid, state, _DICE + str(e), -1))
        if p.ended:
            good[sid] = 1
            if p.scene not in report.ending_paths:
                report.ending_paths[p.scene] = _finding(tree, sid, state)
            continue
        scene = story.scenes[state.scene]
        views = list(enumerate(p.available, 1))
        if dicey:  # a choice only some draws offer (if: chance(0.05)) is taken too
            offered = {v.index for v in p.available}
            views += [(len(views) + 1, _View(i, scene.choices[i].key))
                      for i in sorted(available_any(story, state) - offered)]
        for number, view in views:
            choice = scene.choices[view.index]
            try:
                after = engine.choose(story, state, view.index) if not dicey or \
                    view.index in offered else None
            except AnaStoryError as e:
                report.errors.append(_finding(tree, sid, state,
                                              f"choice {number} ({view.key}): {e}", view.index))
                good[sid] = 1
                continue
            afters = [after]
            if dicey:
                afters, e = choose_all(story, state, view.index)
                afters = afters or ([after] if after is not None else [])
                if e is not None:
                    good[sid] = 1
                    if _first(told, view.key, str(e)):
                        report.errors.append(_finding(
                            tree, sid, state, f"choice {number} ({view.key}): {_DICE}{e}",
                            view.index))
                if not afters:
                    continue
            choice_hits[view.key] = choice_hits.get(view.key, 0) + 1
            code = index[view.key] * 256 + min(number, 255)
            nexts = afters if not choice.goto.random else \
                [o for a in afters for o in _random_outcomes(story, state, a, choice)]
            for nxt in nexts:
                k = key(nxt)
                nid = ids.get(k)
                if nid is None:
                    if len(ids) >= max_states:
                        report.cut += 1
                        report.complete = False
                        good[sid] = 1
                        continue
                    nid = len(ids)
                    ids[k] = nid
                    tree.add(sid, view.key, number, nxt.scene)
                    hits[nxt.scene] = hits.get(nxt.scene, 0) + 1
                    queue.append(State(nxt.scene, nxt.variables, nxt.visits, nxt.once, (),
                                       nxt.turn, nxt.seed))
                succ.append(nid)
                via.append(code)
    report.states = len(ids)
    if not report.complete:
        report.widest = _growing(story, ids, key)
    del ids
    candidates = _softlocks_and_loops(story, report, tree, good, seed)
    for f in report.ending_paths.values():
        f.seed = replay_seed(story, f.path, seed)
    for f in report.errors:  # a seed with which the path is played and really fails
        f.seed = failing_seed(story, lambda s, path=f.path: _replay_state(story, path, s),
                              None if f.fails < 0 else f.fails, seed)
    _pump_loops(story, report, tree, candidates, seed)
    report.seconds = time.perf_counter() - t0
    if progress is not None:
        progress(explored, report.states)
    return report


@dataclass(frozen=True, slots=True)
class _View:
    """A choice the search's seed does not offer but other draws do."""

    index: int
    key: str


_DICE = "with some draws of the dice: "


def _first(told: set, where: str, message: str) -> bool:
    """True the first time an error only some draws give is met at ``where``:
    the same error in every State of a scene is said once."""
    if (where, message) in told:
        return False
    told.add((where, message))
    return True


def _finding(tree: _Tree, sid: int, state: State, message: str = "",
             fails: int | None = None) -> Finding:
    return Finding(tree.scene_of[sid], tree.path(sid), dict(state.variables),
                   message=message, fails=fails)


def _softlocks_and_loops(story: Story, report: Report, tree: _Tree, good: bytearray,
                         seed: int) -> list:
    n = len(tree.first)
    total = len(tree.scene_of)
    # States found but not explored (cut by the bound) may still reach an ending.
    alive = bytearray(good) + bytearray(b"\x01" * (total - n))
    counts = array("l", [0]) * (total + 1)  # predecessors, as flat arrays (CSR)
    for b in tree.succ:
        counts[b + 1] += 1
    for i in range(total):
        counts[i + 1] += counts[i]
    pred = array("l", [0]) * len(tree.succ)
    fill = array("l", counts[:total])
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
    del pred, counts
    # One finding per scene: its first stuck State (no choice at all) if it has
    # one, else its first State from which no way on leads to an ending.
    example: dict[str, int] = {}
    count: dict[str, int] = {}
    for sid in range(n):
        if alive[sid]:
            continue
        scene = tree.scene_of[sid]
        count[scene] = count.get(scene, 0) + 1
        first = example.get(scene)
        if first is None or (tree.successors(first) and not tree.successors(sid)):
            example[scene] = sid
    for scene, sid in example.items():
        path = tree.path(sid)
        replay = replay_seed(story, path, seed)
        state = _replay_state(story, path, replay) if replay is not None else None
        report.softlocks.append(Finding(scene, path,
                                        dict(state.variables) if state else {},
                                        states=count[scene],
                                        stuck=not tree.successors(sid), seed=replay))
    report.softlocks.sort(key=lambda f: (len(f.path), f.scene))
    changing = {tree.index[k] for k in changing_choices(story)}
    report.loops, candidates = _loops(tree, alive, changing)
    return candidates


MAX_PUMPED = 50  # loops played for real per search (one per scene set and choice)


def _cycle(tree: _Tree, a: int, b: int, key: str, members: set) -> list[str] | None:
    """Choice keys of a shortest round a -(key)-> b -> ... -> a inside ``members``."""
    back = {b: None}
    todo = deque([b])
    while todo and a not in back:
        x = todo.popleft()
        for y, k in tree.edges(x):
            if y in members and y not in back:
                back[y] = (x, k)
                todo.append(y)
    if a not in back:
        return None
    keys = []
    x = a
    while back[x] is not None:
        x, k = back[x]
        keys.append(k)
    return [key] + keys[::-1]


def _growth_hint(story: Story, name: str) -> str:
    """How to bound the variable ``name``, in its own words."""
    if story.variables[name].type == "str":
        return f"set '{name}' anew rather than add to it each time round, or give the loop an end"
    return f"cap it, e.g. '{name}: min({name} + 1, 99)', or give the loop an end"


def _pump_loops(story: Story, report: Report, tree: _Tree, candidates: list,
                seed: int) -> None:
    """Play each loop that changes a value for real (soundness.pump): merged
    States hide the values it drifts, so only playing it shows an error ahead."""
    for a, b, key, members in candidates:
        cycle = _cycle(tree, a, b, key, members)
        if cycle is None:  # pragma: no cover - b reaches a inside its component
            continue
        prefix = tree.path(a)
        s = replay_seed(story, prefix, seed)
        start = _replay_state(story, prefix, s) if s is not None else None
        if start is None:
            continue
        got = pump(story, start, cycle)
        if got is None:
            continue
        path = prefix + [PathStep(*t) for t in got.steps]
        scenes = " > ".join(dict.fromkeys(sc for _, _, sc in got.steps[:len(cycle)]))
        f = Finding(got.state.scene, path, dict(got.state.variables), seed=s,
                    loop=(len(prefix), got.round_numbers, got.rounds))
        if got.error:
            f.message = (f"{got.error} (after {got.rounds} rounds of the loop "
                         f"{tree.scene_of[a]} > {scenes})")
            report.errors.append(f)
        else:
            f.message = f"{got.growth} (the loop {tree.scene_of[a]} > {scenes})"
            f.hint = _growth_hint(story, got.name)
            f.loop = (len(prefix), got.round_numbers, 0)
            report.growth.append(f)


def _loops(tree: _Tree, alive: bytearray, changing: set) -> tuple[list[dict], list]:
    """Cycles of States (strongly connected components), grouped by their scenes,
    and the loops to play for real: (first State, its successor, the choice
    between them, the component) for each component with a choice in
    ``changing`` (choice indexes) inside it, one per scene set and choice.
    Tarjan's algorithm, iterative, over the flat successor arrays."""
    candidates: list = []
    pumped: set = set()
    n = len(tree.first)
    scene_of = tree.scene_of
    index = array("l", [0]) * n
    low = array("l", [0]) * n
    on = bytearray(n)
    stack: list[int] = []
    counter = 1
    groups: dict[tuple, dict] = {}
    for root in range(n):
        if index[root]:
            continue
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i == 0 and not index[v]:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on[v] = 1
            outs = tree.successors(v)
            if i < len(outs):
                work[-1] = (v, i + 1)
                w = outs[i]
                if w >= n:
                    continue
                if not index[w]:
                    work.append((w, 0))
                elif on[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on[w] = 0
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) == 1 and comp[0] not in tree.successors(comp[0]):
                    continue
                members = set(comp)
                scenes = tuple(sorted({scene_of[c] for c in comp}))
                leaves = any(w not in members for c in comp for w in tree.successors(c))
                _candidate(tree, comp, members, scenes, changing, pumped, candidates)
                _group(groups, scenes, tree, comp, leaves, bool(alive[min(comp)]))
    return sorted(groups.values(), key=lambda g: (len(g["path"]), g["scenes"])), candidates


def _group(groups: dict, scenes: tuple, tree: _Tree, comp: list, leaves: bool,
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


def _candidate(tree: _Tree, comp: list, members: set, scenes: tuple, changing: set,
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


def _growing(story: Story, ids: dict, key: _Keyer) -> list[dict]:
    """When the bound cut the search: which parts of the State took the most values."""
    values: dict[str, set] = {}
    for k in ids:
        exact, tallied, counted = key.per_scene[k[0]][:3]
        for name, value in [*zip(exact, k[1]), *zip(tallied, k[2])]:
            values.setdefault(f"variable '{name}'", set()).add(value)
        for scene, value in zip(counted, k[3]):
            values.setdefault(f"visits('{scene}')", set()).add(value)
    ranked = sorted(values.items(), key=lambda x: (-len(x[1]), x[0]))
    return [{"what": name, "values": len(vals)} for name, vals in ranked[:3]
            if len(vals) > 1]


def _replay_state(story: Story, path: list[PathStep], seed: int) -> State | None:
    """Play a path by choice keys with ``seed``; None when it does not replay.
    When it does, each step's number becomes what is typed with that seed (the
    dice may offer other choices before it than the search's seed did)."""
    state = engine.new_state(story, seed)
    numbers = []
    try:
        for step in path:
            p = engine.present(story, state)
            n = next((i for i, c in enumerate(p.available, 1) if c.key == step.choice), 0)
            if not n:
                return None
            numbers.append(n)
            state = engine.choose(story, state, p.available[n - 1].index)
            if state.scene != step.scene:
                return None
    except AnaStoryError:
        return None
    for i, (step, n) in enumerate(zip(path, numbers)):
        if step.number != n:
            path[i] = PathStep(step.choice, n, step.scene)
    return state


def replay_seed(story: Story, path: list[PathStep], seed: int, tries: int = 1000) -> int | None:
    """A seed with which typing the path's numbers plays exactly that path.

    The search's own seed works unless the path passes a random goto that the
    search sent the other way; then the next seeds are tried."""
    for s in range(seed, seed + tries):
        if _replay_state(story, path, s) is not None:
            return s
    return None


def random_runs(story: Story, runs: int, *, seed: int = 0, max_turns: int = 1000,
                progress: Progress | None = None) -> Report:
    """Play ``runs`` seeded random playthroughs and count what each one hit."""
    t0 = time.perf_counter()
    rng = _random.Random(seed)
    report = Report(story, "random", seed, runs=runs, max_turns=max_turns)
    hits, choice_hits, endings = report.scene_hits, report.choice_hits, report.ending_hits
    keyer = _Keyer(story)
    states: set = set()
    stuck: dict[str, Finding] = {}
    for run in range(runs):
        state = engine.new_state(story, rng.getrandbits(32))
        hits[state.scene] = hits.get(state.scene, 0) + 1
        steps: list[PathStep] = []
        try:
            for _ in range(max_turns + 1):
                states.add(keyer(state))
                p = engine.present(story, state)
                if p.ended:
                    endings[p.scene] = endings.get(p.scene, 0) + 1
                    break
                available = p.available
                if not available:
                    f = stuck.get(p.scene)
                    if f is None:
                        stuck[p.scene] = Finding(p.scene, steps, dict(state.variables),
                                                 stuck=True, seed=state.seed)
                    else:
                        f.states += 1
                    break
                if len(steps) >= max_turns:
                    report.long_runs += 1
                    if len(report.long) < 20:
                        report.long.append(Finding(
                            p.scene, steps, dict(state.variables), seed=state.seed,
                            message=f"still going after {max_turns} choices: a loop the "
                            "random player did not leave"))
                    break
                number = rng.randrange(len(available))
                view = available[number]
                state = engine.choose(story, state, view.index)
                steps.append(PathStep(view.key, number + 1, state.scene))
                choice_hits[view.key] = choice_hits.get(view.key, 0) + 1
                hits[state.scene] = hits.get(state.scene, 0) + 1
        except AnaStoryError as e:
            report.errors.append(Finding(state.scene, steps, dict(state.variables),
                                         message=str(e), seed=state.seed))
        if progress is not None and (run + 1) % 50 == 0:
            progress(run + 1, runs)
    report.softlocks = sorted(stuck.values(), key=lambda f: (len(f.path), f.scene))
    report.states = len(states)
    report.complete = True
    report.seconds = time.perf_counter() - t0
    return report
