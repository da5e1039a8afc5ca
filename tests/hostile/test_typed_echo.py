"""Issue 18.2, found again by attack: a typed word that is not a choice was echoed
back with its zero-width and bidi marks kept (``'<ZWSP>' is not a choice`` read as
``'' is not a choice``) and cut at 30 characters without a word. It is now shown by
the one rule for echoed text (visible codes), and a cut says so."""
from __future__ import annotations

import pytest
from conftest import run_cli
from hostile_saves import FEATURES, leaks


@pytest.mark.parametrize("typed, shown", [
    ("\u200b", "'<U+200B>' is not"), ("1\u200f", "'1<U+200F>' is not"),
    ("ab\u200dc", "'ab<U+200D>c' is not"), ("x" * 40, "'" + "x" * 30 + "...' is not")])
def test_a_typed_word_is_echoed_visibly(typed, shown):
    r = run_cli("play", "--plain", str(FEATURES), input=f"{typed}\nquit\n")
    assert r.returncode == 0, r.stderr
    said = [line for line in r.stdout.splitlines() if "is not" in line]
    assert said and said[0].startswith(shown), r.stdout
    assert not leaks(said[0])
