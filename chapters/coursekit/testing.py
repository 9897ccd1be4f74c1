"""Checks used by the visible tests in the chapter notebooks.

Each check raises :class:`CheckFailed` with a sentence that says *what* is wrong
(which call, which entry, expected versus got) and, where we know the usual
mistake, *why*. A cell that runs to the end without an error means the visible
tests passed; the grader runs more tests of the same kind on other inputs.

In Jupyter (any IPython shell) a failed check shows its message only: the
lines of this module it passes through say nothing about your code. Plain
Python keeps the full traceback.
"""

import copy
import inspect
import sys

import numpy as np

__all__ = [
    "CheckFailed",
    "describe_mismatch",
    "check_close",
    "check_equal",
    "check_shape",
    "check_true",
    "call_unchanged",
    "note",
    "passed",
]


class CheckFailed(AssertionError):
    """A visible test found a wrong answer; the message says what and why."""


def _fmt(value):
    """Short text for a number or small array in a message."""
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            return np.array2string(value, precision=6, separator=", ")
        return f"array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.8g}"
    return repr(value)


#: While true (see :func:`concealed`), mismatches are described without the expected values.
_CONCEALED = [False]


class concealed:
    """Within ``with concealed():``, :func:`describe_mismatch` never shows an expected value.

    The grader judges the hidden cases whose inputs are the same for every
    submission this way: their feedback says what is wrong, not what the
    answer is, so it cannot be copied into the next submission.
    """

    def __enter__(self):
        self._before = _CONCEALED[0]
        _CONCEALED[0] = True
        return self

    def __exit__(self, *exc):
        _CONCEALED[0] = self._before


def expected_text(value):
    """How a message shows an expected ``value``: the value, or nothing inside :class:`concealed`."""
    return "(not shown for this case)" if _CONCEALED[0] else _fmt(value)


def _describe_type(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__} ({_fmt(value)})"


def describe_mismatch(got, expected, *, rtol=1e-7, atol=1e-9, exact=False):
    """Say how ``got`` differs from ``expected``; return ``None`` if it does not.

    ``expected`` is a number, a sequence or an array. Numbers and arrays are
    compared with ``|got - expected| <= atol + rtol * |expected|`` unless
    ``exact`` is true. Shapes must match exactly (no broadcasting), so a
    ``(N, 1)`` answer where ``(N,)`` is expected is reported as a shape error.
    Values are compared, never the dtype alone: an integer array holding the
    right values is right where floats are expected, and so are floats that
    equal the expected integers.
    """
    expected_arr = np.asarray(expected)
    if expected_arr.ndim == 0:
        if isinstance(got, np.ndarray) and got.ndim > 0:
            return f"should be a single number but is {_describe_type(got)}"
        try:
            got_value = float(got)
        except (TypeError, ValueError):
            return f"should be a number but is {_describe_type(got)}"
        want = float(expected_arr)
        if np.isnan(got_value) and np.isnan(want):
            return None  # NaN expected (a result built on NaN) and got
        if np.isnan(got_value):
            return f"is NaN, expected {expected_text(want)}"
        close = got_value == want or (not exact and abs(got_value - want) <= atol + rtol * abs(want))
        if not close:
            return f"is {_fmt(got_value)}, expected {expected_text(want)}"
        return None

    if not isinstance(got, np.ndarray):
        if isinstance(got, (list, tuple)) and np.asarray(got, dtype=object).shape == expected_arr.shape:
            got = np.asarray(got)
        else:
            return f"should be a NumPy array of shape {expected_arr.shape} but is {_describe_type(got)}"
    if got.shape != expected_arr.shape:
        return f"has shape {got.shape}, expected shape {expected_arr.shape}"
    if not np.issubdtype(got.dtype, np.number) and got.dtype.kind != "b":
        return f"should hold numbers but has dtype {got.dtype}"
    got_f = got.astype(np.float64)
    want_f = expected_arr.astype(np.float64)
    bad_nan = np.isnan(got_f) & ~np.isnan(want_f)
    if bad_nan.any():
        where = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        return (f"contains NaN at index {where} (expected {expected_text(want_f[where])}); "
                f"{int(bad_nan.sum())} NaN entries in all")
    if exact:
        wrong = got_f != want_f
    else:
        with np.errstate(invalid="ignore"):
            wrong = ~(np.abs(got_f - want_f) <= atol + rtol * np.abs(want_f))
        wrong &= ~(np.isinf(want_f) & (got_f == want_f))
    wrong &= ~(np.isnan(want_f) & np.isnan(got_f))  # NaN expected (a result built on NaN) and got
    if not wrong.any():
        return None
    with np.errstate(invalid="ignore"):
        gap = np.where(wrong, np.abs(got_f - want_f), -1.0)
    gap = np.nan_to_num(gap, nan=np.inf)
    where = np.unravel_index(int(np.argmax(gap)), got.shape)
    where = tuple(int(i) for i in where)
    return (
        f"differs at index {where}: expected {expected_text(want_f[where])}, got {_fmt(got_f[where])} "
        f"({int(wrong.sum())} of {wrong.size} entries differ)"
    )


