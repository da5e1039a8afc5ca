"""One broken file never causes false errors elsewhere (issue 13.4): references into a
file YAML could not read are not called unknown scenes (its own error says which went
unchecked), and an indentation error is reported at the line where the indentation
went wrong, with a hint about indentation."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, write_story

from ana_story.loader import check

STORY = "title: T\nstart: hall\nvariables:\n  craft: 0\n"
HALL = """\
chapter: Hall
scenes:
  hall:
    text: A hall.
    choices:
      - text: Up
        goto: attic
      - text: Garden
        if: visits('garden') == 0
        goto: garden
      - text: Nowhere
        goto: celar
  cellar:
    text: Dark.
    ending: Dark
"""
ATTIC_BROKEN = """\
chapter: Attic
scenes:
  attic:
    text: Dust and
    light and more
    title: The attic
    choices:
      - text: Down
        goto: hall
  garden:
    text: Green.
    ending: Green
"""


def errors(diags):
    return [(Path(d.file).name, d.line, d.column, d.code) for d in diags
            if d.severity == "error"]


def test_references_into_an_unreadable_file_are_not_unknown_scenes(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-hall.yaml": HALL,
                                                   "02-attic.yaml": ATTIC_BROKEN})
    story, diags = check(folder)
    assert story is None
    # the real YAML error, at the line that is not 'key: value' (not at 'title:' below),
    # and the one real unknown scene; nothing about 'attic' or 'garden'
    assert errors(diags) == [("02-attic.yaml", 5, 5, "yaml-syntax"),
                             ("01-hall.yaml", 12, 15, "unknown-scene")]
    assert diags[1].hint == "did you mean 'cellar'?"
    assert "the references to attic, garden, which this file may define, were not " \
           "checked" in diags[0].hint
    assert "indent it more than the key" in diags[0].hint


def test_the_start_scene_and_renamed_ids_in_an_unreadable_file_are_not_unknown(tmp_path):
    story_yaml = "title: T\nstart: yard\nrenamed:\n  old_yard: yard\n"
    broken = "chapter: Yard\nscenes:\n  yard:\n\ttext: Tabs are not YAML indentation.\n"
    folder = write_story(tmp_path / "s", story_yaml, **{"01-yard.yaml": broken})
    r = run_cli("check", str(folder))
    assert r.returncode == 1
    assert "01-yard.yaml:4:1: error[yaml-syntax]" in r.stdout
    assert "hint: YAML indents with spaces, not tabs; the references to yard, which this " \
           "file may define, were not checked until it reads" in r.stdout
    assert "unknown-scene" not in r.stdout
    assert r.stdout.rstrip().endswith("1 error, 0 warnings")


def test_a_file_that_is_not_utf8_hides_no_reference_errors_it_may_explain(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-hall.yaml": HALL})
    (folder / "02-attic.yaml").write_bytes(ATTIC_BROKEN.encode("utf-16"))
    story, diags = check(folder)
    # nothing of the file could be read, so no reference is called unknown: even 'celar'
    assert errors(diags) == [("02-attic.yaml", 1, 1, "encoding")]
    assert "celar" in diags[-1].hint and "were not checked" in diags[-1].hint


def test_references_nowhere_are_still_reported_when_another_file_is_broken(tmp_path):
    hall = HALL.replace("goto: attic", "goto: atic")
    folder = write_story(tmp_path / "s", STORY, **{"01-hall.yaml": hall,
                                                   "02-attic.yaml": ATTIC_BROKEN})
    _, diags = check(folder)
    # the file that cannot be read first: it may explain the others
    assert [(e[0], e[1], e[3]) for e in errors(diags)] == [
        ("02-attic.yaml", 5, "yaml-syntax"), ("01-hall.yaml", 7, "unknown-scene"),
        ("01-hall.yaml", 12, "unknown-scene")]
    # did-you-mean from the ids the broken file seems to hold too, not away from them
    assert diags[1].hint == "did you mean 'attic'?"


# (scene file, line, column, hint fragment): each indentation mistake at its own line
INDENTATION = [
    ("over-indented key", """\
scenes:
  attic:
    title: The attic
     text: Dust.
    ending: E
""", 4, 6, "indented more than the key above"),
    ("under-indented key", """\
scenes:
  attic:
    text: |
      Dust.
   choices:
      - text: Down
        goto: attic
""", 5, 4, "check the indentation"),
    ("a choice's key one space short", """\
scenes:
  attic:
    text: Dust.
    choices:
      - text: Down
       goto: attic
      - text: Up
        goto: attic
""", 6, 8, "check the indentation"),
    ("a '>' text line dedented to the scene", """\
scenes:
  attic:
    text: >
      Line one
  Line two
      Line three
    choices:
      - text: Down
        goto: attic
""", 5, 3, "indent it more than the key"),
    ("a plain text going on at its key's indentation", """\
scenes:
  attic:
    text: Dust and
    light and more
    notes: a
    tags: [a]
    choices:
      - text: Down
        goto: attic
""", 4, 5, "indent it more than the key"),
    ("a '|' text line dedented by one", """\
scenes:
  attic:
    text: |
      Line one
     Line two
    ending: E
""", 5, 6, "check the indentation"),
    ("not indentation: an unquoted ': ' in text", """\
scenes:
  attic:
    title: The attic
    text: Mama says: no
    ending: E
""", 4, 20, "text that holds ': ' must be quoted"),
    ("a second choice indented deeper than the first", """\
scenes:
  attic:
    text: Dust
    choices:
    - text: Down
      goto: attic
      - text: Up
        goto: attic
""", 7, 7, "check the indentation"),
]


@pytest.mark.parametrize("scenes,line,col,hint", [c[1:] for c in INDENTATION],
                         ids=[c[0] for c in INDENTATION])
def test_indentation_errors_point_at_the_line_that_went_wrong(tmp_path, scenes, line, col,
                                                              hint):
    folder = write_story(tmp_path / "s", "title: T\nstart: attic\n", **{"01-a.yaml": scenes})
    _, diags = check(folder)
    assert errors(diags) == [("01-a.yaml", line, col, "yaml-syntax")]
    assert hint in diags[0].hint


@pytest.mark.parametrize("inside,dedented", [
    ("", "  choices:\n    - text: Down\n      goto: attic\n"),
    ("", "  ending: The Dust\n"),
    ("    ending: E\n", "  tags: [dust, attic]\n"),
])
def test_a_scene_key_at_a_scene_ids_place_is_one_error_not_a_stuck_scene(tmp_path, inside,
                                                                        dedented):
    scenes = "scenes:\n  attic:\n    text: |\n      Dust.\n    title: The attic\n" + inside \
        + dedented
    folder = write_story(tmp_path / "s", "title: T\nstart: attic\n", **{"01-a.yaml": scenes})
    _, diags = check(folder)
    line = 6 + inside.count("\n")
    assert errors(diags) == [("01-a.yaml", line, 3, "indentation")]  # not 'attic is stuck'
    assert diags[0].hint == "indent it like the other keys of scene 'attic' (4 spaces)"


def test_a_scene_named_like_a_key_is_still_a_scene(tmp_path):
    scenes = ("scenes:\n  attic:\n    text: Dust.\n    choices:\n      - text: On\n"
              "        goto: ending\n  ending:\n    text: Done.\n    ending: The End\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: attic\n", **{"01-a.yaml": scenes})
    story, diags = check(folder)
    assert story is not None, diags
    assert story.scenes["ending"].ending == "The End"
