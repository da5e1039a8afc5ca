"""The abstraction an author declares for explore (a number variable's `exact: [low,
high]`), what a cut search says about the size of the space and what blows it up,
and the suggestion it makes, followed by hand: the fixture explore-blowup cannot be
proven as written and is proven once the suggested lines are added."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, checked_story, run_cli, write_story

from ana_story.loader import check, load_story
from ana_story.tools.explore import explore, format_report, random_runs
from ana_story.tools.explore.key import Keyer
from ana_story.tools.explore.projection import Projection

BLOWUP = FIXTURES / "explore-blowup"
STORY = "title: T\nstart: a\nvariables:\n"
SCENE = {"01-a.yaml": "scenes:\n  a:\n    text: A.\n    choices:\n"
                      "      - text: Go\n        if: n > 2\n        goto: b\n"
                      "      - text: Stay\n        set:\n          n: n + 1\n        goto: a\n"
                      "  b:\n    text: B.\n    ending: B\n"}


def _declared(tmp: Path, suggestions: list[dict]) -> Path:
    """A copy of the blow-up fixture with each suggested 'exact:' added as the
    suggestion's YAML says (its last line, under the variable)."""
    out = tmp / "declared"
    shutil.copytree(BLOWUP, out)
    p = out / "story.yaml"
    text = p.read_text(encoding="utf-8")
    for s in suggestions:
        value, exact = s["yaml"].splitlines()[-2:]
        text = text.replace(f"  {s['variable']}: 0\n",
                            f"  {s['variable']}:\n  {value}\n  {exact}\n")
    p.write_text(text, encoding="utf-8")
    return out


def _diags(tmp: Path, decl: str) -> list[tuple]:
    folder = write_story(tmp / "s", STORY + decl, **SCENE)
    _, diags = check(folder)
    return [(Path(d.file).name, d.line, d.column, d.severity, d.code, d.message)
            for d in diags]


def test_a_declared_exact_is_read_into_the_variable(tmp_path):
    folder = write_story(tmp_path / "s", STORY + "  n:\n    value: 0\n    exact: [0, 3]\n",
                         **SCENE)
    story = checked_story(folder)
    assert story.variables["n"].exact == (0, 3)
    assert load_story(BLOWUP).variables["courage"].exact == ()


@pytest.mark.parametrize(("decl", "where", "code", "message"), [
    ("  n:\n    value: 0\n    exact: [3, 1]\n", (6, 16), "bad-exact",
     "the 'exact' of 'n' should be [low, high]: 1 is below 3"),
    ("  n:\n    value: 0\n    exact: [3]\n", (6, 12), "bad-exact",
     "the 'exact' of 'n' should be a list of two numbers, [low, high], not 1 value"),
    ("  n:\n    value: 0\n    exact: [0, lots]\n", (6, 16), "bad-exact",
     "the 'exact' of 'n' should hold numbers, not 'lots'"),
    ("  n:\n    value: 0\n    exact: 4\n", (6, 12), "bad-exact",
     "the 'exact' of 'n' should be a list of two numbers, [low, high], not a number"),
    ("  n: 0\n  w:\n    value: hello\n    exact: [0, 3]\n", (7, 5), "not-a-number",
     "'exact' is for number variables, and 'w' holds text"),
    ("  n: 0\n  bag:\n    items: [a]\n    value: []\n    exact: [0, 1]\n", (8, 5),
     "not-a-number", "'exact' is for number variables, and 'bag' is a list"),
])
def test_a_bad_exact_is_an_error_at_its_place(tmp_path, decl, where, code, message):
    got = [d for d in _diags(tmp_path, decl) if d[3] == "error"]
    assert got == [("story.yaml", *where, "error", code, message)]


def test_a_start_outside_exact_is_a_warning_with_the_widened_lines(tmp_path):
    folder = write_story(tmp_path / "s", STORY + "  n:\n    value: 0\n    exact: [1, 3]\n",
                         **SCENE)
    r = run_cli("check", str(folder))
    assert r.returncode == 0
    assert "story.yaml:6:12: warning[exact-misses-start] 'n' starts at 0, below its 'exact' " \
           "[1, 3]" in r.stdout
    assert "hint: widen it to take in the start: exact: [0, 3]" in r.stdout


