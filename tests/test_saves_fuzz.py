"""Fuzzed save files: whatever a file holds, loading raises nothing but SaveError,
listing raises nothing at all, and what does load fits the story.

CI runs 150 examples per test; the long run:
    ANA_STORY_FUZZ_EXAMPLES=3000 python -m pytest tests/test_saves_fuzz.py
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saves_helpers import data_after, features

from ana_story import engine
from ana_story.errors import AnaStoryError, SaveError
from ana_story.saves.store import SaveStore

pytestmark = pytest.mark.slow  # fuzz

STORY = features()
SETTINGS = settings(max_examples=int(os.environ.get("ANA_STORY_FUZZ_EXAMPLES", "150")),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20)


def _valid_doc() -> dict:
    with tempfile.TemporaryDirectory() as d:
        store = SaveStore(STORY, Path(d))
        store.save("x", data_after(STORY, 3))
        return json.loads(store.path("x").read_text())


VALID = _valid_doc()
VALID_BYTES = json.dumps(VALID, indent=1).encode()


def _paths(doc, prefix=()):
    """Every place in a JSON document, as a key path."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(VALID) if p]


def check_load(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = SaveStore(STORY, Path(d))
        store.folder.mkdir(parents=True)
        (store.folder / "fuzz.json").write_bytes(content)
        try:
            result = store.load("fuzz")
        except SaveError:
            pass
        else:
            state = result.data.state
            assert set(state.variables) == set(STORY.variables)
            assert state.scene in STORY.scenes
            for s in result.data.undo:
                assert s.scene in STORY.scenes and set(s.variables) == set(STORY.variables)
            # the story's own arithmetic may object to odd values; no crash
            with contextlib.suppress(AnaStoryError):
                engine.present(STORY, state)
        (store.folder / "fuzz2.json").write_bytes(content)
        store.list()  # never raises


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(content):
    check_load(content)


@SETTINGS
@given(json_values)
def test_random_json(value):
    check_load(json.dumps(value).encode())


@SETTINGS
@given(st.sampled_from(PATHS), json_values | st.just(KeyError))
def test_a_valid_save_with_one_field_replaced_or_removed(path, value):
    doc = json.loads(json.dumps(VALID))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    check_load(json.dumps(doc).encode())


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(VALID_BYTES) - 1), st.integers(0, 255)),
                min_size=1, max_size=8),
       st.integers(0, len(VALID_BYTES)))
def test_a_valid_save_with_bytes_flipped_or_cut(flips, cut):
    content = bytearray(VALID_BYTES)
    for at, byte in flips:
        content[at] = byte
    check_load(bytes(content[:max(cut, 1)]))


@SETTINGS
@given(st.text(max_size=80) | st.sampled_from(["..", ".", "/", "\\", "a/../b", "C:\\x",
                                               "~", "$HOME", "nul", "a\x00"]))
def test_any_slot_name_is_refused_or_stays_inside_the_save_folder(name):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        store = SaveStore(STORY, root / "saves")
        try:
            info = store.save(name, data_after(STORY, 1))
        except SaveError:
            assert not store.exists(name)
            return
        files = [p for p in root.rglob("*") if p.is_file()]
        assert len(files) == 1
        assert files[0].parent == store.folder
        assert files[0].resolve().parent == store.folder.resolve()
        assert store.load(info.slot).data.state.turn == 1
