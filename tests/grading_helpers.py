"""Grade one exercise of source code written as a student would write it, in this process.

Tests of hidden cases and hints use :func:`grade_source`; it hides how the
grading engine is wired, so such tests keep working when the engine changes.

    score, report = grade_source("accuracy", "def accuracy(y_pred, y_true):\\n    return 0.5\\n")

Every other exercise of the chapter is defined from the reference's own
source first (as a diligent student's notebook would), so an exercise that
calls another one gets a correct helper unless ``others`` replaces it. So are
the functions of other chapters that the chapter's exercises call, which its
notebook defines in a cell of its own (chapter 8 builds on chapters 5-7). The
function is probed and scored with the grader's own code
(``coursekit.probing.probe`` in a forked child, ``autograder.probes.score``);
only the sandboxed kernel is left out.

Tests that grade whole classes share :func:`with_sources` (a submission made
from a notebook by replacing cells) and :func:`time_limits` (short limits so
that endless loops cost little).
"""

import contextlib
import functools
import inspect
import io
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np

from autograder import probes
from autograder.course import ROOT, grade_id
from autograder.hidden_tests import CHAPTERS, EXERCISES
from coursekit import probing

sys.path.insert(0, str(ROOT / "tools"))
from sync_exercises import earlier_functions, exercise_source  # noqa: E402


def chapter_of(name):
    return next(chapter for chapter, exercises in CHAPTERS.items() if any(e.name == name for e in exercises))


@functools.lru_cache(maxsize=None)
def earlier_chapter_source(chapter):
    """Source of the reference functions of other chapters that ``chapter``'s exercises call
    (the notebook's ``earlier_functions`` cell, as a diligent student fills it in)."""
    import solutions

    return "\n\n".join(inspect.getsource(getattr(solutions, name)) for name in earlier_functions(chapter))


@functools.lru_cache(maxsize=None)
def _reference_source(name):
    return exercise_source(name)


def notebook_namespace(chapter, sources):
    """The chapter's exercise functions defined from ``sources`` (reference source by default),
    after the functions of earlier chapters they call, as the chapter's notebook defines them.

    ``sources`` may also replace an earlier chapter's function (what the student pasted into
    the ``earlier_functions`` cell), e.g. ``{"affine_forward": "def affine_forward(X, W, b): ..."}``.
    """
    namespace = {"np": np, "__name__": "__main__"}
    exec(earlier_chapter_source(chapter), namespace)
    own = {exercise.name for exercise in CHAPTERS[chapter]}
    unknown = set(sources) - own - set(earlier_functions(chapter))
    assert not unknown, f"{chapter} neither defines nor uses {sorted(unknown)}"
    for name in set(sources) - own:  # pasted earlier functions, as the student wrote them
        exec(sources[name], namespace)
    for exercise in CHAPTERS[chapter]:
        exec(sources.get(exercise.name, _reference_source(exercise.name)), namespace)
    return namespace


def grade_namespace(name, namespace, seconds=10.0, salt="", salts=None):
    """``(points, report)`` for the function ``name`` found in ``namespace``, its cases drawn
    with ``salt`` (see ``autograder.harness.arguments``); with ``salts``, a list of them, one
    per salt."""
    exercise = EXERCISES[name]
    results = []
    with tempfile.TemporaryDirectory() as root:
        for number, each in enumerate([salt] if salts is None else salts):
            folder = Path(root) / str(number)
            inputs = probes.write_inputs([exercise], folder / "in", seconds, each)
            with contextlib.redirect_stdout(io.StringIO()):
                probing.probe(name, namespace=namespace, folder=str(folder))
            lines, score = probes.score(exercise, inputs[name], folder / "out", salt=each)
            results.append((score, "\n".join(lines) + "\n"))
    return results[0] if salts is None else results


def grade_source(name, source=None, others=None, seconds=10.0, salt="", salts=None):
    """``(points, report)`` for exercise ``name`` written as ``source`` (the reference's if None);
    with ``salts``, a list of them, one per salt (see :func:`grade_namespace`)."""
    sources = dict(others or {})
    if source is not None:
        sources[name] = source
    return grade_namespace(name, notebook_namespace(chapter_of(name), sources), seconds, salt, salts)


def max_points(name):
    return float(EXERCISES[name].points)


def points_failing(name, labels):
    """The points of exercise ``name`` when exactly its cases labelled ``labels`` fail."""
    known = [case.label for case in EXERCISES[name].cases]
    unknown = set(labels) - set(known)
    assert not unknown, f"{name} has no hidden case labelled {sorted(unknown)}; its cases: {known}"
    return round(EXERCISES[name].points * (len(known) - len(set(labels))) / len(known), 2)


def diagnosis_hints(chapter):
    """``(exercise name, hint)`` of every diagnosis of the chapter's hidden tests."""
    return [(exercise.name, hint) for exercise in CHAPTERS[chapter] for _, hint in exercise.diagnoses]


def with_sources(nb, **sources):
    """A copy of notebook ``nb`` whose cells with grade ids ``name`` hold the given source."""
    nb = nbformat.from_dict(nb)
    ids = [grade_id(cell) for cell in nb.cells]
    missing = sorted(set(sources) - set(ids))
    assert not missing, f"the notebook has no cell with grade id {missing}"
    for cell in nb.cells:
        if grade_id(cell) in sources:
            cell.source = sources[grade_id(cell)]
    return nb


@contextlib.contextmanager
def time_limits(cell, probe):
    """Grade with a time limit of ``cell`` seconds per cell and ``probe`` per exercise's probe
    (short, so that endless loops in a test class cost little); the old limits come back after."""
    limits = {"NNFS_CELL_TIMEOUT": str(cell), "NNFS_PROBE_TIMEOUT": str(probe)}
    old = {key: os.environ.get(key) for key in limits}
    os.environ.update(limits)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value
