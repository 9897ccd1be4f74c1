"""The hidden tests' declarative form, and how one returned result is judged.

A chapter's hidden tests (``autograder.judging.chapters.<chapter>``) are data:
:class:`Exercise` objects holding seeded :class:`Case` objects, tolerances
and diagnoses. This module turns a case into its arguments, computes the
reference's answer, and judges what the student's function returned (as read
back from the probe's files) against it, values and shapes only: a sentence
saying what is wrong, and the hint of the first diagnosis that names the
mistake. Inputs changed in place are judged once, by a case of their own; an
exercise built on other graded functions is also judged against a right
composition of the student's own parts (:func:`composed_result`).

Everything here runs in the grader's own process. The student's code never
shares a process with it, the reference or the expected values (see
:mod:`autograder.engine.execute`).
"""

import copy
import hashlib
import inspect
import types
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit import testing as _testing
from coursekit.probing import Fn, GeneratorState, Opaque, Rng, materialize

__all__ = [
    "Case",
    "Exercise",
    "Inconsistent",
    "Answers",
    "arguments",
    "expected_result",
    "judge",
    "compare",
    "composed_result",
    "verdict",
    "modified_inputs",
    "diagnose",
    "notes",
    "report",
]

#: The hint of the case that checks that no input was changed in place (see :class:`Exercise`).
UNCHANGED_HINT = (
    "inputs are never modified in this course: work on a copy (e.g. x = np.array(x, dtype=float)) "
    "and build new arrays instead of writing into the arguments (no x[...] = ..., no x -= ...)"
)


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
    unchanged: bool = False


def _holds_arrays(value):
    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_arrays(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_arrays(item) for item in value.values())
    return False


@dataclass
class Exercise:
    """A graded function: its reference, its cases and its points.

    ``outputs`` names the parts of a tuple result, e.g. ``("loss", "grad")``.
    ``diagnoses`` are ``(predicate(got, expected, args), hint)`` pairs tried
    when a case fails, to name a common mistake. ``notes`` are pairs of the
    same form tried on a case that passed: a remark that costs nothing (a
    dtype that will matter later, say).

    Cases judge values and shapes only. Whether the function leaves its
    inputs as they were is judged once, in a case of its own: for an
    exercise whose arguments hold arrays (``unchanged=None`` finds out),
    one more case is appended, a copy of case ``unchanged_like`` (the first,
    unless that is an edge case) on other random inputs, that passes only if
    its result is right AND no case saw an input changed in place. A
    function that writes into its arguments loses that case alone (with
    :data:`UNCHANGED_HINT`, or ``unchanged_hint``).

    ``parts`` names the graded functions (of this chapter or earlier ones)
    the function builds on. A case is then also passed by a result that
    composes the student's OWN parts correctly: the probe records the calls
    the function makes to its parts, a fresh process makes them again, and
    the grader computes the expected result with ``composition(answers,
    *args)`` (default: the reference itself) whose calls to the parts are
    answered by what the student's parts returned for the same arguments
    (:class:`Answers`). A mistake in a part then costs points in the part's
    exercise only.
    """

    name: str
    reference: Callable
    cases: list
    points: int
    outputs: Optional[tuple] = None
    diagnoses: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    parts: tuple = ()
    composition: Optional[Callable] = None
    unchanged: Optional[bool] = None
    unchanged_hint: str = UNCHANGED_HINT
    unchanged_like: int = 0

    def __post_init__(self):
        self.cases = list(self.cases)
        if self.unchanged is None:
            first = self.cases[0].make_args(np.random.default_rng(0)) if self.cases else ()
            self.unchanged = _holds_arrays(first)
        if self.unchanged and not any(case.unchanged for case in self.cases):
            first = self.cases[self.unchanged_like]
            self.cases.append(
                Case(
                    f"{first.label}; no input changed in any case",
                    first.make_args,
                    hint=first.hint,
                    rtol=first.rtol,
                    atol=first.atol,
                    check=first.check,
                    driver=first.driver,
                    unchanged=True,
                )
            )


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
            return (
                f"{what} should be a {type(expected).__name__} of {len(expected)} items but is a {type(got).__name__}"
            )
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


