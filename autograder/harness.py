"""The hidden tests' engine: runs inside the grading kernel, next to the student's code.

A chapter notebook's hidden test cell calls ``grade("sigmoid")``. That looks the
student's ``sigmoid`` up in the notebook's namespace, checks that it was written
in the notebook, runs it on the exercise's seeded cases (see
``autograder.hidden_tests``), compares each result with the reference in
``solutions`` and prints one line per failed case saying what input, what was
expected, what came back and, where known, the usual mistake. It returns the
points earned as a plain Python ``float``, the value nbgrader reads as the
cell's partial score.

Defences, because student code runs in this same process:

* the student's function must be a ``def``/``lambda`` whose globals are the
  notebook's namespace (not imported from ``solutions`` or any module), and
  neither it nor the notebook functions it calls may refer to ``solutions`` or
  ``autograder``; while it runs, importing those packages fails;
* NumPy's and the builtins' attributes are snapshotted when this module is
  imported (by the chapter's first, locked cell) and restored before every
  comparison, so replacing ``np.allclose`` and friends changes nothing;
* printed output, stderr and warnings from the student's function are
  swallowed, so a correct answer that warns keeps its points;
* nothing raises out of :func:`grade` (an interrupted infinite loop included),
  so the feedback never shows a traceback into this file.

Integrity problems are printed on lines starting with ``⚠`` so that the
instructor's summary can pick them up.
"""

import builtins
import contextlib
import copy
import importlib.abc
import io
import sys
import types
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit import testing as _testing
from coursekit.probing import materialize as _materialize

__all__ = ["Case", "Exercise", "grade"]

_PROTECTED_PACKAGES = ("solutions", "autograder")
# Builtins the comparisons rely on (IPython adds and removes others on every cell).
_BUILTINS_USED = (
    "abs", "all", "any", "bool", "callable", "dict", "enumerate", "float", "getattr", "int", "isinstance",
    "len", "list", "max", "min", "print", "range", "repr", "round", "set", "sorted", "str", "sum", "tuple",
    "type", "vars", "zip",
)
_PRISTINE = [
    (np, {k: v for k, v in vars(np).items() if not k.startswith("__")}),
    (builtins, {k: vars(builtins)[k] for k in _BUILTINS_USED}),
    (_testing, {k: v for k, v in vars(_testing).items() if not k.startswith("__")}),
]


@dataclass
class Case:
    """One hidden test input.

    ``make_args(rng)`` builds the positional arguments as a tuple (random
    inputs must come from ``rng`` so the case is the same on every run).
    ``check(got, args, expected)`` replaces the comparison with the
    reference when several answers are correct; it returns ``None`` or a
    sentence saying what is wrong.

    Arguments that are functions or random generators are given as
    ``coursekit.probing.Fn`` / ``Rng`` specs (data, built afresh for each
    call). ``driver``, a public ``coursekit`` function, runs a scenario
    instead of a single call: the result compared is ``driver(func, *args)``
    for the student's and the reference function alike (for example several
    optimizer steps with the state carried from one call to the next).
    """

    label: str
    make_args: Callable[[np.random.Generator], tuple]
    hint: Optional[str] = None
    rtol: float = 1e-6
    atol: float = 1e-9
    check: Optional[Callable] = None
    driver: Optional[Callable] = None


@dataclass
class Exercise:
    """A graded function: its reference, its cases and its points.

    ``outputs`` names the parts of a tuple result, e.g. ``("loss", "grad")``.
    ``diagnoses`` are ``(predicate(got, expected, args), hint)`` pairs tried
    when a case fails, to name a common mistake.
    """

    name: str
    reference: Callable
    cases: list
    points: int
    outputs: Optional[tuple] = None
    diagnoses: list = field(default_factory=list)


def _registry():
    from .hidden_tests import EXERCISES

    return EXERCISES


# ---------------------------------------------------------------- defences


