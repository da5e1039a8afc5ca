"""explore's new search after an edit that changed a step (rerun.py, rerunstart.py):
the kept search's first States taken whole, kept ways on taken elsewhere, and the
report the one a --fresh run gives, also when the edit changes what an unchanged
later chapter reads, or makes its States stuck or looping for ever.

Each test copies a story to tmp, explores it (which keeps the proof), edits it, and
explores again through the real CLI (test_tools_explore_incremental's helpers)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_story
from test_tools_explore_incremental import _edit, _explore, _searched_again

from ana_story.tools.explore import memo

STORY = """\
title: Keys
start: hall
variables:
  key: false
  lost: false
  steps: 0
"""
HALL = """\
chapter: Hall
scenes:
  hall:
    text: A hall.
    choices:
      - text: Take the key
        set: {key: true}
        goto: porch
      - text: Leave it
        goto: porch
  porch:
    text: A porch, {{ steps }} steps.
    choices:
      - text: Step
        if: steps < 2
        set: {steps: steps + 1}
        goto: porch
      - text: Out
        goto: yard
"""
YARD = """\
chapter: Yard
scenes:
  yard:
    text: A yard.
    choices:
      - text: Open the door
        if: key and not lost
        goto: room
      - text: Circle
        goto: garden
  garden:
    text: A garden.
    choices:
      - text: Back
        goto: yard
      - text: Rest
        if: not lost
        goto: nap
"""
END = """\
chapter: End
scenes:
  room:
    text: A room.
    ending: Inside
  nap:
    text: A nap.
    ending: Asleep
"""


def _story(tmp_path: Path, hall: str = HALL) -> Path:
    return write_story(tmp_path / "keys", STORY, **{"01-hall__yaml": hall,
                                                      "02-yard__yaml": YARD,
                                                      "03-end__yaml": END})


def test_an_effect_that_changes_what_a_later_chapter_reads(tmp_path):
    """The key no longer taken: the yard's door (an unchanged chapter) is never
    offered, its ending never reached; the yard's States are new ones, searched."""
    folder = _story(tmp_path)
    before, _ = _explore(folder)
    assert before["endings"]["room"]["reached"]
    _edit(folder / "01-hall.yaml", "set: {key: true}", "set: {key: false}")
    reused, after = _searched_again(folder)
    assert not after["endings"]["room"]["reached"] and after["choices"]["yard.0"] == 0
    assert after["states"] < before["states"] and reused["stepped"] > 0


def test_an_effect_that_traps_an_unchanged_chapter_in_a_loop(tmp_path):
    """Leaving the key now gets you lost: in the yard and garden (unchanged) those
    States go round for ever, a soft-lock and a loop no ending can be reached from."""
    folder = _story(tmp_path, HALL.replace("      - text: Leave it\n",
                                           "      - text: Leave it\n        set: {lost: false}\n"))
    before, _ = _explore(folder)
    assert not before["softlocks"]
    _edit(folder / "01-hall.yaml", "set: {lost: false}", "set: {lost: true}")
    reused, after = _searched_again(folder)
    assert {"yard", "garden"} <= {f["scene"] for f in after["softlocks"]}
    assert any(g["trapped"] for g in after["loops"]) and reused["states"] > 0


def test_an_effect_that_makes_an_unchanged_scene_stuck(tmp_path):
    """A step fewer on the porch leaves a State with no way on, in a chapter the
    edit did not touch once the yard's door needs the steps."""
    yard = YARD.replace("      - text: Circle\n        goto: garden\n",
                        "      - text: Circle\n        if: steps < 9\n        goto: garden\n")
    folder = write_story(tmp_path / "keys", STORY, **{"01-hall__yaml": HALL,
                                                        "02-yard__yaml": yard,
                                                        "03-end__yaml": END})
    before, _ = _explore(folder)
    assert not before["softlocks"]
    _edit(folder / "01-hall.yaml", "set: {steps: steps + 1}", "set: {steps: steps + 9}")
    _edit(folder / "01-hall.yaml", "if: steps < 2", "if: steps < 9")
    reused, after = _searched_again(folder)
    stuck = [f for f in after["softlocks"] if f["scene"] == "yard"]
    assert stuck and reused["states"] > 0


@pytest.mark.parametrize("scene_file, old, new", [
    ("02-yard.yaml", "if: not lost\n", "if: lost\n"),  # late: the hall and porch copied
    ("02-yard.yaml", "        goto: nap\n", "        goto: room\n"),  # a route, late
])
def test_a_late_edit_takes_the_first_chapter_whole(tmp_path, scene_file, old, new):
    """States visited before the first changed one are the kept ones (copied):
    counted as reused, with the levels and endings the fresh search gives."""
    folder = _story(tmp_path)
    _explore(folder)
    _edit(folder / scene_file, old, new)
    reused, after = _searched_again(folder)
    assert reused["states"] >= after["scenes"]["hall"] + after["scenes"]["porch"]


