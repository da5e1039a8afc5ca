"""The title page drawn before Rich loads (ui/earlytitle.py) is byte for byte what Rich
writes for it: the screen cleared, the air above, render.title_card, and the menu with
its prompt as TerminalUI predraws it (item 0 selected). Where it cannot be (a title
that wraps, a wide character, a disabled item, a narrow terminal), it says so (None)
and Rich draws."""
from __future__ import annotations

import io

import pytest

from ana_story.ui import layout, render, theme
from ana_story.ui.earlytitle import sgr, title_page
from ana_story.ui.views import MenuItem

TITLE = "The Colour of Not Quite Remembering"
NEW = [MenuItem("new", "New story"), MenuItem("quit", "Quit")]
RETURNING = [MenuItem("continue", "Continue", "Chapter Two · turn 14"),
             MenuItem("new", "New story"), MenuItem("load", "Load"),
             MenuItem("endings", "Endings found", "3 of 12"),
             MenuItem("chapters", "Chapters", "start from one you reached"),
             MenuItem("quit", "Quit")]


def rich_page(title: str, author: str, items, width: int, height: int, no_color: bool,
              system: str) -> tuple[str, str]:
    """What TerminalUI.title and its first prompt have Rich write."""
    page, menu = io.StringIO(), io.StringIO()
    console = theme.console(file=page, width=width, height=height, force_terminal=True,
                            color_system=system, no_color=no_color)
    console.clear()
    air = layout.top_space(console.height, 12 + len(items))
    if air:
        console.print("\n" * (air - 1))
    console.print(render.title_card(title, author, width))
    drawn = theme.console(file=menu, width=width, force_terminal=True, color_system=system,
                          no_color=no_color)
    drawn.print(render.menu(items, 0, width), end="")
    return page.getvalue(), menu.getvalue() + "\n" + layout.indent(width) + "> "


@pytest.fixture
def themed():
    yield theme.use
    theme.use("default", 70)


@pytest.mark.parametrize("width", [36, 40, 49, 50, 60, 80, 81, 120, 200])
@pytest.mark.parametrize("items", [NEW, RETURNING], ids=["first", "returning"])
@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_the_early_page_is_richs_own(width, items, name, themed):
    themed(name)
    for no_color in (False, True):
        env = {"COLUMNS": str(width), "LINES": "24", "TERM": "xterm-256color"}
        if no_color:
            env["NO_COLOR"] = "1"
        early = title_page(TITLE, "Ana Kalmurzaev", items, theme.styles(), env)
        for system in ("standard", "256", "truecolor"):
            page, menu = rich_page(TITLE, "Ana Kalmurzaev", items, width, 24, no_color, system)
            if early is None:  # only where Rich wraps a line: a detail on a narrow screen
                assert menu.count("\n") > len(items) + 2, (width, name)
                continue
            assert early == (page, menu, 24), (width, name, no_color, system)


@pytest.mark.parametrize("title, author", [("Short", ""), ("Café à l'aube — «deux»", "É. Zola"),
                                           ("x" * 70, "y")])
@pytest.mark.parametrize("measure", [40, 70, 100])
def test_titles_authors_and_page_widths(title, author, measure, themed):
    themed("default", measure)
    for width, height in ((80, 24), (120, 50), (100, 10)):
        env = {"COLUMNS": str(width), "LINES": str(height), "TERM": "xterm"}
        early = title_page(title, author, RETURNING, theme.styles(), env)
        page, menu = rich_page(title, author, RETURNING, width, height, False, "256")
        if early is None:  # Rich wraps the title or a menu line in this measure
            assert page.count("\n") > 8 + layout.top_space(height, 18) \
                or menu.count("\n") > len(RETURNING) + 2
            continue
        assert early == (page, menu, height)


@pytest.mark.parametrize("title, items, env", [
    ("漢字の物語", NEW, {}),  # two columns a character: Rich's own widths
    ("x" * 80, NEW, {}),  # wraps
    (TITLE, [MenuItem("new", "New story"), MenuItem("load", "Load", enabled=False)], {}),
    (TITLE, [MenuItem("continue", "Continue", "w" * 80)], {}),  # the detail wraps
    (TITLE, NEW, {"FORCE_COLOR": "1"}),  # Rich decides for itself
    (TITLE, NEW, {"TERM": "dumb"}),
    (TITLE, NEW, {"COLUMNS": "20"}),  # too narrow for the hint on one line
    ("a\x1b[2Jb", NEW, {}),  # cleaned by Rich's path, not here
])
def test_what_is_not_written_here_is_left_to_rich(title, items, env):
    full = {"COLUMNS": "80", "LINES": "24", "TERM": "xterm", **env}
    assert title_page(title, "", items, theme.styles(), full) is None


def test_styles_beyond_words_are_left_to_rich():
    assert sgr("bold cyan", False) == "1;36" and sgr("bold bright_yellow", True) == "1"
    assert sgr("italic reverse dim", False) == "2;3;7" and sgr("", False) == ""
    assert sgr("on blue", False) is None and sgr("#ff0000", False) is None
    styles = {**theme.styles(), "rule": "grey50"}
    assert title_page(TITLE, "", NEW, styles, {"COLUMNS": "80", "TERM": "xterm"}) is None
