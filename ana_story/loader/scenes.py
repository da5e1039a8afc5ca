"""Scene files: their chapter and scene ids, then each scene built from its record."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .. import storyfiles
from .. import storyformat as sf
from ..expressions import Env, Template
from ..model import Choice, Goto, Route, Scene
from ..yamlread import BOOL, NULL
from .choices import Choices
from .reader import BOOL_TRUE, STORY_FILE, Walked, YamlFile, join_path

CONTINUE = "Continue"  # the one choice of a scene with 'next:'
MAX_CHOICES = 1_000  # per scene: far beyond any real scene, and a bound on a hostile one
_ID = re.compile(sf.ID)
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
        w = self.walk(f, vn, f"scene '{sid}'", sf.SCENE_RECORD, owner=kn)
        if w is None:
            return None
        self.in_scene(sid, vn)  # the place of its texts and expressions (exprs.py)
        plain = sf.plain_values(sf.SCENE_RECORD, w.values)
        title_template, ok = self.title_template(f, w, env)
        text = self.template(f, w.node("text"), sf.SCENE_RECORD.field("text").said, env,
                             "text", ("visits", sid)) if "text" in w else None
        ok &= text is not None
        tags = self.tags(f, w.node("tags")) if "tags" in w else ()
        ending = None
        if "ending" in w:
            ending, good = self.ending(f, sid, w.node("ending"), plain["title"])
            ok &= good
        choices = self.flow(f, sid, kn, w, self.choices(f, sid, w, env), ending)
        ok &= choices is not None
        enter, good = self.scene_enter(f, w, env)
        ok &= good
        cn = w.node("choices") if "choices" in w else None
        if ending is not None and cn is not None and getattr(cn, "value", None):
            self.error(f, w.nodes["choices"][0], "ending-with-choices",
                       f"scene '{sid}' is an ending but has choices",
                       "remove 'ending' or remove the choices")
            ok = False
        if ending is None and ok and not choices:
            self.error(f, kn, "no-choices", f"scene '{sid}' has no choices and is not an "
                       "ending: the player would be stuck",
                       "add choices, or mark it 'ending: <title>'")
            ok = False
        if not ok or text is None or choices is None:
            return None
        return Scene(id=sid, chapter=chapter, text=text, choices=tuple(choices), tags=tags,
                     ending=ending, where=self.where(f, kn), enter=enter, **plain,
                     title_template=title_template)

    def scene_enter(self, f: YamlFile, w: Walked, env: Env) -> tuple[tuple, bool]:
        """'enter:': the effects run on each entry, and whether they all compiled."""
        if "enter" not in w:
            return (), True
        effects = self.effects(f, w.node("enter"), env, "enter")
        return tuple(effects or ()), effects is not None

    def flow(self, f: YamlFile, sid: str, kn, w: Walked, choices: list[Choice] | None,
             ending: str | None) -> list[Choice] | None:
        """The scene's choices with 'next:' made its one Continue, and a scene that
        stays with no way out refused; None on an error."""
        if choices is None:
            return None
        if "next" in w:
            return self.next_choice(f, sid, w, choices)
        if choices and ending is None and not self.way_out(f, sid, kn, choices):
            return None
        return choices

    def next_choice(self, f: YamlFile, sid: str, w: Walked,
                    choices: list[Choice]) -> list[Choice] | None:
        """'next: S' is the scene's one choice, a Continue to S; with 'choices' or
        'ending' as well, it is an error (which of them would the player get?)."""
        nn = w.node("next")
        other = "choices" if choices else "ending" if "ending" in w else None
        if other is not None:
            self.error(f, w.nodes["next"][0], "next-with-choices",
                       f"scene '{sid}' has both 'next' and '{other}'",
                       "'next' moves on with a single Continue: keep 'next' or "
                       f"'{other}', not both")
            return None
        target = w.values.get("next")
        if target is None:
            return None
        self.refs.append((f.path, nn.start_mark.line + 1, nn.start_mark.column + 1, target))
        where = self.where(f, nn)
        return [Choice(key=f"{sid}.next", index=0, text=Template(CONTINUE, CONTINUE),
                       goto=Goto((Route(target, where=where),)), where=where)]

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