def test_an_edit_under_enter_stops_the_copy_before_the_changed_scene(tmp_path):
    """With an 'enter:' the State leading into a changed scene is not copied: its
    ways on may differ (the scene's 'enter:' runs as it is now)."""
    yard = YARD.replace("    text: A garden.\n",
                        "    enter: {steps: 0}\n    text: A garden.\n")
    folder = write_story(tmp_path / "keys", STORY, **{"01-hall__yaml": HALL,
                                                        "02-yard__yaml": yard,
                                                        "03-end__yaml": END})
    _explore(folder)
    _edit(folder / "02-yard.yaml", "enter: {steps: 0}", "enter: {steps: 1}")
    reused, after = _searched_again(folder)
    assert after["complete"] and reused["states"] > 0


def test_an_added_choice_renumbers_the_copied_paths(tmp_path):
    """A choice added to a scene of the first file that is met late moves the yard's
    and garden's choices up one: the States copied before it keep their paths, told
    by the choices' keys as they are numbered now."""
    hall = HALL + """\
  cellar:
    text: A cellar.
    choices:
      - text: Up
        goto: yard
"""
    yard = YARD.replace("      - text: Circle\n",
                        "      - text: Down\n        if: not key\n        goto: cellar\n"
                        "      - text: Circle\n")
    folder = write_story(tmp_path / "keys", STORY, **{"01-hall__yaml": hall,
                                                        "02-yard__yaml": yard,
                                                        "03-end__yaml": END})
    _explore(folder)
    _edit(folder / "01-hall.yaml", "      - text: Up\n",
          "      - text: Dig\n        goto: nap\n      - text: Up\n")
    reused, after = _searched_again(folder)
    assert after["choices"]["cellar.0"] >= 1 and reused["states"] > 0
    assert after["loops"] and after["loops"][0]["path"]


def test_the_memo_after_a_new_search_has_the_fresh_fingerprints(tmp_path):
    """The memo a new search keeps takes an unchanged scene's fingerprints from the
    kept one (incremental._fingerprints): they must be the ones a --fresh run
    computes, the edited scene's new ones included; and the run after it, reading
    that memo, still gives --fresh's report."""
    folder = _story(tmp_path)
    _explore(folder)
    _edit(folder / "01-hall.yaml", "set: {key: true}", "set: {key: false}")
    after, err = _explore(folder)
    assert "a new search reusing" in err
    rerun = _meta(folder)
    fresh, _ = _explore(folder, "--fresh")
    assert after == fresh and rerun == _meta(folder)
    _explore(folder)  # reused outright
    _edit(folder / "01-hall.yaml", "goto: yard", "goto: garden")  # a route, the same scene
    again, err = _explore(folder)
    assert "a new search reusing" in err and _meta(folder) != rerun
    assert again == _explore(folder, "--fresh")[0]


def _meta(folder: Path) -> dict:
    """What the memo keeps of the story's and each scene's fingerprints."""
    meta = json.loads(memo.read(memo.memo_file(folder))[0])
    return {p: meta[p] for p in ("story", "scenes", "effects", "unplaced", "logic")}


EXACT = """\
title: Shop
start: gate
variables:
  gold:
    value: 0
    exact: [0, 1]
"""
SHOP = """\
chapter: Shop
scenes:
  gate:
    text: A gate.
    choices:
      - text: In
        goto: start
  start:
    text: Two roads.
    choices:
      - text: Left
        set: {gold: 2}
        goto: patha
      - text: Right
        set: {gold: 3}
        goto: pathb
  patha:
    text: The left road.
    choices:
      - text: Next
        goto: shop
  pathb:
    text: The right road.
    choices:
      - text: Next
        goto: shop
  detour:
    text: A detour.
    choices:
      - text: On
        goto: shop
  shop:
    text: A shop.
    choices:
      - text: Spend
        set: {gold: gold - 2}
        goto: till
  till:
    text: The till.
    choices:
      - text: Rich
        if: gold % 2 == 1
        goto: rich
      - text: Poor
        if: gold % 2 == 0
        goto: poor
  rich:
    text: Rich.
    ending: Rich
  poor:
    text: Poor.
    ending: Poor
"""


