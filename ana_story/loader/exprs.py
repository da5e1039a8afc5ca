"""Expressions and templates compiled where they are written, their errors placed at
the character, and the scenes they name noted for the reference check.

Each is compiled in its place (Env.place): the scene being read (``in_scene``),
and the part of it, ``text`` or ``choice <key>.set.<variable>``, which names
its stable random sites and says how a variation block there counts showings."""
from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from .. import yamlread
from ..expressions import TYPE_NAMES, Env, Expr, ExprError, Template, compile_expr, compile_template
from ..model import Location
from .files import FileReader
from .reader import YamlFile


class Exprs(FileReader):
    choice_key = ""  # the choice being read: its parts are "choice <key>.<part>"
    scene_id = ""  # the scene being read ("" in story.yaml)
    scene_node = None  # its record

    def in_scene(self, sid: str, node) -> None:
        """Compile what follows as scene ``sid``'s, whose record is ``node``."""
        self.scene_id, self.scene_node = sid, node

    def menu(self) -> tuple[str, ...]:
        """The keys of the scene's choices, read ahead of building them: a label's
        variation counts the menu's showings by their takes ("menu" in Env.place)."""
        sid, keys = self.scene_id, []
        cn = next((v for k, v in _pairs(self.scene_node)
                   if isinstance(k, yaml.ScalarNode) and k.value == "choices"), None)
        for i, item in enumerate(cn.value if isinstance(cn, yaml.SequenceNode) else ()):
            cid = next((v.value for k, v in _pairs(item)
                        if isinstance(k, yaml.ScalarNode) and k.value == "id"
                        and isinstance(v, yaml.ScalarNode)), None)
            keys.append(f"{sid}.{cid if cid is not None else i}")
        return tuple(keys)

    def compile_failed(self, f: YamlFile, node, e: ExprError, what: str, src: str, recompile,
                       target: str | None = None) -> None:
        """Report a compile error, unless a wrong-typed declaration explains it (see
        declfix, which then reports it at the declaration, or the use after all)."""
        def report() -> None:
            self.expr_error(f, node, e, what)
        where = (f.path, *self.pos_in(f, node, e.offset))
        if self.declfix is None or not self.declfix.explains(e, src, recompile, where, report,
                                                              target):
            report()

    def expr_error(self, f: YamlFile, node, e: ExprError, what: str) -> None:
        hint = e.hint
        if e.code == "undeclared-variable":  # 'no' is false, not a misspelt 'n'
            word = yamlread.bool_word_hint(e.message)
            if word and hint and hint.startswith("did you mean"):
                word += f"; or {hint}"
            hint = word or hint
        self.error(f, self.pos_in(f, node, e.offset), e.code, f"{what}: {e.message}", hint)

    def template(self, f: YamlFile, node, what: str, env: Env, part: str | None = None,
                 shown: tuple[str, ...] = ()) -> Template | None:
        """Compile a text at ``part`` of the scene (``what`` when not given); ``shown``
        says how a variation block in it counts its showings (Env.place)."""
        src = self.text(f, node, what, prose=True)
        if src is None:
            return None
        if shown == ("menu",) and "{" in src:  # a label: its keys, when it may vary
            shown = ("menu", *self.menu())
        env.place(self.scene_id, part or what, shown)
        def recompile(env2: Env, types: dict) -> Template:
            env2.place(self.scene_id, part or what, shown)
            return compile_template(src, env2)
        named = len(env.taken)
        # a text without {{ }} or {% %} is compiled once per source (Reader.plain_texts)
        t = self.plain_texts.get(src)
        try:
            if t is None:
                t = compile_template(src, env)
        except ExprError as e:
            self.compile_failed(f, node, e, what, src, recompile)
            return None
        if len(env.taken) > named:
            self.note_choice_uses(f, node, list(env.taken)[named:])
        if t.place is not None and t.place.shown and shown[0] != "visits":
            # the State counts the takes it reads
            env.taken.update(dict.fromkeys(shown[1:]))
        if self.declfix is not None and self.declfix.suspects:
            self.declfix.fits(src, recompile,
                              where=lambda at: (f.path, *self.pos_in(f, node, at)))
        if t.scenes:
            self.note_scene_uses(f, node, t.scenes)
        if t.const is not None:  # the same for every text with its source: kept
            self.plain_texts[src] = t
            return t
        return t.at(Location(f.path, *self.pos_in(f, node, 0)),  # for run-time errors
                    self.mark_wheres(f, node, t.marks))

    def expression(self, f: YamlFile, node, what: str, env: Env, want: str | None,
                   target: str | None = None, part: str | None = None) -> Expr | None:
        """Compile an expression at ``part`` of the scene (``what`` when not given);
        ``target`` is the variable a `set:` value goes to."""
        src = self.text(f, node, what)
        if src is None:
            return None
        env.place(self.scene_id, part or what)
        def recompile(env2: Env, types: dict) -> Expr:
            return compile_expr(src, env2, want=types[target] if target else want)
        named = len(env.taken)
        try:
            expr = compile_expr(src, env, want=want)
        except ExprError as e:
            if target is not None and want is not None:
                e.hint = _set_hint(e, target, want, src.strip())
            self.compile_failed(f, node, e, what, src, recompile, target)
            return None
        if len(env.taken) > named:
            self.note_choice_uses(f, node, list(env.taken)[named:])
        if self.declfix is not None and self.declfix.suspects:
            self.declfix.fits(src, recompile, target,
                              lambda at: (f.path, *self.pos_in(f, node, at)))
        if expr.scenes:
            self.note_scene_uses(f, node, expr.scenes)
        return expr.at(Location(f.path, *self.pos_in(f, node, 0)))  # for run-time errors

    def scene_ref(self, f: YamlFile, node) -> str | None:
        """A scene named by a goto; checked against every scene once all are read."""
        sid = self.text(f, node, "the scene to go to")
        if sid is not None:
            self.refs.append((f.path, node.start_mark.line + 1, node.start_mark.column + 1,
                              sid))
        return sid

    def note_scene_uses(self, f: YamlFile, node, used: Iterable[str]) -> None:
        """Record the scenes an expression names in visits()/seen(), at their quotes."""
        for sid in used:
            off = max(node.value.find(f"'{sid}'"), node.value.find(f'"{sid}"'), 0)
            line, col = self.pos_in(f, node, off)
            self.refs.append((f.path, line, col, sid))

    def note_choice_uses(self, f: YamlFile, node, used: Iterable[str]) -> None:
        """Record the choices an expression names in taken(), at their quotes; they
        are checked once every scene is built (LoaderChecks.check_choices)."""
        for key in used:
            off = max(node.value.find(f"'{key}'"), node.value.find(f'"{key}"'), 0)
            line, col = self.pos_in(f, node, off)
            self.choice_refs.append((f.path, line, col, key))


