"""soundness.pump given the search's key (``same``): a loop of a story that draws
nothing is played only until a round ends in a State an earlier round ended in
(same key, every value alike), and the answer is the one playing every round gives."""
from __future__ import annotations

import pytest

from ana_story import engine
from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.explore.key import Keyer
from ana_story.tools.soundness import ROUNDS, pump, steady

STORY = """\
    title: T
    start: room
    variables: {x: START, y: 0}
    """
SCENES = """\
    chapter: C
    scenes:
      room:
        title: Room
        text: "TEXT"
        choices:
          - text: again
            set:
              x: EFFECT
            goto: hall
          - text: stop
            goto: out
      hall:
        title: Hall
        text: A hall.
        choices:
          - text: back
            goto: room
      out:
        title: Out
        ending: Out
        text: done
    """


def _story(story_dir, effect: str, start: str = "0", text: str = "x is {{ x }}"):
    return load_story(story_dir(STORY.replace("START", start), **{
        "01-a.yaml": SCENES.replace("EFFECT", effect).replace("TEXT", text)}))


def _pumped(story, monkeypatch, same):
    """pump round room > hall from the start, and how many steps it took."""
    steps = []
    choose = engine.choose

    def counted(*args, **kwargs):
        steps.append(1)
        return choose(*args, **kwargs)
    monkeypatch.setattr(engine, "choose", counted)
    got = pump(story, engine.new_state(story), ["room.0", "hall.0"], same)
    monkeypatch.setattr(engine, "choose", choose)
    return got, len(steps)


def _fields(got):
    if got is None:
        return None
    return (got.state.scene, got.state.variables, got.state.visits, got.steps,
            got.round_numbers, got.rounds, got.error, got.growth, got.name)


def test_a_loop_whose_rounds_repeat_stops_once_one_does(story_dir, monkeypatch):
    story = _story(story_dir, "max(x - 1, -3)")  # 0, -1, -2, -3, -3: round 4 repeats 3
    assert steady(story)
    full, every = _pumped(story, monkeypatch, None)
    short, few = _pumped(story, monkeypatch, Keyer(story))
    assert full is None and short is None
    assert every == 2 * ROUNDS and few == 2 * 4


@pytest.mark.parametrize("effect", [
    "(x + 1) % 5",  # 1, 2, 3, 4, 0, ...: rounds 61-64 rise (1, 2, 3, 4): a growth
    "(x + 1) % 3",  # 1, 2, 0, ...: rounds 61-64 (2, 0, 1, 2) do not rise
    "x + 1",  # never repeats: a growth
])
def test_a_repeating_loop_gives_what_every_round_gives(story_dir, monkeypatch, effect):
    story = _story(story_dir, effect)
    full, _ = _pumped(story, monkeypatch, None)
    short, _ = _pumped(story, monkeypatch, Keyer(story))
    assert _fields(short) == _fields(full)
    assert (full is not None) == (effect != "(x + 1) % 3")


def test_a_visit_count_a_failure_reads_keeps_the_rounds_apart(story_dir, monkeypatch):
    """The values repeat every round, but the text divides by 5 - visits('room'):
    the key keeps that count exact, so no round repeats and the error is found."""
    story = _story(story_dir, "1 - x", text="{{ 10 // (5 - visits('room')) }}")
    full, _ = _pumped(story, monkeypatch, None)
    short, _ = _pumped(story, monkeypatch, Keyer(story))
    assert short is not None and "division by zero" in short.error
    assert _fields(short) == _fields(full)


def test_a_story_that_draws_is_not_steady(story_dir):
    assert not steady(_story(story_dir, "x + random(0, 1)"))
    assert not steady(_story(story_dir, "x", text="{{ pick('a', 'b') }}"))


def _json(story) -> dict:
    data = explore(story, max_states=2000).to_json()
    del data["seconds"]
    return data


@pytest.mark.parametrize("name", ["explore-bounded-loop", "explore-grow-debt",
                                  "explore-grow-multiply", "explore-grow-text",
                                  "explore-trapped-loop", "explore-fallible-visits",
                                  "tools-loop", "tools-tallies", "satchel", "ui-garden"])
def test_explore_reports_the_same_with_and_without_the_shortcut(name, monkeypatch):
    from conftest import FIXTURES

    from ana_story.tools.explore import loops
    story = load_story(FIXTURES / name)
    fast = _json(story)
    monkeypatch.setattr(loops, "steady", lambda story: False)
    assert _json(story) == fast


@pytest.mark.parametrize("effect", ["(x + 1) % 5", "max(x - 1, -3)", "x + 1"])
def test_explore_reports_the_same_on_each_loop(story_dir, monkeypatch, effect):
    from ana_story.tools.explore import loops
    story = _story(story_dir, effect)
    fast = _json(story)
    monkeypatch.setattr(loops, "steady", lambda story: False)
    assert _json(story) == fast