@pytest.mark.parametrize("old, new", [
    ("{gold: 2}\n        goto: patha", "{gold: 5}\n        goto: patha"),  # a changed State
    ("        goto: shop\n  pathb", "        goto: detour\n  pathb"),  # met first elsewhere
])
def test_under_exact_only_the_kept_states_take_kept_ways(tmp_path, old, new):
    """Under 'exact: [0, 1]' a shop with 2 and one with 3 gold share a key, and its
    ways on are those of the first met (2: spent to 0, even, poor). After the edit the
    first met has 5 gold, or 3 (the left road now takes a detour, so the right road's
    shop comes first): spent, odd, rich. Taking the key's kept ways on says poor. (The
    gate and the roads' start are copied whole, the right road takes its kept ways.)"""
    folder = write_story(tmp_path / "shop", EXACT, **{"01-shop__yaml": SHOP})
    first, _ = _explore(folder)
    assert first["endings"]["poor"]["reached"] and not first["endings"]["rich"]["reached"]
    _edit(folder / "01-shop.yaml", old, new)
    reused, after = _searched_again(folder)
    assert after["endings"]["rich"]["reached"] and not after["endings"]["poor"]["reached"]
    assert reused["states"] >= (3 if "detour" in new else 0)


GOLD = "title: Gold\nstart: hall\nvariables:\n  gold: 0\n"


def _shop(buy_if: str) -> str:
    """The shop and its two endings, where the gold stories below end."""
    return f"""\
  shop:
    text: A shop.
    choices:
      - text: Buy
        if: {buy_if}
        goto: rich
      - text: Leave
        goto: poor
  rich:
    text: Rich.
    ending: Rich
  poor:
    text: Poor.
    ending: Poor
"""


RELAID = """\
chapter: Town
scenes:
  hall:
    text: A hall.
    choices:
      - text: Earn
        set: {gold: gold + 1}
        goto: porch
      - text: Rest
        goto: porch
  porch:
    text: A porch.
    choices:
      - text: Look
        if: gold * 2 > 3
        goto: yard
      - text: On
        goto: yard
  yard:
    text: A yard.
    choices:
      - text: On
        goto: market
  market:
    text: A market.
    choices:
      - text: Trade
        set: {gold: gold + 2}
        goto: shop
      - text: Skip
        goto: shop
""" + _shop("gold >= 4")


def _relaid(tmp_path: Path) -> Path:
    folder = write_story(tmp_path / "town", GOLD, **{"01-town__yaml": RELAID})
    first, _ = _explore(folder)
    assert not first["endings"]["rich"]["reached"]  # at most 1 + 2 gold
    _edit(folder / "01-town.yaml", "gold: gold + 2", "gold: gold + 3")
    return folder


def test_an_edit_that_moves_thresholds_relays_only_the_scenes_before_it(tmp_path):
    """Trading for 3 gold, not 2, moves the yard's threshold (1 gold, not 2, is
    enough for the shop's 4): the yard's part of the key is laid out anew, the porch's
    (which keeps gold exactly) and the shop's are not. A porch State leads into the
    yard, whose kept keys are in the old layout: it is visited for real, not by kept
    ways (which would not hold: a fresh proof). The shop's States take kept ways."""
    folder = _relaid(tmp_path)
    reused, after = _searched_again(folder)
    assert after["endings"]["rich"]["reached"] and reused["states"] >= 2


def test_a_kept_proof_without_layouts_is_proved_afresh(tmp_path):
    """A proof kept before the key's layout was kept per scene (no "layouts") gives a
    fresh proof after such an edit, not a wrong one."""
    folder = _relaid(tmp_path)
    file = memo.memo_file(folder)
    sections = memo.read(file)
    meta = json.loads(sections[0])
    del meta["layouts"]
    memo.write(file, [json.dumps(meta).encode(), *sections[1:]])
    after, err = _explore(folder)
    assert "a fresh proof: what the search keeps of a State changed" in err
    assert after == _explore(folder, "--fresh")[0]


def _levels(folder: Path, monkeypatch, fresh: bool) -> list[tuple]:
    """Every level's figures as the projection was told them (ways on, new States,
    States known, the scene counts then), in one explore run in this process."""
    from ana_story.loader import load_story
    from ana_story.tools.explore.incremental import explore_kept
    from ana_story.tools.explore.projection import Projection
    told: list[tuple] = []
    level = Projection.level

    def record(self, ways, new, known, hits=None):
        told.append((ways, new, known, dict(hits or {})))
        return level(self, ways, new, known, hits)

    monkeypatch.setattr(Projection, "level", record)
    explore_kept(load_story(folder), folder, fresh=fresh, jobs=1, max_states=100_000,
                 seed=0, strict=False)
    monkeypatch.setattr(Projection, "level", level)
    return told