def compare(got, expected, what="the result", rtol=1e-6, atol=1e-9):
    """A sentence describing the first difference between ``got`` and ``expected`` (values, shapes,
    and the structure of tuples, lists and dicts), or ``None``: what a case without a check uses."""
    return _compare(got, expected, what, rtol, atol)


def _same_data(before, after):
    """Whether an argument still holds what it held before the call (specs are not compared).

    Values and shapes are compared: writing into an array changes its values.
    """
    if isinstance(before, (Fn, Rng)):
        return True
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and np.array_equal(after, before, equal_nan=True)
        )
    if isinstance(before, (list, tuple)):
        return (
            isinstance(after, (list, tuple))
            and len(after) == len(before)
            and all(_same_data(b, a) for b, a in zip(before, after))
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and set(after) == set(before)
            and all(_same_data(before[k], after[k]) for k in before)
        )
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


def modified_inputs(exercise, case, args, outcome):
    """The names of the inputs the function changed in place in this case (empty if none).

    Read from the arguments as the probe found them after the call, and from a
    driver's report: a driver that passes copies to the function says under
    the key ``"modified"`` of its result which of them the function changed.
    """
    if outcome.get("status") != "returned":
        return []
    after = outcome.get("args_after")
    if not isinstance(after, list) or len(after) != len(args):
        return []
    names = _argument_names(exercise, case, len(args))
    changed = [name for name, b, a in zip(names, args, after) if not _same_data(b, a)]
    result = outcome.get("result")
    if case.driver is not None and isinstance(result, dict) and isinstance(result.get("modified"), list):
        changed += [str(name) for name in result["modified"] if str(name) not in changed]
    return changed


def judge(exercise, case, args, outcome, expected):
    """``None`` if the outcome of case ``args`` is right, else a sentence saying what is wrong.

    ``outcome`` is what the probe sent back: ``{"status": "returned", "result",
    "args_after"}``, ``{"status": "raised", "error", "message"}`` or
    ``{"status": "unsendable", "message"}``. Only the result is judged here,
    against ``expected`` (values and shapes); inputs changed in place are the
    business of the exercise's own case for that (:func:`verdict`).
    """
    status = outcome.get("status")
    if status == "raised":
        return f"raised {outcome.get('error', 'an exception')}: {outcome.get('message', '')}".rstrip(": ")
    if status != "returned":
        return f"returned something that could not be sent back for checking ({outcome.get('message', status)})"
    got, after = outcome.get("result"), outcome.get("args_after")
    if not isinstance(after, list) or len(after) != len(args):
        return "the probe's report is incomplete"
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


# ---------------------------------------------------------------- an exercise built on others


class Inconsistent(Exception):
    """Raised by a composition: the student's calls to its parts cannot come from a right composite.

    The message says why, for the student's report; ``hint`` says what to do.
    """

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.hint = hint


def _reference_part(name):
    import solutions  # the grader's side only: never in the student's process

    return getattr(solutions, name)


_SIGNATURES = {}


def _signature(name):
    if name not in _SIGNATURES:
        _SIGNATURES[name] = inspect.signature(_reference_part(name))
    return _SIGNATURES[name]


def _numbers(value):
    return isinstance(value, (int, float, np.integer, np.floating, np.bool_)) or (
        isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
    )


