"""What `python3 STORY.pyz` runs: `ana-story play` on the story inside the file.

The story comes from the compiled JSON the file carries (no YAML); everything
else is the installed command's own code: the same front ends, saves (in the
same folder as `ana-story`'s, so a game moves between them) and error messages.
"""
from __future__ import annotations

import argparse
import os
import pkgutil
import sys

from .. import __version__, cache
from ..errors import AnaStoryError
from . import compiled
from .pyz import STORY_NAME


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python3 {prog}",
                                description="Play the story in this file.")
    p.add_argument("--version", action="version", version=f"ana-story {__version__}")
    p.add_argument("--seed", type=int, default=None,
                   help="seed for the story's random events (default: a new one)")
    p.add_argument("--plain", action="store_true",
                   help="plain text, one choice per line (the default without a terminal)")
    p.add_argument("--pace", type=float, nargs="?", const=1.5, default=None,
                   metavar="SECONDS", help="reveal the text a paragraph at a time")
    p.add_argument("--saves", metavar="DIR", default=None,
                   help="the save folder (default: the same as ana-story's)")
    return p


def main(prog: str = "story.pyz", path: str | None = None,
         argv: list[str] | None = None) -> int:
    """Play the carried story. ``prog`` names the file in messages; ``path`` is the
    file as the reader ran it, so "run python3 PATH again" works from anywhere."""
    args = _parser(prog).parse_args(argv)
    args.story_dir, args.watch, args.from_scene, args.set = None, False, None, []
    try:
        data = pkgutil.get_data("ana_story", STORY_NAME)
        if data is None:  # a file built by `publish --pyz` always carries it
            raise FileNotFoundError(STORY_NAME)
        # scenes built as reached: the file was checked when it was published
        story = compiled.loads(data.decode("utf-8"), root=path or prog, build_all=False)
        cache.load = lambda path, **kw: story  # `play` reads this story, not a folder
        from ..ui.run import play_command
        return play_command(args)
    except AnaStoryError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("\nGoodbye.", file=sys.stderr)
        return 0
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: one line, never a traceback
        if os.environ.get("ANA_STORY_DEBUG"):
            raise
        print(f"{prog}: internal error ({type(e).__name__}: {e}). This is a bug in "
              "ana-story; set ANA_STORY_DEBUG=1 to see the details.", file=sys.stderr)
        return 70
