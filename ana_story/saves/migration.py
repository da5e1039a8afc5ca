"""Story updates: fit a save made with another version of a story to this one,
and say in plain sentences what changed. Pure functions over Story and State.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..digests import sha256
from ..errors import AnaStoryError
from ..frames import let_values
from ..model import Scene, Story
from ..records import replace
from ..state import Frame, State, Step
from ..wording import show_held, show_value
from .fileformat import Damaged

# A save from before format 3 draws its dice by the old numbering of random events (in
# the order the story was read) until the player enters the next scene (engine.choose),
# so nothing already on screen or about to be decided rolls again; from there on they
# are numbered by their place in the story, and a story edited elsewhere keeps them.
DICE_NOTE = ("This save was made by an older version. Chance plays on as it did until "
             "you enter the next scene; from then on, each random event is tied to its "
             "own place in the story, so it may fall differently than before.")


def fingerprint(story: Story) -> str:
    """A hash of what a save depends on: variables with their types and starting
    values, scenes with their chapters, choices, conditions, effects and targets.
    Text is left out, so fixing a typo does not count as a change."""
    known = story.save_fingerprint
    if known:  # kept by the compiled-story cache, which would otherwise build every scene
        return known
    h = sha256()

    def put(*parts: Any) -> None:
        h.update(json.dumps(parts, ensure_ascii=False, default=str).encode())
        h.update(b"\n")

    put("start", story.start)
    for name in sorted(story.variables):
        v = story.variables[name]
        put("var", name, v.type, v.initial, *([list(v.items), v.one] if v.items else []))
    for sid in sorted(story.scenes):
        s = story.scenes[sid]
        put("scene", sid, s.chapter, s.ending)
        for c in s.choices:
            put("choice", c.key, c.condition.source if c.condition else None,
                [(n, e.source) for n, e in c.effects], c.once, c.fallback,
                c.goto.random, [(r.scene, r.condition.source if r.condition else None,
                                 r.weight) for r in c.goto.routes])
            if c.stay or c.reply is not None:  # only then: older stories keep their print
                put("talk", c.key, c.stay, c.reply.source if c.reply else None)
        if s.enter:
            put("enter", sid, [(n, e.source) for n, e in s.enter])
        _put_frames(put, s)
    return "sha256:" + h.hexdigest()


def _put_frames(put: Callable[..., None], s: Scene) -> None:
    """A scene's 'let:' and calls in the fingerprint; only when it has some, so that
    older stories keep their print."""
    if s.let:
        put("let", s.id, [(n, e.source, e.type) for n, e in s.let])
    kinds = [(c.key, c.goto.kind) for c in s.choices if c.goto.kind]
    if kinds:
        put("tunnel", kinds)


def _same_kind(value: Any, kind: str) -> bool:
    t = type(value)
    if kind == "bool":
        return t is bool
    if kind == "str":
        return t is str
    if kind.startswith("list["):
        return t is tuple
    return t in (int, float)  # numbers mix: an int variable may hold 7 / 2


def migrate(story: Story, state: State, undo: tuple[State, ...], chapter: str, *,
            strict: bool) -> tuple[State, tuple[State, ...], list[str]]:
    """Fit a saved State to ``story``. With ``strict`` (the save's fingerprint is
    this story's), any mismatch means the file was damaged or tampered with.
    Otherwise variables added get their starting values, removed ones are
    dropped, a renamed scene follows story.renamed, and a vanished scene gives
    way to the start of its chapter (or of the story)."""
    if strict and state.scene not in story.scenes:
        raise Damaged(f"it names the scene '{state.scene}', which the story does not have")
    variables, changes = _fit_variables(story, state.variables, strict)
    scene, visits, moved = _fit_scene(story, state, chapter)
    changes += moved
    path = _fit_path(story, state.path)
    # replace(): what is not fitted here (the turn the visit began, the dice...) is kept
    new_state = replace(state, scene=scene, variables=variables,
                        visits=_fit_visits(story, visits), once=_fit_once(story, state.once),
                        path=path, taken=_fit_taken(story, state.taken))
    if state.let or state.stack or state.entered or story.framed or \
            scene != story.renamed.get(state.scene, state.scene):
        new_state, more = _fit_frames(story, state, new_state, chapter, strict)
        changes += more
    if state.dice == 1:
        changes.append(DICE_NOTE)
    kept = []
    for u in undo:
        earlier = _fit_earlier(story, u, state.path, path, strict)
        if earlier is not None:
            kept.append(earlier)
    return new_state, tuple(kept), changes


def _fit_variables(story: Story, saved: dict, strict: bool) -> tuple[dict, list[str]]:
    """The saved variables fitted to the declared ones, and a sentence per change;
    with ``strict``, Damaged at the first mismatch."""
    variables = dict(saved)
    declared = story.variables
    unknown, missing, wrong = _mismatches(story, variables)
    if strict and (unknown or missing or wrong):
        _refuse_variables(story, variables, unknown, missing, wrong)
    changes: list[str] = []
    for n in sorted(unknown):
        del variables[n]
        label = n.replace("_", " ").capitalize()  # the loader's default label
        changes.append(f"{label} is no longer part of the story and was dropped.")
    for n in missing:
        v = declared[n]
        variables[n] = v.initial
        changes.append(f"{v.label} is new in this version and starts at "
                       f"{_show(v.initial, v)}.")
    for n in wrong:
        v = declared[n]
        variables[n] = v.initial
        changes.append(f"{v.label} changed kind in this version and was reset to "
                       f"{_show(v.initial, v)}.")
    changes += _fit_items(story, variables, strict)
    return variables, changes


def _fit_items(story: Story, variables: dict, strict: bool) -> list[str]:
    """Each list's items fitted to its declaration, in place: items the story no longer
    declares dropped (Damaged with ``strict``), the rest in the declared order."""
    changes = []
    for n, v in story.variables.items():
        held = variables[n] if v.items else ()
        kept = tuple(i for i in v.items if i in held)
        if held == kept and not (v.one and len(held) > 1):
            continue  # the usual case: nothing to fit
        gone = [i for i in held if i not in v.items]
        if strict and gone:
            raise Damaged(f"variable '{n}' holds '{gone[0]}', which the story does not "
                          "declare")
        variables[n] = kept[:1] if v.one else kept
        if gone:
            changes.append(f"{v.label}: {', '.join(gone)} "
                           f"{'is' if len(gone) == 1 else 'are'} no longer part of the "
                           "story and dropped.")
    return changes


def _mismatches(story: Story, variables: dict) -> tuple[list[str], list[str], list[str]]:
    """The saved variables the story lacks, the declared ones the save lacks, and
    those whose value is of another kind than declared."""
    declared = story.variables
    unknown = [n for n in variables if n not in declared]
    missing = [n for n in declared if n not in variables]
    wrong = [n for n, v in variables.items() if n in declared
             and not _same_kind(v, declared[n].type)]
    return unknown, missing, wrong


def _refuse_variables(story: Story, variables: dict, unknown: list[str],
                      missing: list[str], wrong: list[str]) -> None:
    """Damaged, saying which variable of a same-fingerprint save does not fit."""
    declared = story.variables
    if unknown:
        raise Damaged(f"it names variables the story does not declare: "
                      f"{', '.join(sorted(unknown)[:5])}")
    if missing:
        raise Damaged(f"it lacks the variable '{missing[0]}'")
    raise Damaged(f"variable '{wrong[0]}' holds a {_kind_name(variables[wrong[0]])}, "
                  f"not {_kind_name(declared[wrong[0]].initial)}")


def _fit_scene(story: Story, state: State, chapter: str) -> tuple[str, dict, list[str]]:
    """The scene to resume at (the saved one, its new name, or the start of its
    chapter), the visit counts with that arrival, and what the player is told."""
    scene = state.scene
    visits = dict(state.visits)
    if scene in story.scenes:
        return scene, visits, []
    new = story.renamed.get(scene)
    if new is not None and new in story.scenes:
        return new, visits, [f"The scene you saved in has moved; you resume at "
                             f"'{story.scenes[new].title}'."]
    new = _chapter_start(story, chapter)
    where = (f"the start of the chapter '{chapter}'" if new != story.start
             or story.scenes[new].chapter == chapter else "the start of the story")
    visits[new] = visits.get(new, 0) + 1
    return new, visits, [f"The scene you saved in ('{scene}') is no longer in the story; "
                         f"you resume at {where}: '{story.scenes[new].title}'."]


def _fit_earlier(story: Story, u: State, saved_path: tuple, path: tuple,
                 strict: bool) -> State | None:
    """An earlier moment (for undo) fitted to ``story``, or None when its scene is
    gone; ``path`` is the fitted current path, ``saved_path`` the one saved."""
    declared = story.variables
    names = declared.keys()
    s = story.renamed.get(u.scene, u.scene)
    if s not in story.scenes:
        if strict:
            raise Damaged(f"an earlier moment in 'undo' names the scene '{u.scene}', "
                          "which the story does not have")
        return None  # that moment's scene is gone: it cannot be returned to
    uv = u.variables
    if uv.keys() != names or not all(_same_kind(uv[n], declared[n].type) for n in names):
        if strict:
            raise Damaged("an earlier moment in 'undo' does not fit the story's "
                          "variables")
        uv = {n: (uv[n] if n in uv and _same_kind(uv[n], declared[n].type)
                  else declared[n].initial) for n in names}
    if any(v.items for v in declared.values()):
        uv = dict(uv)
        _fit_items(story, uv, strict)
    n = len(u.path)
    # an earlier path is nearly always the start of the current one: share it
    upath = path[:n] if saved_path[:n] == u.path else _fit_path(story, u.path)
    return _framed(story, u, replace(u, scene=s, variables=uv,
                                     visits=_fit_visits(story, u.visits),
                                     once=_fit_once(story, u.once), path=upath,
                                     taken=_fit_taken(story, u.taken)), strict)


def _framed(story: Story, u: State, fitted: State, strict: bool) -> State:
    if u.let or u.stack or u.entered or story.framed or \
            fitted.scene != story.renamed.get(u.scene, u.scene):
        return _fit_frames(story, u, fitted, "", strict)[0]
    return fitted


def _fit_frames(story: Story, saved: State, fitted: State, chapter: str,
                strict: bool) -> tuple[State, list[str]]:
    """``fitted`` given the saved let: frame, call stack, entry turns and dice, fitted
    to ``story``: frames and entry turns under the scenes' new names; a 'let:' frame
    that no longer matches its scene's 'let:' worked out again (on the turn its visit
    began, so an unchanged draw gives the same value); a frame whose caller is gone
    comes back to the start of the save's chapter instead; a moved scene starts a new
    visit outside any call."""
    changes: list[str] = []
    let, began, stack = saved.let, saved.began, saved.stack
    if fitted.scene != story.renamed.get(saved.scene, saved.scene):  # resumed elsewhere
        stack, began = (), fitted.turn
        let = _let_of(story, replace(fitted, began=began), {})
    else:
        let = _let_of(story, replace(fitted, began=began), let)
    frames = []
    for f in stack:
        caller = story.renamed.get(f.scene, f.scene)
        if caller not in story.scenes:
            if strict:
                raise Damaged(f"its call stack names the scene '{f.scene}', which the "
                              "story does not have")
            caller = _chapter_start(story, chapter)
            changes.append(f"A scene a call was to come back to ('{f.scene}') is no "
                           f"longer in the story; it comes back to "
                           f"'{story.scenes[caller].title}' instead.")
        back = replace(fitted, scene=caller, began=f.began)
        frames.append(Frame(caller, _rename_choice(story, f.choice),
                            _let_of(story, back, f.let), f.began))
    entered = {story.renamed.get(k, k): n for k, n in saved.entered.items()
               if story.renamed.get(k, k) in story.timed}
    return replace(fitted, let=let, began=began, stack=tuple(frames), entered=entered,
                   dice=saved.dice), changes


def _let_of(story: Story, state: State, let: Mapping[str, Any]) -> Mapping[str, Any]:
    """``let`` when it still fits its scene's 'let:' (the same names, each of its
    kind); else that 'let:' worked out again for ``state``'s visit."""
    lets = story.scenes[state.scene].let
    if len(let) == len(lets) and all(n in let and _same_kind(let[n], e.type) for n, e in lets):
        return let
    if not lets:
        return {}
    try:
        return let_values(story.scenes[state.scene], state.variables,
                          replace(state, turn=state.began))
    except AnaStoryError:
        return {n: _zero(e.type) for n, e in lets}


