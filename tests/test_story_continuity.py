"""The shipped story never mentions, as known, a person, place or thing that only some
paths introduce, on a path that did not introduce it (issue 14's continuity slips).

The walk is the real engine playing many seeded random games to the end, each passage
rendered as the player sees it (text, the choices shown, their locked reasons). Explore
cannot do this check: it merges States that differ only in what a text reads, so it
never renders every variant of a passage; random games do, and the slips this guards
against sit on paths one game in three to one in fifty takes.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from conftest import ROOT

from ana_story import engine
from ana_story.loader import check
from ana_story.state import State

RUNS = 1000  # a few seconds; a path one game in 100 takes is missed once in 20,000 runs


def seen(*scenes: str) -> Callable[[State], bool]:
    return lambda s: any(s.visits.get(sc, 0) for sc in scenes)


def flag(name: str) -> Callable[[State], bool]:
    return lambda s: bool(s.variables.get(name))


def value(name: str, *values: str) -> Callable[[State], bool]:
    return lambda s: s.variables.get(name) in values


def both(*tests: Callable[[State], bool]) -> Callable[[State], bool]:
    return lambda s: all(t(s) for t in tests)


# what the text says -> the path that must have been taken for it to make sense
# (the scene a thing is introduced in counts as seen while it is being shown)
MENTIONS: list[tuple[str, str, Callable[[State], bool]]] = [
    (r"Lavaud", "Madame Lavaud is met at Aubusson", seen("aubusson")),
    (r"back room at Vasseur", "Vasseur is met at his dinner", seen("dealer_dinner")),
    (r"Oberbaum", "the bridge Viktor names on the night walk", seen("night_walk")),
    (r"eleven floors", "Viktor's staircase dream, told on the night walk", seen("night_walk")),
    (r"river-kitchen|counting fish|adding up the fish",
     "the dream-diary kitchen", seen("dream_diary")),
    (r"no end to how long one can look", "Erna's last letter, read at the Palace",
     both(seen("pioneers"), flag("erna_letters"))),
    (r"since the winter", "a winter quarrel only the buran has", seen("buran")),
    (r"kept hers|suitcase under the bed|Erna Karlovna's suitcase|watercolours under",
     "Erna's hidden watercolours, shown on the night of the buran", seen("buran")),
    (r"buran", "the buran", seen("buran")),
    (r"on a paper bag", "the drawing of Auntie Kim on a paper bag", seen("bazaar")),
    (r"exercise books?", "Viktor's dream notebooks, first seen in his studio",
     seen("spree_studio", "two_easels", "cellar")),
    (r"cable works", "Viktor's studio", seen("spree_studio", "two_easels", "cellar")),
    (r"Lyosha", "Lyosha, met on the Arbat or at Furmanny Lane", seen("arbat", "furmanny")),
    (r"captain's daughter", "the militia raid", seen("militia")),
    (r"Behrens|dentist", "the collector at the opening", seen("collectors")),
    (r"\bLera\b", "Zorin's wife, painted in Moscow", seen("zorin_moscow")),
    (r"Aigul", "the director of the Palace of Schoolchildren", seen("pioneers")),
    (r"\bDina\b", "Mama's assistant at the stall", seen("market")),
    (r"the Finn\b", "the dealer from Helsinki", seen("ration_winter")),
    (r"fox collar|name three times", "Mama in Alma-Ata", flag("mama_at_show")),
    # w-mid: chapters 5-6
    (r"carp at the window", "Viktor's carp, painted when Ana would not say what is real",
     lambda s: s.variables.get("dreamt") == 3),
    (r"page under the river|page itself is under", "his 1987 dream page under the first canvas",
     lambda s: s.variables.get("material") == 2),
    (r"Ivan Petrovich", "Viktor's father, met in Petersburg", seen("petersburg")),
    (r"Zhiguli", "Mama's flat named as Zorin's figure",
     lambda s: 10 <= s.variables.get("zorin_figure", 0) < 20),
    # w-early2: chapters 1-2, round 2 (the alternative scenes)
    (r"Raisa Galimovna|\bFelix\b", "Mama's chief bookkeeper and her adding machine",
     seen("accounts")),
    (r"working days", "Mama's annual leave, spent in Moscow", seen("accounts", "kazansky")),
    (r"milk jug", "Erna's first lesson, in Mama's kitchen", seen("erna_kitchen")),
    (r"Auntie Valya", "the hostel's duty woman, by the telephone booth", seen("vakhta")),
    # w-mid2: the Paris and Berlin alternatives
    (r"Vincennes|Cartoucherie|Prozorov", "the backdrop at Vincennes", seen("backdrop")),
    (r"Bretonneau", "the squatted hospital: Ousmane's studio or the open night",
     seen("ousmane", "hospital_night")),
    (r"Préfecture|residence card", "the queue on the Île de la Cité", seen("prefecture")),
    (r"Mama's three minutes|three minutes on the telephone|WILL TELEPHONE",
     "Mama's call to the café", seen("mama_call")),
    (r"cellar steps|coal cellar", "the cellar at the opening", seen("opening_cellar")),
    (r"shop window", "the samovar in Ulrike's window", seen("opening_samovar")),
    (r"climbed your seven floors", "Ulrike's visit to Paris", seen("ulrike_visit")),
    (r"Clignancourt|Tula brass", "the samovar from the flea market", seen("flea_market")),
    # w-late2: chapters 5-7's alternative scenes
    (r"St James|before the fish|his club", "Hale's lunch at his club", seen("critic")),
    (r"NO THANK YOU|good chair by your stove", "Hale's visit to the cable works",
     seen("studio_visit")),
    (r"CHECKED\. NO MINES|Ivanovich", "Ulrike's cellar", seen("cellar")),
    (r"Marzahn", "where Erna lives in Berlin", both(seen("erna_cafe", "pioneers", "opening"),
                                                   flag("erna_letters"))),
]
COMPILED = [(re.compile(p, re.I), why, test) for p, why, test in MENTIONS]


@pytest.fixture(scope="module")
def story():
    story, diags = check(ROOT / "scenes")
    assert story is not None, diags
    return story


def shown_text(passage: engine.Passage) -> str:
    parts = [passage.reply, passage.text]  # a reply is on screen too, above the text
    for c in passage.shown:
        parts.append(c.text)
        if c.reason:
            parts.append(c.reason)
    return "\n".join(parts)


_HITS: dict[str, list[tuple[str, str, Callable[[State], bool]]]] = {}


def slips_in(passage: engine.Passage, state: State) -> list[str]:
    """The patterns a text matches are found once per distinct text (most screens recur
    in game after game); whether each match is a slip depends on the path, so that is
    tested for every State."""
    text = shown_text(passage)
    hits = _HITS.get(text)
    if hits is None:
        hits = _HITS[text] = [(m.group(0), why, test) for pattern, why, test in COMPILED
                              for m in [pattern.search(text)] if m]
    return [f"{state.scene}: '{said}' ({why}) on a path without it"
            for said, why, test in hits if not test(state)]


def play(story, rng: random.Random) -> list[str]:
    state = engine.new_state(story, seed=rng.randrange(1 << 30))
    found = []
    for _ in range(200):
        passage = engine.present(story, state)
        found += slips_in(passage, state)
        if passage.ended:
            return found
        state = engine.choose(story, state, rng.choice(passage.available).index)
    raise AssertionError(f"a random game did not end: {state.scene}")


def test_every_mention_has_its_introduction(story):
    slips: dict[str, int] = {}
    for run in range(RUNS):
        for slip in play(story, random.Random(run)):
            slips[slip] = slips.get(slip, 0) + 1
    assert not slips, "\n".join(f"{n:4} games: {s}" for s, n in sorted(slips.items()))


def test_the_table_is_not_empty_words(story):
    """Each mention the table guards is really in the story (so a rename cannot leave
    a check that can never fire)."""
    sources = "\n".join(
        "\n".join([sc.text.source, *(c.text.source for c in sc.choices),
                   *(c.locked.source for c in sc.choices if c.locked),
                   *(c.reply.source for c in sc.choices if c.reply)])
        for sc in story.scenes.values())
    missing = [p for p, _, _ in MENTIONS
               if p != "since the winter" and not re.search(p, sources, re.I)]
    assert not missing, missing
