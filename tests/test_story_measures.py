"""Issue 14's measures of the shipped story, each computed through the real engine.

The issue asks for: check and explore clean with every scene and ending reachable; 8 or more
endings; in every reachable State of the final decision at least 3 options shown (available,
or locked with a reason); at least 90% of choices acknowledged; 30,000 or more words of prose;
one run of 7,000-11,000 words (median over 200 seeded random runs); two random runs sharing at
most 60% of their scenes (median); spelling clean; and four stats whose every reachable value
lies inside the bar the stats screen draws. A measure the story does not meet yet is marked
xfail(strict=True) with the target and the figure measured, never a lowered target.

A "random run" everywhere here is the engine playing from the start with seed n, picking
uniformly among the available choices with random.Random(n), until an ending.
"""
from __future__ import annotations

import random
import re
import statistics
from collections import deque
from functools import lru_cache

import pytest
from conftest import ROOT

from ana_story import engine
from ana_story.loader import check
from ana_story.state import State
from ana_story.tools.explore.key import Keyer
from ana_story.tools.ranges import flow_ranges

SCENES = ROOT / "scenes"
TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[a-z]+)?")
RUNS = 200
FINAL = "what_now"  # the scene of the final decision: Mama's "And now, kyzym?"


@lru_cache(maxsize=1)
def load():
    story, diags = check(SCENES)
    assert story is not None, diags
    return story


@pytest.fixture(scope="module")
def story():
    return load()


def words(text: str) -> int:
    return len(WORD.findall(text))


# --- random runs ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def runs() -> tuple[tuple[tuple[str, ...], int], ...]:
    """(the scenes a run entered, in order; the words of prose it showed) per seed: each
    scene's text once per visit (a stay shows only its reply), and every reply."""
    story = load()
    out = []
    for n in range(RUNS):
        rng = random.Random(n)
        state = engine.new_state(story, seed=n)
        scenes: list[str] = []
        shown = 0
        for _ in range(500):
            p = engine.present(story, state)
            if not p.stayed:
                scenes.append(p.scene)
            shown += words(p.reply) + (0 if p.stayed else words(p.text))
            if p.ended:
                break
            state = engine.choose(story, state, rng.choice(p.available).index)
        else:
            raise AssertionError(f"run {n} did not end")
        out.append((tuple(scenes), shown))
    return tuple(out)


def run_words() -> list[int]:
    return [w for _, w in runs()]


def shared_scenes() -> list[float]:
    """For runs 2k and 2k+1: the share of each run's scenes the other also entered,
    averaged over the two directions."""
    out = []
    rs = runs()
    for a, b in zip(rs[0::2], rs[1::2], strict=True):
        sa, sb = set(a[0]), set(b[0])
        both = len(sa & sb)
        out.append((both / len(sa) + both / len(sb)) / 2)
    return out


# --- acknowledged choices ---------------------------------------------------------------

def after(story, state: State, index: int) -> str:
    """What the player reads next after choice ``index``: the reply, then the next scene's
    text (a stay shows the reply only), as rendered."""
    nxt = engine.choose(story, state, index)
    p = engine.present(story, nxt)
    return p.reply + "\n" + ("" if p.stayed else p.text)


@lru_cache(maxsize=1)
def acknowledgement() -> tuple[dict[str, bool], dict[str, str]]:
    """Per choice (by key) met in random runs beside at least one other available choice:
    whether it was acknowledged at every such decision, and why not when it was not.

    A choice is acknowledged at a decision when what the reader reads next (its reply, then
    the next scene's text; a line of a conversation shows its reply alone) differs from what
    every other choice open there leads to. That is the issue's "has a reply, leads to text
    that differs with the choice, or stays in a conversation", measured strictly: a reply or
    a stay counts only when it says something no other open choice says."""
    story = load()
    ok: dict[str, bool] = {}
    why: dict[str, str] = {}
    for n in range(RUNS):
        rng = random.Random(n)
        state = engine.new_state(story, seed=n)
        for _ in range(500):
            p = engine.present(story, state)
            if p.ended:
                break
            open_ = p.available
            if len(open_) >= 2:
                scene = story.scenes[state.scene]
                texts = {v.index: after(story, state, v.index) for v in open_}
                for v in open_:
                    c = scene.choices[v.index]
                    same = [o.key for o in open_ if o.index != v.index
                            and texts[o.index] == texts[v.index]]
                    good = not same
                    if not good:
                        why.setdefault(c.key, f"leads to the same passage as {same[0]}")
                    ok[c.key] = ok.get(c.key, True) and good
            state = engine.choose(story, state, rng.choice(open_).index)
    return ok, why


# --- the final decision, over every reachable State ----------------------------------------

@lru_cache(maxsize=1)
def final_states() -> list[tuple[int, int, list[str]]]:
    """Every reachable State of the final decision (breadth-first over engine States,
    merged by explore's own key): (options shown, options available, locked reasons)."""
    story = load()
    key = Keyer(story)
    start = engine.new_state(story)
    seen = {key(start)}
    todo = deque([start])
    found = []
    while todo:
        state = todo.popleft()
        p = engine.present(story, state)
        if state.scene == FINAL:
            found.append((len(p.shown), len(p.available),
                          [c.reason or "" for c in p.shown if not c.available]))
            continue
        for v in p.available:
            nxt = engine.choose(story, state, v.index)
            k = key(nxt)
            if k not in seen:
                seen.add(k)
                todo.append(nxt)
    return found


# --- the tests ---------------------------------------------------------------------------

def test_check_and_explore_are_clean_with_everything_reachable(shipped_exploration):
    _, diags = check(SCENES)
    assert diags == []
    r, report = shipped_exploration
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert report["complete"] and report["unreached"] == {
        "scenes": [], "endings": [], "choices": []}
    assert report["softlocks"] == [] and report["errors"] == []


