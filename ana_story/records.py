"""``dataclass`` and ``field`` for the classes on the way to the first screen, without
the cost of the standard ``dataclasses`` at start-up (issue 17).

Why: ``dataclasses`` imports ``inspect`` (with ``ast``, ``dis`` and ``tokenize``) and
compiles each class's methods with exec() at import, about half a millisecond a class:
with its module, about a third of the first screen's import time. Here a class is
declared exactly as a dataclass is (``@dataclass(frozen=True, slots=True)``, annotated
fields, ``field(default_factory=...)``) and gets the same methods, but its ``__init__``
is compiled ahead of time (recordinit.py, written by recordgen.py from the
declarations and checked current by tests/test_records.py) and the rest are shared
functions over the field names. ``dataclasses.fields``, ``replace`` and ``asdict``
still work on these classes: their ``__dataclass_fields__`` is made by the real
``dataclasses`` when first asked for. A declaration recordinit.py does not match (or
one using what is not supported here) is made by the real ``dataclasses`` instead, so
a stale recordinit.py costs time, never correctness. The subset: ``frozen``, ``slots``,
defaults, ``field(default=, default_factory=, repr=, compare=)``, ``ClassVar``,
``__post_init__`` and single inheritance between these classes.
"""
from __future__ import annotations

import typing
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from .recordinit import INITS

T = TypeVar("T")
# The methods a class may not define itself to be made here (dataclasses would keep
# its own; the real one handles that).
MADE = frozenset(("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
                  "__getstate__", "__setstate__", "__match_args__", "__slots__",
                  "__dataclass_fields__", "__dataclass_params__"))
RESERVED = frozenset(("self", "_s", "_F", "_d"))  # names the generated __init__ uses
SPECIAL = frozenset(("InitVar", "_KW_ONLY_TYPE"))  # dataclasses' pseudo-fields: its own
# Every class made here: "module.qualname" -> its spec (what recordgen.py writes from)
SPECS: dict[str, str] = {}


