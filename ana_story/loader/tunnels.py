"""Tunnels checked once every scene is built: calls that never come round to call
themselves, regions that stay inside their call, and no return outside a call; and
the scenes turns_since() names, whose entries the State records.

Definitions (docs/writing-scenes.md, "Tunnels", says the same to authors):
- a *plain* step is a goto to a scene (a scene id, a route, a random pick, a stay,
  'next:'), not a call or a return;
- the *main story* is what the start reaches by plain steps, and the scenes a
  ``return: X`` of a call made from it goes on to, and what those reach;
- the *region* of a called scene S is what S reaches by plain steps (and the scenes a
  ``return: X`` of a call made inside it goes on to);
- a region *escapes* when it shares a scene that is not an ending with the place its
  call is made from (the main story, or the region that calls it): in that scene the
  player could be inside the call or not, so a return there could have nothing to
  return to, or a call could be left waiting for ever. (An ending ends every call.)
Scenes that nothing reaches are left to the unreachable-scene checks.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping

from ..expressions import Expr, Template
from ..model import Choice, Location, Scene

MAIN = ""  # the main story's name among the places calls are made from


def _plain(c: Choice) -> list[str]:
    return list(c.goto.targets) if not c.goto.kind else []


class Regions:
    """The main story and each called scene's region, grown to a fixed point."""

    def __init__(self, scenes: Mapping[str, Scene], start: str):
        self.scenes = scenes
        self.places: dict[str, set[str]] = {MAIN: {start} if start in scenes else set()}
        self.calls: dict[str, set[str]] = {MAIN: set()}  # place -> scenes it calls
        grown = True
        while grown:
            grown = False
            for place in list(self.places):
                grown = self.grow(place) or grown

    def grow(self, place: str) -> bool:
        """Add to ``place`` what its scenes reach by plain steps, note its calls (each
        a place of its own), and add the scenes a return of those calls goes on to."""
        have = self.places[place]
        size = len(have) + len(self.calls[place])
        todo = list(have)
        while todo:
            for c in self.scenes[todo.pop()].choices:
                for t in _plain(c):
                    if t in self.scenes and t not in have:
                        have.add(t)
                        todo.append(t)
                if c.goto.kind == "call" and c.goto.targets[0] in self.scenes:
                    callee = c.goto.targets[0]
                    self.calls[place].add(callee)
                    if callee not in self.places:
                        self.places[callee] = {callee}
                        self.calls[callee] = set()
        for callee in list(self.calls[place]):
            for x in self.returns_to(callee):
                if x not in have:
                    have.add(x)
        return len(have) + len(self.calls[place]) != size

    def returns_to(self, callee: str) -> list[str]:
        return [c.goto.targets[0] for sid in self.places.get(callee, ())
                for c in self.scenes[sid].choices
                if c.goto.kind == "return" and c.goto.targets
                and c.goto.targets[0] in self.scenes]


def problems(scenes: Mapping[str, Scene], start: str
             ) -> list[tuple[Location | None, str, str, str]]:
    """(where, code, message, hint) of each tunnel problem."""
    if not any(c.goto.kind for sc in scenes.values() for c in sc.choices):
        return []
    r = Regions(scenes, start)
    escapes = _escapes(r)
    leaking = {callee for callee, _ in escapes}  # their calls are said already
    return _returns_outside(r) + _cycles(r, leaking) + [e for _, e in escapes]


def _returns_outside(r: Regions) -> list[tuple[Location | None, str, str, str]]:
    out = []
    for sid in sorted(r.places[MAIN]):
        for c in r.scenes[sid].choices:
            if c.goto.kind == "return":
                out.append((c.where, "return-outside-call",
                            f"choice '{c.key}' returns, but the story reaches scene "
                            f"'{sid}' without a call, so there may be nothing to return to",
                            "reach this scene only through 'goto: {call: ...}' (and the "
                            "scenes that call reaches), or give the choice a plain 'goto'"))
    return out


def _call_site(r: Regions, place: str, callee: str) -> Choice | None:
    for sid in sorted(r.places[place]):
        for c in r.scenes[sid].choices:
            if c.goto.kind == "call" and c.goto.targets[0] == callee:
                return c
    return None


def _cycles(r: Regions, leaking: set[str]) -> list[tuple[Location | None, str, str, str]]:
    """A call that can come round to calling itself again before it returns: the
    calls waiting would pile up without end. Each cycle said once, at the call that
    closes it."""
    out = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(p for p in r.places if p != MAIN and p not in leaking):
        stack = [(root, iter(sorted(r.calls[root])))]
        state[root] = state.get(root, 0) or 1
        if state[root] == 2:
            continue
        while stack:
            at, nexts = stack[-1]
            nxt = next(nexts, None)
            if nxt is None:
                state[at] = 2
                stack.pop()
            elif state.get(nxt) == 1:  # a cycle: nxt ... at -> nxt
                ring = [p for p, _ in stack][[p for p, _ in stack].index(nxt):]
                c = _call_site(r, at, nxt)
                out.append((c.where if c else None, "cyclic-call",
                            f"the call of '{nxt}' can call '{nxt}' again before it returns "
                            f"({' -> '.join([*ring, nxt])}), so the calls waiting could "
                            "pile up without end",
                            "end the call with 'return' before calling again, or make one "
                            "of these calls a plain 'goto'"))
            elif not state.get(nxt) and nxt not in leaking:
                state[nxt] = 1
                stack.append((nxt, iter(sorted(r.calls[nxt]))))
    return out


def _escapes(r: Regions) -> list[tuple[str, tuple[Location | None, str, str, str]]]:
    out = []
    for place in sorted(r.places):
        for callee in sorted(r.calls[place]):
            shared = {sid for sid in r.places[callee] & r.places[place]
                      if r.scenes[sid].ending is None}  # an ending clears the stack
            if not shared or callee == place:
                continue
            c = _call_site(r, place, callee)
            where = "the main story" if place == MAIN else f"the region of '{place}'"
            out.append((callee, (c.where if c else None, "call-escapes",
                        f"the call of '{callee}' reaches scene '{sorted(shared)[0]}', which "
                        f"{where} also reaches without this call, so there the player may or "
                        "may not be inside the call",
                        f"end the call with 'return' before going on to "
                        f"'{sorted(shared)[0]}' (or 'return: {sorted(shared)[0]}', to go on "
                        "there once the call is over)")))
    return out


def timed_scenes(scenes: Mapping[str, Scene]) -> tuple[str, ...]:
    """The scenes turns_since() names (Story.timed): the State records the turn each
    is entered, and only theirs (the scene ids are checked where they are written)."""
    found: set[str] = set()
    for sc in scenes.values():
        for part in _parts(sc):
            if part is not None and part.scenes and "turns_since" in part.source:
                trees = part.trees if isinstance(part, Template) else (part.tree,)
                found |= {str(getattr(n.args[0], "value", "")) for t in trees
                          if t is not None for n in ast.walk(t) if isinstance(n, ast.Call)
                          and isinstance(n.func, ast.Name) and n.func.id == "turns_since"}
    return tuple(sorted(found))


def _parts(sc: Scene) -> list[Expr | Template | None]:
    parts: list[Expr | Template | None] = [sc.text, sc.title_template]
    parts += [e for _, e in sc.enter] + [e for _, e in sc.let]
    for c in sc.choices:
        parts += [c.text, c.condition, c.locked, c.reply] + [e for _, e in c.effects]
        parts += [r.condition for r in c.goto.routes]
    return parts