class _BlockReference(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _PROTECTED_PACKAGES:
            raise ImportError(f"{name} cannot be imported by code under test")
        return None


@contextlib.contextmanager
def _reference_out_of_reach():
    """While student code runs, ``solutions``/``autograder`` cannot be imported or found."""
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in _PROTECTED_PACKAGES}
    blocker = _BlockReference()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        sys.modules.update(hidden)


def _restore_pristine():
    """Put back any NumPy/builtins attribute the notebook replaced; return their names."""
    replaced = []
    for module, snapshot in _PRISTINE:
        current = vars(module)
        for key, value in snapshot.items():
            if current.get(key) is not value:
                setattr(module, key, value)
                replaced.append(f"{module.__name__}.{key}")
    return replaced


def _notebook_namespace():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in a kernel
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _is_protected(value):
    module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] in _PROTECTED_PACKAGES


def _code_names(code):
    names = set(code.co_names) | {c for c in code.co_consts if isinstance(c, str)}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _origin_problem(name, func, namespace, seen=None):
    """Why ``func`` does not count as the student's own work, or ``None``."""
    if not isinstance(func, types.FunctionType):
        where = getattr(func, "__module__", None) or type(func).__module__
        return f"`{name}` is {type(func).__name__} from {where}, not a function written in this notebook"
    if func.__globals__ is not namespace:
        return f"`{name}` is imported from {func.__module__}, not written in this notebook"
    seen = set() if seen is None else seen
    seen.add(func)
    for used in sorted(_code_names(func.__code__)):
        if used.split(".")[0] in _PROTECTED_PACKAGES:
            return f"`{name}` refers to `{used}` (the reference code), which is not allowed"
        value = namespace.get(used)
        if value is not None and _is_protected(value):
            return f"`{name}` uses `{used}`, which comes from the reference code"
        if isinstance(value, types.FunctionType) and value not in seen and value.__globals__ is namespace:
            problem = _origin_problem(used, value, namespace, seen)
            if problem:
                return problem
    return None


# ---------------------------------------------------------------- comparison


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _compare(got, expected, what, rtol, atol):
    """A sentence describing the first difference between ``got`` and ``expected``."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{what} should be a dict but is a {type(got).__name__}"
        for key in expected:
            if key not in got:
                return f"{what} has no key {key!r}"
            problem = _compare(got[key], expected[key], f"{what}[{key!r}]", rtol, atol)
            if problem:
                return problem
        return None
    if isinstance(expected, (list, tuple)) and not all(_is_number(v) for v in expected):
        if not isinstance(got, (list, tuple)):
            return f"{what} should be a {type(expected).__name__} of {len(expected)} items but is a {type(got).__name__}"
        if len(got) != len(expected):
            return f"{what} has {len(got)} items, expected {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = _compare(g, e, f"{what}[{i}]", rtol, atol)
            if problem:
                return problem
        return None
    exact = isinstance(expected, (int, np.integer)) or (
        isinstance(expected, np.ndarray) and expected.dtype.kind in "iub"
    )
    problem = _testing.describe_mismatch(got, expected, rtol=rtol, atol=atol, exact=exact)
    return f"{what} {problem}" if problem else None


def _describe_args(args):
    parts = []
    for value in args:
        if isinstance(value, np.ndarray):
            parts.append(f"shape {value.shape}" if value.size > 6 else np.array2string(value, separator=", "))
        elif callable(value):
            parts.append(getattr(value, "__name__", "a function"))
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], tuple):
            parts.append(f"{len(value)} (W, b) layers")
        else:
            parts.append(repr(value))
    return ", ".join(parts)


def _seed(exercise, index):
    return zlib.crc32(f"{exercise}:{index}".encode())


def _call_quietly(func, args):
    """Call student code with output, warnings and the reference out of reach."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        stack.enter_context(np.errstate(all="ignore"))
        stack.enter_context(_reference_out_of_reach())
        return func(*args)


def _call(case, func, args):
    """``func`` on the materialized ``args`` (through the case's driver, if any)."""
    args = _materialize(args)
    return case.driver(func, *args) if case.driver is not None else func(*args)


