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
(``coursekit.probing.probe`` in a forked child, ``autograder.engine.probes.score``);
only the sandboxed kernel is left out.

Tests that grade whole classes share :func:`with_sources` (a submission made
from a notebook by replacing cells) and :func:`time_limits` (short limits so
that endless loops cost little).
"""

import atexit
import contextlib
import functools
import inspect
import io
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

import nbformat
import numpy as np

from autograder.course import ROOT, grade_id
from autograder.engine import probes
from autograder.judging.chapters import CHAPTERS, EXERCISES
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


_INPUTS = {}


def _written_inputs(exercise, seconds, salts):
    """``(folder, [inputs per salt])``: one probe input folder holding the cases of every salt one
    after the other (case ``i`` of salt ``k`` is case ``k * n + i``), written once per test run.

    The cases of an exercise and salt never change and the probe only reads them; one probe over
    all salts forks one child instead of one per salt, which is most of a grading's time here.
    """
    key = (exercise.name, float(seconds), tuple(salts))
    if key not in _INPUTS:
        if not _INPUTS:
            _INPUTS[None] = tempfile.mkdtemp(prefix="nnfs-inputs-")
            atexit.register(shutil.rmtree, _INPUTS[None], True)
        root = Path(tempfile.mkdtemp(dir=_INPUTS[None]))
        combined, count, inputs = root / "in", len(exercise.cases), []
        (combined / exercise.name).mkdir(parents=True)
        for k, salt in enumerate(salts):
            inputs.append(probes.write_inputs([exercise], root / str(k), seconds, salt)[exercise.name])
            for i in range(count):
                for suffix in (".json", ".npz"):
                    (root / str(k) / exercise.name / f"{i}{suffix}").rename(
                        combined / exercise.name / f"{k * count + i}{suffix}"
                    )
        every_case = types.SimpleNamespace(
            name=exercise.name, cases=[None] * (count * len(salts)), parts=exercise.parts
        )
        probes.write_manifest(combined, every_case, seconds * len(salts))
        _INPUTS[key] = (combined, inputs)
    return _INPUTS[key]


def grade_namespace(name, namespace, seconds=10.0, salt="", salts=None):
    """``(points, report)`` for the function ``name`` found in ``namespace``, its cases drawn
    with ``salt`` (see ``autograder.judging.harness.arguments``); with ``salts``, a list of them, one
    ``(points, report)`` per salt."""
    exercise = EXERCISES[name]
    each_salt = [salt] if salts is None else list(salts)
    count = len(exercise.cases)
    written, inputs = _written_inputs(exercise, seconds, each_salt)
    results = []
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "in").symlink_to(written, target_is_directory=True)
        with contextlib.redirect_stdout(io.StringIO()):
            probing.probe(name, namespace=namespace, folder=root)
        out = Path(root) / "out" / name
        for k, each in enumerate(each_salt):  # each salt's outcomes, renumbered as its own cases
            mine = Path(root) / f"salt{k}" / name
            mine.mkdir(parents=True)
            # Hard links: the grader reads results through no symbolic link (they may be the student's).
            (mine / "status.json").hardlink_to(out / "status.json")
            for i in range(count):
                for produced in out.glob(f"{k * count + i}.*"):
                    (mine / produced.name.replace(f"{k * count + i}.", f"{i}.", 1)).hardlink_to(produced)
            lines, score = probes.score(exercise, inputs[k], mine.parent, salt=each)
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


#: The grading secret of the test classes whose scores depend on the drawn inputs: a wrong answer
#: matches a salted case now and then by chance (a constant label where every row's maximum happens
#: to be in the first column, a replayed accuracy whose count of right labels was drawn again), so
#: with a new random secret per run such a test would pass or fail by luck. The grader's own
#: secret is random (autograder.engine.secret); this one only makes a test run repeatable.
#: Chapter 1's graded exercises in the notebook's order, written out (not read from the grader),
#: for tests of what reports show exercise by exercise.
CH1_EXERCISES = (
    "linear_scores",
    "predict_labels",
    "accuracy",
    "add_bias_column",
    "l2_penalty",
    "least_squares_loss_and_grad",
    "gradient_descent",
)

TEST_SECRET = "5eed" * 16


def fixed_secret(root):
    """Give the course folder ``root`` the tests' grading secret (before anything is graded there)."""
    from autograder.course import SECRET_FILE

    path = Path(root) / SECRET_FILE
    path.write_text(TEST_SECRET + "\n")
    path.chmod(0o600)
    return root


def postgres_binaries():
    """The folder of the operating system's PostgreSQL server programs (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return found[-1].parent if found else None
