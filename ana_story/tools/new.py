"""Scaffolding: a small playable story to start from, and scene skeletons.

The new story passes `check` and `explore` as written (a test keeps it so).
Files are written whole to a temporary name and renamed, so an interrupted
write never leaves half a scene file behind.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..atomicfile import write_atomic
from ..errors import AnaStoryError
from ..ifid import new_ifid
from ..loader import STORY_FILE, check
from .schema import schema_comment


class ScaffoldError(AnaStoryError):
    """The scaffold cannot be written where asked (the folder is not empty, ...)."""


_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

STORY_YAML = """\
{comment}
# The story's title, its first scene and every variable with its starting value.
title: {title}
author: You
version: "0.1"
ifid: {ifid}  # the story's identity for archives (IFDB): keep it when you publish
start: doorstep
variables:
  courage: 0
  has_letter: false
"""

CHAPTER_YAML = """\
{comment}
# One chapter. Each scene has a title, its text and the choices that lead on.
# Run 'ana-story check {folder}' after each edit, 'ana-story play {folder}' to play.
chapter: The Beginning
scenes:
  doorstep:
    title: The Doorstep
    text: |
      Rain on the step. A letter with your name on it lies under the mat.

      {{% if courage > 0 %}}You feel braver than a moment ago.{{% endif %}}
    choices:
      - text: Take a deep breath
        if: courage < 1
        set: {{ courage: courage + 1 }}
        goto: doorstep
      - text: Pick up the letter
        once: true
        set: {{ has_letter: true }}
        goto: hallway
      - text: Walk away into the rain
        fallback: true
        goto: gone

  hallway:
    title: The Hallway
    text: |
      The house smells of paint. {{% if has_letter %}}The letter is warm in your
      hand.{{% endif %}}
    choices:
      - text: Open the letter
        if: has_letter
        locked: You have no letter
        goto: letter
      - text: Go back outside
        goto: doorstep

  letter:
    title: The Letter
    text: |
      "Come to the studio," it says. "Bring nothing but your eyes."
    choices:
      - text: Go to the studio
        goto: studio
      - text: Put it away and go home
        goto: gone

  studio:
    title: The Studio
    ending: The Studio
    text: |
      Light from the north window. An easel, waiting. This is where it begins.

  gone:
    title: Gone
    ending: Another Life
    text: |
      You walk on, and the house is soon behind you.
"""

SCENE_SKELETON = """\

{pad}{name}:
{pad}  title: {title}
{pad}  text: |
{pad}    Write the scene here. Paragraphs are separated by a blank line.
{pad}  choices:
{pad}    - text: Go on
{pad}      goto: {target}  # change this to where the choice should lead
"""


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through the saves' atomic, durable writer."""
    write_atomic(Path(path), text.encode("utf-8"))


def new_story(folder: Path, title: str | None = None) -> list[Path]:
    """Write a small playable story into ``folder`` (new, or empty)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file; give a new folder's name")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} is not empty; give a new folder's name, or add "
                            "scenes with 'ana-story new scene NAME --in FILE'")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        title = title or folder.resolve().name.replace("-", " ").replace("_", " ").title()
        story = folder / STORY_FILE
        chapter = folder / "01-beginning.yaml"
        atomic_write(story, STORY_YAML.format(comment=schema_comment("story", story),
                                              title=_yaml_text(title),
                                              ifid=new_ifid()))
        atomic_write(chapter, CHAPTER_YAML.format(comment=schema_comment("scene", chapter),
                                                  folder=folder))
    except OSError as e:
        raise ScaffoldError(f"cannot write the story into {folder}: "
                            f"{e.strerror or e}") from None
    return [story, chapter]


def _yaml_text(text: str) -> str:
    dumped = yaml.safe_dump(text, default_style=None, allow_unicode=True).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def new_scene(name: str, file: Path) -> Path:
    """Add a scene skeleton called ``name`` at the end of the scene file ``file``
    (creating the file, as a new chapter, when it does not exist)."""
    file = Path(file)
    if not _ID.match(name):
        raise ScaffoldError(f"'{name}' cannot be a scene id: use letters, digits, '_' and "
                            "'-', with no spaces")
    folder = file.parent
    if not (folder / STORY_FILE).is_file():
        raise ScaffoldError(f"{folder} has no story.yaml: put the scene file in a story "
                            "folder (or make one with 'ana-story new FOLDER')")
    story, diags = check(folder)
    if story is None:
        from ..hints import quoted
        raise ScaffoldError(f"the story in {folder} has errors; fix them first "
                            f"({quoted('check', folder)})")
    if name in story.scenes:
        where = story.scenes[name].where
        raise ScaffoldError(f"scene '{name}' already exists"
                            + (f" at {where.file}:{where.line}" if where else ""))
    title = name.replace("_", " ").replace("-", " ").capitalize()
    if not file.exists():
        chapter = re.sub(r"^[0-9]+[-_ ]*", "", file.stem).replace("-", " ").strip()
        text = (schema_comment("scene", file) + "\n"
                f"chapter: {_yaml_text(chapter.capitalize() or title)}\nscenes:"
                + SCENE_SKELETON.format(pad="  ", name=name, title=_yaml_text(title),
                                        target=story.start))
        _write_checked(file, text, None)
        return file
    try:
        original = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScaffoldError(f"cannot read {file}: {e}") from None
    pad = _scene_indent(file, original)
    body = original if original.endswith("\n") else original + "\n"
    text = body + SCENE_SKELETON.format(pad=pad, name=name, title=_yaml_text(title),
                                        target=story.start)
    _write_checked(file, text, original)
    return file


def _scene_indent(file: Path, text: str) -> str:
    """The indentation of scene ids in ``file``, refusing files where appending at
    the end would not land inside 'scenes:'."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise ScaffoldError(f"{file} is not valid YAML; fix it first") from None
    if not isinstance(root, yaml.MappingNode):
        raise ScaffoldError(f"{file} is not a scene file ('chapter:' and 'scenes:')")
    last_key, last_value = root.value[-1] if root.value else (None, None)
    if last_key is None or last_key.value != "scenes":
        raise ScaffoldError(f"'scenes:' is not the last part of {file}; add the scene by "
                            "hand, or move 'scenes:' to the end")
    if isinstance(last_value, yaml.MappingNode) and last_value.value:
        return " " * last_value.value[0][0].start_mark.column
    if isinstance(last_value, yaml.ScalarNode) and last_value.tag.endswith(":null"):
        return "  "
    raise ScaffoldError(f"'scenes:' in {file} is not a list of scenes")


def _write_checked(file: Path, text: str, original: str | None) -> None:
    """Write, then make sure the story still loads; put the old text back if not."""
    try:
        atomic_write(file, text)
    except OSError as e:
        raise ScaffoldError(f"cannot write {file}: {e.strerror or e}") from None
    story, diags = check(file.parent)
    if story is None:
        if original is None:
            file.unlink()
        else:
            atomic_write(file, original)
        first = next((d for d in diags if d.severity == "error"), None)
        raise ScaffoldError(f"adding the scene would break {file}"
                            + (f" ({first.message})" if first else "")
                            + "; the file is unchanged")
