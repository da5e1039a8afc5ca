"""What explore found: the findings, their paths, and the report's JSON shape."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...model import Choice, Scene, Story

Progress = Callable[[int, int], None]  # (states explored, states known)

@dataclass(frozen=True, slots=True)
class PathStep:
    """One choice on a replayable path."""

    choice: str  # the choice's key
    number: int  # what a player types: its place among the available choices
    scene: str  # where it led
    let: dict | None = None  # the 'let:' values it was entered with, when they were drawn


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
    start: dict | None = None  # the start scene's 'let:' values it begins with, when drawn


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
    projection: dict | None = None  # projection.py: the size of the space, projected
    guided: dict | None = None  # guided.py: what runs after a cut search reached beyond it
    abstraction: list = field(default_factory=list)  # the 'exact:' declarations applied
    suggestions: list = field(default_factory=list)  # abstraction.py: what to declare
    sampled: list = field(default_factory=list)  # 'let:' draws tried at some outcomes only
    reused: dict | None = None  # incremental.py: {"rechecked": scenes}: the last proof reused

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
        past = self.guided or {}  # a guided run past the bound that got stuck or failed
        return not (self.unreached_scenes or self.softlocks or self.errors or self.growth
                    or past.get("stuck") or past.get("errors")
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

    def endings_json(self) -> dict:
        """Each ending: its title, whether reached, and the first path found to it."""
        endings = {}
        for s in self.story.endings:
            e = {"title": s.ending, "reached": bool(self.scene_hits.get(s.id))}
            if self.mode == "random":
                e["hits"] = self.ending_hits.get(s.id, 0)
            f = self.ending_paths.get(s.id)
            if f is not None:
                e.update(finding_json(f))
            endings[s.id] = e
        return endings

    def to_json(self) -> dict:
        endings = self.endings_json()
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
            "softlocks": [dict(finding_json(f), states=f.states, stuck=f.stuck)
                          for f in self.softlocks],
            "errors": [finding_json(f) for f in self.errors],
            "growth": [finding_json(f) for f in self.growth],
            "dead_choices": dead_choices(self),
            "loops": self.loops,
        }
        if self.mode == "random":
            data.update(runs=self.runs, max_turns=self.max_turns, long_runs=self.long_runs,
                        long=[finding_json(f) for f in self.long])
        extra = {"growing": self.widest or None, "projection": self.projection,
                 "guided": self.guided, "sampled": self.sampled or None,
                 "abstraction": self.abstraction or None,
                 "suggestions": self.suggestions or None,
                 "reused": self.reused}
        data.update((k, v) for k, v in extra.items() if v is not None)
        return data


def finding_json(f: Finding) -> dict:
    """A finding as --format json gives it."""
    out = {"scene": f.scene, "steps": len(f.path),
           "path": [s.choice for s in f.path],
           "numbers": [s.number for s in f.path], "seed": f.seed,
           "variables": f.variables}
    if f.message:
        out["message"] = f.message
    if f.hint:
        out["hint"] = f.hint
    draws = {str(i): dict(s.let) for i, s in enumerate(f.path) if s.let is not None}
    if f.start is not None:  # the start scene's own, before any step
        draws = {"start": dict(f.start), **draws}
    if draws:  # step -> the 'let:' values its scene was entered with (replayed)
        out["draws"] = draws
    if f.loop:  # the path is: `after` steps, then `rounds` x `numbers` (0: for ever)
        out["loop"] = {"after": f.loop[0], "numbers": list(f.loop[1]),
                       "rounds": f.loop[2]}
    return out


def dead_choices(r: Report) -> list[dict]:
    """Each choice no explored State (or random run) took, with why: a dead
    choice is a finding (it fails `explore --strict`)."""
    out = []
    for key in r.unreached_choices:
        scene_id = key.rsplit(".", 1)[0]
        scene = r.story.scenes[scene_id]
        c = next(x for x in scene.choices if x.key == key)
        why = _why_dead(r, scene, c)
        if r.mode != "random" and not r.complete:
            why += " (among the States explored before the search was cut)"
        out.append({"choice": key, "scene": scene_id, "reason": why})
    return out


def _why_dead(r: Report, scene: Scene, c: Choice) -> str:
    """Why the choice ``c`` of ``scene`` was never taken, in the author's terms."""
    always = next((o for o in scene.choices if o.condition is None and not o.once
                   and not o.fallback), None)
    if not r.scene_hits.get(scene.id):
        return f"its scene '{scene.id}' is never reached"
    if r.mode == "random":
        return "no random run took it"
    if c.fallback and always is not None:
        return (f"a fallback that can never appear: choice {always.index + 1} "
                f"({always.key}) has no condition, so it is always available")
    if c.fallback:
        return "a fallback never needed: every reachable State offers another choice"
    if c.condition is not None:
        return (f"its condition '{c.condition.source.strip()}' holds in no reachable "
                "State")
    return "it is available in no reachable State"
