"""A choice: its plain fields from the walk, then its text, condition, effects,
locked reason and goto compiled."""
from __future__ import annotations

import yaml

from .. import storyformat as sf
from ..expressions import Env, Expr, Template
from ..model import Choice, Goto, Route
from ..yamlread import FLOAT, INT
from .gotos import Gotos
from .reader import Walked, YamlFile, suggest_key


class Choices(Gotos):
    def build_choice(self, f: YamlFile, sid: str, i: int, node, env: Env,
                     keys: dict) -> Choice | None:
        what = f"choice {i + 1} of scene '{sid}'"
        w = self.walk(f, node, what, sf.CHOICE)
        if w is None:
            return None
        ok = not w.failed("once", "fallback")
        key = f"{sid}.{i}"
        cid = w.values.get("id")
        if cid is not None:
            if cid in keys:
                self.error(f, w.node("id"), "duplicate-key",
                           f"two choices of scene '{sid}' have the id '{cid}'")
                ok = False
            keys[cid] = True
            key = f"{sid}.{cid}"
        said = sf.CHOICE.field
        self.choice_key = key  # its place (exprs.py): choice <key>.text, .set.<name>...
        text = self.template(f, w.node("text"), said("text").said, env, f"choice {key}.text",
                             ("menu",)) if "text" in w else None
        condition = None
        if "if" in w:
            condition = self.expression(f, w.node("if"), said("if").said, env, "bool",
                                        part=f"choice {key}.if")
            ok &= condition is not None
        effects = self.effects(f, w.node("set"), env, f"choice {key}.set") if "set" in w \
            else []
        locked = self.locked(f, w, env)
        goto, reply, stay = self.destination(f, sid, w, node, env)
        if text is None or effects is None or goto is None or "locked" in w and locked is None:
            ok = False
        if not ok:
            return None
        assert text is not None and goto is not None and effects is not None
        return Choice(key=key, index=i, text=text, goto=goto, condition=condition,
                      effects=tuple(effects), locked=locked, where=self.where(f, node),
                      reply=reply, stay=stay, **sf.plain_values(sf.CHOICE, w.values))

    def destination(self, f: YamlFile, sid: str, w: Walked, node,
                    env: Env) -> tuple[Goto | None, Template | None, bool]:
        """The choice's goto (this scene's own when it stays), its reply, and whether
        it stays."""
        reply = self.template(f, w.node("reply"), sf.CHOICE.field("reply").said, env,
                              f"choice {self.choice_key}.reply", ("taken", self.choice_key)) \
            if "reply" in w else None
        if "reply" in w and reply is None:
            return None, None, "goto" not in w
        if "goto" in w:
            return self.goto(f, w.node("goto"), env), reply, False
        return self.stay(f, sid, w, node), reply, True

    def stay(self, f: YamlFile, sid: str, w: Walked, node) -> Goto | None:
        """A choice without 'goto' stays in its scene: it must say or change something,
        and a fallback (the way out when nothing else is open) may not stay."""
        if w.values.get("fallback"):
            self.error(f, w.nodes["fallback"][0], "fallback-stays",
                       "a fallback must leave the scene, but this one has no 'goto'",
                       "add 'goto: <scene id>': a fallback is the way out when nothing "
                       "else is open, so staying would leave the player where they were")
            return None
        if any(k.value not in sf.CHOICE.keys for k, _ in node.value):
            return None  # a misspelt key, 'gotoo' say, is already reported
        if "reply" not in w and "set" not in w:
            self.error(f, node, "missing-key", f"choice without 'goto' in scene '{sid}' "
                       "neither replies nor changes anything",
                       "add 'goto: <scene id>' to say where the choice leads, or a "
                       "'reply:' (or 'set:') to stay in the scene")
            return None
        return Goto((Route(sid, where=self.where(f, node)),))

    def locked(self, f: YamlFile, w: Walked, env: Env):
        if "locked" not in w:
            return None
        locked = self.template(f, w.node("locked"), sf.CHOICE.field("locked").said, env,
                               f"choice {self.choice_key}.locked", ("menu",))
        if "if" not in w:
            self.error(f, w.nodes["locked"][0], "locked-without-if",
                       "'locked' explains why a choice is unavailable, but this choice "
                       "has no 'if'", "add an 'if:' condition or remove 'locked'",
                       severity="warning")
        return locked

    def effects(self, f: YamlFile, node, env: Env,
                part: str | None = None) -> list[tuple[str, Expr]] | None:
        """'set:': each variable's new value compiled (at ``part``.<name> of the scene);
        None when any is wrong."""
        sm = self.mapping(f, node, "'set'")
        ok = sm is not None
        effects = []
        for name, (kn, vn) in (sm or {}).items():
            var = env.variables.get(name)
            if var is None:
                self.error(f, kn, "undeclared-variable", f"unknown variable '{name}'",
                           suggest_key(name, env.variables)
                           or "declare it under 'variables:' in story.yaml")
                ok = False
                continue
            if self.signed(f, name, vn):
                ok = False
                continue
            expr = self.expression(f, vn, f"the new value of '{name}'", env, var, target=name,
                                   part=f"{part}.{name}" if part else None)
            if expr is None:
                ok = False
            else:
                effects.append((name, expr))
        return effects if ok else None

    def signed(self, f: YamlFile, name: str, vn) -> bool:
        """'craft: +1' sets rather than adds: an error (True); '-1' a warning."""
        if not (isinstance(vn, yaml.ScalarNode) and not vn.style and
                vn.tag in (INT, FLOAT) and vn.value[:1] in "+-"):
            return False
        sign = vn.value[0]
        amount = vn.value[1:]
        op = "add" if sign == "+" else "subtract"
        msg = (f"'{name}: {vn.value}' sets {name} to {vn.value.lstrip('+')}; "
               f"it does not {op} {amount}")
        hint = (f"write '{name}: {name} {sign} {amount}' to {op}, or "
                f"'{name}: {vn.value.lstrip('+')}' to set it")
        if sign == "+":
            self.error(f, vn, "ambiguous-increment", msg, hint)
            return True
        self.error(f, vn, "ambiguous-decrement", msg, hint, severity="warning")
        return False
