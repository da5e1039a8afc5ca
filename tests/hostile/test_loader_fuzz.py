"""Fuzzing the loader: mutated and generated story files may only ever give a loaded
story or the project's own StoryError with diagnostics; a story that loads may only
ever fail in play with the project's own errors.

CI runs a few hundred examples per test. The long run (10,000+ examples):

    ANA_STORY_FUZZ_EXAMPLES=10000 python -m pytest tests/hostile/test_loader_fuzz.py
"""
from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ana_story import engine
from ana_story.errors import AnaStoryError, StoryError
from ana_story.loader import check, load_story

pytestmark = pytest.mark.slow  # fuzz

EXAMPLES = int(os.environ.get("ANA_STORY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SOURCES = [FIXTURES / "features", ROOT / "scenes", FIXTURES / "ten-mistakes"]
CORPUS = [(folder, sorted(p.name for p in folder.glob("*.yaml"))) for folder in SOURCES
          if (folder / "story.yaml").exists()]


def load_and_play(folder: Path) -> None:
    """The only allowed outcomes: a story that plays, or the project's own errors.

    One load answers for both entry points on a story with errors (load_story is
    check() that raises what it found); a story that loads is checked again, for
    check()'s verdict and its warnings."""
    try:
        story = load_story(folder)
    except StoryError as e:
        diags = e.diagnostics
        assert any(d.severity == "error" for d in diags), diags
        story = None
    else:
        checked, diags = check(folder)
        assert checked is not None, f"load_story gave a story, check found errors: {diags}"
        assert not any(d.severity == "error" for d in diags), diags
    for d in diags:
        assert d.file and d.code and d.message and d.line >= 0 and d.column >= 0
    if story is None:
        return
    rng = random.Random(0)
    state = engine.new_state(story, 1)
    try:
        for _ in range(30):
            p = engine.present(story, state)
            if p.ended or not p.available:
                break
            state = engine.choose(story, state, rng.choice(p.available).index)
    except AnaStoryError:
        pass  # a runtime story error (division by zero...) is reported, never a crash


def copy_source(source: Path, dest: Path) -> None:
    for p in source.glob("*.yaml"):
        shutil.copy(p, dest / p.name)


# --- structural mutations: YAML that parses, with the wrong shape -----------------------

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                   st.floats(allow_nan=True), st.text(max_size=30),
                   st.lists(st.integers(), max_size=3),
                   st.dictionaries(st.text(max_size=8), st.integers(), max_size=3))


# The test's own reading and writing of the file it mutates: libyaml's safe loader and
# dumper where PyYAML has them (the same documents, some twenty times faster on the
# shipped story's files; the loader under test reads the result its own way)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def paths_in(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from paths_in(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from paths_in(v, prefix + (i,))


def mutate(data, path, how, value):
    if not path:
        return value if how != "delete" else None
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "replace":
        parent[key] = value
    elif how == "rename" and isinstance(parent, dict):
        parent[str(key) + "x"] = parent.pop(key)
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(parent[key])
    return data


@FUZZ
@given(source=st.sampled_from(CORPUS), data=st.data())
def test_structurally_mutated_stories_give_a_story_or_diagnostics(source, data):
    folder, names = source
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copy_source(folder, tmp)
        name = data.draw(st.sampled_from(names))
        try:
            doc = yaml.load((tmp / name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError:
            return  # ten-mistakes has a file that is not YAML
        for _ in range(data.draw(st.integers(1, 4))):
            paths = list(paths_in(doc))
            path = data.draw(st.sampled_from(paths))
            how = data.draw(st.sampled_from(["delete", "replace", "rename", "duplicate"]))
            doc = mutate(doc, path, how, data.draw(VALUES))
        (tmp / name).write_text(yaml.dump(doc, Dumper=SAFE_DUMPER, allow_unicode=True),
                                encoding="utf-8")
        load_and_play(tmp)


# --- byte-level mutations: truncation, random bytes, encodings, line ends, tabs ---------

@FUZZ
@given(source=st.sampled_from(CORPUS), data=st.data())
def test_byte_mutated_stories_give_a_story_or_diagnostics(source, data):
    folder, names = source
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copy_source(folder, tmp)
        name = data.draw(st.sampled_from(names))
        raw = (tmp / name).read_bytes()
        how = data.draw(st.sampled_from(["truncate", "insert", "overwrite", "bom", "crlf",
                                         "tabs", "latin1", "random", "empty", "nul"]))
        if how == "truncate":
            raw = raw[:data.draw(st.integers(0, len(raw)))]
        elif how == "insert":
            at = data.draw(st.integers(0, len(raw)))
            raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=20)) + raw[at:]
        elif how == "overwrite":
            at = data.draw(st.integers(0, max(0, len(raw) - 1)))
            junk = data.draw(st.binary(min_size=1, max_size=8))
            raw = raw[:at] + junk + raw[at + len(junk):]
        elif how == "bom":
            raw = b"\xef\xbb\xbf" + raw
        elif how == "crlf":
            raw = raw.replace(b"\n", b"\r\n")
        elif how == "tabs":
            raw = raw.replace(b"  ", b"\t", data.draw(st.integers(1, 50)))
        elif how == "latin1":
            raw = raw.decode("utf-8").encode("latin-1", errors="replace") + b"caf\xe9\n"
        elif how == "random":
            raw = data.draw(st.binary(max_size=400))
        elif how == "empty":
            raw = b""
        else:
            raw = raw.replace(b"e", b"\x00", 1)
        (tmp / name).write_bytes(raw)
        load_and_play(tmp)


# --- generated stories: random YAML documents of any shape ------------------------------

YAML_TREES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(
                                   ["title", "start", "text", "choices", "goto", "if", "set",
                                    "scenes", "chapter", "ending", "once", "fallback",
                                    "variables", "a", "b", "random", "to", "locked", "tags",
                                    "value", "visible"]), children, max_size=5)),
    max_leaves=25)


@FUZZ
@given(story=YAML_TREES, scenes=YAML_TREES)
def test_generated_documents_give_a_story_or_diagnostics(story, scenes):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "story.yaml").write_text(yaml.safe_dump(story), encoding="utf-8")
        (tmp / "01-a.yaml").write_text(yaml.safe_dump(scenes), encoding="utf-8")
        load_and_play(tmp)


@FUZZ
@given(expr=st.text(alphabet=st.sampled_from(list("craft+-*/%<>=!() '.,_[]{}0123456789"
                                                  "andornotifelse\\\"xyz:")), max_size=40))
def test_any_condition_text_gives_a_story_or_diagnostics(expr):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "story.yaml").write_text("title: T\nstart: a\nvariables: {craft: 1}\n")
        quoted = expr.replace("'", "''")
        (tmp / "01-a.yaml").write_text(
            "scenes:\n  a:\n    text: '{{ craft }}'\n    choices:\n"
            f"      - text: go\n        if: '{quoted}'\n        set: {{craft: '{quoted}'}}\n"
            "        goto: b\n      - text: stay\n        fallback: true\n        goto: a\n"
            "  b:\n    text: end\n    ending: E\n")
        load_and_play(tmp)