def test_each_level_tells_the_projection_what_a_fresh_search_does(tmp_path, monkeypatch):
    """The scene counts of the States the new search numbers by kept ways are added
    at the end of each level, before the projection reads them (rerun.py
    ``_hits``): each level's figures are a --fresh search's. (Left to the end of the
    search, a level's counts would lack the kept-ways States.)"""
    monkeypatch.setenv("ANA_STORY_CACHE", str(tmp_path / "cache"))
    folder = _story(tmp_path)
    _levels(folder, monkeypatch, fresh=True)  # the first proof, kept
    _edit(folder / "01-hall.yaml", "set: {key: true}", "set: {key: false}")
    again = _levels(folder, monkeypatch, fresh=False)
    fresh = _levels(folder, monkeypatch, fresh=True)
    assert again == fresh and len(again) > 3


_FLAGS = ("a", "b", "d", "e", "f")
COUNT = "title: Count\nstart: wait\nvariables:\n  c: 0\n" + \
    "".join(f"  {v}: false\n" for v in _FLAGS)
WAIT = """\
chapter: Wait
scenes:
  wait:
    text: You wait, {{ c }}.
    choices:
      - text: Wait more
        if: c < 6
        set: {c: c + 2}
        goto: wait
      - text: Go
        goto: s0
"""
ROAD = "chapter: Road\nscenes:\n" + "".join(f"""\
  s{i}:
    text: Step {i}.
    choices:
      - text: Take {v}
        set: {{{v}: true}}
        goto: s{i + 1}
      - text: Leave {v}
        goto: s{i + 1}
""" for i, v in enumerate(_FLAGS)) + f"""\
  s{len(_FLAGS)}:
    text: The end of the road.
    choices:
      - text: Stay
        if: not ({" and ".join(_FLAGS)})
        goto: home
      - text: Toss
        goto: {{random: [home, away]}}
  home:
    text: Home.
    ending: Home
  away:
    text: Away.
    ending: Away
"""


def _count(tmp_path: Path) -> Path:
    return write_story(tmp_path / "count", COUNT, **{"01-wait__yaml": WAIT,
                                                      "02-road__yaml": ROAD})


def test_a_run_of_kept_states_with_a_random_goto_counts_each_choice_once(tmp_path):
    """A random goto's several ways on from one State count its choice once (its
    ways on are one after another): a run of kept States is taken State by State
    in such a story (rerunloop.runner), else 'three.1' would count twice a State."""
    folder = _count(tmp_path)
    _explore(folder)
    _edit(folder / "01-wait.yaml", "set: {c: c + 2}", "set: {c: c + 1}")
    reused, after = _searched_again(folder)
    assert reused["states"] > 60 and after["choices"]["s5.1"] == after["choices"]["s5.0"] + 1 == 32


def test_a_run_of_kept_states_past_max_states_is_cut_as_a_fresh_search_cuts(tmp_path):
    """The edit makes more States in the first chapter (c counted by ones, not twos),
    so the search again passes --max-states among the kept States of the second:
    those are cut off as a fresh search cuts them (a run that might pass it is
    taken State by State, rerunloop.runner), not numbered past it; a State with a
    way on cut off is not a soft-lock, and its choices are counted (as Ways.cut and
    the memos' loop have it)."""
    folder = _count(tmp_path)
    _edit(folder / "02-road.yaml", "goto: {random: [home, away]}", "goto: away")  # (runs)
    first, _ = _explore(folder, "--max-states", "70")
    assert first["complete"] and first["states"] == 69
    _edit(folder / "01-wait.yaml", "set: {c: c + 2}", "set: {c: c + 1}")
    data, err = _explore(folder, "--max-states", "70")
    fresh, _ = _explore(folder, "--max-states", "70", "--fresh")
    assert "a new search reusing" in err and data == fresh and not data["complete"]


PUMP = """\
chapter: A
scenes:
  hall:
    text: A hall.
    choices:
      - text: Pump
        once: true
        set: {gold: gold + 1}
        goto: hall
      - text: Go
        goto: shop
""" + _shop("gold * 2 > 3")


def test_a_fresh_proof_says_why(tmp_path):
    """The pump no longer loops back to the hall: gold, kept exactly, is no longer a
    value a loop may move without bound, so the kept proof's keys may not be
    comparable. The fresh proof says so, in its own words."""
    folder = write_story(tmp_path / "pump", GOLD, **{"01-a__yaml": PUMP})
    _explore(folder)
    _edit(folder / "01-a.yaml", "goto: hall", "goto: shop")
    after, err = _explore(folder)
    assert "a fresh proof: which variables a loop may move without bound changed" in err
    assert after == _explore(folder, "--fresh")[0]
