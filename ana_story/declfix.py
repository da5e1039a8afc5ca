"""A variable declared with the wrong type, reported where it is declared.

``gold: "12"`` in story.yaml declares text, because of the quotes; every use of
``gold`` as a number is then a type error, far from the real mistake, and the hints
there point the wrong way ("give it text in quotes"). When a use fails to compile
only because such a variable has the type its starting value merely looks like
(``"12"`` a number, ``"true"`` or ``"yes"`` true/false), the use is not reported;
the declaration is, once, with the fix.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import Diagnostic
from .expressions import TYPE_NAMES, Env, ExprError
from .model import Variable

_INT = re.compile(r"^[-+]?[0-9]{1,16}$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$")
_BOOLS = {"true": "true", "false": "false", "yes": "true", "no": "false", "on": "true",
          "off": "false"}


def meant_as(value: str) -> tuple[str, str] | None:
    """(type, literal) that a text starting value looks like, if any."""
    v = value.strip()
    if _INT.match(v):
        return "int", str(int(v))
    if _FLOAT.match(v) and len(v) <= 32:
        return "float", v.lstrip("+")
    if v.lower() in _BOOLS:
        return "bool", _BOOLS[v.lower()]
    return None


@dataclass
class _Suspect:
    var: Variable
    type: str
    literal: str
    # each use the type explains: ((file, line, column), the report it would have had)
    uses: list = field(default_factory=list)
    mixed: bool = False  # some use needs it to be text: then it is not the declaration
    repeated: list = field(default_factory=list)  # (file, line, column) of a 'name * n'


class DeclFix:
    """Collects the uses that a wrong-typed declaration explains."""

    def __init__(self, variables: dict[str, Variable], env: Env):
        self.env = env
        self.suspects: dict[str, _Suspect] = {}
        for name, var in variables.items():
            if var.type == "str":
                meant = meant_as(var.initial)
                if meant:
                    self.suspects[name] = _Suspect(var, *meant)

    def _named(self, src: str, target: str | None) -> list[str]:
        return [n for n in self.suspects
                if n == target or re.search(rf"(?<![\w.]){n}(?!\w)", src)]

    def _compiles(self, recompile: Callable[[Env, dict], object], group: list[str]) -> bool:
        types = dict(self.env.variables)
        types.update({n: self.suspects[n].type for n in group})
        try:
            recompile(Env(types, self.env.scenes, lists=self.env.lists,
                          functions=self.env.functions, snippets=self.env.snippets), types)
        except ExprError:
            return False
        return True

    def explains(self, e: ExprError, src: str, recompile: Callable[[Env, dict], object],
                 where: tuple[str, int, int], report: Callable[[], None],
                 target: str | None = None) -> bool:
        """True (and the use noted) when ``recompile`` succeeds once some suspects get
        the type their value looks like. ``recompile(env, types)`` compiles the same
        source against ``env``; ``types`` maps each variable to its type there.
        ``report`` gives the use's own error, should the declaration not explain it after
        all; ``target`` is the variable a `set:` value goes to."""
        if e.code != "type-mismatch" or not self.suspects:
            return False
        named = self._named(src, target)
        for group in [[n] for n in named] + ([named] if len(named) > 1 else []):
            if self._compiles(recompile, group):
                for n in group:
                    self.suspects[n].uses.append((where, report))
                return True
        return False

    def fits(self, src: str, recompile: Callable[[Env, dict], object],
             target: str | None = None,
             where: Callable[[int], tuple[str, int, int]] | None = None) -> None:
        """Note a use that compiled as declared: if it would not compile with the type
        the value looks like, the variable is meant as text after all."""
        if not self.suspects:
            return
        for n in self._named(src, target):
            s = self.suspects[n]
            if not s.mixed and not self._compiles(recompile, [n]):
                s.mixed = True
            m = re.search(rf"(?<![\w.]){n}\s*\*(?!\*)|(?<!\*)\*\s*{n}(?!\w)", src) \
                if where and s.type in ("int", "float") else None
            if m and where is not None:  # "12" * 2 is "1212": text repeated, no error
                s.repeated.append(where(m.start()))

    def finish(self, emit: Callable[[Diagnostic], None]) -> None:
        """One error per wrong-typed declaration, at the declaration; for a variable
        some uses need as text, each use's own error instead."""
        reported: set[int] = set()
        for name, s in self.suspects.items():
            if s.uses and s.mixed:
                for _where, report in s.uses:
                    if id(report) not in reported:
                        reported.add(id(report))
                        report()
            elif s.uses:
                emit(self._declaration_error(name, s))
            elif s.repeated and not s.mixed:
                emit(self._repeated_warning(name, s))

    def _repeated_warning(self, name: str, s: _Suspect) -> Diagnostic:
        file, line, col = s.repeated[0]
        return _at_declaration(
            s, f"'{name}' starts as the text \"{s.var.initial}\", so '*' repeats it as text "
            f"(at {file}:{line}:{col}: {name} * 2 would show "
            f"\"{s.var.initial * 2}\"), not a number",
            f"did you mean '{name}: {s.literal}'? In quotes, a value is text",
            severity="warning")

    def _declaration_error(self, name: str, s: _Suspect) -> Diagnostic:
        file, line, col = s.uses[0][0]
        n = len(s.uses)
        return _at_declaration(
            s, f"'{name}' starts as the text \"{s.var.initial}\", but "
            f"{'a use treats' if n == 1 else f'{n} uses treat'} it as "
            f"{TYPE_NAMES[s.type]} (first at {file}:{line}:{col})",
            f"did you mean '{name}: {s.literal}'? " + (
                "Only true and false are true/false: yes, no, on and off are text"
                if s.type == "bool" and s.literal != s.var.initial.strip().lower()
                else "In quotes, a value is text"))


def _at_declaration(s: _Suspect, message: str, hint: str,
                    severity: str = "error") -> Diagnostic:
    """A `declared-type` finding, placed where the variable was declared."""
    loc = s.var.where
    return Diagnostic(loc.file if loc else "", loc.line if loc else 0,
                      loc.column if loc else 0, "declared-type", message, hint,
                      severity=severity)