def _matches(live, recorded):
    """Whether an argument of the composition equals an argument the student's function passed."""
    if isinstance(recorded, GeneratorState):
        return isinstance(live, np.random.Generator) and _plain_state(live) == recorded.state
    if isinstance(live, np.random.Generator) or isinstance(recorded, Opaque):
        return False
    if _numbers(live) and _numbers(recorded) and not isinstance(live, bool) and not isinstance(recorded, bool):
        a, b = np.asarray(live, dtype=float), np.asarray(recorded, dtype=float)
        if a.shape != b.shape:
            return False
        with np.errstate(invalid="ignore"):
            close = np.abs(a - b) <= 1e-12 + 1e-9 * np.abs(b)
        return bool(close.all()) or bool(np.all(close | (np.isnan(a) & np.isnan(b)) | (a == b)))
    if isinstance(live, (list, tuple)) and isinstance(recorded, (list, tuple)):
        return len(live) == len(recorded) and all(_matches(a, b) for a, b in zip(live, recorded))
    if isinstance(live, dict) and isinstance(recorded, dict):
        return set(live) == set(recorded) and all(_matches(live[k], recorded[k]) for k in live)
    try:
        return bool(type(live) is type(recorded) and live == recorded)
    except Exception:  # noqa: BLE001
        return False


def _fingerprint(values):
    """Per argument, a cheap summary that two matching arguments share up to rounding:
    the shape, the sum and the sum of absolute values of the numbers it holds."""
    prints = []
    for value in values:
        try:
            array = np.asarray(value, dtype=float)
            prints.append((array.shape, float(array.sum()), float(np.abs(array).sum())))
        except (TypeError, ValueError):
            prints.append(None)  # not plain numbers: compared in full
    return prints


