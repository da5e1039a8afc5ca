"""A full disk, a read-only folder, permission denied: one clear line naming the
slot and the reason, every existing save intact, and the store usable after."""
from __future__ import annotations

import errno
import os
import subprocess
import types
from pathlib import Path

import pytest
from saves_helpers import data_after, features

from ana_story import atomicfile
from ana_story.errors import SaveError
from ana_story.saves.store import AUTOSAVE, QUICKSAVE, SaveStore


@pytest.fixture
def story():
    return features()


def snapshot(folder: Path) -> dict:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def failing_os(monkeypatch, name: str, err: int):
    """Make atomicfile's ``os.<name>`` fail with ``err`` (other modules unaffected)."""
    fake = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})

    def fail(*a, **k):
        raise OSError(err, os.strerror(err))
    setattr(fake, name, fail)
    monkeypatch.setattr(atomicfile, "os", fake)


@pytest.fixture
def full_store(story, tmp_path):
    store = SaveStore(story, tmp_path)
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))  # so there is a previous copy too
    store.save(QUICKSAVE, data_after(story, 1))
    return store


@pytest.mark.parametrize("call,err,reason", [
    ("write", errno.ENOSPC, "the disk is full"),
    ("fsync", errno.EIO, "input/output error"),
    ("open", errno.EACCES, "permission denied"),
    ("open", errno.EROFS, "the save folder is read-only"),
    ("replace", errno.EPERM, "permission denied"),
    ("write", errno.EDQUOT, "quota"),
])
def test_a_failed_save_says_why_in_one_line_and_leaves_every_save_intact(
        full_store, story, monkeypatch, call, err, reason):
    before = snapshot(full_store.folder)
    failing_os(monkeypatch, call, err)
    with pytest.raises(SaveError) as e:
        full_store.save(AUTOSAVE, data_after(story, 3))
    message = str(e.value)
    assert "could not save 'autosave'" in message and reason in message
    assert "autosave.json" in message and "\n" not in message
    assert "earlier saves are untouched" in message
    assert snapshot(full_store.folder) == before  # no temp file left either
    monkeypatch.undo()
    assert full_store.save(AUTOSAVE, data_after(story, 3)).turn == 3  # play goes on
    assert full_store.load(AUTOSAVE).data.state.turn == 3


def test_a_failure_while_keeping_the_previous_copy_leaves_the_slot_unchanged(
        full_store, story, monkeypatch):
    before = snapshot(full_store.folder)
    failing_os(monkeypatch, "link", errno.ENOSPC)  # no links: falls back to a copy...
    real_write = atomicfile.write_atomic
    calls = []

    def write_once_then_fail(path, data, **kw):  # ...and the copy fails too
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(path, data, **kw)
    monkeypatch.setattr(atomicfile, "write_atomic", write_once_then_fail)
    with pytest.raises(SaveError, match="the disk is full"):
        full_store.save(AUTOSAVE, data_after(story, 3))
    assert snapshot(full_store.folder) == before


def test_without_hard_links_the_previous_copy_is_a_real_copy(full_store, story, monkeypatch):
    failing_os(monkeypatch, "link", errno.EPERM)
    full_store.save(AUTOSAVE, data_after(story, 3))
    monkeypatch.undo()
    assert full_store.load(AUTOSAVE).data.state.turn == 3
    prev = full_store.previous_path(AUTOSAVE).read_text()
    assert '"turn": 2' in prev


