"""Export docs/screens/*.svg from the real renderer playing the shipped story.

    python docs/screens/make_screens.py

Each screen is the Rich renderable the game prints, recorded by a Console with
record=True and exported as SVG; the playthrough is real (engine, Game, a
SaveStore in a temporary folder), with a fixed seed and fixed choices.
"""
from __future__ import annotations

import io
import random
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.console import Group
from rich.terminal_theme import MONOKAI
from rich.text import Text

from ana_story import engine
from ana_story.loader import load_story
from ana_story.paths import shipped_story
from ana_story.saves.store import SaveStore
from ana_story.ui import gallery, render, theme
from ana_story.ui.game import Game
from ana_story.ui.layout import indent
from ana_story.ui.plain import PlainUI
from ana_story.ui.views import MenuItem, ago

HERE = Path(__file__).resolve().parent
WIDTH = 80
SEED = 7
CHOICES = [2, 1, 1, 2, 1]  # a short walk through the first chapters


def save(name: str, renderable, title: str) -> None:
    con = theme.console(record=True, width=WIDTH, file=io.StringIO(), force_terminal=True,
                        color_system="truecolor")
    con.print(renderable)
    (HERE / f"{name}.svg").write_text(con.export_svg(title=title, theme=MONOKAI),
                                      encoding="utf-8")
    print(f"docs/screens/{name}.svg")


def prompt(text: str = "") -> Text:
    line = Text(indent(WIDTH) + "> ", style="bold")  # under the page, as in play
    line.append(text)
    return line


def main() -> None:
    story = load_story(shipped_story())
    with tempfile.TemporaryDirectory() as tmp:
        store = SaveStore(story, Path(tmp))
        game = Game(story, engine.new_state(story, SEED), PlainUI(io.StringIO(), io.StringIO()),
                    store=store, seed=SEED)
        first = engine.present(story, game.state)
        save("scene", Group(render.full_scene(first, WIDTH, chapter_changed=True, selected=0),
                            Text(""), prompt()), "ana-story: a scene")
        for n in CHOICES:
            game.take(engine.present(story, game.state), n)
        info = next(i for i in store.list() if i.slot == "autosave")
        when = ago(info.saved_at - timedelta(minutes=12), datetime.now(timezone.utc))
        items = [MenuItem("continue", "Continue", f"{info.chapter} · {info.scene_title} · "
                          f"saved {when}"), MenuItem("new", "New story"),
                 MenuItem("load", "Load"), MenuItem("quit", "Quit")]
        save("title", Group(render.title_card(story.title, story.author, WIDTH),
                            render.menu(items, 0, WIDTH), Text(""), prompt()),
             "ana-story: the title screen")
        shown = []
        game.ui.listing = lambda *args: shown.append(gallery.listing(*args, WIDTH))
        game.recap()
        save("previously", Group(*shown, Text(""), render.full_scene(
            engine.present(story, game.state), WIDTH, chapter_changed=False, selected=None)),
             "ana-story: Continue, with Previously…")
        save("history", Group(prompt("history"), render.history(game.history_entries()[-2:],
                                                                 WIDTH)),
             "ana-story: history")
        save("stats", Group(prompt("stats"), render.stats(game.stat_rows(), WIDTH)),
             "ana-story: stats")
        rng = random.Random(SEED)
        p = engine.present(story, game.state)
        while not p.ended:
            game.take(p, rng.randint(1, len(p.available)))
            p = engine.present(story, game.state)
        game.played_before = 47 * 60
        save("ending", Group(render.scene(p, WIDTH), render.ending(game._ending_summary(p),
                                                                   WIDTH)),
             "ana-story: an ending")


if __name__ == "__main__":
    main()
