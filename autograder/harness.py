"""The hidden tests' declarative form, and how one returned result is judged.

A chapter's hidden tests (``autograder.hidden_tests.<chapter>``) are data:
:class:`Exercise` objects holding seeded :class:`Case` objects, tolerances
and diagnoses. This module turns a case into its arguments, computes the
reference's answer, and judges what the student's function returned (as read
back from the probe's files) against it: a sentence saying what is wrong, and
the hint of the first diagnosis that names the mistake.

Everything here runs in the grader's own process. The student's code never
shares a process with it, the reference or the expected values (see
:mod:`autograder.execute`).
"""

import copy
import hashlib
import inspect
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit import testing as _testing
from coursekit.probing import Fn, Opaque, Rng, materialize

__all__ = ["Case", "Exercise", "arguments", "expected_result", "judge", "diagnose", "report"]


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


# ---------------------------------------------------------------- inputs and the reference


def _seed(exercise, index, salt=""):
    """The seed of case ``index``: fixed without a salt, else drawn from the salt (see :func:`arguments`)."""
    if not salt:
        return zlib.crc32(f"{exercise}:{index}".encode())
    digest = hashlib.sha256(f"{salt}\0{exercise}\0{index}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def arguments(exercise, index, salt=""):
    """The arguments of case ``index`` as data (specs, not live functions): a tuple.

    ``salt`` (a string) selects other random inputs for the same cases: the
    grader salts each submission's cases with a course secret and the
    submission's content, so answers copied from one feedback do not fit the
    next submission's inputs. Without a salt every run gets the same inputs.
    """
    case = exercise.cases[index]
    args = case.make_args(np.random.default_rng(_seed(exercise.name, index, salt)))
    if not isinstance(args, tuple):
        raise TypeError(f"{exercise.name}, case {case.label!r}: make_args must return a tuple")
    return args


def _call(case, func, args):
    args = materialize(copy.deepcopy(args))
    return case.driver(func, *args) if case.driver is not None else func(*args)


_EXPECTED = {}
#: Answers kept per process (every submission has its own salt, hence its own answers).
_EXPECTED_KEPT = 2000


def expected_result(exercise, index, args, salt=""):
    """The reference's answer to case ``index`` with ``salt`` (computed once per process)."""
    key = (exercise.name, index, salt, id(exercise.reference))
    if key not in _EXPECTED:
        if len(_EXPECTED) >= _EXPECTED_KEPT:
            _EXPECTED.clear()
        _EXPECTED[key] = _call(exercise.cases[index], exercise.reference, args)
    return copy.deepcopy(_EXPECTED[key])


# ---------------------------------------------------------------- comparison


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _compare(got, expected, what, rtol, atol):
    """A sentence describing the first difference between ``got`` and ``expected``."""
    if isinstance(got, Opaque):
        return f"{what} is a {got.type_name} ({got.text}), which cannot be compared with the expected value"
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


def _same_data(before, after):
    """Whether an argument still holds what it held before the call (specs are not compared)."""
    if isinstance(before, (Fn, Rng)):
        return True
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and after.shape == before.shape and after.dtype == before.dtype
                and np.array_equal(after, before, equal_nan=True))
    if isinstance(before, (list, tuple)):
        return (isinstance(after, (list, tuple)) and len(after) == len(before)
                and all(_same_data(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return isinstance(after, dict) and set(after) == set(before) and all(
            _same_data(before[k], after[k]) for k in before)
    return type(after) is type(before) and after == before


def _argument_names(exercise, case, count):
    if case.driver is None:
        try:
            names = list(inspect.signature(exercise.reference).parameters)
            if len(names) >= count:
                return names[:count]
        except (TypeError, ValueError):
            pass
    return [f"argument {i + 1}" for i in range(count)]


def judge(exercise, case, args, outcome, expected):
    """``None`` if the outcome of case ``args`` is right, else a sentence saying what is wrong.

    ``outcome`` is what the probe sent back: ``{"status": "returned", "result",
    "args_after"}``, ``{"status": "raised", "error", "message"}`` or
    ``{"status": "unsendable", "message"}``.
    """
    status = outcome.get("status")
    if status == "raised":
        return f"raised {outcome.get('error', 'an exception')}: {outcome.get('message', '')}".rstrip(": ")
    if status != "returned":
        return f"returned something that could not be sent back for checking ({outcome.get('message', status)})"
    got, after = outcome.get("result"), outcome.get("args_after")
    if not isinstance(after, list) or len(after) != len(args):
        return "the probe's report is incomplete"
    names = _argument_names(exercise, case, len(args))
    changed = [name for name, b, a in zip(names, args, after) if not _same_data(b, a)]
    if changed:
        return f"modified its input {', '.join(changed)} in place (work on a copy)"
    if case.check is not None:
        return case.check(got, materialize(copy.deepcopy(args)), expected)
    if exercise.outputs:
        if not isinstance(got, (tuple, list)) or len(got) != len(exercise.outputs):
            return f"should return a tuple ({', '.join(exercise.outputs)}) but returned {type(got).__name__}"
        for name, g, e in zip(exercise.outputs, got, expected):
            problem = _compare(g, e, name, case.rtol, case.atol)
            if problem:
                return problem
        return None
    return _compare(got, expected, "the result", case.rtol, case.atol)


def diagnose(exercise, args, outcome, expected):
    """The hint of the first diagnosis that matches a failed case, or ``None``.

    Only a returned result is diagnosed; a predicate that raises on an odd
    result counts as not matching, and the next one is tried.
    """
    if outcome.get("status") != "returned":
        return None
    got, live_args = outcome.get("result"), materialize(copy.deepcopy(args))
    import warnings

    for predicate, hint in exercise.diagnoses:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if predicate(got, expected, live_args):
                    return hint
        except Exception:  # noqa: BLE001 - an odd result may break any predicate
            continue
    return None


def report(name, points, failures, total):
    """The lines shown to the student, and the score (a plain float)."""
    passed = total - len(failures)
    score = round(float(points) * passed / total, 2) if total else 0.0
    mark = "✓" if not failures else "✗"
    lines = [f"{mark} {name}: {passed} of {total} hidden checks passed, {score:g} of {float(points):g} points"]
    for label, problem, hint in failures:
        lines.append(f"  ✗ {label}: {problem}")
        if hint:
            lines.append(f"    Hint: {hint}")
    return lines, score