def _near_prints(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x is None or y is None:
            continue
        if x[0] != y[0] or abs(x[1] - y[1]) > 1e-7 * max(x[2], y[2]) + 1e-9:  # False for NaN: compared in full
            return False
    return True


def _plain_state(generator):
    return GeneratorState.of(generator).state


def _bound(signature, args, kwargs):
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    return list(bound.arguments.values())


class Answers:
    """The student's parts as one call of the graded function used them, for a composition to call.

    ``answers(name)`` is a function that answers a call of the part ``name``
    with what the student's part returned for the same arguments (the
    records of that call of the graded function, made again by a fresh
    process), or, if the student's function never made that call, with the
    reference's answer (itself composed of the student's answers where it
    calls parts). ``answers.calls`` lists the records as ``(part, arguments
    bound to the part's parameters, result, states of the random generators
    among the arguments after the call)`` in the order they were made.
    """

    def __init__(self, parts, calls):
        self.parts = tuple(parts)
        self.calls = []
        for call in calls or []:
            part, args, kwargs, result, states = call
            try:
                signature = _signature(part)
            except (AttributeError, TypeError, ValueError):
                continue
            bound = _bound(signature, tuple(args), dict(kwargs))
            if bound is not None:
                self.calls.append((part, bound, result, states))
        self._cursor, self._of_part, self._answering = {}, {}, {}

    def _find(self, part, bound):
        """The first record of ``part`` with these arguments, looking from after the last one found
        (a composition makes its calls in the order the student's function made them)."""
        if part not in self._of_part:
            mine = [call for call in self.calls if call[0] == part]
            self._of_part[part] = (mine, [_fingerprint(call[1]) for call in mine])
        mine, prints = self._of_part[part]
        start, wanted = self._cursor.get(part, 0), _fingerprint(bound)
        for k in list(range(start, len(mine))) + list(range(start)):
            recorded = mine[k][1]
            if (
                _near_prints(wanted, prints[k])
                and len(recorded) == len(bound)
                and all(_matches(a, b) for a, b in zip(bound, recorded))
            ):
                self._cursor[part] = k + 1
                return mine[k]
        return None

    def __call__(self, part):
        if part not in self._answering:
            reference, signature = _reference_part(part), _signature(part)

            def answer(*args, **kwargs):
                bound = _bound(signature, args, kwargs)
                record = self._find(part, bound) if bound is not None else None
                if record is None:
                    return self.rebound(reference)(*args, **kwargs)
                for generator, state in zip(_generators_in(bound), record[3]):
                    generator.bit_generator.state = state.state
                return copy.deepcopy(record[2])

            answer.__name__ = part
            self._answering[part] = answer
        return self._answering[part]

    def rebound(self, function):
        """``function`` (a reference) with the parts it calls answered by these answers."""
        scope = dict(function.__globals__)
        scope.update({part: self(part) for part in self.parts if part != function.__name__})
        rebound = types.FunctionType(
            function.__code__, scope, function.__name__, function.__defaults__, function.__closure__
        )
        rebound.__kwdefaults__ = function.__kwdefaults__
        return rebound


def _generators_in(values):
    found = []
    for value in values:
        if isinstance(value, np.random.Generator):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found += _generators_in(value)
        elif isinstance(value, dict):
            found += _generators_in(list(value.values()))
    return found


def composed_result(exercise, case, args, segments):
    """What case ``args`` gives when the exercise's composition uses the student's own parts.

    ``segments`` holds, per call of the graded function (a driver may call it
    several times), the verified calls it made to its parts: lists of
    ``(part, args, kwargs, result, generator states after the call)``.
    """
    feed = iter(segments or [])

    def one_call(*call_args, **call_kwargs):
        answers = Answers(exercise.parts, next(feed, []))
        if exercise.composition is not None:
            return exercise.composition(answers, *call_args, **call_kwargs)
        return answers.rebound(exercise.reference)(*call_args, **call_kwargs)

    live = materialize(copy.deepcopy(args))
    return case.driver(one_call, *live) if case.driver is not None else one_call(*live)


def verdict(exercise, index, args, outcome, expected, changed=()):
    """``(problem, hint)`` for case ``index``: ``(None, None)`` if it passed.

    The result must equal the reference's ``expected`` or, for an exercise
    built on ``parts``, what a right composition of the student's own parts
    gives (:func:`composed_result`, from ``outcome["verified_calls"]``). The
    exercise's ``unchanged`` case also fails when ``changed`` (``(case label,
    input names)`` of every case) shows an input changed in place.
    """
    case = exercise.cases[index]
    problem = judge(exercise, case, args, outcome, expected)
    answered = outcome.get("verified_calls", [])  # None: the calls to the parts were never answered
    if problem and exercise.parts and outcome.get("status") == "returned" and answered is not None:
        try:
            own = composed_result(exercise, case, args, outcome.get("verified_calls"))
        except Inconsistent as error:
            return str(error), case.hint or error.hint
        except Exception:  # noqa: BLE001 - the student's parts gave something the composition cannot use
            pass
        else:
            own_problem = judge(exercise, case, args, outcome, own)
            if own_problem is None:
                return None, None
            problem, expected = own_problem, own
    if problem:
        hint = case.hint or diagnose(exercise, args, outcome, expected)
        if hint is None and outcome.get("error") == "NotImplementedError":
            hint = f"`{exercise.name}` still holds the stub: write its body in the exercise cell"
        return problem, hint
    if case.unchanged:
        for label, names in changed:
            if names:
                where = "" if label == case.label else f" (in the case {label!r})"
                return f"modified its input {', '.join(names)} in place{where}", exercise.unchanged_hint
    return None, None


def notes(exercise, args, outcome, expected):
    """The notes (remarks that cost nothing) that apply to a case that passed."""
    if outcome.get("status") != "returned" or not exercise.notes:
        return []
    got, live_args = outcome.get("result"), materialize(copy.deepcopy(args))
    import warnings

    found = []
    for predicate, note in exercise.notes:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if predicate(got, expected, live_args):
                    found.append(note)
        except Exception:  # noqa: BLE001
            continue
    return found


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


def report(name, points, failures, total, remarks=()):
    """The lines shown to the student, and the score (a plain float).

    ``remarks`` are notes on cases that passed: they cost nothing.
    """
    passed = total - len(failures)
    score = round(float(points) * passed / total, 2) if total else 0.0
    mark = "✓" if not failures else "✗"
    lines = [f"{mark} {name}: {passed} of {total} hidden checks passed, {score:g} of {float(points):g} points"]
    for label, problem, hint in failures:
        lines.append(f"  ✗ {label}: {problem}")
        if hint:
            lines.append(f"    Hint: {hint}")
    for remark in remarks:
        lines.append(f"  Note (no points lost): {remark}")
    return lines, score
