"""Durability: the order of the disk operations that makes a save survive a crash
or a power cut, leftovers of killed writers, and names as file systems store them."""
from __future__ import annotations

import os
import time
import types
import unicodedata

import pytest
from saves_helpers import data_after, features

from ana_story import atomicfile
from ana_story.saves.store import AUTOSAVE, STALE_TEMP_SECONDS, SaveStore


@pytest.fixture
def story():
    return features()


def recording_os(monkeypatch) -> list:
    """Record atomicfile's calls to the os functions that matter for durability."""
    calls: list = []
    fake = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    fds: dict = {}

    def wrap(name):
        real = getattr(os, name)

        def call(*args, **kw):
            result = real(*args, **kw)
            if name == "open":
                fds[result] = os.path.basename(str(args[0])) or str(args[0])
                calls.append(("open", fds[result]))
            elif name in ("write", "fsync", "close"):
                calls.append((name, fds.get(args[0], "?")))
            else:
                calls.append((name, *(os.path.basename(str(a)) for a in args[:2])))
            return result
        setattr(fake, name, call)
    for name in ("open", "write", "fsync", "close", "replace", "link"):
        wrap(name)
    monkeypatch.setattr(atomicfile, "os", fake)
    return calls


def test_a_save_is_fsynced_renamed_then_its_folder_fsynced(story, tmp_path, monkeypatch):
    store = SaveStore(story, tmp_path)
    store.save(AUTOSAVE, data_after(story, 1))
    calls = recording_os(monkeypatch)
    store.save(AUTOSAVE, data_after(story, 2))
    kinds = [c[0] for c in calls]
    tmp = calls[0][1]
    assert tmp.startswith(".tmp-autosave.json.")
    # the new bytes reach the disk before the rename makes them the save
    assert kinds.index("fsync") < kinds.index("close") < len(kinds) - 1
    assert calls[kinds.index("fsync")] == ("fsync", tmp)
    # the old save becomes the previous copy (a hard link) before being replaced
    link = calls[kinds.index("link")]
    assert link[1] == "autosave.json"
    assert ("replace", link[2], "autosave.prev.json") in calls
    final = ("replace", tmp, "autosave.json")
    assert calls.index(("replace", link[2], "autosave.prev.json")) < calls.index(final)
    # and the folder is fsynced after the rename, so the rename survives a power cut
    folder = os.path.basename(str(store.folder))
    assert calls[calls.index(final) + 1:] == [("open", folder), ("fsync", folder),
                                              ("close", folder)]


def test_temp_files_of_killed_writers_are_cleared_once_stale(story, tmp_path):
    store = SaveStore(story, tmp_path)
    store.save(AUTOSAVE, data_after(story, 1))
    stale = store.folder / ".tmp-autosave.json.999.dead"
    fresh = store.folder / ".tmp-autosave.json.998.live"
    for p in (stale, fresh):
        p.write_text('{"half": ')
    old = time.time() - STALE_TEMP_SECONDS - 5
    os.utime(stale, (old, old))
    assert [e.slot for e in store.list()] == [AUTOSAVE]
    assert not stale.exists()
    assert fresh.exists()  # might be another process saving right now


def test_a_name_stored_decomposed_is_the_same_slot(story, tmp_path):
    """A name typed decomposed (NFD, as macOS hands names back) is the same slot as
    the composed one: names are kept composed (NFC)."""
    store = SaveStore(story, tmp_path)
    composed = unicodedata.normalize("NFC", "café")
    decomposed = unicodedata.normalize("NFD", "café")
    assert composed != decomposed
    info = store.save(decomposed, data_after(story, 1))
    assert info.slot == composed
    assert store.load(composed).data.state.turn == 1
    assert [p.name for p in store.folder.iterdir()] == [f"{composed}.json"]
    assert [e.slot for e in store.list()] == [composed]
