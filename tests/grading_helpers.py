"""Grade one exercise of source code written as a student would write it, in this process.

Tests of hidden cases and hints use :func:`grade_source`; it hides which
grading engine is behind it, so such tests keep working when the engine
changes.

    score, report = grade_source("accuracy", "def accuracy(y_pred, y_true):\\n    return 0.5\\n")

Every other exercise of the chapter is defined from the reference's own
source first (as a diligent student's notebook would), so an exercise that
calls another one gets a correct helper unless ``others`` replaces it. So are
the functions of other chapters that the chapter's exercises call, which its
notebook defines in a cell of its own (chapter 8 builds on chapters 5-7).
"""

import inspect
import sys
import types

import numpy as np

from autograder import harness
from autograder.course import ROOT
from autograder.hidden_tests import CHAPTERS, EXERCISES

sys.path.insert(0, str(ROOT / "tools"))
from sync_exercises import exercise_source  # noqa: E402


def chapter_of(name):
    return next(chapter for chapter, exercises in CHAPTERS.items() if any(e.name == name for e in exercises))


def _names_used(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


def earlier_chapter_source(chapter):
    """Source of the reference functions of other chapters that ``chapter``'s exercises call."""
    import solutions

    own = {exercise.name for exercise in CHAPTERS[chapter]}
    needed, queue = set(), [exercise.reference for exercise in CHAPTERS[chapter]]
    while queue:
        for name in _names_used(queue.pop().__code__):
            if name in solutions.__all__ and name not in own and name not in needed:
                needed.add(name)
                queue.append(getattr(solutions, name))
    return "\n\n".join(inspect.getsource(getattr(solutions, name)) for name in sorted(needed))


def notebook_namespace(chapter, sources):
    """The chapter's exercise functions defined from ``sources`` (reference source by default)."""
    namespace = {"np": np, "__name__": "__main__"}
    exec(earlier_chapter_source(chapter), namespace)
    for exercise in CHAPTERS[chapter]:
        exec(sources.get(exercise.name, exercise_source(exercise.name)), namespace)
    return namespace


def grade_source(name, source=None, others=None):
    """``(points, report)`` for exercise ``name`` written as ``source`` (the reference's if None)."""
    import contextlib
    import io

    sources = dict(others or {})
    if source is not None:
        sources[name] = source
    namespace = notebook_namespace(chapter_of(name), sources)
    original = harness._notebook_namespace
    harness._notebook_namespace = lambda: namespace
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            score = harness.grade(name)
    finally:
        harness._notebook_namespace = original
    return score, out.getvalue()


def max_points(name):
    return float(EXERCISES[name].points)
