"""Variation blocks (issue 12, rule 5): {% cycle %}, {% sequence %}, {% once %} and
{% shuffle %} with {% or %}, and their inline forms, counting their own showings
(scene text: visits; a reply: the choice's takes; a label: the menu's showings);
played through the real engine, saved, loaded and undone, checked at the author's
lines, explored, and shown by the installed command."""
from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, checked_story, run_cli, take

from ana_story import cache, engine
from ana_story.expressions import Env, compile_template
from ana_story.expressions.variation import _shuffle
from ana_story.loader import check, load_story
from ana_story.state import State
from ana_story.tools.explore import explore

BLOCKS = FIXTURES / "vary-blocks"


@pytest.fixture(scope="module")
def story():
    return checked_story(BLOCKS)


def _take(story, state: State, text: str) -> State:
    return take(story, state, text)


def _kitchen_lines(text: str) -> list[str]:
    return text.split(". ")


def test_scene_text_counts_visits_and_a_stay_is_not_a_visit(story):
    s = engine.new_state(story, 4)
    first = engine.present(story, s).text
    assert first == ("The kettle again. Mama is out. A letter waits on the table. "
                     "The clock says six.")
    s = _take(story, s, "Pour a cup")  # a stay: the text does not move on
    assert engine.present(story, s).text == first
    texts = []
    for _ in range(3):
        s = _take(story, _take(story, s, "Go out"), "Back in")
        texts.append(engine.present(story, s).text)
    assert s.visits["kitchen"] == 4
    assert texts == [
        "The kettle, as always. Mama is back. The letter is gone. The clock says seven.",
        # sequence sticks at its last; once shows nothing once all are shown
        "The kettle again. Mama is asleep. The clock says six.",
        "The kettle, as always. Mama is asleep. The clock says seven.",
    ]


def test_a_reply_counts_its_choice_and_a_label_counts_the_menu(story):
    s = engine.new_state(story, 0)
    labels = [c.text for c in engine.present(story, s).available]
    assert labels == ["Pour a cup", "Go out"]
    replies = []
    for _ in range(3):
        s = _take(story, s, labels[0])
        p = engine.present(story, s)
        replies.append(p.reply)
        labels = [c.text for c in p.available]
        assert labels == ["Pour another cup", "Go out"]  # the second menu on: sticks
    assert replies == ["Steam.", "More steam, 2 cups now.", "Steam."]
    # every choice of a scene whose label varies is counted, as taken() counts
    s = _take(story, _take(story, s, "Go out"), "Back in")
    assert s.taken == {"kitchen.pour": 3, "kitchen.out": 1}


def test_save_load_and_undo_show_the_same_words(story):
    s = engine.new_state(story, 9)
    states = [s]
    for label in ("Pour a cup", "Go out", "Back in", "Pour another cup", "Go out"):
        s = _take(story, s, label)
        states.append(s)
    shown = [(engine.present(story, x).text, engine.present(story, x).reply,
              [c.text for c in engine.present(story, x).available]) for x in states]
    for x, before in zip(states, shown, strict=True):
        back = State.from_json(json.loads(json.dumps(x.to_json())))
        p = engine.present(story, back)
        assert (p.text, p.reply, [c.text for c in p.available]) == before
    # undo is the previous State: the same words as when it was first shown
    p = engine.present(story, states[3])
    assert (p.text, p.reply, [c.text for c in p.available]) == shown[3]


def test_shuffle_shows_each_alternative_once_per_round_and_follows_the_seed(story):
    def yard_texts(seed: int, rounds: int) -> list[str]:
        s = engine.new_state(story, seed)
        out = []
        for _ in range(3 * rounds):
            s = _take(story, s, "Go out")
            out.append(engine.present(story, s).text.removeprefix("Wind. "))
            s = _take(story, s, "Back in")
        return out

    seen = yard_texts(2, 4)
    for r in range(4):
        assert sorted(seen[3 * r:3 * r + 3]) == ["A bell.", "A cat.", "A crow."]
    assert seen == yard_texts(2, 4)  # the same seed, the same order
    orders = {tuple(yard_texts(seed, 2)) for seed in range(8)}
    assert len(orders) > 1  # the seed decides the permutation


def test_shuffle_is_inks_permutation_per_round():
    class S:
        seed = 77

    for k in (1, 2, 5):
        shown = [_shuffle(S, 12345, n, k) for n in range(1, 6 * k + 1)]
        rounds = [shown[i:i + k] for i in range(0, len(shown), k)]
        assert all(sorted(r) == list(range(k)) for r in rounds)
    # a round's permutation comes from (seed, round, site): not one order repeated
    assert len({tuple(_shuffle(S, 12345, n, 4) for n in range(4 * r + 1, 4 * r + 5))
                for r in range(6)}) > 1


def test_nested_blocks_count_their_own_showings():
    env = Env({})
    env.place("k", "text", ("visits", "k"))
    t = compile_template("{% cycle %}A{% sequence %}1{% or %}2{% endsequence %}"
                         "{% or %}B{% endcycle %}", env)

    class S:
        taken: dict = {}

        def __init__(self, n):
            self.visits = {"k": n}

    # the inner sequence shows on visits 1, 3, 5: its own first, second, third showing
    assert [t.render({}, S(n)) for n in range(1, 7)] == ["A1", "B", "A2", "B", "A2", "B"]