def test_bands_is_not_a_key_and_the_hint_names_exact(tmp_path):
    got = _diags(tmp_path, "  n:\n    value: 0\n    bands: [0, 3]\n")
    assert got == [("story.yaml", 6, 5, "error", "unknown-key",
                    "unknown key 'bands' in variable 'n'")]


def test_the_key_merges_only_the_values_outside_exact(tmp_path):
    folder = write_story(tmp_path / "s", STORY + "  n:\n    value: 0\n    exact: [0, 3]\n",
                         **SCENE)
    story = checked_story(folder)
    key = Keyer(story)
    at = lambda n: key.of("a", {"n": n}, {}, None, frozenset(), {})  # noqa: E731
    assert at(4) == at(50) == at(10 ** 9)
    assert len({at(0), at(1), at(2), at(3), at(4)}) == 5
    assert at(-1) == at(-7) != at(0)
    assert key.abstracted == {"n"}
    plain = Keyer(load_story(BLOWUP))  # without the declaration: every value apart
    assert not plain.abstracted


def test_a_cut_search_names_the_blowup_and_the_lines_to_declare():
    r = explore(load_story(BLOWUP), max_states=5000)
    assert not r.complete and r.exit_code() == 3
    by = {s["variable"]: s for s in r.suggestions}
    assert by["courage"]["exact"] == [0, 5] and by["lore"]["exact"] == [0, 3]
    assert by["courage"]["yaml"] == "variables:\n  courage:\n    value: 0\n    exact: [0, 5]"
    assert by["courage"]["where"] == "tests/fixtures/explore-blowup/story.yaml:6:3"
    assert "conditions compare it only with 1, 3 and 5 (in The Camp)" in by["courage"]["why"]
    text = format_report(r)
    assert "  Blow-up: variable 'courage' took " in text
    assert "    Declare in story.yaml (tests/fixtures/explore-blowup/story.yaml:6:3)" in text
    assert "          exact: [0, 5]" in text
    assert ("  Proven so far, over the 5,000 States explored: 3/3 endings reached, 5/5 "
            "scenes, 8/8 choices") in text
    assert "NOT PROVEN" in text


def test_the_suggested_declaration_makes_the_blowup_provable(tmp_path):
    cut = run_cli("explore", str(BLOWUP), "--max-states", "5000", "--format", "json")
    assert cut.returncode == 3
    data = json.loads(cut.stdout)
    assert not data["complete"] and "abstraction" not in data
    folder = _declared(tmp_path, data["suggestions"])
    assert run_cli("check", str(folder), "--strict").returncode == 0
    done = run_cli("explore", str(folder), "--max-states", "5000")
    assert done.returncode == 0, done.stdout
    assert "OK under the abstraction declared for 'courage', 'lore' (values outside " \
           "'exact:' counted as one): every scene and ending is reachable" in done.stdout
    assert "  Under the abstraction declared for 'courage' (" in done.stdout
    full = run_cli("explore", str(BLOWUP), "--format", "json")  # the whole space, exact
    declared = json.loads(run_cli("explore", str(folder), "--format", "json").stdout)
    assert json.loads(full.stdout)["states"] > 100 * declared["states"]
    assert declared["abstraction"] == [
        {"variable": "courage", "exact": [0, 5], "where": f"{folder}/story.yaml:6:3"},
        {"variable": "lore", "exact": [0, 3], "where": f"{folder}/story.yaml:9:3"}]
    assert not declared["unreached"]["endings"]


def test_exact_changes_explore_only_never_play(tmp_path):
    plain = load_story(BLOWUP)
    declared = load_story(_declared(tmp_path, explore(plain, max_states=3000).suggestions))
    a, b = random_runs(plain, 200, seed=3), random_runs(declared, 200, seed=3)
    assert a.scene_hits == b.scene_hits and a.choice_hits == b.choice_hits
    assert a.ending_hits == b.ending_hits


