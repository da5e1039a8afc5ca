"""new: a scaffolded story passes check and explore; scene skeletons are added safely."""
from __future__ import annotations

from conftest import run_cli

from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.lint import lint


def test_new_story_passes_check_strict_and_explores_clean(tmp_path):
    folder = tmp_path / "my-tale"
    r = run_cli("new", str(folder))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["01-beginning.yaml", "story.yaml"]
    story = load_story(folder)
    assert story.title == "My Tale"
    assert len(story.chapters) == 1 and len(story.endings) == 2
    assert len(story.scenes) - len(story.endings) == 3
    assert lint(story) == []
    assert run_cli("check", str(folder), "--strict").returncode == 0
    report = explore(story)
    assert report.clean and report.complete
    r = run_cli("explore", str(folder))
    assert r.returncode == 0, r.stdout


def test_new_story_is_playable_to_an_ending(tmp_path):
    folder = tmp_path / "tale"
    run_cli("new", str(folder), "--title", "A Tale: Told")
    r = run_cli("play", str(folder), "--plain", "--seed", "1", input="2\n1\n1\n")
    assert r.returncode == 0, r.stderr
    assert "THE END: The Studio" in r.stdout
    assert load_story(folder).title == "A Tale: Told"


def test_new_story_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    r = run_cli("new", str(tmp_path))
    assert r.returncode == 1
    assert "is not empty" in r.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_new_scene_is_appended_and_the_story_still_loads(tmp_path):
    folder = tmp_path / "t"
    run_cli("new", str(folder))
    before = (folder / "01-beginning.yaml").read_text()
    r = run_cli("new", "scene", "cellar", "--in", str(folder / "01-beginning.yaml"))
    assert r.returncode == 0, r.stderr
    after = (folder / "01-beginning.yaml").read_text()
    assert after.startswith(before)
    story = load_story(folder)
    assert story.scenes["cellar"].choices[0].goto.targets == ("doorstep",)
    assert [d.code for d in lint(story)] == ["unreachable-scene"]


def test_new_scene_in_a_new_file_starts_a_chapter(tmp_path):
    folder = tmp_path / "t"
    run_cli("new", str(folder))
    r = run_cli("new", "scene", "roof", "--in", str(folder / "02-up-high.yaml"))
    assert r.returncode == 0, r.stderr
    story = load_story(folder)
    assert story.scenes["roof"].chapter == "Up high"


def test_new_scene_refuses_an_existing_id_and_a_bad_name(tmp_path):
    folder = tmp_path / "t"
    run_cli("new", str(folder))
    chapter = folder / "01-beginning.yaml"
    before = chapter.read_text()
    r = run_cli("new", "scene", "hallway", "--in", str(chapter))
    assert r.returncode == 1 and "scene 'hallway' already exists at" in r.stderr
    r = run_cli("new", "scene", "my room", "--in", str(chapter))
    assert r.returncode == 1 and "cannot be a scene id" in r.stderr
    assert chapter.read_text() == before


def test_new_scene_refuses_a_file_where_scenes_is_not_last(tmp_path):
    folder = tmp_path / "t"
    run_cli("new", str(folder))
    odd = folder / "02-odd.yaml"
    odd.write_text("scenes:\n  odd:\n    text: x\n    ending: Odd\nchapter: Odd\n")
    r = run_cli("new", "scene", "more", "--in", str(odd))
    assert r.returncode == 1 and "'scenes:' is not the last part" in r.stderr
    assert odd.read_text().endswith("chapter: Odd\n")


def test_new_scene_needs_in(tmp_path):
    r = run_cli("new", "scene", "x")
    assert r.returncode == 2 and "--in FILE" in r.stderr


def test_every_tool_command_help_has_an_example():
    for command in ("explore", "graph", "schema", "new", "test", "check"):
        r = run_cli(command, "--help")
        assert r.returncode == 0
        assert "example" in r.stdout and f"ana-story {command}" in r.stdout.split("example")[1]
    r = run_cli("play", "--help")
    assert "--from SCENE" in r.stdout and "--set VAR=VALUE" in r.stdout
