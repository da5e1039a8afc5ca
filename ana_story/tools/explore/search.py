"""Explore's exhaustive search: every State a player can reach.

The exhaustive search is a breadth-first search over engine States, driven by
the engine's step (step.py: the engine's own conditions, effects and routes;
texts rendered by ``engine.present`` once per the values they read; anything
that fails handed to ``engine.present`` / ``engine.choose``). Two States are merged when
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
on, and after the search plays each value-changing loop for real (loops.pump_loops),
so that a clean report means no reachable play can fail. Dead choices (never
taken) are listed with why, and fail the report under --strict.

Randomness, decided here and documented in docs/authoring-tools.md:
- a ``goto: {random: ...}`` is explored along *every* outcome, so an ending
  reached by luck is still found;
- draws inside expressions (random(), chance(), pick()): dice.py plays such a
  scene under every outcome of its draws, so a choice only luck offers is taken,
  an error any draw gives is found, and every value an effect can draw is
  explored on;
- a scene's 'let:' draws: every outcome on every entry (each target of a random goto
  under every outcome too), and at the start, where each outcome of the start scene's
  'let:' is a root of the tree (Tree.root, Tree.start: its path replays the draws).

Breadth-first order means the first path found to each ending is a shortest
one. Paths are kept as parent links, not per State, so memory stays small.
In a story step.py covers without 'let:' or calls (one that talks too) the step is
memoized (vectors.py, the loop in vecloop.py): the same report, in fewer
CPU seconds.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ... import engine
from ...engine import ChoiceView
from ...errors import AnaStoryError
from ...model import Choice, Story
from ...state import State
from ..analysis import reachable
from ..dice import (
    choose_all,
    drawing_scenes,
    failing_seed,
    let_drawing,
    present_all,
    sampled_lets,
    starts,
)
from ..storymemo import remembering
from . import vecloop
from .abstraction import declared, endless, suggest
from .ceiling import ceiling
from .collector import fewer_collections
from .guided import guided_runs
from .key import Keyer, growing
from .loops import pump_loops, softlocks_and_loops
from .projection import Projection
from .replay import replay_seed, replay_state
from .report import Finding, PathStep, Progress, Report
from .step import Move, Stepper, covers, other_targets, visits_read
from .store import Packer, Visited, table_size
from .tree import Tree
from .vectors import Vectors
from .ways import Ways

if TYPE_CHECKING:
    from .parallel import ParallelSearch

FAST_STEP = True  # False: every step by the engine (tests compare the two reports)
VECTORS = True  # False: no memo of steps (vectors.py), every State a State


def explore(story: Story, *, max_states: int = 1_000_000, seed: int = 0,
            progress: Progress | None = None, strict: bool = False,
            jobs: int = 1, projection: Projection | None = None, keep: Any = None,
            searcher: Callable[..., Search] | None = None) -> Report:
    """Search every State reachable from the start, up to ``max_states``;
    ``strict``: a choice no State can take fails the report; ``jobs``: processes
    sharing the search (parallel.py and worker.py: the same report, faster);
    ``projection``: filled as the search goes (projection.py), for a progress bar;
    ``keep``: incremental.Keep, handed the search and its loops (for the next run);
    ``searcher``: makes the one-process search (rerun.py's, reusing a kept proof)."""
    with remembering(story), fewer_collections():  # (analyses shared; collections seldom)
        t0 = time.perf_counter()
        search = _search(story, max_states, seed, strict, jobs, searcher)
        if projection is not None:
            search.projection = projection
        unbounded = endless(story, search.key)
        search.projection.begin(unbounded, len(reachable(story)),  # said before the search
                                None if unbounded else ceiling(story, search.key))
        explored = search.run(progress)
        report, tree = search.report, search.tree
        report.states = len(search.ids)
        search.projection.found(report.states + (1 if report.cut else 0))
        report.projection = search.projection.to_json()
        report.abstraction = declared(story, search.key)  # what the proof holds under
        if not report.complete:
            report.widest = search.widest()
            report.suggestions = suggest(story, report.widest, unbounded)  # what to declare
            report.guided = guided_runs(story, report, seed)  # evidence past the proof
        keep = keep or NoKeep()
        keep.searched(search)
        del search.ids
        candidates = softlocks_and_loops(story, report, tree, search.good, seed)
        for f in report.ending_paths.values():
            f.seed = replay_seed(story, f.path, seed, start=f.start)
        for f in report.errors:  # a seed with which the path is played and really fails
            f.seed = failing_seed(story, _replayer(story, f.path, f.start),
                                  None if f.fails is None or f.fails < 0 else f.fails, seed)
        # the search's Keyer when nothing keeps it (the pump may number values it met not)
        mine = type(keep) is NoKeep and isinstance(search, Search)
        pump_loops(story, report, tree, candidates, seed, keep.played, search.key if mine else None)
        report.seconds = time.perf_counter() - t0
        if progress is not None:
            progress(explored, report.states)
        return report


def _search(story: Story, max_states: int, seed: int, strict: bool, jobs: int,
            searcher: Callable[..., Search] | None) -> Search | ParallelSearch:
    """``searcher``'s (one process) if given; for ``jobs`` not 1 (0: the cores) jobs.py's
    in a story the memos step, else parallel.py's when ``jobs`` says how many."""
    if searcher is not None:
        return searcher(story, max_states, seed, strict)
    if jobs != 1 and VECTORS and FAST_STEP and not story.framed and covers(story):
        from .jobs import JobSearch, cores
        if (jobs or cores()) > 1:
            return JobSearch(story, max_states, seed, strict, jobs or cores())
    # a 'let:' that draws at the start: a start State per draw, so one process
    if jobs > 1 and not (story.framed and any(e.site0 for _, e in story.scenes[story.start].let)):
        from .parallel import ParallelSearch
        return ParallelSearch(story, max_states, seed, strict, jobs)
    return Search(story, max_states, seed, strict)


class NoKeep:
    """explore's ``keep`` by default: nothing kept (incremental.Keep keeps the proof)."""

    played: list | None = None  # Keep's: the loops played for real (loops.pump_loops)

    def searched(self, search: Any) -> None:
        pass


def _replayer(story: Story, path: list[PathStep], start: dict | None
              ) -> Callable[[int], State | None]:
    """Seed -> the State the path replays to with it (for dice.failing_seed)."""
    return lambda seed: replay_state(story, path, seed, start)


@dataclass(frozen=True, slots=True)
class _View:
    """A choice the search's seed does not offer but other draws do."""

    index: int
    key: str


_DICE = "with some draws of the dice: "


class Search(Ways):
    """One breadth-first search: the States met (by key), the tree of the
    explored ones, the queue, and the report being filled."""

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool,
                 keyer: Keyer | None = None):
        self.story = story
        self.max_states = max_states
        self.key = keyer if keyer is not None else Keyer(story)
        self.step = Stepper(story)
        # step.py's shortcut covers what the model had when it was written: a story
        # with anything else (a 'let:', a call or return) takes every step by the engine
        self.fast = FAST_STEP and covers(story)
        # one start State per outcome of the start scene's 'let:' draws (the seed's first)
        begins, err = starts(story, seed)
        start = begins[0]
        self.ids = Visited(table_size(max_states))  # key -> State number (store.py)
        self.ids.number(self.key(start))
        # queued States in a small form (store.py), with only the visit counts read
        self.pack = Packer(story, visits_read(story, self.key.counted)
                           if self.fast and not story.framed else None)
        self.tree = Tree(story, start.scene)
        self.codes = {k: i * 256 for k, i in self.tree.index.items()}  # see Tree.step
        self.good = bytearray()  # explored State -> 1 when it ends, errs or was cut off
        self.report = Report(story, "exhaustive", seed, strict=strict)
        self.report.scene_hits[start.scene] = 1
        self.queue = deque([self.pack.state(start)])
        self.drawing = drawing_scenes(story)
        self.let_drawing = let_drawing(story)  # scenes whose 'let:' draws
        self.report.sampled = sampled_lets(story)
        self.any_offered: set[int] = set()  # the choices some draw offers (show)
        self.told: set = set()  # (scene, choice; message) of errors only some draws give
        self.projection = Projection(max_states)  # the size of the space, from the levels
        self._begin(begins, err)

    def _begin(self, begins: list[State], err: AnaStoryError | None) -> None:
        """Queue the other start States, each a root of the tree with its draws (the
        path to a State replays them); an error some start draw gives is a finding."""
        tree = self.tree
        if len(begins) > 1:
            tree.lets[0] = begins[0].let
        for other in begins[1:]:
            k = self.key(other)
            if k in self.ids:
                continue
            self.ids.number(k)
            tree.root(other.scene)
            tree.lets[len(self.ids) - 1] = other.let
            self.report.scene_hits[other.scene] += 1
            self.queue.append(self.pack.state(other))
        if err is not None:
            self.report.errors.append(Finding(self.story.start, [], {}, message=_DICE + str(err)))

    def run(self, progress: Progress | None) -> int:
        """Explore the queue to its end; how many States were explored. A story
        step.py covers without 'let:' or calls: by vectors.py's memo."""
        visit, unpack = self.visit, self.pack.unpack
        if VECTORS and self.fast and not self.story.framed:
            vectors = Vectors(self.story, self.key, self.step, self.pack.kept or frozenset(),
                              self.codes, self.drawing, self.report.seed)
            self.vectors = vectors  # (rerun.py builds States from queued vectors)
            return vecloop.run(vectors, self, progress)
        return self.levels(progress, lambda sid, entry: visit(sid, unpack(entry)))

    def levels(self, progress: Progress | None, take: Callable[[int, Any], None],
               start: tuple[int, int, int] | None = None) -> int:
        """The breadth-first loop: ``take(sid, entry)`` visits each queued entry (a packed
        State here; rerun.py's Rerun also queues kept State numbers). ``start``: the
        States taken already, the end of their level and the ways on they had (the
        rerun's copied first States); none at first."""
        queue, first, succ, good = self.queue, self.tree.first, self.tree.succ, self.good
        explored, level_end, ways = start or (0, len(queue), 0)  # level 0: the start States
        while queue:
            entry = queue.popleft()
            sid = explored
            explored += 1
            if progress is not None and explored % 2000 == 0:
                progress(explored, len(self.ids))
            first.append(len(succ))
            good.append(0)
            take(sid, entry)
            if explored == level_end:  # a level of the breadth-first search done
                self.projection.level(len(succ) - ways, len(self.ids) - level_end,
                                      len(self.ids), self.report.scene_hits)
                level_end, ways = len(self.ids), len(succ)
        return explored

    def visit(self, sid: int, state: State) -> None:
        """Show one State (text checked, choices listed) and follow each choice it offers."""
        story, report = self.story, self.report
        dicey = state.scene in self.drawing
        shown = self.show(sid, state, dicey)
        if shown is None:
            return
        ended, available = shown
        if ended:
            self.good[sid] = 1
            if state.scene not in report.ending_paths:
                report.ending_paths[state.scene] = self.finding(sid, state)
            return
        if not dicey and self.fast:
            self.take_all(sid, state, available)
            return
        scene = story.scenes[state.scene]
        views: list = list(enumerate(available, 1))
        offered = None
        if dicey:  # a choice only some draws offer (if: chance(0.05)) is taken too
            offered = {v.index for v in available}
            views += [(len(views) + 1, _View(i, scene.choices[i].key))
                      for i in sorted(self.any_offered - offered)]
        choice_hits, index = report.choice_hits, self.tree.index
        for number, view in views:
            afters = self.follow(sid, state, number, view, offered)
            if not afters:
                continue
            choice_hits[view.key] = choice_hits.get(view.key, 0) + 1
            choice = scene.choices[view.index]
            nexts = afters if not choice.goto.random else \
                self.random_outcomes(sid, state, number, choice, afters)
            self.link(sid, state, view.key, number, index[view.key] * 256 + min(number, 255), nexts)

    def show(self, sid: int, state: State, dicey: bool
             ) -> tuple[bool, Sequence[ChoiceView | Choice]] | None:
        """(ended, the available choices) of a State; None when showing it fails
        (an error, reported). By step.py's shortcut only in a scene that draws
        nothing of a story it covers."""
        story, report = self.story, self.report
        available: Sequence[ChoiceView | Choice]
        try:
            if dicey or not self.fast:
                p = engine.present(story, state)
                ended, available = p.ended, p.available
            else:
                ended = story.scenes[state.scene].ending is not None
                available = self.step.available(state)
        except AnaStoryError as e:
            report.errors.append(self.finding(sid, state, str(e), -1))
            self.good[sid] = 1  # reported as an error, not again as a soft-lock
            return None
        if dicey:  # every draw's text and choices, in one pass (dice.present_all)
            err, self.any_offered = present_all(story, state)
            if err is not None:
                self.good[sid] = 1
                if self.first(state.scene, str(err)):
                    report.errors.append(self.finding(sid, state, _DICE + str(err), -1))
        return ended, available

    def follow(self, sid: int, state: State, number: int, view, offered: set | None
               ) -> list[State | Move]:
        """The States a choice leads to: in a scene that draws (``offered`` is what
        the search's seed offers), one for each outcome of the draws."""
        try:
            if offered is None:
                return [engine.choose(self.story, state, view.index)]
            after = engine.choose(self.story, state, view.index) \
                if view.index in offered else None
        except AnaStoryError as e:
            self.report.errors.append(self.finding(
                sid, state, f"choice {number} ({view.key}): {e}", view.index))
            self.good[sid] = 1
            return []
        drawn, err = choose_all(self.story, state, view.index)
        afters: list[State | Move] = [*drawn] if drawn else \
            ([after] if after is not None else [])
        if err is not None:
            self.good[sid] = 1
            if self.first(view.key, str(err)):
                self.report.errors.append(self.finding(
                    sid, state, f"choice {number} ({view.key}): {_DICE}{err}", view.index))
        return afters

    def draws(self, nxt: State | Move) -> bool:
        """Whether a new State's path must replay the 'let:' draws it was entered
        with (Tree.lets; only in a framed story; shared with worker.py)."""
        return isinstance(nxt, State) and bool(nxt.let) and nxt.scene in self.let_drawing

    def widest(self) -> list[dict]:
        """When the bound cut: which parts of the State took the most values."""
        return growing(self.ids, self.key)

    def random_outcomes(self, sid: int, before: State, number: int, choice: Choice,
                        afters: list) -> list[State]:
        """The States a random goto leads to: ``afters`` (where the seed sends it,
        under each draw), and each other target entered under every outcome of the
        draws on the way (its 'let:', the choice's 'set:') in a scene that draws, as
        the engine's own step otherwise (its 'enter:' runs)."""
        states = [a for a in afters if isinstance(a, State)]
        story = self.story
        if not states:
            return []
        if not story.entering:
            return [o for a in states for o in other_targets(before, a, choice)]
        out = list(states)
        chosen = {a.scene for a in states}
        for target in dict.fromkeys(r.scene for r in choice.goto.routes if r.weight > 0):
            if target in chosen:
                continue
            if before.scene not in self.drawing:
                out.append(engine.choose(story, before, choice.index, target))
                continue
            drawn, err = choose_all(story, before, choice.index, target)
            out += drawn
            if err is not None:
                self.good[sid] = 1
                if self.first(choice.key, str(err)):
                    self.report.errors.append(self.finding(
                        sid, before, f"choice {number} ({choice.key}): {_DICE}{err}",
                        choice.index))
        return out

    def first(self, where: str, message: str) -> bool:
        """True the first time an error only some draws give is met at ``where``:
        the same error in every State of a scene is said once."""
        if (where, message) in self.told:
            return False
        self.told.add((where, message))
        return True

    def finding(self, sid: int, state: State, message: str = "",
                fails: int | None = None) -> Finding:
        return Finding(self.tree.scene_of[sid], self.tree.path(sid), dict(state.variables),
                       message=message, fails=fails, start=self.tree.start(sid))