def test_a_space_without_end_is_said_before_the_search(tmp_path):
    folder = write_story(tmp_path / "s", STORY + "  n: 0\n", **SCENE)
    r = explore(load_story(folder), max_states=2000)
    p = r.projection
    assert p["endless"] == ["n"] and p["over_bound"] and p["over_bound_at"] == 0
    assert p["known"] == 2001  # the States explored, and one more past the cut
    assert "Size of the space: at least 2,001 States (found), and maybe no end: 'n' is " \
           "told apart by value" in format_report(r)
    capped = write_story(tmp_path / "c", STORY + "  n: 0\n",
                         **{"01-a.yaml": SCENE["01-a.yaml"].replace("n + 1", "min(n + 1, 9)")})
    assert "endless" not in (explore(load_story(capped), max_states=2000).projection or {})


def test_the_projection_is_never_below_what_is_known():
    p = Projection(10)
    for known in (1000, 1200, 1400):
        p.level(ways=1000, new=1, known=known)  # repeats everywhere: estimates near known
    assert p.total is not None and p.total >= 1400 and p.low >= 1400
    p.found(5000)
    assert p.total == p.low == 5000 and p.known == 5000 and p.high is None  # no ceiling
    assert p.to_json()["over_bound"]


def test_piped_explore_says_at_once_when_over_the_bound_and_json_says_nothing():
    r = run_cli("explore", str(BLOWUP), "--max-states", "5000")
    assert r.returncode == 3
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("explore: projected ~")
    assert ", over the bound of 5,000 (said at " in lines[0]
    j = run_cli("explore", str(BLOWUP), "--max-states", "5000", "--format", "json")
    assert j.stderr == "" and json.loads(j.stdout)["projection"]["over_bound"]


DEAD_END = {"01-a.yaml": "scenes:\n  a:\n    text: A.\n    choices:\n"
                         "      - text: Go\n        if: n > 2\n        goto: b\n"
                         "      - text: Stay\n        set:\n          n: n + 1\n        goto: a\n"
                         "  b:\n    text: B.\n    choices:\n"
                         "      - text: On\n        if: n > 50\n        goto: c\n"
                         "  c:\n    text: C.\n    ending: C\n"}


def test_guided_runs_past_the_bound_find_a_dead_end_and_say_how_to_replay_it(tmp_path):
    folder = write_story(tmp_path / "s", STORY + "  n: 0\n", **DEAD_END)
    r = run_cli("explore", str(folder), "--max-states", "3", "--format", "json")
    assert r.returncode == 1  # a real dead end, found past the bound
    g = json.loads(r.stdout)["guided"]
    assert g["scenes"] == ["b"] and not g["errors"]
    stuck = g["stuck"][0]
    assert stuck["scene"] == "b" and stuck["numbers"][-1] == 1 and stuck["runs"] > 1
    assert len(g["stuck"]) == 1  # one entry for the scene
    text = run_cli("explore", str(folder), "--max-states", "3").stdout
    assert "  Proven so far, over the 3 States explored: 0/1 endings reached, 1/3 scenes, " \
           "1/3 choices" in text
    line = next(x for x in text.splitlines() if "guided runs got STUCK in b (" in x)
    numbers = line.split("then type ")[1]
    seed = line.split("--seed ")[1].split(",")[0]
    played = run_cli("play", str(folder), "--plain", "--seed", seed,
                     input="\n".join(numbers.split()) + "\n")
    assert "B." in played.stdout  # the replay reaches the dead end


def test_two_jobs_give_the_same_report_under_the_abstraction_and_when_cut(tmp_path,
                                                                           monkeypatch):
    from ana_story.tools.explore import jobs
    monkeypatch.setattr(jobs, "SWITCH", 1)  # shared from the first level
    plain = load_story(BLOWUP)
    declared = load_story(_declared(tmp_path, explore(plain, max_states=3000).suggestions))
    for story, bound in ((declared, 100_000), (plain, 3000)):
        one, two = (explore(story, max_states=bound, jobs=j).to_json() for j in (1, 2))
        del one["seconds"], two["seconds"]
        assert one == two
