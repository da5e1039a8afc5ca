"""The compiled-story cache: a fresh cache gives the very same story; a stale, damaged
or foreign one is rebuilt from the YAML; it never holds or runs code."""
from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Mapping

import pytest
from conftest import FIXTURES

from ana_story import cache, engine
from ana_story.errors import StoryError
from ana_story.loader import load_story
from ana_story.model import LazyScenes


@pytest.fixture
def features(tmp_path):
    folder = tmp_path / "features"
    shutil.copytree(FIXTURES / "features", folder)
    return folder


def cache_files(folder):
    return sorted(folder.glob("*.json"))


def playthrough(story, seed, steps=40):
    rng = random.Random(seed)
    state = engine.new_state(story, seed)
    seen = []
    for _ in range(steps):
        p = engine.present(story, state)
        seen.append(p)
        if p.ended:
            break
        state = engine.choose(story, state, rng.choice(p.available).index)
    return seen, state


def test_second_load_comes_from_the_cache_and_plays_identically(features, tmp_path):
    folder = tmp_path / "cache"
    cold = cache.load(features, folder=folder)
    assert not isinstance(cold.scenes, LazyScenes)
    [file] = cache_files(folder)
    warm = cache.load(features, folder=folder)
    assert isinstance(warm.scenes, LazyScenes)
    assert (warm.id, warm.title, warm.version, warm.start) == \
        (cold.id, cold.title, cold.version, cold.start)
    assert warm.variables == cold.variables
    assert sorted(warm.scenes) == sorted(cold.scenes)
    assert [s.id for s in warm.endings] == [s.id for s in cold.endings]
    for sid in cold.scenes:  # same text, same choices, same positions
        a, b = cold.scenes[sid], warm.scenes[sid]
        assert (a.title, a.chapter, a.text.source, a.tags, a.ending, a.where) == \
            (b.title, b.chapter, b.text.source, b.tags, b.ending, b.where)
        assert [(c.key, c.text.source, c.where, c.goto.targets, c.goto.site) for c in a.choices] \
            == [(c.key, c.text.source, c.where, c.goto.targets, c.goto.site) for c in b.choices]
    # random draws, random gotos and pick() land the same way from either
    for seed in range(30):
        assert playthrough(cold, seed) == playthrough(warm, seed)
    assert file.exists()


def test_a_changed_file_makes_the_cache_stale(features, tmp_path):
    folder = tmp_path / "cache"
    cache.load(features, folder=folder)
    scene_file = features / "02-tower.yaml"
    scene_file.write_text(scene_file.read_text().replace("The Lamp Room", "The Lantern Room"))
    story = cache.load(features, folder=folder)
    assert story.scenes["lamp_room"].title == "The Lantern Room"
    again = cache.load(features, folder=folder)
    assert isinstance(again.scenes, LazyScenes)
    assert again.scenes["lamp_room"].title == "The Lantern Room"


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "format"])
def test_a_damaged_cache_is_rebuilt(features, tmp_path, damage):
    folder = tmp_path / "cache"
    expected = cache.load(features, folder=folder)
    [file] = cache_files(folder)
    raw = file.read_bytes()
    if damage == "truncate":
        file.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        file.write_bytes(raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:])
    elif damage == "garbage":
        file.write_bytes(os.urandom(2000))
    elif damage == "empty":
        file.write_bytes(b"")
    else:
        header = json.loads(raw[:cache.HEADER_SIZE])
        header["format"] = 999
        file.write_bytes(json.dumps(header).encode().ljust(cache.HEADER_SIZE)
                         + raw[cache.HEADER_SIZE:])
    story = cache.load(features, folder=folder)
    assert not isinstance(story.scenes, LazyScenes)  # rebuilt from the YAML...
    assert playthrough(story, 3) == playthrough(expected, 3)
    assert isinstance(cache.load(features, folder=folder).scenes, LazyScenes)  # ...and re-cached


def test_cache_holds_expressions_as_text_and_compiles_them_in_the_sandbox(features, tmp_path):
    folder = tmp_path / "cache"
    cache.load(features, folder=folder)
    [file] = cache_files(folder)
    raw = file.read_bytes()
    # A forged cache (with a valid checksum) whose condition tries to escape.
    # (same length, so the index of scene spans still fits)
    forged = raw.replace(b"courage >= 2 or has_key", b"().__class__ or has_key")
    assert forged != raw
    import hashlib
    header = json.loads(forged[:cache.HEADER_SIZE])
    header["sha256"] = hashlib.sha256(forged[cache.HEADER_SIZE + 1:]).hexdigest()
    file.write_bytes(json.dumps(header).encode().ljust(cache.HEADER_SIZE)
                     + forged[cache.HEADER_SIZE:])
    story = cache.load(features, folder=folder)
    assert isinstance(story.scenes, LazyScenes)  # the forged file is taken as a cache...
    shore = story.scenes["shore"]  # ...but its scene does not compile: rebuilt from YAML
    assert shore.choices[1].condition.source == "courage >= 2 or has_key"


def test_broken_story_is_not_cached_and_reports_its_errors(tmp_path):
    folder = tmp_path / "cache"
    with pytest.raises(StoryError):
        cache.load(FIXTURES / "ten-mistakes", folder=folder)
    assert cache_files(folder) == []


