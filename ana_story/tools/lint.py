"""Check's warnings: things that load fine but are probably mistakes.

Each is a Diagnostic with severity "warning", pointing at the author's line
(Scene.where, Choice.where, Variable.where). These are found in the scene graph
and the expressions alone; `ana-story explore` proves the rest over real States.
"""
from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

from ..errors import Diagnostic
from ..expressions import EVAL_ERRORS, Expr
from ..hints import quoted
from ..model import Choice, Location, Scene, Story
from ..sanitize import is_clean, visible
from .analysis import calls, reachable, transition_exprs, uses_random


def lint(story: Story) -> list[Diagnostic]:
    """Every warning for a loaded story, sorted by position.

    The cyclic collector is paused meanwhile, as loader.check pauses it for the load:
    the analyses make many short-lived objects without cycles, and each collection
    they set off would scan the whole story just loaded for nothing (0.3 s of CPU of
    about 0.6 at 10,000 scenes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out: list[Diagnostic] = []
        from .ranges import written_variables  # as _out_of_range's Ranges
        seen = reachable(story)  # each read by two or three of them: worked out once
        written = written_variables(story)  # what some 'set:' or 'enter:' changes
        out += _unreachable(story, seen)
        out += _variables(story)
        out += _impossible_conditions(story, seen, written)
        out += _out_of_range(story, seen, written)
        out += _no_fallback(story)
        out += _hidden_fallbacks(story)
        return sorted(out, key=Diagnostic.sort_key)
    finally:
        if was_enabled:
            gc.enable()


def _diag(where: Location | None, code: str, message: str, hint: str | None,
          story: Story) -> Diagnostic:
    if where is None:
        return Diagnostic(story.root, 0, 0, code, message, hint, "warning")
    return Diagnostic(where.file, where.line, where.column, code, message, hint, "warning")


def _unreachable(story: Story, seen: set[str]) -> list[Diagnostic]:
    targeted = {r.scene for s in story.scenes.values() for c in s.choices
                for r in c.goto.routes if r.scene != s.id}
    out = []
    for scene in story.scenes.values():
        if scene.id in seen:
            continue
        if scene.is_ending:
            how = ("no choice leads to it" if scene.id not in targeted else
                   "the choices that lead to it are in scenes no player can reach")
            out.append(_diag(scene.where, "unreachable-ending",
                             f"ending '{scene.id}' ({scene.ending}) has no way in: {how}",
                             f"add a choice with 'goto: {scene.id}' in a scene the player "
                             "can reach", story))
        else:
            out.append(_diag(scene.where, "unreachable-scene",
                             f"scene '{scene.id}' cannot be reached from the start "
                             f"('{story.start}')",
                             f"add a choice with 'goto: {scene.id}', or remove the scene",
                             story))
    return out


def _shown_reads(story: Story) -> set[str]:
    """What titles and the stats screen read: a variable shown there is used."""
    read: set[str] = set()
    for scene in story.scenes.values():
        if scene.title_template is not None:
            read |= scene.title_template.reads
    for stat in story.stats:
        read.add(stat.variable)
        if stat.condition is not None:
            read |= stat.condition.reads
    return read


def _variables(story: Story) -> list[Diagnostic]:
    read: set[str] = _shown_reads(story)
    written: set[str] = set()
    for scene in story.scenes.values():
        read |= scene.text.reads
        for c in scene.choices:
            read |= c.text.reads
            if c.locked is not None:
                read |= c.locked.reads
            if c.reply is not None:
                read |= c.reply.reads
    for kind, expr in transition_exprs(story):
        if kind.startswith("set:"):
            written.add(kind[4:])
            read |= expr.reads - {kind[4:]}  # 'dust: dust + 1' alone is no use of dust
        else:
            read |= expr.reads
    out = []
    for var in story.variables.values():
        if var.name not in read:
            out.append(_diag(var.where, "variable-never-read",
                             f"variable '{var.name}' is never read: no condition, text or "
                             "other variable's effect uses it",
                             "use it in an 'if:' or in text as {{ " + var.name + " }}, "
                             "or remove it", story))
        elif var.name not in written:
            out.append(_diag(var.where, "variable-never-set",
                             f"variable '{var.name}' is never set: it keeps its starting "
                             f"value {var.initial!r} all story long",
                             f"change it in a choice with 'set: {{ {var.name}: ... }}', or "
                             "leave it if it is meant to be a constant", story))
    return out


class _Frozen:
    """Stands in for a State when evaluating a condition that reads no State."""

    visits: dict = {}
    taken: dict = {}
    seed = 0
    turn = 0


def _impossible_conditions(story: Story, seen: set[str], written: set[str],
                           ) -> list[Diagnostic]:
    """Conditions that read only constants (or variables no choice ever sets) and
    are false for those values."""
    values = story.initial_variables()
    never_visited = set(story.scenes) - seen  # visits() of these stays 0
    out = []
    for scene in story.scenes.values():
        for c in scene.choices:
            for what, expr in _conditions(c):
                if expr.scenes - never_visited or expr.reads & written or \
                        uses_random(expr) or "taken" in calls(expr) or _holds(expr, values):
                    continue
                out.append(_never_true(story, scene, c, what, expr, values))
    return out


def _conditions(c: Choice) -> list[tuple[str, Expr]]:
    """("choice", its `if:`) and ("route N", each route's condition) of a choice."""
    checks = [("choice", c.condition)] if c.condition is not None else []
    checks += [(f"route {i + 1}", r.condition) for i, r in enumerate(c.goto.routes)
               if r.condition is not None]
    return checks


def _holds(expr: Expr, values: dict) -> bool:
    """Whether a condition of constants holds (True when working it out fails)."""
    try:
        return bool(expr.fn(values, _Frozen))
    except EVAL_ERRORS:
        return True


def _never_true(story: Story, scene: Scene, c: Choice, what: str, expr: Expr,
                values: dict) -> Diagnostic:
    """The warning for a condition of constants that is always false."""
    consts = sorted(expr.reads)
    parts = [f"'{n}' (always {values[n]!r})" for n in consts] + \
        [f"visits of '{x}' (always 0: no player reaches it)"
         for x in sorted(expr.scenes)]
    why = ("it is always false" if not parts else
           "it reads only " + ", ".join(parts) + ", which nothing changes")
    where = (_key_location(c, "if") if what == "choice"
             else c.goto.routes[int(what.split()[1]) - 1].where)
    subject = (f"choice {c.index + 1} of scene '{scene.id}'" if what == "choice"
               else f"{what} of choice {c.index + 1} in scene '{scene.id}'")
    return _diag(where or c.where, "condition-never-true",
                 f"the condition of {subject} can never hold: "
                 f"'{expr.source.strip()}'; {why}",
                 "fix the condition, or set the variable in some choice", story)


def _out_of_range(story: Story, seen: set[str], written: set[str]) -> list[Diagnostic]:
    """Conditions on variables that do change, but never into the values tested:
    `apples > 5` when apples only counts up from 0 while below 2 (ranges.py)."""
    from .ranges import Ranges
    ranges = Ranges(story, reach=seen, written=written)
    out = []
    for sid in seen:
        scene = story.scenes[sid]
        for c in scene.choices:
            checks: list[tuple[str, Expr, Location | None]] = \
                [("choice", c.condition, None)] if c.condition else []
            checks += [(f"route {i + 1}", r.condition, r.where)
                       for i, r in enumerate(c.goto.routes) if r.condition is not None]
            for what, expr, where in checks:
                names = ranges.never(expr)
                if names is None or not set(names) & ranges.written:
                    continue  # unchanged variables: _impossible_conditions says it
                if what == "choice":
                    where = _key_location(c, "if")  # reads the file: only when reporting
                subject = (f"choice {c.index + 1} of scene '{sid}'" if what == "choice"
                           else f"{what} of choice {c.index + 1} in scene '{sid}'")
                why = "; ".join(ranges.describe(n) for n in names)
                out.append(_diag(where or c.where, "condition-never-true",
                                 f"the condition of {subject} can never hold: "
                                 f"'{expr.source.strip()}'; {why} (from its starting value "
                                 "and every 'set:' of it)",
                                 "fix the condition, or the 'set:' meant to let it hold",
                                 story))
    return out


def _hidden_fallbacks(story: Story) -> list[Diagnostic]:
    """A fallback shows only when no other choice is available; next to a choice
    with no condition that is never once-only, it never shows."""
    out = []
    for scene in story.scenes.values():
        always = next((c for c in scene.choices if c.condition is None and not c.once
                       and not c.fallback), None)
        if always is None:
            continue
        for c in scene.choices:
            if c.fallback:
                out.append(_diag(c.where, "fallback-never-shown",
                                 f"choice {c.index + 1} of scene '{scene.id}' is a fallback, "
                                 f"but choice {always.index + 1} has no condition and is "
                                 "always available, so the fallback never appears",
                                 f"give choice {always.index + 1} an 'if:', or remove the "
                                 "fallback", story))
    return out


def _no_fallback(story: Story) -> list[Diagnostic]:
    out = []
    for scene in story.scenes.values():
        if scene.is_ending or not scene.choices:
            continue
        if any(c.fallback for c in scene.choices):
            continue
        if any(c.condition is None and not c.once for c in scene.choices):
            continue
        once = any(c.once for c in scene.choices)
        what = "conditional or once-only" if once else "conditional"
        out.append(_diag(scene.where, "no-fallback",
                         f"every choice of scene '{scene.id}' is {what}, and there is "
                         "no fallback: a player for whom none is available is stuck",
                         "add a choice with 'fallback: true', or run "
                         f"{quoted('explore', story.root)} to see whether any player "
                         "really gets stuck here", story))
    return out


_KEY = re.compile(r"([A-Za-z_]+)[ \t]*:[ \t]*")


def _key_location(c: Choice, key: str) -> Location | None:
    """Where the value of a choice's ``key:`` is written, found in the source lines
    below Choice.where (the loader keeps positions of choices, not of their keys)."""
    where = c.where
    if where is None:
        return None
    lines = _lines(where.file)
    indent = where.column - 1
    for n in range(where.line - 1, min(len(lines), where.line + 60)):
        line = lines[n]
        if n > where.line - 1:
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            lead = len(line) - len(line.lstrip(" "))
            if lead < indent:
                break  # the next choice, or the next scene
            if lead > indent:
                continue
        m = _KEY.match(line, indent)
        if m and m.group(1) == key:
            return Location(where.file, n + 1, m.end() + 1)
    return None


_LINE_CACHE: dict[str, list[str]] = {}


def _lines(path: str) -> list[str]:
    if path not in _LINE_CACHE:
        try:
            _LINE_CACHE[path] = Path(path).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            _LINE_CACHE[path] = []
    return _LINE_CACHE[path]


def source_line(d: Diagnostic) -> str | None:
    """The author's line a diagnostic points at, or None when it cannot be read."""
    if d.line <= 0:
        return None
    try:
        text = Path(d.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.lstrip("\ufeff").split("\n")
    return lines[d.line - 1] if d.line <= len(lines) else None


_COLOR = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m"}
_BOLD, _CARET, _DIM, _RESET = "\x1b[1m", "\x1b[1;32m", "\x1b[2m", "\x1b[0m"


_WIDTH = 100  # of source shown under a diagnostic


def _printable(d: Diagnostic) -> Diagnostic:
    """A story's own text (a key, a file name) may hold control characters or bidi
    marks: they are shown visibly (sanitize.visible), never sent to the terminal."""
    from dataclasses import replace
    clean: dict[str, Any] = {f: visible(getattr(d, f), newlines=f != "file")
             for f in ("file", "message", "hint")
             if getattr(d, f) and not is_clean(getattr(d, f))}
    return replace(d, **clean) if clean else d


def render(d: Diagnostic, *, color: bool = False) -> str:
    """A diagnostic the way a compiler shows one: the `file:line:col: severity[code]
    message` line, then the source line with a caret under the spot, then the hint."""
    d = _printable(d)
    pos = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    sev = f"{d.severity}[{d.code}]"
    if color:
        first = f"{_BOLD}{pos}:{_RESET} {_COLOR.get(d.severity, '')}{sev}{_RESET} " \
                f"{_BOLD}{d.message}{_RESET}"
    else:
        first = f"{pos}: {sev} {d.message}"
    out = [first]
    src = source_line(d)
    if src is not None:
        src = src.replace("\t", " ")
        column = max(0, d.column - 1)
        column, src = len(visible(src[:column])), visible(src)  # the caret follows
        if len(src) > _WIDTH:  # a window of the line around the spot, not 20,000 columns
            start = max(0, min(column - _WIDTH // 2, len(src) - _WIDTH))
            src = ("…" if start else "") + src[start:start + _WIDTH] + \
                ("…" if start + _WIDTH < len(src) else "")
            column = column - start + (1 if start else 0)
        gutter = f"{d.line:>5} | "
        caret_pad = " " * (len(gutter) - 2) + "| " + " " * column
        if color:
            out.append(f"{_DIM}{gutter}{_RESET}{src}")
            out.append(f"{_DIM}{caret_pad[:len(gutter)]}{_RESET}{caret_pad[len(gutter):]}"
                       f"{_CARET}^{_RESET}")
        else:
            out.append(gutter + src)
            out.append(caret_pad + "^")
    if d.hint:
        out.append(f"    hint: {d.hint}")
    return "\n".join(out)
