"""storymemo.py: while explore proves a story, the analyses its Keyer and checks
share are worked out once; outside, or for another story, they are worked out
anew, and the shared results are the ones a fresh call gives."""
from __future__ import annotations

from conftest import FIXTURES

from ana_story.loader import load_story
from ana_story.tools.analysis import (
    live_sets,
    reachable,
    relevant_variables,
    scene_graph,
    thresholds,
    visit_caps,
)
from ana_story.tools.dice import drawing_scenes
from ana_story.tools.explore.takencaps import taken_caps
from ana_story.tools.ranges import flow_ranges
from ana_story.tools.sceneorder import scene_order
from ana_story.tools.soundness import fallible_live, fallible_scenes
from ana_story.tools.storymemo import remembering


def test_shared_only_inside_and_only_for_that_story():
    story = load_story(FIXTURES / "features")
    other = load_story(FIXTURES / "tools-loop")
    for analysis in (flow_ranges, scene_order, scene_graph, reachable, thresholds, live_sets,
                     visit_caps, relevant_variables, fallible_live, fallible_scenes,
                     taken_caps, drawing_scenes):
        fresh = analysis(story)
        if isinstance(fresh, (dict, set, list)):
            assert analysis(story) is not fresh  # not remembered outside
        with remembering(story):
            kept = analysis(story)
            assert analysis(story) is kept
            assert kept == fresh
            if isinstance(kept, (dict, set, list)):
                assert analysis(other) is not analysis(other)  # another story: anew
            with remembering(other):  # nested: the inner story's, then the outer's again
                assert analysis(other) is analysis(other)
            assert analysis(story) is kept
        if isinstance(kept, (dict, set, list)):
            assert analysis(story) is not kept


def test_other_arguments_are_told_apart():
    story = load_story(FIXTURES / "features")
    with remembering(story):
        assert flow_ranges(story, 1) is flow_ranges(story, 1)
        assert flow_ranges(story, 1) is not flow_ranges(story)
        assert flow_ranges(story, widen_after=1) is not flow_ranges(story, widen_after=1)