def test_a_save_folder_that_cannot_be_created_is_reported(story, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SaveStore(story, blocker / "saves")
    with pytest.raises(SaveError, match="could not save 'autosave'.*not a folder"):
        store.save(AUTOSAVE, data_after(story, 1))
    assert store.list() == []


# --- the real thing, where this machine allows it --------------------------------

def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and \
        subprocess.run(["mount", "--version"], capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 256 KB tmpfs (needs root, as in CI here); unmounted afterwards."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if not _can_mount() or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root); the injected errors above "
                    "cover the same paths")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_really_full_disk(story, tiny_disk):
    store = SaveStore(story, tiny_disk)
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(QUICKSAVE, data_after(story, 2))
    before = snapshot(store.folder)
    with open(tiny_disk / "filler", "wb", buffering=0) as f:  # fill every last block
        with pytest.raises(OSError) as full:
            while True:
                f.write(b"\0" * 4096)
        assert full.value.errno == errno.ENOSPC
    with pytest.raises(SaveError, match="could not save 'autosave'.*the disk is full"):
        store.save(AUTOSAVE, data_after(story, 3))
    with pytest.raises(SaveError, match="the disk is full"):
        store.save("new slot", data_after(story, 3))
    assert snapshot(store.folder) == before
    assert store.load(AUTOSAVE).data.state.turn == 1
    (tiny_disk / "filler").unlink()
    assert store.save(AUTOSAVE, data_after(story, 3)).turn == 3


def test_a_really_read_only_folder(story, tiny_disk):
    store = SaveStore(story, tiny_disk)
    store.save(AUTOSAVE, data_after(story, 1))
    before = snapshot(store.folder)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)]).returncode == 0
    try:
        with pytest.raises(SaveError, match="the save folder is read-only"):
            store.save(AUTOSAVE, data_after(story, 2))
        assert store.load(AUTOSAVE).data.state.turn == 1  # reading still works
        assert [e.slot for e in store.list()] == [AUTOSAVE]
        assert snapshot(store.folder) == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)])


def test_really_permission_denied(story, tmp_path):
    """Another user's folder: as root, a child process that became 'nobody' tries."""
    store = SaveStore(story, tmp_path / "saves")
    store.save(AUTOSAVE, data_after(story, 1))
    before = snapshot(store.folder)
    os.chmod(tmp_path, 0o755)
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        os.chmod(store.folder, 0o555)
        try:
            with pytest.raises(SaveError, match="permission denied"):
                store.save(AUTOSAVE, data_after(story, 2))
        finally:
            os.chmod(store.folder, 0o755)
    else:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(r)
            try:
                os.setgid(65534)
                os.setuid(65534)
                store.save(AUTOSAVE, data_after(story, 2))
                os.write(w, b"saved?!")
            except SaveError as e:
                os.write(w, str(e).encode())
            finally:
                os._exit(0)
        os.close(w)
        message = os.read(r, 4096).decode()
        os.waitpid(pid, 0)
        assert "could not save 'autosave'" in message and "permission denied" in message
    assert snapshot(store.folder) == before


def _play_until_the_stairs(saves: Path):
    from conftest import run_cli
    from saves_helpers import FEATURES
    return run_cli("play", str(FEATURES), "--saves", str(saves), "--seed", "3",
                   input="1\n1\nquit\n")


def test_the_game_plays_on_when_saves_cannot_be_written(tmp_path):
    """The real command with a save folder that cannot exist: one message, play
    goes on to the next scenes, clean exit."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    r = _play_until_the_stairs(blocker)
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert "could not save 'autosave'" in said and "a part of the path is not a folder" in said
    assert said.count("could not save") == 1  # told once, not after every choice
    assert "THE STAIRS" in said and "Traceback" not in r.stdout + r.stderr


def test_the_game_plays_on_when_the_disk_is_really_full(story, tiny_disk):
    store = SaveStore(story, tiny_disk)
    store.save(QUICKSAVE, data_after(story, 2))
    before = snapshot(store.folder)
    with open(tiny_disk / "filler", "wb", buffering=0) as f, pytest.raises(OSError):
        while True:
            f.write(b"\0" * 4096)
    r = _play_until_the_stairs(tiny_disk)
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert "could not save 'autosave'" in said and "the disk is full" in said
    assert "THE STAIRS" in said
    assert snapshot(store.folder) == before  # the quicksave is untouched
