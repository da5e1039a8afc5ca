"""The projection of the space's size (projection.py, ceiling.py) on real stories:
the ceiling is never below what a finished search finds, the guess is within a
factor of the final count by a quarter of the search, a long path gets a figure
by a tenth of it (and the progress line says why there is none before), and a
story that blows up is said to be over the bound long before the bound is reached."""
from __future__ import annotations

from collections.abc import Mapping

from conftest import FIXTURES, run_cli

from ana_story.loader import load_story
from ana_story.tools.explore import explore, format_report
from ana_story.tools.explore.ceiling import ceiling
from ana_story.tools.explore.key import Keyer
from ana_story.tools.explore.projection import Projection

BLOWUP = FIXTURES / "explore-blowup"
LONG_PATH = FIXTURES / "explore-long-path"  # 56 days in a row: i + 1 fortunes on day i


class Recorded(Projection):
    """A Projection that keeps (States known, figure) after every level."""

    def __init__(self, bound: int):
        super().__init__(bound)
        self.rows: list[tuple[int, int | None]] = []
        self.said: list[str] = []  # the progress bar's line after each level

    def level(self, ways: int, new: int, known: int, hits: Mapping[str, int] | None = None
              ) -> None:
        super().level(ways, new, known, hits)
        self.rows.append((known, self.total))
        self.said.append(self.line(bar=True))


def _at(rows: list, final: int, share: float) -> int | None:
    return next(total for known, total in rows if known >= share * final)


def test_the_guess_is_within_a_factor_of_the_final_count_on_a_story_that_finishes():
    p = Recorded(1_000_000)
    r = explore(load_story(BLOWUP), max_states=1_000_000, projection=p)
    assert r.complete and r.states > 20_000
    quarter, half = _at(p.rows, r.states, 0.25), _at(p.rows, r.states, 0.5)
    assert quarter is not None and 0.5 * r.states <= quarter <= 2 * r.states
    assert half is not None and 0.67 * r.states <= half <= 1.5 * r.states
    assert p.ceiling is not None and r.states <= p.ceiling  # a fact: never below
    assert all(total is None or known <= total <= p.ceiling for known, total in p.rows)


def test_the_ceiling_holds_the_final_count_and_is_none_when_a_part_has_no_bound():
    for name in ("explore-blowup", "explore-long-path", "explore-talk-enter"):
        story = load_story(FIXTURES / name)
        top = ceiling(story, Keyer(story))
        r = explore(story, max_states=1_000_000)
        assert r.complete and (top is None or r.states <= top), name
    features = load_story(FIXTURES / "features")  # a tally a loop moves without bound
    assert ceiling(features, Keyer(features)) is None


def test_a_story_that_blows_up_is_said_over_the_bound_before_half_the_bound():
    p = Projection(5000)
    r = explore(load_story(BLOWUP), max_states=5000, projection=p)
    assert not r.complete and p.over and p.over_at is not None and p.over_at <= 2500
    text = format_report(r)  # courage and lore 0..100 in camp and lair, 3 endings:
    # 101 x 101 x 2 + 3 = 20,405
    assert "at most 20,405 (the values each scene's key can take, a fact)" in text
    assert "projected about" in text and "a guess" in text


def test_piped_explore_calls_the_figure_a_guess_and_gives_the_ceiling():
    r = run_cli("explore", str(BLOWUP), "--max-states", "5000")
    line = r.stderr.splitlines()[0]
    assert line.startswith("explore: projected ~") and "(a guess; at most 20,405)" in line
    said = int(line.split("said at ")[1].split(" States")[0].replace(",", ""))
    assert said <= 2500  # long before the bound


def test_a_long_path_gets_a_figure_by_a_tenth_of_its_search_within_a_factor_two():
    p = Recorded(1_000_000)  # its ceiling (a fortune doubled up to 55 times) says nothing
    r = explore(load_story(LONG_PATH), max_states=1_000_000, projection=p)
    assert r.complete and r.states == 1526
    tenth = _at(p.rows, r.states, 0.1)
    assert tenth is not None and 0.5 * r.states <= tenth <= 2 * r.states
    assert p.ceiling is not None and p.ceiling > 1e15
    assert all(total is None or known <= total <= p.ceiling for known, total in p.rows)
    first = next(i for i, (_, total) in enumerate(p.rows) if total is not None)
    assert first > 0 and p.rows[first - 1][0] < 100 <= p.rows[first][0]
    assert p.said[first - 1] == "no projection: fewer than 100 States found"
    assert p.said[first].startswith("projected ~")


def test_the_figure_stays_between_the_floor_and_the_ceiling_at_every_level():
    for name in ("explore-blowup", "explore-long-path", "explore-talk-enter"):
        p = Recorded(1_000_000)
        r = explore(load_story(FIXTURES / name), max_states=1_000_000, projection=p)
        top = p.ceiling if p.ceiling is not None else float("inf")
        assert r.complete and r.states <= top, name
        assert all(total is None or known <= total <= top for known, total in p.rows), name
        assert p.total is None or p.total == r.states  # finished: the count, a fact
        assert not p.over


def test_a_search_cut_before_any_figure_says_why_there_is_none():
    r = explore(load_story(BLOWUP), max_states=40)
    assert not r.complete and r.projection is not None and r.projection["states"] is None
    assert r.projection["known"] == 41 and r.projection["over_bound"]
    assert "Size of the space: at least 41 States (found); no projection: fewer than 100 " \
           "States found" in format_report(r)