def test_inline_forms_take_any_values_of_one_kind_and_work_out_only_the_one_shown():
    env = Env({"x": "int"})
    env.place("k", "text", ("visits", "k"))
    t = compile_template("{{ sequence(1, 10 // x) }}", env)

    class S:
        def __init__(self, n):
            self.visits = {"k": n}

    assert t.render({"x": 0}, S(1)) == "1"  # 10 // 0 is never worked out on visit 1


def test_each_mistake_is_reported_at_its_character():
    _, diags = check(FIXTURES / "broken" / "vary-mistakes")  # apart: fixtures beside load
    got = {(d.line, d.column): d for d in diags if d.severity == "error"}
    assert set(got) == {(6, 17), (13, 16), (20, 38), (27, 23), (34, 18), (41, 9), (46, 16),
                        (54, 11), (56, 38)}
    assert got[6, 17].message.endswith("'{% cycle %}' is never closed")
    assert "add '{% endcycle %}'" in got[6, 17].hint
    assert got[13, 16].message.endswith("'{% or %}' outside a variation block")
    assert "'{% endcycle %}' where the '{% once %}' opened last" in got[20, 38].message
    assert got[20, 38].hint.startswith("close the '{% once %}' first with '{% endonce %}'")
    assert got[27, 23].message.endswith("'{% shuffle %}' has no alternatives")
    assert "ink's '{&sings|hums}'" in got[34, 18].message
    assert "{% cycle %}" in got[34, 18].hint
    assert got[41, 9].hint == "did you mean 'cycle'?"
    assert "cycle()" in got[46, 16].message  # titles do not vary
    assert "Harlowe's '(either:'" in got[54, 11].message and "shuffle" in got[54, 11].hint
    assert "'{% else %}'" in got[56, 38].hint


@pytest.mark.parametrize(("text", "hint"), [
    ("{% stopping %}a{% or %}b{% endsequence %}", "write '{% sequence %}'"),
    ("{% cycle %}a{% or %}b{% end %}", "write '{% endcycle %}'"),
    ("<<cycle 'a' 'b'>>", "{% cycle %}"),
    ("{~a|b|c}", "{% shuffle %}"),
    ("{!Once only}", "{% once %}"),
    ("{stopping: a|b}", "{% sequence %}"),
    ("{% cycle 'a' %}x{% endcycle %}", "write '{% cycle %}' alone"),
])
def test_other_engines_spellings_get_a_hint_naming_ours(text, hint):
    from ana_story.expressions import ExprError
    env = Env({})
    env.place("k", "text", ("visits", "k"))
    with pytest.raises(ExprError) as e:
        compile_template(text, env)
    assert hint in (e.value.hint or "")


def test_explore_renders_every_alternative_even_when_visits_are_merged():
    report = explore(load_story(FIXTURES / "vary-explore"))
    [err] = report.errors
    assert "01-well.yaml:8:78" in err.message and "division by zero" in err.message


def test_explore_and_check_pass_a_story_with_blocks(story):
    r = explore(story)
    assert not r.errors and set(r.ending_paths) == {"end"}
    out = run_cli("check", str(BLOCKS))
    assert out.returncode == 0 and "0 errors, 0 warnings" in out.stdout


def test_the_installed_command_plays_the_variations():
    r = run_cli("play", str(BLOCKS), "--plain", "--seed", "4", input="1\n1\n2\n1\nq\n")
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "The kettle again." in out and "Pour a cup" in out
    assert "Steam." in out and "More steam, 2 cups now." in out
    assert "The kettle, as always. Mama is back. The letter is gone." in out


@pytest.mark.parametrize("name", ["vary-blocks", "vary-dice"])
def test_the_compiled_story_cache_plays_blocks_and_draws_identically(tmp_path, name,
                                                                     monkeypatch):
    import random
    import shutil

    from ana_story.model import LazyScenes

    def no_rebuild(root):
        def rebuild(sid):
            raise AssertionError(f"scene {sid} did not decode from the cache")
        return rebuild
    monkeypatch.setattr(cache, "_rebuild_from", no_rebuild)  # decoded, not read again
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    cold = cache.load(folder, folder=tmp_path / "cache")
    warm = cache.load(folder, folder=tmp_path / "cache")
    assert isinstance(warm.scenes, LazyScenes) and not isinstance(cold.scenes, LazyScenes)
    for seed in range(6):
        shown = []
        for story in (cold, warm):
            rng = random.Random(seed)
            state, seen = engine.new_state(story, seed), []
            for _ in range(30):
                p = engine.present(story, state)
                seen.append((p.text, p.reply, [c.text for c in p.choices]))
                if p.ended:
                    break
                state = engine.choose(story, state, rng.choice(p.available).index)
            shown.append((seen, state.taken, state.variables))
        assert shown[0] == shown[1]


def test_a_varied_label_beside_a_choice_written_as_a_bare_word_is_reported_not_a_crash(
        tmp_path):
    # a label's variation reads the scene's choice keys ahead of building them; a choice
    # that is not a mapping (found by the loader fuzz test) must not break that reading
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n", encoding="utf-8")
    (tmp_path / "01-a.yaml").write_text(
        "scenes:\n  a:\n    text: Here.\n    choices:\n      - just a word\n"
        "      - text: \"{% cycle %}Go{% or %}Go on{% endcycle %}\"\n        goto: b\n"
        "  b:\n    text: End.\n    ending: The End\n", encoding="utf-8")
    story, diags = check(tmp_path)
    assert story is None
    assert [(d.line, d.code) for d in diags if d.severity == "error"] == [(5, "wrong-type")]
