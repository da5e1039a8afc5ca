"""The code's shape as policy: small modules, small functions (issue 11).

ruff (with mccabe at 15) and mypy run in .ci/run beside the tests; these two limits are
radon's measures, which count what mccabe does not (boolean operators, comprehensions), so
they are held here too.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parents[1] / "ana_story"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
MAX_COMPLEXITY = 15


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_there_are_modules_to_check():
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_400_lines_or_fewer(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines; split it by job"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_over_complexity_15(path: Path):
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    over = []
    for block in blocks:
        inner = [block, *getattr(block, "methods", []), *getattr(block, "closures", [])]
        over += [f"{b.name} ({b.complexity})" for b in inner if b.complexity > MAX_COMPLEXITY]
    assert not over, f"{_name(path)}: " + ", ".join(over)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_imports_another_modules_private_names(path: Path):
    """A name with a leading underscore is its module's own: sharing it is a hidden
    coupling (issue 11). Make it public, or move it where both can use it."""
    import ast
    private = [f"{node.module or '.'}.{a.name}"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ImportFrom) and node.level > 0
               for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert not private, f"{_name(path)} imports private names: {', '.join(private)}"
