"""story.yaml's ``functions:`` and ``snippets:``, read against their records
(storyformat.FUNCTION, SNIPPET), checked once where they are written, and put into
the Env so that calls and includes anywhere compile with them.

Why here, before any scene: a call is typed where it is written, so each
function must be known (parameters, type, body) when the first scene compiles.
The call and include graphs are checked acyclic first: a cycle is named once, with
its members, and nothing of it is compiled (inlining it would never end).
"""
from __future__ import annotations

import keyword
import re

import yaml

from .. import storyformat as sf
from ..expressions import FUNCTIONS, Env, ExprError
from ..expressions.functions import calls_in, compile_function, find_cycle
from ..expressions.snippets import VARIATION, SnippetText, includes_in, placeholders
from ..expressions.templates import build
from ..model import Function, Snippet
from ..yamlread import NULL
from .reader import YamlFile, suggest_key
from .storyfile import StoryFile

_VAR = re.compile(sf.VAR)
_WORDS = ("true", "false", "True", "False")

Entry = tuple[str, tuple[tuple[str, str], ...], str, object, object]  # name, params, src, kn, vn


class Reuse(StoryFile):
    def reuse(self, meta: dict, env: Env) -> None:
        """Read ``functions:`` and ``snippets:`` into ``env`` and ``meta``."""
        f, nodes = meta["file"], meta["nodes"]
        meta["functions"] = self.functions(f, nodes["functions"][1], env) \
            if "functions" in nodes else ()
        meta["snippets"] = self.snippets(f, nodes["snippets"][1], env) \
            if "snippets" in nodes else ()

    # ---- names and parameters -----------------------------------------------------------

    def own_name(self, f: YamlFile, kn, name: str, what: str, env: Env) -> bool:
        """Whether ``name`` may name a function (or a parameter): a variable's kind of
        name, and neither a story function nor a variable."""
        if not _VAR.match(name) or keyword.iskeyword(name) or name in _WORDS:
            self.error(f, kn, "bad-name", f"'{name}' cannot be {what}",
                       "use letters, digits and '_', starting with a letter, and not a "
                       "word of the story language (true, false, and, or, not, if, else)")
            return False
        if name in FUNCTIONS or name in env.functions:
            whose = "the story language" if name in FUNCTIONS else "the story"
            self.error(f, kn, "bad-name", f"'{name}' cannot be {what}: it is a function "
                       f"of {whose}", "choose another name")
            return False
        if name in env.variables:
            self.error(f, kn, "bad-name", f"'{name}' cannot be {what}: it is a story "
                       "variable", "choose another name, so that one name means one thing")
            return False
        return True

    def params(self, f: YamlFile, node, owner: str, env: Env) -> tuple[tuple[str, str], ...] | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
            return ()
        entries = self.mapping(f, node, f"the parameters of {owner}")
        if entries is None:
            return None
        out, ok = [], True
        for name, (kn, vn) in entries.items():
            ok = self.own_name(f, kn, name, f"the name of a parameter of {owner}", env) and ok
            word = self.text(f, vn, f"the type of '{name}'")
            if word is None:
                ok = False
            elif word not in sf.PARAM_TYPES:
                self.error(f, vn, "wrong-type", f"'{word}' is not a type a parameter can "
                           "have", suggest_key(word, sf.PARAM_TYPES) or
                           "the types are int, float, bool and str")
                ok = False
            else:
                out.append((name, sf.PARAM_TYPES[word]))
        return tuple(out) if ok else None

    # ---- functions ------------------------------------------------------------------------

    def functions(self, f: YamlFile, node, env: Env) -> tuple[Function, ...]:
        entries = self.mapping(f, node, "'functions'") or {}
        read: dict[str, Entry] = {}
        for name, (kn, vn) in entries.items():
            got = self.function_entry(f, name, kn, vn, env)
            if got is not None:
                read[name] = got
        graph = {n: [c for c in calls_in(e[2]) if c in entries] for n, e in read.items()}
        failed = self.cycles(f, read, graph, "the functions call each other in a circle",
                             "function-cycle", "a function cannot call itself, directly "
                             "or through others: write the repeated step out")
        out = []
        for name in _callees_first(graph):
            if name in failed or any(c in failed or c not in read for c in graph[name]):
                failed.add(name)  # its own error, or a callee's, says why
                continue
            made = self.function_body(f, read[name], env)
            if made is None:
                failed.add(name)
            else:
                out.append(made)
        return tuple(out)

    def function_entry(self, f: YamlFile, name: str, kn, vn, env: Env) -> Entry | None:
        what = f"the function '{name}'"
        if not self.own_name(f, kn, name, "a function's name", env):
            return None
        w = self.walk(f, vn, what, sf.FUNCTION, owner=kn)
        if w is None or "value" not in w:
            return None
        params = self.params(f, w.node("params"), what, env) if "params" in w else ()
        source = self.text(f, w.node("value"), f"{what}'s value")
        if params is None or source is None:
            return None
        return name, params, source, kn, w.node("value")

    def function_body(self, f: YamlFile, entry: Entry, env: Env) -> Function | None:
        name, params, source, _kn, vn = entry
        where = self.where(f, vn)
        named = len(env.taken)
        try:
            fn = compile_function(name, params, source, env, where)
        except ExprError as e:
            self.expr_error(f, vn, e, f"the function '{name}'")
            return None
        if len(env.taken) > named:
            self.note_choice_uses(f, vn, list(env.taken)[named:])
        if fn.scenes:
            self.note_scene_uses(f, vn, fn.scenes)
        env.functions[name] = fn
        return Function(name, params, source, where)

    def cycles(self, f: YamlFile, read: dict[str, Entry], graph: dict[str, list[str]],
               said: str, code: str, hint: str) -> set[str]:
        """Every cycle of ``graph`` reported at its first member; their names."""
        failed: set[str] = set()
        while True:
            cycle = find_cycle({n: [c for c in cs if c not in failed]
                                for n, cs in graph.items() if n not in failed})
            if cycle is None:
                return failed
            self.error(f, read[cycle[0]][4], code, f"{said}: {' -> '.join(cycle)}", hint)
            failed.update(cycle)

    # ---- snippets -------------------------------------------------------------------------

    def snippets(self, f: YamlFile, node, env: Env) -> tuple[Snippet, ...]:
        entries = self.mapping(f, node, "'snippets'") or {}
        read: dict[str, Entry] = {}
        for name, (kn, vn) in entries.items():
            got = self.snippet_entry(f, name, kn, vn, env)
            if got is not None:
                read[name] = got
        graph = {n: [i for i, _ in includes_in(e[2]) if i in entries]
                 for n, e in read.items()}
        failed = self.cycles(f, read, graph, "the snippets include each other in a circle",
                             "snippet-cycle", "a snippet cannot include itself, directly "
                             "or through others")
        variables = dict(env.variables)  # the story's own: never a scene's let: names
        for name, (_, params, source, _kn, vn) in read.items():
            if name not in failed:
                env.snippets[name] = SnippetText(name, params, source, variables,
                                                 self.where(f, vn))
        out = []
        for name, entry in read.items():
            if name not in failed and self.snippet_checks(f, entry, env):
                out.append(Snippet(name, entry[1], entry[2], self.where(f, entry[4])))
        return tuple(out)

    def snippet_entry(self, f: YamlFile, name: str, kn, vn, env: Env) -> Entry | None:
        what = f"the snippet '{name}'"
        if not _VAR.match(name) or keyword.iskeyword(name) or name in _WORDS:
            self.error(f, kn, "bad-name", f"'{name}' cannot be a snippet's name",
                       "use letters, digits and '_', starting with a letter")
            return None
        params: tuple[tuple[str, str], ...] | None = ()
        tn = vn
        if isinstance(vn, yaml.MappingNode):
            w = self.walk(f, vn, what, sf.SNIPPET, owner=kn)
            if w is None or "text" not in w:
                return None
            params = self.params(f, w.node("params"), what, env) if "params" in w else ()
            tn = w.node("text")
        source = self.text(f, tn, f"{what}'s text", prose=True)
        if params is None or source is None:
            return None
        variation = VARIATION.search(source)
        if variation:
            self.error(f, self.pos_in(f, tn, variation.start()), "template-syntax",
                       f"{what} holds '{{% {variation.group(1)} %}}': variation blocks "
                       "count their showings where they are written, and a snippet is "
                       "written once for every place that includes it",
                       "put the variation in the scene's text, around the include")
            return None
        return name, params, source.rstrip(), kn, tn

    def snippet_checks(self, f: YamlFile, entry: Entry, env: Env) -> bool:
        """The snippet's text checked where it is written, its parameters typed."""
        name, params, source, _kn, tn = entry
        first_site, named = env.next_site, len(env.taken)
        try:
            b = build(source, env, placeholders(params), 1)
            b.joined()
        except ExprError as e:
            self.expr_error(f, tn, e, f"the snippet '{name}'")
            return False
        finally:
            env.next_site = first_site  # checking here draws nothing: includes do
        if len(env.taken) > named:
            self.note_choice_uses(f, tn, list(env.taken)[named:])
        if b.scenes:
            self.note_scene_uses(f, tn, b.scenes)
        return True


def _callees_first(graph: dict[str, list[str]]) -> list[str]:
    """The names of ``graph`` with each after those it uses (cycles left as they come)."""
    out: list[str] = []
    done: set[str] = set()
    for root in graph:
        stack = [(root, iter(graph[root]))]
        if root in done:
            continue
        done.add(root)
        while stack:
            name, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                out.append(name)
                stack.pop()
            elif nxt in graph and nxt not in done:
                done.add(nxt)
                stack.append((nxt, iter(graph[nxt])))
    return out

