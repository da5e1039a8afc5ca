"""The first screen's modules, their bytecode read from one file (issue 17's start-up).

Why: importing a module from its .pyc costs far more than running it. Python's own
machinery (finders, specs, loaders, all Python code) spends about a tenth of a
millisecond a module on this machine finding and reading each cached file, and the
first screen imports some 130 modules: a fifth of its time. So, once a game's first
screen has been shown, the bytecode of every module imported on the way there (the
game's and the standard library's: the ones Python loads from a source file) is
written into one file beside Python's own cache, ``ana_story/__pycache__/``; the next
start reads that file at once and hands each module its code from it.

Nothing changes but where the bytecode comes from: each module is still found,
named, placed (``__file__``, ``__spec__``, ``__path__``) and run as Python would, by a
loader that is Python's SourceFileLoader in all else. A module's code is taken from
the bundle only when its source file has the very size and modification time it
had when the bundle was written (checked with one stat, as Python checks a .pyc);
else, or for a module not in the bundle, Python imports it as always, and the
bundle is written again at exit. It is written under Python's own rules for its
cache: never when ``sys.dont_write_bytecode`` (PYTHONDONTWRITEBYTECODE) is set, and
not at all where the package's folder cannot be written. A bundle of another
Python version, or one that cannot be read, is ignored.
"""
from __future__ import annotations

import marshal
import os
import sys
from importlib.machinery import ModuleSpec, SourceFileLoader
from types import CodeType  # loaded already: re, imported by the console script, uses it

# No typing, contextlib or other module of the standard library here: what is imported
# before the bundle is open cannot come from it.

FORMAT = 1
FOLDER = os.path.join(os.path.dirname(__file__), "__pycache__")
NAME = f"firstscreen.{sys.implementation.cache_tag}.bundle"


class Bundled(SourceFileLoader):
    """Python's loader for a source file, its code given from the bundle."""

    def __init__(self, fullname: str, path: str, code: bytes) -> None:
        super().__init__(fullname, path)
        self.code: bytes | None = code

    def get_code(self, fullname: str) -> CodeType | None:
        code, self.code = self.code, None  # once: a reload reads the file as always
        if code is None or fullname != self.name:
            return super().get_code(fullname)
        loaded: CodeType = marshal.loads(code)
        return loaded


class Finder:
    """The first finder asked: a module of the bundle whose source is unchanged."""

    def __init__(self, entries: dict[str, tuple[str, int, int, bool, bytes]],
                 before: set[str]) -> None:
        self.entries = entries
        self.before = before  # imported before the bundle was open: not its business
        self.served: set[str] = set()
        self.first: set[str] | None = None  # what the first screen had imported

    def find_spec(self, name: str, path: object = None,
                  target: object = None) -> ModuleSpec | None:
        entry = self.entries.get(name)
        if entry is None:
            return None
        origin, mtime, size, package, code = entry
        try:
            st = os.stat(origin)
        except OSError:
            return None
        if st.st_mtime_ns != mtime or st.st_size != size:
            return None
        spec = ModuleSpec(name, Bundled(name, origin, code), origin=origin, is_package=package)
        spec.has_location = True
        if package:
            spec.submodule_search_locations = [os.path.dirname(origin)]
        self.served.add(name)
        return spec

    def mark(self) -> None:
        """The first screen is up: the modules imported so far are its own."""
        if self.first is None:
            self.first = {name for name in set(sys.modules) - self.before
                          if isinstance(getattr(getattr(sys.modules[name], "__spec__", None),
                                                "loader", None), SourceFileLoader)}

    def stale(self) -> bool:
        return self.first is not None and not self.first <= self.served


_finder: list[Finder] = []


def install(folder: str = FOLDER) -> None:
    """Open the bundle (if there is one for this Python) and serve its modules."""
    if _finder:
        return
    entries: dict[str, tuple[str, int, int, bool, bytes]] = {}
    try:
        with open(os.path.join(folder, NAME), "rb") as f:
            head, body = marshal.loads(f.read())
        if head == (FORMAT, sys.version):
            entries = body
    except (OSError, ValueError, EOFError, TypeError):
        entries = {}
    finder = Finder(entries, set(sys.modules))
    _finder.append(finder)
    sys.meta_path.insert(0, finder)
    import atexit
    atexit.register(save, folder)


def mark() -> None:
    """Called when the first screen waits for the player: what was imported until now
    is what the next start reads from the bundle."""
    if _finder:
        _finder[0].mark()


def save(folder: str = FOLDER) -> None:
    """Write the bundle again if the first screen imported a module it did not serve."""
    if not _finder or not _finder[0].stale() or sys.dont_write_bytecode:
        return
    finder = _finder[0]
    entries: dict[str, tuple[str, int, int, bool, bytes]] = {}
    for name in sorted(finder.first or ()):
        entry = _entry(name)
        if entry is not None:
            entries[name] = entry
    target = os.path.join(folder, NAME)
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temporary, "wb") as f:
            f.write(marshal.dumps(((FORMAT, sys.version), entries)))
        os.replace(temporary, target)
    except OSError:  # a folder Python could not write its own cache to either
        try:  # noqa: SIM105 - contextlib would be imported before the bundle opens
            os.unlink(temporary)
        except OSError:
            pass


def _entry(name: str) -> tuple[str, int, int, bool, bytes] | None:
    """A module's bundle entry: its source file, that file's time and size, whether it
    is a package, and its code; None for one not loaded from a source file."""
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(loader, SourceFileLoader) or not origin or not origin.endswith(".py"):
        return None
    try:
        st = os.stat(origin)
        code = SourceFileLoader(name, origin).get_code(name)
    except (OSError, ImportError, SyntaxError):
        return None
    if code is None:
        return None
    package = getattr(spec, "submodule_search_locations", None) is not None
    return origin, st.st_mtime_ns, st.st_size, package, marshal.dumps(code)