def _zero(kind: str) -> Any:
    return {"bool": False, "str": "", "float": 0.0}.get(kind, 0)


def _chapter_start(story: Story, chapter: str) -> str:
    for c in story.chapters:
        if c.title == chapter:
            for sid in c.scenes:
                if sid in story.scenes:
                    return sid
    return story.start


def _fit_visits(story: Story, visits: dict) -> dict:
    """Visit counts under the scenes' new names; counts of vanished scenes dropped."""
    if visits.keys() <= story.scenes.keys():
        return visits  # the usual case, checked at C speed: nothing to do
    out: dict = {}
    for k, n in visits.items():
        k = story.renamed.get(k, k)
        if k in story.scenes:
            out[k] = out.get(k, 0) + n
    return out


def _fit_path(story: Story, path: tuple) -> tuple:
    if not story.renamed:
        return path
    return tuple(Step(_rename_choice(story, s.choice), story.renamed.get(s.scene, s.scene))
                 for s in path)


def _fit_once(story: Story, once: frozenset) -> frozenset:
    if not story.renamed:
        return once
    return frozenset(_rename_choice(story, k) for k in once)


def _fit_taken(story: Story, taken: dict) -> dict:
    """taken() counts under the choices' new scene names."""
    if not story.renamed or not taken:
        return taken
    return {_rename_choice(story, k): n for k, n in taken.items()}


def _rename_choice(story: Story, key: str) -> str:
    scene, dot, rest = key.partition(".")
    new = story.renamed.get(scene)
    return f"{new}{dot}{rest}" if new and dot else key


def _kind_name(value: Any) -> str:
    return {bool: "true/false", str: "text"}.get(type(value), "number")


def _show(value: Any, var: Any = None) -> str:
    """A value as the player reads it everywhere (wording.show_value); a text is quoted,
    as a sentence about it needs."""
    return f"'{show_value(value)}'" if isinstance(value, str) else show_held(var, value)
