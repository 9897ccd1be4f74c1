"""Arguments described by data, and values turned into safe files and back.

The grader never sends code into the notebook that is being graded. When an
exercise takes a function (an activation, a loss, ``f`` for a numerical
gradient) or a random generator, its test case names a public factory of
``coursekit`` and the numbers to build it from::

    Fn(functions.bowl, scale=[1.0, 2.0], target=[0.5, -1.0])   # a loss_and_grad
    Rng(1234)                                                  # np.random.default_rng(1234)

:func:`materialize` turns such specs into the real objects. :func:`encode`
and :func:`decode` carry arguments and results between processes as JSON plus
NumPy arrays (saved with ``allow_pickle=False``): nothing is ever unpickled.
"""

import importlib
import json
import math
import zipfile

import numpy as np

__all__ = ["Fn", "Rng", "materialize", "encode", "decode", "save", "load", "Unreadable"]

#: Factories and drivers may only come from this package.
PACKAGE = "coursekit"
#: Nesting deeper than this is not decoded (a result that deep is not an answer).
MAX_DEPTH = 40


def _qualified_name(func):
    module, name = getattr(func, "__module__", ""), getattr(func, "__qualname__", "")
    if not module.split(".")[0] == PACKAGE or "<" in name:
        raise ValueError(f"{func!r} is not a public function of {PACKAGE}")
    return f"{module}:{name}"


def resolve(qualified):
    """The ``coursekit`` function named ``"module:name"`` (nothing outside ``coursekit``)."""
    module, _, name = str(qualified).partition(":")
    if module.split(".")[0] != PACKAGE or not name or "." in name or name.startswith("_"):
        raise ValueError(f"{qualified!r} does not name a public function of {PACKAGE}")
    return getattr(importlib.import_module(module), name)


class Fn:
    """A function argument: ``factory(**params)`` with ``factory`` a public ``coursekit`` function."""

    def __init__(self, factory, **params):
        self.factory = _qualified_name(factory) if callable(factory) else str(factory)
        self.params = params

    def build(self):
        return resolve(self.factory)(**self.params)

    def __repr__(self):
        return self.factory.split(":")[1]

    def __eq__(self, other):
        return isinstance(other, Fn) and self.factory == other.factory


class Rng:
    """A random generator argument: ``np.random.default_rng(seed)``, made fresh for every call."""

    def __init__(self, seed):
        self.seed = int(seed)

    def build(self):
        return np.random.default_rng(self.seed)

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"

    def __eq__(self, other):
        return isinstance(other, Rng) and self.seed == other.seed


def materialize(value):
    """``value`` with every :class:`Fn` and :class:`Rng` inside replaced by a new object it describes."""
    if isinstance(value, (Fn, Rng)):
        return value.build()
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value)
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- encoding


class Unreadable(ValueError):
    """Data that does not decode into a value (broken, too deep, or of an unknown kind)."""


def _float(x):
    x = float(x)
    return x if math.isfinite(x) else {"float": repr(x)}


def encode(value, arrays=None, _depth=0):
    """``(tree, arrays)``: a JSON-able tree describing ``value`` and the arrays it refers to.

    Numbers, strings, ``None``, lists, tuples, dicts with string keys, NumPy
    arrays of numbers or booleans and NumPy scalars keep their type through a
    round trip; :class:`Fn` and :class:`Rng` stay specs. Anything else becomes
    ``{"opaque": type name, "repr": short text}``, which :func:`decode` turns
    into an :class:`Opaque` (a result of that kind is reported, not compared).
    """
    arrays = {} if arrays is None else arrays
    if _depth > MAX_DEPTH:
        return {"opaque": "nesting", "repr": "nested too deeply"}, arrays
    if value is None or isinstance(value, (bool, str)):
        return value, arrays
    if isinstance(value, int) and type(value) is int:
        return value, arrays
    if type(value) is float:
        return _float(value), arrays
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufc" and not value.dtype.hasobject:
            key = f"a{len(arrays)}"
            arrays[key] = np.ascontiguousarray(value)
            return {"array": key}, arrays
        return _opaque(value), arrays
    if isinstance(value, np.generic):
        if value.dtype.kind in "biuf":
            return {"scalar": value.dtype.str, "value": value.item() if value.dtype.kind != "f"
                    else _float(value)}, arrays
        return _opaque(value), arrays
    if isinstance(value, Fn):
        params, arrays = encode(value.params, arrays, _depth + 1)
        return {"fn": value.factory, "params": params}, arrays
    if isinstance(value, Rng):
        return {"rng": value.seed}, arrays
    if type(value) in (list, tuple):
        items = []
        for item in value:
            tree, arrays = encode(item, arrays, _depth + 1)
            items.append(tree)
        return ({"tuple": items} if type(value) is tuple else items), arrays
    if type(value) is dict and all(type(k) is str for k in value):
        items = {}
        for key, item in value.items():
            items[key], arrays = encode(item, arrays, _depth + 1)
        return {"dict": items}, arrays
    return _opaque(value), arrays


