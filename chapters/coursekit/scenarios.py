"""Run a function on several inputs at once and hand back every result.

Some inputs are special cases worth checking on their own (no update steps,
a network of a single layer, ``alpha = 0``), but on such an input a wrong
formula can give the right answer by accident: with zero steps it does not
matter which way a step goes. :func:`calls` runs the function on the special
input *and* on an ordinary one and returns both results, so that a check sees
the pair. Nothing here solves an exercise.

A graded function must not change its inputs, but a function that does, and
computes the right values, should lose the marks of that rule only.
:func:`on_copies` and :func:`calls_on_copies` hand the function copies of its
arguments, so that the caller's arguments stay as they were whatever it does
to its own; the hidden tests then check the rule in a case of its own.
"""

import copy

__all__ = ["calls", "keyword_calls", "on_copies", "calls_on_copies"]


def calls(func, *argument_tuples):
    """``(func(*args_1), func(*args_2), ...)``: one result per tuple of positional arguments.

    >>> calls(max, (1, 2), (5, 3))
    (2, 5)
    """
    return tuple(func(*arguments) for arguments in argument_tuples)


def keyword_calls(func, *argument_tuples):
    """Like :func:`calls` for a function with keyword-only parameters: each tuple ends with a dict
    of the keyword arguments.

    >>> keyword_calls(sorted, ([3, 1, 2], {"reverse": True}))
    ([3, 2, 1],)
    """
    return tuple(func(*arguments[:-1], **arguments[-1]) for arguments in argument_tuples)


def on_copies(func, *arguments):
    """``func(*arguments)`` called on deep copies of the arguments.

    >>> x = [3, 1, 2]
    >>> on_copies(lambda a: a.sort() or a, x), x
    ([1, 2, 3], [3, 1, 2])
    """
    return func(*copy.deepcopy(arguments))


def calls_on_copies(func, *argument_tuples):
    """:func:`calls`, each call on deep copies of its arguments."""
    return tuple(func(*copy.deepcopy(arguments)) for arguments in argument_tuples)
