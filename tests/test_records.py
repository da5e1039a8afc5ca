"""records.dataclass (issue 17's start-up): each class it makes behaves as the class the
standard dataclasses makes from the very same declaration, and recordinit.py is what
recordgen.py writes from today's declarations, so the two cannot drift apart.

The twins: each module of recordgen.MODULES is executed again from its own source as
a module of its own, with recordinit.py's table emptied, so that records.dataclass
hands every class to the standard dataclasses. Then the two classes are compared:
fields (names, order, types, defaults, factories, repr and compare), __init__'s
parameters, slots, __match_args__, and instances built from the same arguments
(repr, ==, hash, immutability, replace, pickling)."""
from __future__ import annotations

import copy
import dataclasses
import importlib
import importlib.util
import inspect
import pickle
import sys
from pathlib import Path

import pytest

from ana_story import recordgen, recordinit, records

SPECS = recordgen.specs()


def _ours(key: str) -> type:
    module, _, name = key.rpartition(".")
    while module not in sys.modules:  # a nested class: "mod.Outer.Inner"
        module, _, outer = module.rpartition(".")
        name = f"{outer}.{name}"
    obj: object = sys.modules[module]
    for part in name.split("."):
        obj = getattr(obj, part)
    assert isinstance(obj, type)
    return obj