class _Factory:
    """The default of a parameter whose field has a default_factory (as dataclasses
    shows it: ``<factory>``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _Factory()
NODEFAULT: Any = _Factory.__new__(_Factory)  # "no default" (dataclasses.MISSING)


class Field:
    """One field, as ``dataclasses.Field`` has it (the parts supported here), and its
    ``kind``: how its __init__ parameter defaults: "" (it does not), "=" or "=()" (it
    calls a default_factory)."""

    __slots__ = ("name", "type", "default", "default_factory", "repr", "compare", "kind")
    init = True

    def __init__(self, name: str, hint: Any, default: Any, default_factory: Any = NODEFAULT,
                 repr: bool = True, compare: bool = True) -> None:  # noqa: A002
        self.name, self.type = name, hint
        self.default, self.default_factory = default, default_factory
        self.repr, self.compare = repr, compare
        self.kind = "=()" if default_factory is not NODEFAULT else \
            "" if default is NODEFAULT else "="


def field(*, default: Any = NODEFAULT, default_factory: Any = NODEFAULT, repr: bool = True,  # noqa: A002
          compare: bool = True) -> Any:
    """dataclasses.field, for the options supported here."""
    return Field("", None, default, default_factory, repr, compare)


def dataclass(cls: Any = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """dataclasses.dataclass for the subset this module supports (see its docstring)."""
    def wrap(cls: type) -> type:
        ns = cls.__dict__
        own = _own_fields(ns)
        if own is None or not MADE.isdisjoint(ns):
            return _standard(cls, frozen, slots)
        fields = own
        if cls.__bases__ != (object,):
            inherited = _inherited(cls)
            if inherited is None:
                return _standard(cls, frozen, slots)
            mine = {f.name for f in own}
            fields = [*[f for f in inherited if f.name not in mine], *own]
        key = f"{cls.__module__}.{cls.__qualname__}"
        spec = " ".join(["frozen" if frozen else "plain",
                         "post" if hasattr(cls, "__post_init__") else "-",
                         *[f.name + f.kind for f in fields]])
        SPECS[key] = spec
        made = INITS.get(key)
        if made is None or made[1] != spec:
            return _standard(cls, frozen, slots)
        return _make(cls, tuple(fields), own, frozen, slots, made[0])
    return wrap if cls is None else wrap(cls)


def _own_fields(ns: Any) -> list[Field] | None:
    """The fields a class declares itself (``ns``: its namespace); None when one is of
    a kind not made here."""
    own = []
    for name, hint in ns.get("__annotations__", {}).items():
        kind = hint.__class__
        if kind is str:
            if hint.startswith(("ClassVar", "typing.ClassVar")):
                continue
            if "InitVar" in hint or "KW_ONLY" in hint:
                return None
        elif kind is not type:  # a typing construct, or dataclasses' pseudo-fields
            if hint is typing.ClassVar or getattr(hint, "__origin__", None) is typing.ClassVar:
                continue
            if kind.__name__ in SPECIAL:
                return None
        if name in RESERVED or name.startswith("_f_"):
            return None
        value = ns.get(name, NODEFAULT)
        if value.__class__ is Field:
            value.name, value.type = name, hint
            own.append(value)
        elif value.__class__.__name__ == "Field":
            return None  # a dataclasses.field(): the real dataclasses reads it
        else:
            own.append(Field(name, hint, value))
    return own


def _inherited(cls: type) -> list[Field] | None:
    """The fields of the record classes ``cls`` derives from, in order; None when a
    base is a dataclass not made here."""
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        made = base.__dict__.get("__record_fields__")
        if made is not None:
            fields.update((f.name, f) for f in made)
        elif "__dataclass_fields__" in base.__dict__:
            return None
    return list(fields.values())


def _make(cls: type, fields: tuple[Field, ...], own: list[Field], frozen: bool,
          slots: bool, build: Callable[..., Any]) -> type:
    """``cls`` with the methods dataclasses would give it; with ``slots``, a new class
    as dataclasses makes one (the field defaults move into __init__)."""
    names = tuple([f.name for f in fields])
    cls = _slotted(cls, names) if slots else _defaults_kept(cls, own)
    defaults = tuple([f.default_factory if f.kind == "=()" else f.default
                      for f in fields if f.kind])
    _method(cls, "__init__", build(object.__setattr__, FACTORY, defaults))
    compared = _getter(tuple([f.name for f in fields if f.compare]))
    _method(cls, "__repr__", _repr(tuple([f.name for f in fields if f.repr])))
    _method(cls, "__eq__", _eq(compared))
    if frozen:
        _method(cls, "__hash__", _hash(compared))
        _method(cls, "__setattr__", _frozen_set(cls, names))
        _method(cls, "__delattr__", _frozen_del(cls, names))
        if slots:  # as dataclasses gives a frozen class with slots, for pickling
            _method(cls, "__getstate__", _getstate(_getter(names)))
            _method(cls, "__setstate__", _setstate(names))
    else:
        cls.__hash__ = None  # type: ignore[assignment]  # eq without frozen: unhashable
    setattr(cls, "__match_args__", names)  # noqa: B010  mypy: not assignable on a type
    setattr(cls, "__record_fields__", fields)  # noqa: B010
    for attr in ("__dataclass_fields__", "__dataclass_params__"):
        setattr(cls, attr, _Standard(cls, frozen, attr))
    return cls


def _slotted(cls: type, names: tuple[str, ...]) -> type:
    """A new class with __slots__ for the fields its bases do not have, as dataclasses
    makes it."""
    ns = dict(cls.__dict__)
    slots = names
    if cls.__bases__ != (object,):
        inherited = {s for base in cls.__mro__[1:-1] for s in base.__dict__.get("__slots__", ())}
        slots = tuple([n for n in names if n not in inherited])
    ns["__slots__"] = slots
    for name in names:
        ns.pop(name, None)
    ns.pop("__dict__", None)
    ns.pop("__weakref__", None)
    made = type(cls)(cls.__name__, cls.__bases__, ns)
    made.__qualname__ = cls.__qualname__
    return made


def _defaults_kept(cls: type, own: list[Field]) -> type:
    """Without slots, dataclasses leaves a field's default as a class attribute (a
    field() becomes its default, or nothing)."""
    for f in own:
        if isinstance(cls.__dict__.get(f.name), Field):
            if f.default is NODEFAULT:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    return cls


def _method(cls: type, name: str, fn: Any) -> None:
    fn.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, fn)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` as one tuple (attrgetter gives a bare value for one)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    get = _getter(names)

    def __repr__(self: Any) -> str:
        parts = ", ".join(f"{n}={v!r}" for n, v in zip(names, get(self), strict=True))
        return f"{self.__class__.__qualname__}({parts})"
    return __repr__


def _eq(get: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return get(self) == get(other)
        return NotImplemented
    return __eq__


def _hash(get: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(get(self))
    return __hash__


def _frozen_set(cls: Any, names: tuple[str, ...]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            from dataclasses import FrozenInstanceError
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)
    return __setattr__


def _frozen_del(cls: Any, names: tuple[str, ...]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            from dataclasses import FrozenInstanceError
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)
    return __delattr__


def _getstate(get: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], list[Any]]:
    def __getstate__(self: Any) -> list[Any]:
        return list(get(self))
    return __getstate__


def _setstate(names: tuple[str, ...]) -> Callable[[Any, list[Any]], None]:
    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)
    return __setstate__


class _Standard:
    """``__dataclass_fields__`` or ``__dataclass_params__`` of a class made here, made
    by the real dataclasses when first asked for (dataclasses.fields, replace, asdict,
    is_dataclass, a dataclass deriving from it), from the same declaration."""

    def __init__(self, cls: type, frozen: bool, attr: str) -> None:
        self.cls, self.frozen, self.attr = cls, frozen, attr

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        import dataclasses
        cls = self.cls
        hints = cls.__dict__.get("__annotations__", {})
        ns: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                              "__annotations__": hints, "__doc__": cls.__doc__}
        ns.update((n, cls.__dict__[n]) for n in hints if n in cls.__dict__)  # ClassVars
        for f in cls.__record_fields__:  # type: ignore[attr-defined]
            if f.name not in hints:
                continue  # inherited: the base's own __dataclass_fields__ has it
            if f.repr and f.compare and f.kind != "=()":
                if f.kind:
                    ns[f.name] = f.default
            else:
                ns[f.name] = dataclasses.field(
                    default=_missing(f.default, dataclasses.MISSING),
                    default_factory=_missing(f.default_factory, dataclasses.MISSING),
                    repr=f.repr, compare=f.compare)
        standard: Any = dataclasses.dataclass(frozen=self.frozen)(
            type(cls.__name__, cls.__bases__, ns))
        for attr in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(cls, attr, getattr(standard, attr))
        return getattr(cls, self.attr)


def _missing(value: Any, missing: Any) -> Any:
    return missing if value is NODEFAULT else value


def _standard(cls: type, frozen: bool, slots: bool) -> type:
    """``cls`` made by the real dataclasses (what is not supported here)."""
    import dataclasses
    for name, value in list(cls.__dict__.items()):
        if isinstance(value, Field):
            setattr(cls, name, dataclasses.field(
                default=_missing(value.default, dataclasses.MISSING),
                default_factory=_missing(value.default_factory, dataclasses.MISSING),
                repr=value.repr, compare=value.compare))
    return dataclasses.dataclass(frozen=frozen, slots=slots)(cls)


def fields(cls_or_obj: Any) -> tuple[Any, ...]:
    """dataclasses.fields: here the Field of this module for a class made here."""
    cls = cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)
    made = cls.__dict__.get("__record_fields__")  # its own: not a subclass's
    if made is not None:
        return tuple(made)
    import dataclasses
    return dataclasses.fields(cls_or_obj)


def is_dataclass(obj: Any) -> bool:
    """dataclasses.is_dataclass, without loading dataclasses (nor making the standard
    fields of a class made here)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return getattr(cls, "__record_fields__", None) is not None \
        or hasattr(cls, "__dataclass_fields__")


def replace(obj: T, /, **changes: Any) -> T:
    """dataclasses.replace: a copy of ``obj`` with ``changes`` (for a class made here,
    without loading dataclasses, and a little quicker)."""
    cls = type(obj)
    if "__record_fields__" not in cls.__dict__:  # its own: not a subclass's
        import dataclasses
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for name in cls.__match_args__:  # type: ignore[attr-defined]
        if name not in changes:
            changes[name] = getattr(obj, name)
    return cls(**changes)


def asdict(obj: Any) -> dict[str, Any]:
    """dataclasses.asdict (loaded when called: no first screen needs it)."""
    import dataclasses
    return dataclasses.asdict(obj)
