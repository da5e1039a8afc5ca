"""ui/layout.py: where the page sits at 40, 80 and 200 columns (issue 15)."""
from __future__ import annotations

import pytest

from ana_story.ui import layout, render, theme


@pytest.mark.parametrize("width, margin, measure", [
    (40, 0, 40),     # narrow: every column for the text
    (60, 2, 56),     # a little air
    (80, 5, 70),     # the 70-column page, centred
    (200, 65, 70),   # centred, not against the left edge
])
def test_the_page_is_centred_when_there_is_room(width, margin, measure):
    assert (layout.margin(width), layout.measure(width)) == (margin, measure)
    assert (render.margin(width), render.measure(width)) == (margin, measure)


@pytest.mark.parametrize("width", [40, 50, 60, 80, 120, 200])
def test_the_pager_line_fits_on_one_line_and_sits_with_the_page(width):
    line = layout.pager_prompt(width)
    assert len(line) < width and line.strip().startswith("-- more")
    assert line.startswith(layout.indent(width))


def test_the_page_follows_a_changed_measure(monkeypatch):
    # a page-width preference sets theme.MEASURE for the run; the layout reads it then
    monkeypatch.setattr(theme, "MEASURE", 50)
    assert layout.measure(200) == 50 and layout.margin(200) == 75


def test_a_title_page_sits_above_the_middle():
    assert layout.top_space(24, 12) == 4
    assert layout.top_space(10, 14) == 0
