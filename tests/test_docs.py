"""The writer's guide is true: every example in it loads cleanly and plays to an ending;
the README's test line is what CI runs."""
from __future__ import annotations

import random
import re

import pytest
import yaml
from conftest import ROOT

from ana_story import engine
from ana_story.loader import check

GUIDE = ROOT / "docs" / "writing-scenes.md"
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n```yaml\n(.*?)```", re.S)


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(GUIDE.read_text(encoding="utf-8")))


SCENE_EXAMPLES = [name for name in examples() if name != "story.yaml"]


def test_the_guide_has_an_example_for_every_feature():
    text = "\n".join(examples().values())
    for feature in ("ending:", "set:", "if:", "locked:", "once: true", "fallback: true",
                    "{{", "{% if", "{% elif", "{% else %}", "visits(", "seen(", "random(",
                    "chance(", "pick(", "random: [", "tags:", "notes:", "- if:", "*almost*",
                    "**worse**", "visible: true", "false", "2.5", '"Karaganda"', "{% cycle %}",
                    "{% sequence %}", "{% once %}", "{% or %}", "shuffle("):
        assert feature in text, feature


@pytest.mark.parametrize("name", SCENE_EXAMPLES)
def test_guide_example_checks_clean_and_plays_to_an_ending(tmp_path, name):
    files = examples()
    scenes = yaml.safe_load(files[name])["scenes"]
    first = next(iter(scenes))
    story_yaml = re.sub(r"^start: \w+", f"start: {first}", files["story.yaml"], flags=re.M)
    (tmp_path / "story.yaml").write_text(story_yaml)
    (tmp_path / name).write_text(files[name])
    story, diags = check(tmp_path)
    assert diags == [] and story is not None, diags
    for seed in range(10):
        rng = random.Random(seed)
        state = engine.new_state(story, seed)
        for _ in range(50):
            p = engine.present(story, state)
            assert not p.stuck
            if p.ended:
                break
            state = engine.choose(story, state, rng.choice(p.available).index)
        assert engine.present(story, state).ended


def test_the_reuse_example_checks_clean_and_plays_to_an_ending(tmp_path):
    """Reuse's example has a story.yaml of its own (functions and snippets in it)."""
    files = dict(re.findall(r"<!-- reuse-example: (\S+) -->\n```yaml\n(.*?)```",
                            GUIDE.read_text(encoding="utf-8"), re.S))
    assert set(files) == {"story.yaml", "01-kitchen.yaml"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    story, diags = check(tmp_path)
    assert [d for d in diags if d.severity == "error"] == [] and story is not None, diags
    state = engine.new_state(story, 1)
    p = engine.present(story, state)
    assert p.text == ("Good evening, Ana. She answers in the voice Mama keeps for the tax "
                      "office.")
    assert [c.text for c in p.available] == ["Practise until dark (craft 70 after)",
                                             "Buy paint"]
    end = engine.present(story, engine.choose(story, state, p.available[0].index))
    assert end.ended and end.text == "Craft 70, money 20. Good evening, Mama."


def test_readme_test_line_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    [ci_line] = [ln for ln in ci.splitlines() if "pytest" in ln]
    assert ci_line.strip() in readme
