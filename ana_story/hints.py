"""Commands suggested to an author name the author's own story.

A hint such as "run 'ana-story check'" without a folder checks the shipped
story: after a failure in another story it would answer "0 errors". Every tool
that suggests a command builds it here.
"""
from __future__ import annotations

import shlex
from pathlib import Path

from .paths import display_path, shipped_story


def story_arg(root: str | Path | None) -> str:
    """' FOLDER' (quoted for a shell) for a story that is not the shipped one,
    else ''."""
    if not root:
        return ""
    try:
        if Path(root).resolve() == shipped_story().resolve():
            return ""
    except OSError:
        pass
    return " " + shlex.quote(display_path(Path(root)))


def command(name: str, root: str | Path | None, rest: str = "") -> str:
    """'ana-story NAME [FOLDER] [REST]' for the story at ``root``."""
    return f"ana-story {name}{story_arg(root)}" + (f" {rest}" if rest else "")


def quoted(name: str, root: str | Path | None, rest: str = "") -> str:
    """``command`` in quotes for a sentence: single quotes, or double ones when the
    folder itself needed shell quotes ('ana-story check 'my tale'' cannot be
    copied; "ana-story check 'my tale'" can)."""
    cmd = command(name, root, rest)
    return f'"{cmd}"' if "'" in cmd else f"'{cmd}'"


def default_story() -> Path:
    """The shipped story, for a tool run with no folder; said on stderr when the
    current folder holds a story of its own, which an author there surely meant
    (else 'ana-story check' in it would answer for the shipped story)."""
    import sys
    shipped = shipped_story()
    try:
        here = Path.cwd()
        own = (here / "story.yaml").is_file() and here.resolve() != shipped.resolve()
    except OSError:
        own = False
    if own:
        print("note: no story folder given, so this is the shipped story, not the one "
              "in this folder; add '.' for that one", file=sys.stderr)
    return shipped


def play_again(root: str | Path | None) -> str:
    """The command that resumes the story at ``root``: 'ana-story', 'ana-story play
    FOLDER', or 'python3 STORY.pyz' for a published single-file story."""
    if root and str(root).endswith(".pyz"):
        return f"python3 {shlex.quote(str(root))}"
    arg = story_arg(root)
    return f"ana-story play{arg}" if arg else "ana-story"
