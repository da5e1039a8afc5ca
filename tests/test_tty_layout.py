"""Issue 15's layout, as a player sees it in a real pseudo-terminal (pexpect, read
back through pyte) at 40, 80 and 200 columns: the page and the title centred like a
book's, messages kept to the page, a saves list that never cuts a word to `Whe…`, a
pager line that does not break mid-word, a title screen of its own (not under the
install log), and ↑ in --plain mode on a terminal that types nothing."""
from __future__ import annotations

import pytest
from test_tty import ANA_STORY, ENTER, GARDEN, UP, Term, terms

pytestmark = pytest.mark.slow

WIDTHS = [40, 80, 200]
MEASURE = 70


def page_left(width: int) -> int:
    """Where the reading column starts: centred when there is room."""
    return 0 if width < 50 else max(2, (width - MEASURE) // 2)


def rows_with(screen: str, needle: str) -> list[str]:
    return [row for row in screen.splitlines() if needle in row]


@pytest.fixture
def saves(tmp_path):
    return tmp_path / "saves"


@pytest.fixture
def start(saves):
    with terms(GARDEN, saves, rows=20) as play:
        yield lambda cols, *args, **kw: play(*args, cols=cols, **kw)


def check_title_is_centred(t: Term, cols: int) -> None:
    screen = t.wait_for("The Walled Garden", "New story")
    [title] = rows_with(screen, "The Walled Garden")
    left, right = len(title) - len(title.lstrip()), cols - len(title)
    assert abs(left - right) <= 2, (left, right)  # centred on the terminal
    first = next(i for i, row in enumerate(screen.splitlines()) if row.strip())
    assert first >= 2  # some air above the title page, as a book has


def check_page_is_centred(screen: str, cols: int) -> None:
    prose = [row for row in screen.splitlines() if "moss" in row or "sign says" in row]
    assert prose, screen
    for row in prose:
        assert len(row) - len(row.lstrip()) == page_left(cols), repr(row)
        assert len(row.strip()) <= MEASURE
    [choice] = rows_with(screen, "Knock on the gate")
    assert choice.index("Knock") >= page_left(cols)


def check_message_keeps_to_the_page(screen: str, cols: int) -> None:
    flat = " ".join(screen.split())
    assert "'dance' is not a choice or a command. Type a number from 1 to 2, 'help' " \
           "for the commands, or 'quit'." in flat
    rows = screen.splitlines()
    first = rows.index(rows_with(screen, "'dance' is not")[0])
    message = []
    for row in rows[first:]:
        if not row.strip():
            break
        message.append(row)
    assert message
    for row in message:
        assert len(row) - len(row.lstrip()) == page_left(cols), repr(row)
        assert len(row.strip()) <= min(MEASURE, cols)


@pytest.mark.parametrize("cols", WIDTHS)
def test_layout_at_every_width(start, cols):
    """Title and page centred, a message kept to the page, the saves listed whole
    (never `│ Whe… │`), and the pager's line on one line."""
    t = start(cols)
    check_title_is_centred(t, cols)
    t.send(ENTER)
    check_page_is_centred(t.wait_for("Knock on the gate", "moss", "Walk away"), cols)
    t.send("dance" + ENTER)
    check_message_keeps_to_the_page(t.wait_for("'dance' is not a choice"), cols)

    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("save by the garden door" + ENTER)
    t.wait_for("Saved as 'by the garden door'.")
    t.send("saves" + ENTER)
    screen = t.wait_for("by the garden door", "autosave", "just now")
    assert "…" not in screen
    assert "Outside the Wall" in " ".join(screen.split())

    for turn in (2, 3, 4, 5):
        t.send("1" + ENTER)
        t.wait_for(f"turn {turn}")
    t.send("history" + ENTER)
    screen = t.wait_for("-- more", "The story so far")
    [line] = rows_with(screen, "-- more")
    assert line.rstrip().endswith("to stop --")  # whole, on one line
    assert len(line.rstrip()) < cols
    t.send("q")


def test_the_title_screen_is_not_printed_under_the_install_log(saves):
    t = Term("-c", f"echo 'Successfully installed ana-story-0.1.0'; exec '{ANA_STORY}' "
             f"play '{GARDEN}'", saves=saves, program="sh")
    try:
        screen = t.wait_for("The Walled Garden", "New story")
        assert "Successfully installed" not in screen
    finally:
        t.child.terminate(force=True)


@pytest.mark.parametrize("cols", WIDTHS)
def test_plain_mode_on_a_terminal_ignores_the_arrow_keys(start, cols):
    t = start(cols, "--plain")
    t.wait_for("Knock on the gate", "2. Walk away")
    t.send(UP)
    t.send("1" + ENTER)
    screen = t.wait_for("KNOCKING")
    assert "^[" not in screen and "[A" not in screen
    assert "is not a choice" not in screen
    t.send(UP + UP)  # now ↑ recalls the line typed before, as a shell does
    t.wait_for("> 1")
    t.send(ENTER)
    screen = t.wait_for("THE GATE")
    assert "^[" not in screen


def test_only_the_first_title_page_clears_the_screen(start):
    """Back at the title from a menu, what that menu showed stays on screen."""
    t = start(80, rows=40)
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("quit" + ENTER)
    assert t.exit_code() == 0
    t = start(80, rows=40)
    t.wait_for("Continue", "Load")
    t.send("3" + ENTER)  # Load
    t.wait_for("Which save?", "autosave")
    t.send("q" + ENTER)  # back to the title
    screen = t.wait_for("Which save?", "New story")
    assert screen.count("The Walled Garden") == 2  # the title page again, below the menu
