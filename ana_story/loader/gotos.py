"""The three forms of 'goto': a scene id, a list of routes, or a random pick."""
from __future__ import annotations

import yaml

from .. import storyformat as sf
from .. import yamlread
from ..expressions import Env
from ..model import Goto, Route
from .exprs import Exprs
from .reader import YamlFile


class Gotos(Exprs):
    def goto(self, f: YamlFile, node, env: Env) -> Goto | None:
        if isinstance(node, yaml.ScalarNode):
            sid = self.scene_ref(f, node)
            return None if sid is None else Goto((Route(sid, where=self.where(f, node)),))
        if isinstance(node, yaml.MappingNode):
            return self.goto_map(f, node, env)
        if isinstance(node, yaml.SequenceNode):
            return self.goto_routes(f, node, env)
        self.error(f, node, "wrong-type", "'goto' should name a scene")
        return None

    def goto_map(self, f: YamlFile, node, env: Env) -> Goto | None:
        """goto's mapping forms: {random: ...}, {call: S}, {return: true | S}."""
        m = self.mapping(f, node, "'goto'", sf.GOTO_MAP)
        if not m:
            return None
        forms = [k for k in ("random", "call", "return") if k in m]
        if len(forms) != 1:
            self.error(f, node, "missing-key" if not forms else "goto-forms",
                       "'goto' should hold one of 'random', 'call' or 'return'"
                       + ("" if not forms else f", not {' and '.join(forms)}"),
                       "write 'goto: {call: <scene id>}', 'goto: {return: true}' or "
                       "'goto: {random: [a, b]}'; to choose between them, use two choices "
                       "with 'if:'")
            return None
        if forms[0] != "random":
            return self.goto_tunnel(f, forms[0], m[forms[0]][1])
        return self.goto_random(f, m["random"][1], env)

    def goto_random(self, f: YamlFile, rn, env: Env) -> Goto | None:
        """{random: [a, b]} or {random: {a: 3, b: 1}}: a seeded pick."""
        if isinstance(rn, yaml.SequenceNode):
            if not self.fresh(f, rn, "'random'"):
                return None
            routes = []
            for x in rn.value:
                sid = self.scene_ref(f, x)
                if sid is not None:
                    routes.append(Route(sid, where=self.where(f, x)))
            bad = len(routes) != len(rn.value)
        elif isinstance(rn, yaml.MappingNode):
            routes, bad = self.random_weights(f, rn)
        else:
            self.error(f, rn, "wrong-type", "'random' should list scenes: "
                       "random: [attic, market]")
            return None
        if not routes and not bad:
            self.error(f, rn, "missing-value", "'random' lists no scenes")
        if bad or not routes:
            return None
        env.place(self.scene_id, f"choice {self.choice_key}.goto")
        return Goto(tuple(routes), random=True, site=env.site())

    def goto_tunnel(self, f: YamlFile, form: str, vn) -> Goto | None:
        """{call: S}: a tunnel into S; {return: true}: back to the caller; {return: S}:
        the call ended, on to S."""
        if form == "return" and isinstance(vn, yaml.ScalarNode) and vn.tag == yamlread.BOOL:
            if yamlread.scalar_value(vn) is True:
                return Goto((), kind="return")
            self.error(f, vn, "wrong-type", "'return: false' does not return",
                       "write 'return: true' to come back to the scene that called, or "
                       "'return: <scene id>' to go on to that scene")
            return None
        if not isinstance(vn, yaml.ScalarNode) or vn.tag == yamlread.NULL:
            self.error(f, vn, "wrong-type", f"'{form}' should name a scene" +
                       (" (or be true)" if form == "return" else ""),
                       f"write '{form}: <scene id>'")
            return None
        sid = self.scene_ref(f, vn)
        return None if sid is None else Goto((Route(sid, where=self.where(f, vn)),),
                                             kind=form)

    def random_weights(self, f: YamlFile, rn) -> tuple[list[Route], bool]:
        """'random: {a: 3, b: 1}': the routes, and whether any weight was wrong."""
        wm = self.mapping(f, rn, "'random'") or {}
        routes = []
        for sid, (kn, vn) in wm.items():
            self.refs.append((f.path, kn.start_mark.line + 1, kn.start_mark.column + 1, sid))
            w = None
            if isinstance(vn, yaml.ScalarNode) and vn.tag in (yamlread.INT, yamlread.FLOAT):
                w = yamlread.scalar_value(vn)  # by YAML 1.2's rules, never raising
            if w is None or not (0 < w < 1e9):
                self.error(f, vn, "wrong-type", "a random weight should be a positive number")
                continue
            routes.append(Route(sid, weight=w, where=self.where(f, kn)))
        return routes, len(routes) != len(wm)

    def goto_routes(self, f: YamlFile, node, env: Env) -> Goto | None:
        if not self.fresh(f, node, "'goto'"):
            return None
        routes, ok = [], True
        last = len(node.value) - 1
        for j, item in enumerate(node.value):
            route = self.route(f, item, env, j == last)
            ok &= route is not None
            if ok and route is not None:
                routes.append(route)
        if not node.value:
            self.error(f, node, "missing-value", "'goto' lists no routes")
            return None
        if ok and routes[-1].condition is not None:
            self.error(f, node.value[-1], "goto-no-default",
                       "the last route of 'goto' has an 'if', so the choice might lead "
                       "nowhere", "give the last route no 'if': it is where the choice "
                       "goes when no other condition holds")
            return None
        return Goto(tuple(routes)) if ok else None

    def route(self, f: YamlFile, item, env: Env, last: bool) -> Route | None:
        """One '- if: ..., to: ...' of a list of routes."""
        w = self.walk(f, item, "a route of 'goto'", sf.ROUTE)
        if w is None or "to" not in w:
            return None
        cond = None
        if "if" in w:
            cond = self.expression(f, w.node("if"), sf.ROUTE.field("if").said, env, "bool",
                                   part=f"choice {self.choice_key}.goto")
        elif not last:
            self.error(f, item, "unreachable-route", "only the last route may "
                       "leave out 'if'; the routes after this one can never be taken",
                       severity="warning")
        sid = w.values["to"]
        if sid is not None:
            to = w.node("to")
            self.refs.append((f.path, to.start_mark.line + 1, to.start_mark.column + 1, sid))
        if sid is None or "if" in w and cond is None:
            return None
        return Route(condition=cond, where=self.where(f, item),
                     **sf.plain_values(sf.ROUTE, w.values))