def _set_hint(e: ExprError, name: str, want: str, src: str) -> str | None:
    """Hints for `set:` values, which read differently from conditions."""
    if e.code == "undeclared-variable" and want == "str" and e.hint and \
            e.hint.startswith("declare"):
        return f"to store the text {src}, quote it inside: {name}: \"'{src}'\""
    if e.code == "expression-syntax" and want == "str" and not e.hint and \
            re.fullmatch(r"[^\W\d][\w'’,.!?-]*(?:\s+[\w'’,.!?-]+)+", src):
        inner = src.replace("'", "\\'")  # words, not an expression: 'Hello there'
        return f"to store the text {src}, quote it inside: {name}: \"'{inner}'\""
    if e.code == "type-mismatch" and e.message.startswith("this gives") and \
            want in TYPE_NAMES:
        examples = {"bool": "true, false or a comparison such as x > 2",  # no story's names
                    "int": f"a whole number, such as {name} + 1 or round(x)",
                    "float": f"a number, such as 2.5 or {name} - 0.5",
                    "str": "text in quotes, such as 'Paris', or str(x) of a number x"}
        return f"'{name}' holds {TYPE_NAMES[want]}: give it {examples[want]}"
    return e.hint


def _pairs(node) -> list:
    """A mapping node's (key, value) pairs; none for anything else (a choice written as
    a bare word, which the choice's own reading reports)."""
    return node.value if isinstance(node, yaml.MappingNode) else []