class Opaque:
    """A value that could not be sent as data; only its type and a short text survive."""

    def __init__(self, type_name, text):
        self.type_name, self.text = str(type_name)[:80], str(text)[:200]

    def __repr__(self):
        return self.text


def _opaque(value):
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any object, any repr
        text = f"<{type(value).__name__}>"
    return {"opaque": type(value).__name__, "repr": text[:200]}


def decode(tree, arrays, _depth=0):
    """The value :func:`encode` described; raises :class:`Unreadable` for anything else."""
    if _depth > MAX_DEPTH + 1:
        raise Unreadable("nested too deeply")
    if tree is None or isinstance(tree, (bool, str, int, float)):
        return tree
    if isinstance(tree, list):
        return [decode(item, arrays, _depth + 1) for item in tree]
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise Unreadable(f"unexpected {type(tree).__name__} in the data")
    if "array" in tree:
        if tree["array"] not in arrays:
            raise Unreadable(f"missing array {tree['array']!r}")
        return arrays[tree["array"]]
    if "float" in tree:
        return float(tree["float"]) if tree["float"] in ("nan", "inf", "-inf") else _bad(tree)
    if "scalar" in tree:
        dtype = np.dtype(tree["scalar"])
        if dtype.kind not in "biuf":
            raise Unreadable(f"unexpected scalar type {tree['scalar']!r}")
        value = tree["value"]
        value = decode(value, arrays, _depth + 1) if isinstance(value, dict) else value
        return dtype.type(value)
    if "tuple" in tree and isinstance(tree["tuple"], list):
        return tuple(decode(item, arrays, _depth + 1) for item in tree["tuple"])
    if "dict" in tree and isinstance(tree["dict"], dict):
        return {str(k): decode(v, arrays, _depth + 1) for k, v in tree["dict"].items()}
    if "fn" in tree:
        params = decode(tree.get("params", {"dict": {}}), arrays, _depth + 1)
        spec = Fn(str(tree["fn"]))
        spec.params = params
        return spec
    if "rng" in tree:
        return Rng(tree["rng"])
    if "opaque" in tree:
        return Opaque(tree["opaque"], tree.get("repr", ""))
    return _bad(tree)


def _bad(tree):
    raise Unreadable(f"unexpected entry {sorted(tree)!r} in the data")


def save(path_stem, value):
    """Write ``value`` as ``<stem>.json`` and ``<stem>.npz`` (arrays only, no pickles)."""
    tree, arrays = encode(value)
    np.savez(f"{path_stem}.npz", **arrays)
    with open(f"{path_stem}.json", "w") as handle:
        json.dump(tree, handle)


def load(path_stem, max_bytes=None):
    """Read what :func:`save` wrote; :class:`Unreadable` if it is broken or larger than ``max_bytes``."""
    import os

    try:
        if max_bytes is not None:
            size = os.path.getsize(f"{path_stem}.json") + os.path.getsize(f"{path_stem}.npz")
            if size > max_bytes:
                raise Unreadable(f"{size} bytes, more than the limit of {max_bytes}")
        with open(f"{path_stem}.json") as handle:
            tree = json.load(handle)
        with np.load(f"{path_stem}.npz", allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except Unreadable:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, RecursionError) as error:
        raise Unreadable(f"{type(error).__name__}: {error}") from None
    try:
        return decode(tree, arrays)
    except RecursionError:
        raise Unreadable("nested too deeply") from None