def test_missing_story_folder_is_the_loaders_error(tmp_path):
    with pytest.raises(StoryError) as info:
        cache.load(tmp_path / "nowhere", folder=tmp_path / "cache")
    assert info.value.diagnostics[0].code == "missing-file"


def test_unwritable_cache_folder_only_costs_speed(features, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    story = cache.load(features, folder=blocker / "cache")
    assert story.title == "The Lighthouse Keeper"


def test_cache_lives_outside_the_story_folder(features, tmp_path, monkeypatch):
    monkeypatch.setenv("ANA_STORY_CACHE", str(tmp_path / "c"))
    cache.load(features)
    assert cache_files(tmp_path / "c")
    assert sorted(p.name for p in features.iterdir()) == \
        ["01-shore.yaml", "02-tower.yaml", "story.yaml"]
    monkeypatch.delenv("ANA_STORY_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "ana-story"


def test_save_fingerprint_survives_the_cache(features, tmp_path):
    from ana_story.saves.migration import fingerprint
    folder = tmp_path / "cache"
    cold = cache.load(features, folder=folder)
    warm = cache.load(features, folder=folder)
    assert fingerprint(warm) == fingerprint(cold) == fingerprint(load_story(features))


# --- one generic converter: the model's fields, not the cache's code, decide -----------

def _wheres(value, found=None):
    """Every Location a story holds, in order, including those of its expressions and
    texts (which equality leaves out: a compiled expression serves many places)."""
    import dataclasses

    from ana_story.expressions import Expr, Template
    found = [] if found is None else found
    if isinstance(value, (Expr, Template)):
        found.append((value.where, getattr(value, "mark_wheres", ())))
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            _wheres(getattr(value, f.name), found)
    elif isinstance(value, (tuple, list)):
        for x in value:
            _wheres(x, found)
    elif isinstance(value, Mapping):
        for x in value.values():
            _wheres(x, found)
    return found


def test_the_shipped_story_round_trips_equal_through_the_cache(tmp_path):
    from ana_story.paths import shipped_story
    cold = cache.load(shipped_story(), folder=tmp_path / "cache")
    warm = cache.load(shipped_story(), folder=tmp_path / "cache")
    assert isinstance(warm.scenes, LazyScenes) and not isinstance(cold.scenes, LazyScenes)
    assert warm == cold  # every field of every dataclass, all scenes built
    assert cold.save_fingerprint.startswith("sha256:")
    assert _wheres(warm) == _wheres(cold)
    assert len(_wheres(cold)) > 300


def _with_mood(scene_cls):
    """A Scene with one more field, as a model change would add it."""
    import dataclasses
    return dataclasses.make_dataclass("Scene", [("mood", str, dataclasses.field(default=""))],
                                      bases=(scene_cls,), frozen=True)


def test_a_dataclass_with_a_new_field_round_trips_through_the_converter(features):
    import dataclasses

    from ana_story import modeljson
    from ana_story.expressions import Env
    from ana_story.model import Scene
    story = load_story(features)
    moody = _with_mood(Scene)
    shore = story.scenes["shore"]
    scene = moody(**{f.name: getattr(shore, f.name) for f in dataclasses.fields(Scene)},
                  mood="stormy")
    names = modeljson.Out()
    raw = json.loads(json.dumps(modeljson.encoder(moody)(scene, names)))
    env = Env({n: v.type for n, v in story.variables.items()}, None)
    files = [str(features / name) for name in names.files]
    back = modeljson.decoder(moody)(raw, modeljson.In(files, env))
    assert type(back) is moody and back.mood == "stormy"
    assert back == scene and _wheres(back) == _wheres(scene)


def test_a_new_model_field_flows_through_the_cache_and_makes_old_caches_stale(
        features, tmp_path, monkeypatch):
    import dataclasses

    from ana_story import modeljson
    from ana_story.model import Scene
    from ana_story.paths import display_path
    folder = tmp_path / "cache"
    story = cache.load(features, folder=folder)  # cached with today's model
    before = cache.cache_format()
    moody = _with_mood(Scene)
    monkeypatch.setattr(modeljson, "Scene", moody)  # the model grows a field
    assert cache.cache_format() != before
    assert not isinstance(cache.load(features, folder=folder).scenes, LazyScenes)  # stale
    scenes = {sid: moody(**{f.name: getattr(s, f.name) for f in dataclasses.fields(Scene)},
                         mood=f"the mood of {sid}") for sid, s in story.scenes.items()}
    [file] = cache_files(folder)
    key = cache._key(features)
    cache._write(file, key, dataclasses.replace(story, scenes=scenes))
    warm = cache._read(file, key, features, display_path(features))
    assert isinstance(warm.scenes, LazyScenes)
    assert {sid: warm.scenes[sid].mood for sid in warm.scenes} == \
        {sid: f"the mood of {sid}" for sid in scenes}
    assert dict(warm.scenes) == scenes


def test_the_cache_is_written_atomically_without_fsync(features, tmp_path, monkeypatch):
    from ana_story import atomicfile

    def no_sync(fd):
        raise AssertionError("a cache is not worth an fsync")
    monkeypatch.setattr(atomicfile, "_sync", no_sync)
    folder = tmp_path / "cache"
    cache.load(features, folder=folder)
    assert [p.name for p in folder.iterdir() if p.name.startswith(atomicfile.TMP_PREFIX)] == []
    assert isinstance(cache.load(features, folder=folder).scenes, LazyScenes)