def _twins() -> dict[str, type]:
    """The standard dataclass of each class, from a second run of its module."""
    saved = dict(recordinit.INITS)
    recordinit.INITS.clear()
    twins: dict[str, type] = {}
    try:
        for name in recordgen.MODULES:
            path = Path(importlib.import_module(name).__file__ or "")
            spec = importlib.util.spec_from_file_location(f"{name}_twin", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            module.__package__ = name.rpartition(".")[0]
            sys.modules[spec.name] = module  # dataclasses looks the module up by name
            try:
                spec.loader.exec_module(module)
            finally:
                del sys.modules[spec.name]
            for key in SPECS:
                if key.startswith(name + "."):
                    obj: object = module
                    for part in key[len(name) + 1:].split("."):
                        obj = getattr(obj, part)
                    assert isinstance(obj, type)
                    twins[key] = obj
    finally:
        recordinit.INITS.update(saved)
    return twins


TWINS = _twins()


def test_recordinit_is_what_recordgen_writes():
    """After a change to such a class's fields: python -m ana_story.recordgen."""
    assert recordgen.TARGET.read_text(encoding="utf-8") == recordgen.source()


def test_every_class_is_made_here_and_every_twin_by_dataclasses():
    assert len(SPECS) >= 24
    for key in SPECS:
        assert "__record_fields__" in _ours(key).__dict__, key
        assert "__record_fields__" not in TWINS[key].__dict__, key
        assert "__dataclass_fields__" in TWINS[key].__dict__, key


def _field_row(f) -> tuple:
    """model.py's hints are objects: a twin's name its own module's classes."""
    return (f.name, repr(f.type).replace("_twin.", "."), f.default, f.default_factory,
            f.repr, f.compare, f.hash, f.init, f.kw_only, f._field_type)


@pytest.mark.parametrize("key", SPECS)
def test_same_fields_init_and_slots(key):
    ours, twin = _ours(key), TWINS[key]
    assert [_field_row(f) for f in dataclasses.fields(ours)] == \
        [_field_row(f) for f in dataclasses.fields(twin)]
    assert [f.name for f in records.fields(ours)] == [f.name for f in dataclasses.fields(twin)]
    assert list(ours.__dataclass_fields__) == list(twin.__dataclass_fields__)  # ClassVars too
    assert ours.__dataclass_params__.frozen == twin.__dataclass_params__.frozen
    assert dataclasses.is_dataclass(ours) and records.is_dataclass(ours)

    def params(cls):
        return [(p.name, p.kind, repr(p.default)) for p in
                inspect.signature(cls.__init__).parameters.values()]
    assert params(ours) == params(twin)
    assert ours.__dict__.get("__slots__") == twin.__dict__.get("__slots__")
    assert ours.__match_args__ == twin.__match_args__
    assert (ours.__hash__ is None) == (twin.__hash__ is None)
    assert ours.__doc__ == twin.__doc__ and ours.__qualname__ == twin.__qualname__
    assert sorted(set(dir(ours)) - {"__record_fields__"}) == sorted(dir(twin))


def _arguments(cls: type, tag: str) -> dict[str, object]:
    """A value for every field: distinct strings (a list field's __post_init__ and
    every comparison treat them alike)."""
    return {f.name: f"{tag}-{f.name}" for f in dataclasses.fields(cls)}


@pytest.mark.parametrize("key", SPECS)
def test_same_instances(key):
    ours, twin = _ours(key), TWINS[key]
    args = _arguments(twin, "a")
    a, b = ours(**args), twin(**args)
    assert repr(a) == repr(b)
    assert a == ours(**args)
    assert (a != ours(**args)) is False
    assert (a == b) is False  # another class, as two dataclasses are
    compared = [f.name for f in dataclasses.fields(twin) if f.compare]
    for f in dataclasses.fields(twin):
        changed = {**args, f.name: "other"}
        assert (ours(**changed) == a) == (twin(**changed) == b) == (f.name not in compared)
        assert repr(records.replace(a, **{f.name: "other"})) == repr(twin(**changed))
        assert repr(dataclasses.replace(a, **{f.name: "other"})) == repr(twin(**changed))
    if twin.__hash__ is not None:
        assert hash(a) == hash(b)
    positional = ours(*args.values())
    assert repr(positional) == repr(a)
    defaults = {n: v for n, v in args.items()
                if dataclasses.fields(twin)[list(args).index(n)].default is dataclasses.MISSING
                and dataclasses.fields(twin)[list(args).index(n)].default_factory
                is dataclasses.MISSING}
    assert repr(ours(**defaults)) == repr(twin(**defaults))
    assert dataclasses.asdict(a) == dataclasses.asdict(b) == records.asdict(a)
    assert repr(pickle.loads(pickle.dumps(a))) == repr(a) == repr(copy.copy(a))
    assert repr(copy.deepcopy(a)) == repr(a)
    with pytest.raises(TypeError):
        records.replace(a, not_a_field=1)


@pytest.mark.parametrize("key", SPECS)
def test_same_immutability(key):
    ours, twin = _ours(key), TWINS[key]
    a, b = ours(**_arguments(twin, "a")), twin(**_arguments(twin, "a"))
    name = dataclasses.fields(twin)[0].name
    if twin.__dataclass_params__.frozen:
        for obj in (a, b):
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign"):
                setattr(obj, name, 1)
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete"):
                delattr(obj, name)
    else:
        a.__setattr__(name, 1)
        b.__setattr__(name, 1)
        assert repr(a) == repr(b)
    if "__slots__" in twin.__dict__:
        for obj in (a, b):
            with pytest.raises((AttributeError, TypeError)):
                obj.not_a_field = 1


def test_post_init_runs_as_in_dataclasses():
    """model.Variable turns a list (the cache's JSON) into a tuple after __init__."""
    from ana_story.model import Variable
    twin = TWINS["ana_story.model.Variable"]
    made = Variable("x", [1, 2], "list[x]", "X", True)
    assert made.initial == (1, 2) and repr(made) == repr(twin("x", [1, 2], "list[x]", "X", True))


def test_a_declaration_recordinit_does_not_know_is_made_by_dataclasses():
    """A stale recordinit.py costs time, never correctness: the class is the standard
    dataclass (and the spec says what recordgen.py would write for it)."""
    @records.dataclass(frozen=True, slots=True)
    class Fresh:
        """A class recordinit.py has never seen."""

        a: int
        b: list = records.field(default_factory=list, compare=False)

    assert "__record_fields__" not in Fresh.__dict__ and "__dataclass_fields__" in Fresh.__dict__
    assert Fresh(1) == Fresh(1, [2]) and Fresh(1).b == []
    assert records.SPECS[f"{__name__}.{Fresh.__qualname__}"] == "frozen - a b=()"


def test_a_dataclass_may_derive_from_a_record():
    """tests/test_cache.py adds a field to Scene so: the standard dataclasses reads
    the record's fields through __dataclass_fields__."""
    from ana_story.model import Location
    more = dataclasses.make_dataclass("More", [("extra", int, dataclasses.field(default=0))],
                                      bases=(Location,), frozen=True)
    made = more("f", 1, 2, 3)
    assert [f.name for f in records.fields(more)] == ["file", "line", "column", "extra"]
    assert records.replace(made, extra=4) == more("f", 1, 2, 4)
    assert records.is_dataclass(more)
