"""After a search the bound cut: random playthroughs aimed at what it did not cover.

A cut search proves nothing about the States it left out. These runs go on from
where proof stopped with evidence. At each step a run takes a choice no State
explored and no earlier run took, if one is offered; else, most of the time, the
choice that leads nearest (in the scene graph) to a scene not reached yet, and
otherwise a random one. What they reach that the search did not (scenes, endings,
choices) is reported apart from what is proven; a run that gets stuck (no choice
and no ending) or hits an error is a real finding, with the seed and the numbers
that replay it. Seeded, so the same story and seed give the same runs.
"""
from __future__ import annotations

import random as _random

from ... import engine
from ...errors import AnaStoryError
from ...model import Story
from ..analysis import scene_graph
from .report import Report

RUNS = 200
MAX_TURNS = 500
AIM = 0.8  # how often a run takes the way nearest to what is not covered
KEEP = 5  # stuck runs and errors kept, each with its replay
OFFERS = 4096  # the choices offered _Aim keeps (a Passage's may be made each time)


class _Aim:
    """Distance (in choices, the scene graph) from each scene to the nearest scene
    not reached yet; worked out again when asked after one is reached (``stale``).
    Scenes are numbered (``no``), the graph's edges held backwards as numbers."""

    def __init__(self, story: Story, seen: set[str]):
        back: dict[str, list[str]] = {s: [] for s in story.scenes}
        for a, targets in scene_graph(story).items():
            for b in targets:
                back.setdefault(b, []).append(a)
        self.names = list(back)
        self.no = {s: i for i, s in enumerate(self.names)}
        self.back = [[self.no[a] for a in back[s]] for s in self.names]
        self.story = story
        self.seen = seen
        self.dist: list[int] = []  # per scene number; -1: no scene not reached ahead
        self.targets: dict[str, list[list[int]]] = {}  # scene -> each choice's targets
        self.near: dict[str, list[int]] = {}  # scene -> far() of each choice, while fresh
        self.stale = True
        self.done: set[str] = set()  # scenes whose every choice some run took
        self.keys = {sid: frozenset(c.key for c in sc.choices) for sid, sc in story.scenes.items()}
        # (scene, the places of the choices offered) -> the places nearest, while fresh
        self.best: dict[tuple, list[int]] = {}
        # id of a Passage's choices -> ``offered``'s (most are a scene plan's own)
        self.offers: dict[int, tuple] = {}

    def offered(self, views: tuple, scene: str) -> tuple:
        """(``views``, ``scene``, the available choices, their keys, (scene, their
        places)), kept by the id of ``views`` (held, so the id stays theirs)."""
        available = [c for c in views if c.available]  # (as Passage.available)
        if len(self.offers) >= OFFERS:
            self.offers.clear()
        got = self.offers[id(views)] = (views, scene, available,
                                        [v.key for v in available],
                                        (scene, *[v.index for v in available]))
        return got

    def update(self) -> None:
        seen = self.seen
        level = [i for i, s in enumerate(self.names) if s not in seen]
        dist = self.dist = [-1] * len(self.names)
        for i in level:
            dist[i] = 0
        back, d = self.back, 0
        while level:  # breadth-first, a level at a time
            d += 1
            ahead = []
            for s in level:
                for a in back[s]:
                    if dist[a] < 0:
                        dist[a] = d
                        ahead.append(a)
            level = ahead
        self.stale = False

    def far(self, scene: str) -> list[int]:
        """Per choice of ``scene``: the distance its targets lead to (the nearest)."""
        if self.stale:
            self.update()
            self.near.clear()
            self.best.clear()
        got = self.near.get(scene)
        if got is None:
            targets = self.targets.get(scene)
            if targets is None:
                no = self.no
                targets = self.targets[scene] = [[no[t] for t in c.goto.targets if t in no]
                                                 for c in self.story.scenes[scene].choices]
            dist = self.dist
            got = self.near[scene] = [min((d if (d := dist[t]) >= 0 else 10 ** 6
                                           for t in ts), default=10 ** 6) for ts in targets]
        return got


def guided_runs(story: Story, report: Report, seed: int = 0, runs: int = RUNS) -> dict:
    """Play ``runs`` playthroughs aimed at what the report never covered; what they
    reached that the search had not, and the runs that got stuck or failed."""
    rng = _random.Random(seed)
    taken = {k for k, n in report.choice_hits.items() if n}
    seen = {s for s, n in report.scene_hits.items() if n}
    aim = _Aim(story, seen)
    out: dict = {"runs": runs, "scenes": [], "choices": [], "stuck": [], "errors": []}
    for _ in range(runs):
        _run(story, rng, taken, aim, out)
    endings = {s.id for s in story.endings}
    out["endings"] = [s for s in out["scenes"] if s in endings]
    return out


def _run(story: Story, rng: _random.Random, taken: set, aim: _Aim, out: dict) -> None:
    """One playthrough: a choice not taken yet whenever one is offered, else the
    way nearest to a scene not reached (mostly)."""
    state = engine.new_state(story, rng.getrandbits(32))
    numbers: list[int] = []
    present, choose, seen, offers = engine.present, engine.choose, aim.seen, aim.offers
    try:
        for _ in range(MAX_TURNS):
            p = present(story, state)
            if p.ending is not None:
                return
            views = p.choices
            got = offers.get(id(views))
            if got is None or got[0] is not views or got[1] != state.scene:
                got = aim.offered(views, state.scene)
            available = got[2]
            if not available:
                _stuck(out, state, numbers)
                return
            number = _pick(rng, got, taken, aim)
            view = available[number]
            numbers.append(number + 1)  # kept by a finding only as the run ends
            if view.key not in taken:
                taken.add(view.key)
                out["choices"].append(view.key)
            state = choose(story, state, view.index)
            if state.scene not in seen:
                seen.add(state.scene)
                out["scenes"].append(state.scene)
                aim.stale = True
    except AnaStoryError as e:  # a real error past the bound, with its replay
        if len(out["errors"]) < KEEP:
            out["errors"].append({"scene": state.scene, "seed": state.seed,
                                  "numbers": numbers, "message": str(e)})


def _stuck(out: dict, state, numbers: list[int]) -> None:
    """A run stuck (no choice, no ending): one entry per scene, counting the runs."""
    same = [x for x in out["stuck"] if x["scene"] == state.scene]
    if same:
        same[0]["runs"] += 1
    elif len(out["stuck"]) < KEEP:
        out["stuck"].append({"scene": state.scene, "seed": state.seed,
                             "numbers": numbers, "runs": 1})


def _pick(rng: _random.Random, offer: tuple, taken: set, aim: _Aim) -> int:
    """The place, among the available choices of ``offer`` (_Aim.offered), of the
    choice a run takes."""
    _, scene, available, keys, at = offer
    if scene not in aim.done:  # (a scene whose every choice was taken offers none new)
        fresh = [i for i, k in enumerate(keys) if k not in taken]
        if fresh:
            return rng.choice(fresh)
        if taken.issuperset(aim.keys[scene]):
            aim.done.add(scene)
    if rng.random() < AIM:
        if aim.stale:
            aim.far(scene)  # (worked out again: the places nearest are forgotten)
        best = aim.best.get(at)
        if best is None:
            far = aim.far(scene)
            near = [far[v.index] for v in available]
            least = min(near)
            best = aim.best[at] = [i for i, d in enumerate(near) if d == least]
        return rng.choice(best)
    return rng.randrange(len(available))
