"""Scene files: their chapter and scene ids, then each scene built from its record."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from .. import storyfiles
from .. import storyformat as sf
from ..expressions import FUNCTIONS, Env, Expr, Template
from ..expressions.language import list_name
from ..model import Choice, Scene
from ..yamlread import BOOL, NULL
from .choices import Choices
from .reader import BOOL_TRUE, STORY_FILE, Walked, YamlFile, join_path

CONTINUE = "Continue"  # the one choice of a scene with 'next:'
MAX_CHOICES = 1_000  # per scene: far beyond any real scene, and a bound on a hostile one
_ID = re.compile(sf.ID)
_VAR = re.compile(sf.VAR)
_UNKNOWN = re.compile(r"unknown variable '([A-Za-z][A-Za-z0-9_]*)'")
_TAG = re.compile(r"\{%-?\s*(\w*)")
_TITLE_TAGS = {"if", "elif", "else", "endif"}


class Scenes(Choices):
    def scene_files(self) -> list[Path]:
        try:
            entries = sorted(self.root.iterdir())
        except OSError as e:
            self.error(self.display_root, None, "unreadable-file",
                       f"cannot list the story folder: {e.strerror or e}")
            return []
        for name, n in storyfiles.ignored_subfolders(self.root, entries):
            self.error(join_path(self.display_root, name), None, "subfolder-ignored",
                       f"the subfolder '{name}' holds {n} YAML file{'s' * (n != 1)}, "
                       f"which {'is' if n == 1 else 'are'} not read: a story's scene files "
                       "are the ones directly in its folder",
                       "move the scene files up into the story folder",
                       severity="warning")
        # a link out of the folder is listed, so that reading it refuses it aloud
        return [p for p in entries if p.suffix in (".yaml", ".yml")
                and p.name != STORY_FILE and not p.name.startswith(".") and (
                    storyfiles.is_candidate(p)
                    or p.is_symlink() and storyfiles.outside(self.root, p))]

    def read_scene_file(self, path: Path, seen: dict) -> tuple[YamlFile, str, list] | None:
        f, node = self.read_yaml(path, join_path(self.display_root, path.name))
        if node is None:
            if f.text is not None and not f.text.strip() and not any(
                    d.file == f.path for d in self.diags):
                self.error(f, None, "missing-key", "the scene file is empty",
                           "it needs 'chapter' and 'scenes'")
            return None
        w = self.walk(f, node, "a scene file", sf.SCENE_FILE)
        if w is None:
            return None
        chapter = w.values.get("chapter") or _chapter_from_name(path.stem)
        scenes: list = []
        if "scenes" in w:
            sm = self.mapping(f, w.node("scenes"), "'scenes'")
            for sid, (kn, vn) in (sm or {}).items():
                if scenes and self.dedented(f, sid, kn, vn, scenes[-1]):
                    continue
                if not _ID.match(sid):
                    self.error(f, kn, "bad-name", f"'{sid}' cannot be a scene id",
                               "use letters, digits, '_' and '-', with no spaces")
                    continue
                if sid in seen:
                    other_file, other_line = seen[sid]
                    self.error(f, kn, "duplicate-scene", f"scene '{sid}' is defined twice",
                               f"it is also defined at {other_file}:{other_line}; "
                               "rename one of them")
                    continue
                seen[sid] = (f.path, kn.start_mark.line + 1)
                scenes.append((sid, kn, vn))
        return f, chapter, scenes

    def dedented(self, f: YamlFile, key: str, kn, vn, above: tuple) -> bool:
        """A key of the scene above that lost its indentation ('choices:' at a scene id's
        place) is reported once, here, and read as part of that scene, so that scene is
        not called stuck or empty. A scene is always a mapping: a scene id whose value
        is not one, and which is a scene's key, is taken for such a key."""
        sid, skn, svn = above
        if key not in sf.SCENE_RECORD.keys or isinstance(vn, yaml.MappingNode) or not isinstance(
                svn, yaml.MappingNode) or any(k.value == key for k, _ in svn.value):
            return False
        inner = svn.value[0][0].start_mark.column if svn.value else skn.start_mark.column + 2
        self.error(f, kn, "indentation", f"'{key}' is indented like a scene id, so YAML "
                   f"reads it as a scene of its own", f"indent it like the other keys of "
                   f"scene '{sid}' ({inner} spaces)")
        svn.value.append((kn, vn))
        return True

    def build_scene(self, f: YamlFile, chapter: str, sid: str, kn, vn, env: Env) -> Scene | None:
        """The scene (None on an error); with 'let:', compiled in an environment of its
        own, whose draws then number on in the story's."""
        scene, own = self.scene_in(f, chapter, sid, kn, vn, env)
        if own is not env:
            env.next_site = own.next_site
        return scene

    def scene_in(self, f: YamlFile, chapter: str, sid: str, kn, vn,
                 env: Env) -> tuple[Scene | None, Env]:
        w = self.walk(f, vn, f"scene '{sid}'", sf.SCENE_RECORD, owner=kn)
        if w is None:
            return None, env
        self.in_scene(sid, vn)  # the place of its texts and expressions (exprs.py)
        plain = sf.plain_values(sf.SCENE_RECORD, w.values)
        enter, ok = self.scene_enter(f, w, env)  # before 'let:': it cannot see the let names
        let, env, good = self.scene_let(f, sid, w, env)
        ok &= good
        title_template, good = self.title_template(f, w, env)
        ok &= good
        text = self.template(f, w.node("text"), sf.SCENE_RECORD.field("text").said, env,
                             "text", ("visits", sid)) if "text" in w else None
        ok &= text is not None
        tags = self.tags(f, w.node("tags")) if "tags" in w else ()
        ending = None
        if "ending" in w:
            ending, good = self.ending(f, sid, w.node("ending"), plain["title"])
            ok &= good
        choices = self.flow(f, sid, kn, w, self.choices(f, sid, w, env), ending, env)
        ok &= choices is not None
        ok = self.ends_well(f, sid, kn, w, ending, choices, ok)
        if not ok or text is None or choices is None:
            return None, env
        shown = [text, title_template] + [p for c in choices
                                            for p in (c.text, c.condition, c.locked)]
        return Scene(id=sid, chapter=chapter, text=text, choices=tuple(choices), tags=tags,
                     ending=ending, where=self.where(f, kn), enter=enter, **plain,
                     title_template=title_template, let=let,
                     draws=any(p is not None and p.site0 for p in shown),
                     next=choices[0].goto.targets[0] if "next" in w and
                     choices[0].goto.targets else None), env

    def scene_enter(self, f: YamlFile, w: Walked, env: Env) -> tuple[tuple, bool]:
        """'enter:': the effects run on each entry, and whether they all compiled."""
        if "enter" not in w:
            return (), True
        effects = self.effects(f, w.node("enter"), env, "enter")
        return tuple(effects or ()), effects is not None

    def ends_well(self, f: YamlFile, sid: str, kn, w: Walked, ending: str | None,
                  choices: list[Choice] | None, ok: bool) -> bool:
        """``ok``, and an ending with no choices, or choices with no ending."""
        cn = w.node("choices") if "choices" in w else None
        if ending is not None and cn is not None and getattr(cn, "value", None):
            self.error(f, w.nodes["choices"][0], "ending-with-choices",
                       f"scene '{sid}' is an ending but has choices",
                       "remove 'ending' or remove the choices")
            return False
        if ending is None and ok and not choices:
            self.error(f, kn, "no-choices", f"scene '{sid}' has no choices and is not an "
                       "ending: the player would be stuck",
                       "add choices, or mark it 'ending: <title>'")
            return False
        return ok

    def scene_let(self, f: YamlFile, sid: str, w: Walked, env: Env
                  ) -> tuple[tuple[tuple[str, Expr], ...], Env, bool]:
        """'let:': each name's expression compiled in order (a later one may read an
        earlier one), the environment the rest of the scene is compiled in (the story's
        variables and these names, each typed by its expression; a cache of its own, as
        'price + 1' means something else here), and whether all of it reads."""
        if "let" not in w:
            return (), env, True
        lm = self.mapping(f, w.node("let"), "'let'")
        if lm is None:
            return (), env, False
        own = dataclasses.replace(env, variables=dict(env.variables), cache={})
        lets, ok = [], True
        for name, (kn, vn) in lm.items():
            if not self.let_name(f, sid, name, kn, env):
                ok = False
                continue
            expr = self.expression(f, vn, f"the value of '{name}'", own, None,
                                   part=f"let.{name}")  # its draws' stable site
            if expr is None or list_name(expr.type) is not None:
                if expr is not None:
                    self.error(f, vn, "type-mismatch", f"'{name}' would hold a list; a "
                               "'let:' name holds a number, true/false or text",
                               "keep the list in a story variable")
                ok = False
                continue
            own.variables[name] = expr.type  # type: ignore[index]  # a dict made above
            lets.append((name, expr))
            self.let_names.setdefault(name, sid)
        return tuple(lets), own, ok

    def let_hints(self) -> None:
        """A 'let:' name used outside its scene is an unknown variable there: say whose
        it is, and what to do instead (its hint replaced once every scene is read)."""
        if not self.let_names:
            return
        for i, d in enumerate(self.diags):
            m = _UNKNOWN.search(d.message) if d.code == "undeclared-variable" else None
            if m is None or m.group(1) not in self.let_names:
                continue
            name = m.group(1)
            self.diags[i] = dataclasses.replace(d, hint=(
                f"'{name}' is a 'let:' name of scene '{self.let_names[name]}', seen only "
                "by that scene's text, title and choices; to carry it further, declare "
                "a story variable under 'variables:' and 'set:' it from that scene"))

    def let_name(self, f: YamlFile, sid: str, name: str, kn, env: Env) -> bool:
        """A 'let:' name must read like a variable and be none of the story's own
        names (shadowing would make 'set:' of it change the wrong thing)."""
        if not _VAR.match(name) or name in ("true", "false", "True", "False"):
            self.error(f, kn, "bad-name", f"'{name}' cannot be a 'let:' name",
                       "start with a letter; use letters, digits and '_'")
            return False
        item = next((n for n, v in env.lists.items() if name in v.items), None)
        if name in env.variables or item is not None:
            what = "a story variable" if item is None else f"an item of the list '{item}'"
            self.error(f, kn, "let-shadows", f"the 'let:' name '{name}' of scene '{sid}' "
                       f"is already {what}",
                       f"rename it, such as '{name}_here': a 'let:' name is for this visit "
                       "only, a story variable lasts the whole story")
            return False
        if name in FUNCTIONS:
            self.error(f, kn, "bad-name", f"'{name}' is a story function, so it cannot "
                       "be a 'let:' name", f"rename it, such as 'my_{name}'")
            return False
        return True

    def flow(self, f: YamlFile, sid: str, kn, w: Walked, choices: list[Choice] | None,
             ending: str | None, env: Env) -> list[Choice] | None:
        """The scene's choices with 'next:' made its one Continue, and a scene that
        stays with no way out refused; None on an error."""
        if choices is None:
            return None
        if "next" in w:
            return self.next_choice(f, sid, w, choices, env)
        if choices and ending is None and not self.way_out(f, sid, kn, choices):
            return None
        return choices

    def next_choice(self, f: YamlFile, sid: str, w: Walked, choices: list[Choice],
                    env: Env) -> list[Choice] | None:
        """'next:' is the scene's one choice, a Continue where it leads (a scene, routes,
        a call or a return, read as a choice's 'goto'); with 'choices' or
        'ending' as well, it is an error (which of them would the player get?)."""
        nn = w.node("next")
        other = "choices" if choices else "ending" if "ending" in w else None
        if other is not None:
            self.error(f, w.nodes["next"][0], "next-with-choices",
                       f"scene '{sid}' has both 'next' and '{other}'",
                       "'next' moves on with a single Continue: keep 'next' or "
                       f"'{other}', not both")
            return None
        self.choice_key = f"{sid}.next"  # its draws' stable site (exprs.py)
        goto = self.goto(f, nn, env)
        if goto is None:
            return None
        return [Choice(key=f"{sid}.next", index=0, text=Template(CONTINUE, CONTINUE),
                       goto=goto, where=self.where(f, nn))]

    def way_out(self, f: YamlFile, sid: str, kn, choices: list[Choice]) -> bool:
        """A scene whose every choice is a once-only stay would run out of choices
        with the player still in it: an error at the scene's id."""
        if not all(c.stay and c.once for c in choices):
            return True
        self.error(f, kn, "no-way-out", f"every choice of scene '{sid}' is a once-only "
                   "choice that stays, so once all are taken the player is stuck",
                   "add a choice with 'goto:' (a 'fallback: true' one is offered when "
                   "nothing else is), or give the scene 'next:'")
        return False

    def tags(self, f: YamlFile, tn) -> tuple[str, ...]:
        if isinstance(tn, yaml.ScalarNode) and tn.tag != NULL:
            return (tn.value,)
        if isinstance(tn, yaml.SequenceNode) and self.fresh(f, tn, "'tags'"):
            return tuple(t for t in (self.text(f, x, "a tag") for x in tn.value) if t)
        self.error(f, tn, "wrong-type", "'tags' should be a list like [home, mama]")
        return ()

    def ending(self, f: YamlFile, sid: str, en, title: str) -> tuple[str | None, bool]:
        """The ending's title (None for 'ending: false'), and whether it reads."""
        if isinstance(en, yaml.ScalarNode) and en.tag == BOOL:
            flag = self.ending_flag(f, sid, en, title)
            return flag or None, flag != ""
        found = self.text(f, en, sf.SCENE_RECORD.field("ending").said, prose=True)
        return found, found is not None

    def choices(self, f: YamlFile, sid: str, w: Walked, env: Env) -> list[Choice] | None:
        """The scene's choices; None when any is wrong."""
        cn = w.node("choices") if "choices" in w else None
        if cn is None or isinstance(cn, yaml.ScalarNode) and cn.tag == NULL:
            return []
        if not isinstance(cn, yaml.SequenceNode):
            self.error(f, cn, "wrong-type", "'choices' should be a list, each choice "
                       "starting with '- text:'")
            return None
        if not self.fresh(f, cn, "'choices'"):
            return None
        if len(cn.value) > MAX_CHOICES:
            self.error(f, cn, "too-large", f"scene '{sid}' has {len(cn.value):,} choices; "
                       f"the limit is {MAX_CHOICES:,}", "split them over several scenes")
            return None
        keys: dict[str, object] = {}
        built = [self.build_choice(f, sid, i, node, env, keys) for i, node in enumerate(cn.value)]
        return None if None in built else [c for c in built if c is not None]

    def ending_flag(self, f: YamlFile, sid: str, node, title: str) -> str | None:
        """'ending: true' takes the scene's title; with none, the player would see the
        scene's id, so it is an error (and "" is returned)."""
        if node.value.lower() not in BOOL_TRUE:
            return None
        if not title:
            self.error(f, node, "ending-no-name", f"scene '{sid}' is an ending with no name: "
                       f"the player would see its id '{sid}'", "name the ending with "
                       "the words the player should see ('ending: ' and the name), or "
                       "give the scene a 'title'")
        elif "{{" in title or "{%" in title:  # an ending is named in the gallery, stateless
            self.error(f, node, "ending-no-name", f"scene '{sid}' takes its ending's name "
                       "from a title that changes with the story",
                       "name the ending with the words the player should see "
                       "('ending: ' and the name)")
            return ""
        return title

    def title_template(self, f: YamlFile, w: Walked, env: Env) -> tuple[Template | None, bool]:
        """A title holding {{ }} or {% if %}, compiled (None for a plain title); whether
        it reads. Only those tags: a title is one line, shown far from its scene (the
        saves list, the history), where a tag that counts its showings would mislead."""
        title = w.values.get("title")
        if not title or ("{{" not in title and "{%" not in title):
            return None, True
        node = w.node("title")
        for m in _TAG.finditer(title):
            if m.group(1) not in _TITLE_TAGS:
                self.error(f, self.pos_in(f, node, m.start()), "template-syntax",
                           f"a title may hold {{{{ }}}} and {{% if %}} only, not "
                           f"'{{% {m.group(1)} %}}'", "move the variation into the scene's text")
                return None, False
        t = self.template(f, node, "the scene's title", env, "title")
        if t is None:
            return None, False
        return t, True


def _chapter_from_name(stem: str) -> str:
    name = re.sub(r"^[0-9]+[-_ ]*", "", stem).replace("-", " ").replace("_", " ")
    return name.strip().capitalize() or stem