def test_eight_or_more_endings_each_with_its_own_title(story):
    titles = [s.ending for s in story.endings]
    assert len(titles) >= 8, titles
    assert len(set(titles)) == len(titles)


def test_the_final_decision_is_reached_by_every_ending(story):
    """Every ending is a choice of the final decision, so each is shown there, open or locked."""
    targets = {t for c in story.scenes[FINAL].choices for t in c.goto.targets}
    assert targets == {s.id for s in story.endings}


@pytest.mark.slow
def test_every_state_of_the_final_decision_shows_three_options_or_more():
    found = final_states()
    assert found, "the final decision is never reached"
    fewest = min(shown for shown, _, _ in found)
    assert fewest >= 3, f"a State of the final decision shows only {fewest} options"
    assert all(r.strip() for _, _, reasons in found for r in reasons), "a lock with no reason"
    assert min(avail for _, avail, _ in found) >= 1
    # and a real choice, not one door and seven locks: two or more open in nine States of ten
    two = sum(avail >= 2 for _, avail, _ in found) / len(found)
    assert two >= 0.90, f"two or more options open in {two:.0%} of {len(found):,} States"


def test_ninety_percent_of_choices_are_acknowledged():
    ok, why = acknowledgement()
    share = sum(ok.values()) / len(ok)
    missing = "\n".join(f"{k}: {why[k]}" for k in sorted(why))
    assert share >= 0.90, f"{share:.0%} of {len(ok)} choices acknowledged; not:\n{missing}"


def prose_words(story) -> int:
    """test_size's count, replies included: every scene text, choice text and reply, with
    the template tags taken out (every alternative of a conditional counts)."""
    total = 0
    for scene in story.scenes.values():
        total += words(TAGS.sub(" ", scene.text.source))
        for c in scene.choices:
            total += words(TAGS.sub(" ", c.text.source))
            if c.reply is not None:
                total += words(TAGS.sub(" ", c.reply.source))
    return total


def test_thirty_thousand_words_of_prose(story):
    total = prose_words(story)
    assert total >= 30_000, f"{total:,} words by test_size's count, replies included"


def test_a_run_reads_seven_to_eleven_thousand_words():
    median = statistics.median(run_words())
    assert 7_000 <= median <= 11_000, f"median of {RUNS} runs: {median:,.0f} words"


def test_two_runs_share_at_most_sixty_percent_of_their_scenes():
    median = statistics.median(shared_scenes())
    assert median <= 0.60, f"median share of scenes between two runs: {median:.0%}"


def test_comparisons_cut_by_half():
    """The issue: the "like a ..." and "the way ..." comparisons (about 30 each in the first
    version) cut by half, across every scene file."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SCENES.glob("*.yaml")))
    like = len(re.findall(r"\blike an? ", text, re.I))
    way = len(re.findall(r"\bthe way ", text, re.I))
    assert like <= 15 and way <= 15, f"'like a/an' {like}, 'the way' {way} (at most 15 each)"


def test_spelling_is_clean(story):
    import test_shipped_story
    test_shipped_story.test_spelling_against_a_dictionary_and_the_story_word_list(story)


# --- the stats ---------------------------------------------------------------------------

def test_four_stats_on_the_story_s_own_screen(story):
    kinds = {s.variable: s.kind for s in story.stats}
    assert kinds == {"voice": "opposed", "craft": "bar", "mama": "bar", "viktor": "bar"}
    assert {n for n, v in story.variables.items() if v.visible} == set(kinds)


def test_no_hidden_number_decides_anything_outside_its_conversation(story):
    """A number the screen does not show is only a conversation's beat: the scene that sets
    it is the only one whose choices test it (``talk == 1``, ``hale_last != 0``); anywhere
    else only texts read it. So no hidden number opens a door later, or decides an ending."""
    shown = {s.variable for s in story.stats}
    hidden = {n for n, v in story.variables.items()
              if v.type in ("int", "float") and n not in shown}
    set_in: dict[str, set[str]] = {}
    tested_in: dict[str, set[str]] = {}
    for sc in story.scenes.values():
        for c in sc.choices:
            for name, _ in c.effects:
                set_in.setdefault(name, set()).add(sc.id)
            exprs = [c.condition] + [r.condition for r in c.goto.routes]
            for e in exprs:
                for name in (e.reads if e is not None else ()):
                    tested_in.setdefault(name, set()).add(sc.id)
    leaks = {n: sorted(tested_in.get(n, set()) - set_in.get(n, set())) for n in hidden}
    assert {n: where for n, where in leaks.items() if where} == {}


def test_every_reachable_value_of_a_stat_lies_inside_its_bar(story):
    """Bounded by design: the steps are constant (so explore can merge them), and no path
    can take a stat past an end of the bar the screen draws (ranges are path extremes)."""
    ranges = flow_ranges(story)
    for s in story.stats:
        lo, hi = ranges[s.variable]
        low, high = (0, 100) if s.kind == "opposed" else (s.low, s.high)
        assert low <= lo and hi <= high, f"{s.variable} reaches {lo}..{hi}, drawn {low}..{high}"


def test_every_stat_opens_or_closes_a_choice_before_the_epilogue(story):
    """Each visible stat is read mid-story by a choice's condition the reader sees locked
    or offered (not only in the final routing)."""
    last = story.chapters[-1].scenes
    read = {name for sid, scene in story.scenes.items() if sid not in last
            for c in scene.choices if c.condition is not None and c.locked is not None
            for name in c.condition.reads}
    assert {s.variable for s in story.stats} <= read, sorted(read)