def _run_case(exercise, case, index, student):
    """``None`` if the student passes this case, otherwise the failure text."""
    args = case.make_args(np.random.default_rng(_seed(exercise.name, index)))
    expected = _call(case, exercise.reference, copy.deepcopy(args))
    student_args = copy.deepcopy(args)
    try:
        got = _call_quietly(lambda *a: _call(case, student, a), student_args)
    except Exception as error:  # the student's code raised: report it, keep grading
        return f"raised {type(error).__name__}: {error}"
    finally:
        _restore_pristine()
    try:
        return _judge(exercise, case, student, student_args, args, got, expected)
    except Exception as error:  # a result so odd that the comparison itself failed
        return f"returned {type(got).__name__}, which could not be checked ({type(error).__name__}: {error})"


def _judge(exercise, case, student, student_args, args, got, expected):
    """Compare the student's result (and arguments after the call) with the expectation."""
    changed = _testing.modified_arguments(student, student_args, {}, (args, {}))
    if changed:
        return f"modified its input {', '.join(changed)} in place (work on a copy)"
    if case.check is not None:
        return case.check(got, _materialize(copy.deepcopy(args)), expected)
    if exercise.outputs:
        if not isinstance(got, (tuple, list)) or len(got) != len(exercise.outputs):
            return f"should return a tuple ({', '.join(exercise.outputs)}) but returned {type(got).__name__}"
        for name, g, e in zip(exercise.outputs, got, expected):
            problem = _compare(g, e, name, case.rtol, case.atol)
            if problem:
                return problem
        return None
    return _compare(got, expected, "the result", case.rtol, case.atol)


def _diagnose(exercise, case, index, student):
    """The hint of the first diagnosis that matches this failure, if any.

    A predicate that raises on an odd result counts as not matching, and the
    next one is tried.
    """
    args = case.make_args(np.random.default_rng(_seed(exercise.name, index)))
    try:
        got = _call_quietly(lambda *a: _call(case, student, a), copy.deepcopy(args))
    except Exception:
        return None
    finally:
        _restore_pristine()
    expected = _call(case, exercise.reference, copy.deepcopy(args))
    args = _materialize(copy.deepcopy(args))
    for predicate, hint in exercise.diagnoses:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if predicate(got, expected, args):
                    return hint
        except Exception:
            continue
    return None


# ---------------------------------------------------------------- entry point


def grade(name):
    """Grade the notebook's function ``name``; print a report; return the points as a float."""
    exercise = _registry()[name]
    points = float(exercise.points)
    try:
        replaced = _restore_pristine()
        if replaced:
            print(f"⚠ the notebook replaced {', '.join(replaced)}; restored before grading {name}")
        namespace = _notebook_namespace()
        if name not in namespace:
            print(f"✗ {name}: not defined. Run its exercise cell, and keep the function's name.")
            return 0.0
        problem = _origin_problem(name, namespace[name], namespace)
        if problem:
            print(f"⚠ {name}: {problem}. Scored 0 for this exercise.")
            return 0.0
        student = namespace[name]
        failures = []
        for index, case in enumerate(exercise.cases):
            problem = _run_case(exercise, case, index, student)
            if problem:
                hint = case.hint or _diagnose(exercise, case, index, student)
                failures.append((case, problem, hint))
        passed = len(exercise.cases) - len(failures)
        score = round(points * passed / len(exercise.cases), 2)
        mark = "✓" if not failures else "✗"
        print(f"{mark} {name}: {passed} of {len(exercise.cases)} hidden checks passed, {score:g} of {points:g} points")
        for case, problem, hint in failures:
            print(f"  ✗ {case.label}: {problem}")
            if hint:
                print(f"    Hint: {hint}")
        return float(score)
    except KeyboardInterrupt:
        print(f"✗ {name}: stopped after the time limit (an endless loop?). Scored 0 for this exercise.")
        return 0.0
