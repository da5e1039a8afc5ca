"""Writes recordinit.py: the ``__init__`` of every class made by records.dataclass,
compiled ahead of time from the classes' declarations (see records.py for why).

    python -m ana_story.recordgen     # after changing such a class's fields

tests/test_records.py holds recordinit.py to what this writes, and each class made so
to the one the standard dataclasses makes from the same declaration.
"""
from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

from . import records

TARGET = Path(__file__).with_name("recordinit.py")
# The modules whose classes are made by records.dataclass (imported to find them all).
MODULES = ("ana_story.errors", "ana_story.model", "ana_story.state", "ana_story.engine",
           "ana_story.expressions.compiled", "ana_story.expressions.functions",
           "ana_story.expressions.snippets")
HEAD = '''"""The ``__init__`` of each class made by records.dataclass, one builder a class,
keyed by the class and its spec (frozen, __post_init__, each field's default kind).
Written by `python -m ana_story.recordgen`; do not edit."""
# fmt: off
'''


def specs() -> dict[str, str]:
    """Every class made by records.dataclass in MODULES, and its spec."""
    for name in MODULES:
        importlib.import_module(name)
    return {key: spec for key, spec in sorted(records.SPECS.items())
            if key.rpartition(".")[0] in MODULES}


def builder(spec: str) -> list[str]:
    """The source of one builder: called with object.__setattr__, the factory marker
    and the defaults in order, it returns the class's __init__ (as dataclasses would
    compile it: frozen fields set through object.__setattr__, a default_factory called
    when its parameter is not given, __post_init__ called last)."""
    frozen, post_init, *fields = spec.split(" ")
    params, body, factories, n = ["self"], [], [], 0
    for written in fields:
        name, kind = written.partition("=")[0], written[len(written.partition("=")[0]):]
        if kind == "=()":
            params.append(f"{name}=_F")
            factories.append(f"_f_{name} = _d[{n}]")
            value = f"_f_{name}() if {name} is _F else {name}"
        else:
            params.append(f"{name}=_d[{n}]" if kind else name)
            value = name
        n += 1 if kind else 0
        body.append(f"_s(self, {name!r}, {value})" if frozen == "frozen"
                    else f"self.{name} = {value}")
    if post_init == "post":
        body.append("self.__post_init__()")
    signature = textwrap.wrap(f"def __init__({', '.join(params)}):", 92,
                              subsequent_indent="        ", break_on_hyphens=False)
    return [*[f"    {line}" for line in factories], *[f"    {line}" for line in signature],
            *[f"        {line}" for line in body or ["pass"]], "    return __init__"]


def source() -> str:
    lines = [HEAD]
    table = []
    for i, (key, spec) in enumerate(specs().items()):
        lines += ["", f"def _{i}(_s, _F, _d):  # {key}", *builder(spec)]
        parts = textwrap.wrap(f"    {key!r}: (_{i}, {spec!r}),", 99, subsequent_indent="        ",
                              break_on_hyphens=False)
        if len(parts) > 1:  # a long spec: its string in parts
            parts = [f"    {key!r}: (_{i},", *[f"        {p!r}" for p in
                     textwrap.wrap(spec, 84, break_on_hyphens=False, drop_whitespace=False)],
                     "    ),"]
        table += parts
    lines += ["", "", "INITS = {", *table, "}", ""]
    return "\n".join(lines)


def main() -> int:
    TARGET.write_text(source(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
