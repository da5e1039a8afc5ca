"""A story folder reads only itself, within bounds (issue 18.9): links out of the
folder are refused and not read, the whole story is bounded in bytes and in YAML
entries (not only each file), and files in subfolders are reported, not dropped
without a word."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import SMALL_SCENES as SCENES
from conftest import SMALL_STORY as STORY
from conftest import run_cli, write_story
from test_bombs import run_bounded

from ana_story import storyfiles
from ana_story.loader import check

ELSEWHERE = """\
chapter: Elsewhere
scenes:
  far:
    text: Far away.
    ending: Far
"""


def errors(diags):
    return [(Path(d.file).name, d.line, d.code) for d in diags if d.severity == "error"]


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc/hostname", "/dev/null"])
def test_a_scene_file_linked_outside_is_refused_and_never_shown(tmp_path, target):
    if not os.path.exists(target):
        pytest.skip(f"{target} is not on this machine")
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "02-x.yaml").symlink_to(target)
    r = run_cli("check", str(folder))
    assert r.returncode == 1
    assert "02-x.yaml: error[outside-folder] this file is a link that leads outside the " \
           "story folder (or nowhere), so it is not read" in r.stdout
    first_line = Path(target).read_text(errors="replace").split("\n")[0] \
        if Path(target).stat().st_size else "\0"
    assert first_line not in r.stdout
    assert r.stdout.rstrip().endswith("1 error, 0 warnings")


def test_linked_scenes_from_elsewhere_are_not_loaded_and_cause_no_false_errors(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "far.yaml").write_text(ELSEWHERE)
    scenes = SCENES.replace("        goto: b\n", "        goto: b\n      - text: Leave\n"
                            "        goto: far\n")
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes})
    (folder / "02-far.yaml").symlink_to(other / "far.yaml")
    story, diags = check(folder)
    assert story is None
    assert errors(diags) == [("02-far.yaml", 0, "outside-folder")]  # not 'unknown scene far'
    assert "far" in diags[0].hint and "not checked" in diags[0].hint


def test_story_yaml_linked_outside_is_refused(tmp_path):
    (tmp_path / "real.yaml").write_text(STORY)
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "story.yaml").unlink()
    (folder / "story.yaml").symlink_to(tmp_path / "real.yaml")
    story, diags = check(folder)
    assert story is None and errors(diags) == [("story.yaml", 0, "outside-folder")]


def test_links_inside_the_folder_are_read(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"chapters__yaml": SCENES})
    (folder / "chapters.yaml").rename(folder / "real-chapter.txt")
    (folder / "01-a.yaml").symlink_to("real-chapter.txt")
    story, diags = check(folder)
    assert story is not None, diags
    assert set(story.scenes) == {"a", "b"}


def test_a_link_that_climbs_out_through_dot_dot_is_refused(tmp_path):
    (tmp_path / "far.yaml").write_text(ELSEWHERE)
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "sub").mkdir()
    (folder / "02-far.yaml").symlink_to("sub/../../far.yaml")
    story, diags = check(folder)
    assert story is None and errors(diags) == [("02-far.yaml", 0, "outside-folder")]


def test_the_whole_story_is_bounded_not_only_each_file(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    for i in range(4):  # each under the per-file bound, together over the story's
        with open(folder / f"0{i + 2}-big.yaml", "wb") as f:
            f.truncate(storyfiles.MAX_FILE_BYTES - 1024)
    t = time.perf_counter()
    r = run_cli("check", str(folder))
    assert time.perf_counter() - t < 5
    assert r.returncode == 1
    assert "error[too-large] the story's files add up to 32.0 MB; the limit is 24 MB" \
        in r.stdout
    assert r.stdout.count("error[") == 1


def test_a_file_just_over_the_bound_says_so_in_bytes(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    with open(folder / "02-big.yaml", "wb") as f:
        f.truncate(storyfiles.MAX_FILE_BYTES + 5)
    story, diags = check(folder)
    d = [d for d in diags if d.code == "too-large"][0]
    assert d.message == "file is 8,388,613 bytes; the limit is 8,388,608 bytes"


def test_a_file_of_tiny_entries_is_refused_before_it_is_composed(tmp_path):
    """8 MB of 'a,' composed into 4 million nodes, 1.3 GB and 7 s; 1 MB of it is
    refused by counting, before YAML reads it."""
    tags = "[" + "a," * 500_000 + "a]"
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES.replace(
        "    ending: End\n", f"    ending: End\n    tags: {tags}\n")})
    r, seconds, peak = run_bounded("check", str(folder))  # the child's own time and memory
    assert seconds < 5 and peak < 200, (seconds, peak)
    assert r.returncode == 1
    assert "01-a.yaml: error[too-large] the file holds too many YAML entries (about 500,0" \
        in r.stdout


def test_many_files_of_entries_are_bounded_together(tmp_path, monkeypatch):
    # the bounds scaled down 100 times, so that the test composes little
    monkeypatch.setattr(storyfiles, "MAX_FILE_ENTRIES", storyfiles.MAX_FILE_ENTRIES // 100)
    monkeypatch.setattr(storyfiles, "MAX_STORY_ENTRIES", storyfiles.MAX_STORY_ENTRIES // 100)
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    per_file = storyfiles.MAX_FILE_ENTRIES - 10
    for i in range(3):
        (folder / f"0{i + 2}-tags.yaml").write_text(
            f"scenes:\n  t{i}:\n    text: x\n    ending: E\n    tags: [" + "a," * per_file
            + "a]\n")
    story, diags = check(folder)
    assert story is None
    assert errors(diags) == [("04-tags.yaml", 0, "too-large")]
    assert "this file and the ones after it are not read" in diags[-1].message


def test_a_subfolder_of_yaml_files_is_reported_not_silently_ignored(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "extra").mkdir()
    (folder / "extra" / "02-more.yaml").write_text(ELSEWHERE)
    (folder / "extra" / "deeper").mkdir()
    (folder / "extra" / "deeper" / "03.yml").write_text(ELSEWHERE)
    (folder / "playthroughs").mkdir()  # where `ana-story test` looks: expected
    (folder / "playthroughs" / "p.yaml").write_text("steps: []\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "x.yaml").write_text("a: 1\n")
    (folder / "art").mkdir()
    (folder / "art" / "cover.png").write_bytes(b"\x89PNG")
    r = run_cli("check", str(folder))
    assert r.returncode == 0, r.stdout
    assert "extra: warning[subfolder-ignored] the subfolder 'extra' holds 2 YAML files, " \
           "which are not read" in r.stdout
    assert r.stdout.count("subfolder-ignored") == 1
    assert "; 0 errors, " in r.stdout


def test_a_dangling_link_is_reported(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "02-gone.yaml").symlink_to(tmp_path / "nothing-here.yaml")
    story, diags = check(folder)
    assert story is None and errors(diags) == [("02-gone.yaml", 0, "outside-folder")]
