"""Hidden test cases that call the function on an edge input and on an ordinary one together.

An edge input that matters (zero update steps, a network of one layer,
``alpha = 0``, the default argument) is often one where a wrong formula gives
the right answer by accident: with zero steps it does not matter which way a
step goes. :func:`paired_case` puts such an input in the same case as an
ordinary input, so the case passes only if both results are right, and a
wrong formula earns nothing from the edge.

The student's function is called through the driver
:func:`coursekit.scenarios.calls`; the check and the diagnoses below are pure
functions of the results and arguments. Wrap every diagnosis of an exercise
that has paired cases in :func:`each_call`: in a paired case it is applied to
the first call whose result is wrong.
"""

import numpy as np

from autograder.judging.harness import Case
from coursekit import scenarios
from coursekit.testing import describe_mismatch

__all__ = ["paired_case", "each_call", "mismatch"]


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def mismatch(got, expected, what="the result", rtol=1e-6, atol=1e-9):
    """A sentence describing the first difference between ``got`` and ``expected``, or ``None``.

    Tuples and lists of results are compared item by item; integers (and
    integer arrays) exactly, everything else within the tolerances.
    """
    if isinstance(expected, (list, tuple)) and not all(_is_number(v) for v in expected):
        if not isinstance(got, (list, tuple)):
            return (
                f"{what} should be a {type(expected).__name__} of {len(expected)} items but is a {type(got).__name__}"
            )
        if len(got) != len(expected):
            return f"{what} has {len(got)} items, expected {len(expected)}"
        for index, (g, e) in enumerate(zip(got, expected)):
            problem = mismatch(g, e, f"{what}[{index}]", rtol, atol)
            if problem:
                return problem
        return None
    exact = isinstance(expected, (int, np.integer)) or (
        isinstance(expected, np.ndarray) and expected.dtype.kind in "iub"
    )
    problem = describe_mismatch(got, expected, rtol=rtol, atol=atol, exact=exact)
    return f"{what} {problem}" if problem else None


def _is_paired(got, args):
    return (
        len(args) > 1
        and all(type(a) is tuple for a in args)
        and isinstance(got, (list, tuple))
        and len(got) == len(args)
    )


def paired_case(label, make_calls, call_names, check=None, outputs=None, rtol=1e-6, atol=1e-9, hint=None):
    """A case that calls the function once per argument tuple of ``make_calls(rng)``.

    ``call_names`` says what each call is, for the student's report
    ("alpha=0", "alpha=0.1"). Each result is judged by ``check(got, args,
    expected)`` if given, otherwise compared with the reference's result (a
    tuple result by the names in ``outputs``).
    """

    def check_each(got, args, expected):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return f"the calls returned {type(got).__name__}, which is not one result per call"
        for name, g, a, e in zip(call_names, got, args, expected):
            if check is not None:
                problem = check(g, a, e)
            elif outputs:
                if not isinstance(g, (tuple, list)) or len(g) != len(outputs):
                    problem = f"should return a tuple ({', '.join(outputs)}) but returned {type(g).__name__}"
                else:
                    problem = next(
                        filter(None, (mismatch(gi, ei, part, rtol, atol) for part, gi, ei in zip(outputs, g, e))), None
                    )
            else:
                problem = mismatch(g, e, "the result", rtol, atol)
            if problem:
                return f"with {name}: {problem}"
        return None

    return Case(label, make_calls, hint=hint, rtol=rtol, atol=atol, check=check_each, driver=scenarios.calls)


def each_call(predicate, check=None):
    """``predicate`` for ordinary cases; in a paired case, ``predicate`` on the first wrong call.

    A call is wrong if ``check(got, args, expected)`` returns a sentence
    (when the exercise grades by a check) or its result differs from the
    reference's.
    """

    def diagnosis(got, expected, args):
        if not _is_paired(got, args):
            return predicate(got, expected, args)
        for g, e, a in zip(got, expected, args):
            wrong = check(g, a, e) if check is not None else mismatch(g, e)
            if wrong:
                return predicate(g, e, a)
        return False

    return diagnosis