def _fail(what, problem, hint):
    message = f"{what} {problem}."
    if hint:
        message += f"\nHint: {hint}"
    raise CheckFailed(message)


def check_close(got, expected, what, *, hint=None, rtol=1e-7, atol=1e-9):
    """Fail unless ``got`` equals ``expected`` up to floating-point tolerance."""
    problem = describe_mismatch(got, expected, rtol=rtol, atol=atol)
    if problem:
        _fail(what, problem, hint)


def check_equal(got, expected, what, *, hint=None):
    """Fail unless ``got`` equals ``expected`` exactly (labels, counts, shapes).

    The value counts, not its type: ``12.0`` equals ``12``; ``True`` is not a count.
    """
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, bool):
        if isinstance(got, (bool, np.bool_)):
            _fail(what, f"should be a number but is {_describe_type(got)}", hint)
    problem = describe_mismatch(got, expected, exact=True)
    if problem:
        _fail(what, problem, hint)


def check_shape(got, shape, what, *, hint=None):
    """Fail unless ``got`` is an array of exactly this shape."""
    if not isinstance(got, np.ndarray):
        _fail(what, f"should be a NumPy array of shape {tuple(shape)} but is {_describe_type(got)}", hint)
    if got.shape != tuple(shape):
        _fail(what, f"has shape {got.shape}, expected shape {tuple(shape)}", hint)


def check_true(condition, what, problem, *, hint=None):
    """Fail with ``what problem`` unless ``condition`` holds."""
    if not condition:
        _fail(what, problem, hint)


def _snapshot(value):
    return copy.deepcopy(value)


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if callable(a):
        return a is b
    return a == b


def modified_arguments(func, args, kwargs, before):
    """Names of the arguments of ``func`` whose value differs from ``before``."""
    try:
        names = list(inspect.signature(func).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        names = [f"argument {i + 1}" for i in range(len(args))] + list(kwargs)
    values = list(args) + list(kwargs.values())
    old_values = list(before[0]) + list(before[1].values())
    return [name for name, new, old in zip(names, values, old_values) if not _same(new, old)]


def call_unchanged(func, *args, **kwargs):
    """Call ``func(*args, **kwargs)``, fail if it modified any argument, return its result."""
    before = (_snapshot(args), _snapshot(kwargs))
    result = func(*args, **kwargs)
    changed = modified_arguments(func, args, kwargs, before)
    if changed:
        _fail(
            f"{func.__name__}(...)",
            f"modified its input {', '.join(changed)} in place",
            "work on a copy (e.g. `z = z.copy()` or build a new array) so callers keep their data",
        )
    return result


def note(condition, what, remark):
    """Print a remark that costs nothing unless ``condition`` holds (a dtype that matters later, say).

    The visible tests go on: nothing here is wrong, only worth knowing.
    """
    if not condition:
        print(f"Note: {what} {remark}")


def passed(name):
    """Print the line that tells the student a test cell passed."""
    print(f"✓ {name}: all visible tests passed")


def _show_message_only(shell, etype, value, tb, tb_offset=None):
    """IPython's display of a :class:`CheckFailed`: ``CheckFailed: <message>``, without frames."""
    lines = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, lines)  # what IPython's own showtraceback ends with
    return lines


def _register_in_ipython():
    ipython = sys.modules.get("IPython")  # imported already in a kernel; not worth importing elsewhere
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((CheckFailed,), _show_message_only)


_register_in_ipython()
