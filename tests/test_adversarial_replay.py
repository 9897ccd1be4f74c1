"""Answers read off one feedback page do not fit the next submission.

A student submits a wrong ``accuracy`` and reads, in the grader's report, the
expected value of every hidden case; the resubmission returns them from a
lookup table keyed by the input's length (then by the exact input). The
hidden inputs are drawn afresh for every submission (from the course's secret
and the notebook's code), so the table fits nothing: the exercise scores 0.
(It would fit a case whose count of right labels happened to be drawn again, about
one chance in N - 2 per case; the test's course has a fixed secret, so its run is
repeatable.)
The same notebook graded twice gets the same inputs and the same score. A
case whose inputs are the same for everyone never shows its expected value.
"""

import re
import shutil

import nbformat
import numpy as np
import pytest
from grading_helpers import fixed_secret, grade_source, time_limits, with_sources

from autograder import cli
from autograder.course import ROOT, grade_id
from autograder.engine import probes
from autograder.judging.chapters import EXERCISES
from autograder.reports import hidden_reports
from autograder.workflow import grading

CH1 = "ch01_linear_classifiers"
WRONG = "def accuracy(y_pred, y_true):\n    return 0.0\n"
EXPECTED = re.compile(r"^(?P<label>.+?): the result is 0, expected (?P<value>[-0-9.e]+)$")


def submit(root, student, nb):
    folder = root / "downloads" / student
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{CH1}.ipynb")
    assert cli.main(["--course-dir", str(root), "collect", CH1, "--from-dir", str(root / "downloads")]) == 0
    [result] = grading.grade_chapter(CH1, [student], root, force=True)
    assert result.status == "graded", result.notes
    graded = nbformat.read(root / "autograded" / student / CH1 / f"{CH1}.ipynb", as_version=4)
    return result, hidden_reports.notebook_reports(graded)["accuracy"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = fixed_secret(tmp_path_factory.mktemp("course"))
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    with time_limits(cell=6, probe=3):
        assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
        yield root


@pytest.fixture(scope="module")
def written(course):
    source = nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
    return with_sources(
        released, **{grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    )


def test_a_lookup_table_of_earlier_expected_values_scores_zero(course, written):
    _, first = submit(course, "mallory", with_sources(written, accuracy=WRONG))
    shown = {}
    for failure in first.failures:
        match = EXPECTED.match(f"{failure.case}: {failure.problem}")
        assert match, failure  # the feedback shows the expected value of these (salted) cases
        shown[int(failure.case.split()[0])] = float(match["value"])
    assert len(shown) == 3  # the three lengths (the case for unchanged inputs repeats the first)
    by_length = (
        "ANSWERS = " + repr(shown) + "\ndef accuracy(y_pred, y_true):\n    return ANSWERS.get(len(y_true), 0.0)\n"
    )
    result, replayed = submit(course, "mallory", with_sources(written, accuracy=by_length))
    cases = len(EXERCISES["accuracy"].cases)
    assert (replayed.score, len(replayed.failures)) == (0.0, cases), replayed
    assert result.score == sum(e.points for e in grading_exercises()) - 2
    # Graded again unchanged: the same inputs, the same report, the same score.
    again = grading.grade_chapter(CH1, ["mallory"], course, force=True)[0]
    graded = nbformat.read(course / "autograded" / "mallory" / CH1 / f"{CH1}.ipynb", as_version=4)
    assert hidden_reports.notebook_reports(graded)["accuracy"] == replayed and again.score == result.score


def grading_exercises():
    from autograder.judging.chapters import CHAPTERS

    return CHAPTERS[CH1]


def test_the_same_code_gets_the_same_inputs_and_other_code_other_inputs():
    from autograder.engine import secret

    key = b"0123456789abcdef0123456789abcdef"
    one = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f(x):\n    return x\n")])
    same = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("notes"), *one.cells])
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f(x):\n    return x  # !\n")])
    assert secret.salt(key, one) == secret.salt(key, same)  # markdown and outputs do not count
    assert secret.salt(key, one) != secret.salt(key, other)
    assert secret.salt(key, one) != secret.salt(key[::-1], one)  # nor can it be made without the key


def test_every_salted_case_has_answers_that_change_with_the_salt():
    """Otherwise the answer is a function of what everyone knows (a shape), and can be memorised."""
    from autograder.judging.harness import _same_data, arguments, expected_result

    same = []
    for exercise in EXERCISES.values():
        fixed = probes.fixed_cases(exercise)
        for index, case in enumerate(exercise.cases):
            if index in fixed:
                continue
            salts = ("s1", "s2", "s3", "s4")
            answers = [expected_result(exercise, index, arguments(exercise, index, s), s) for s in salts]
            if all(_same_data(answers[0], other) for other in answers[1:]):
                same.append((exercise.name, case.label))
    assert same == []


def test_a_case_that_is_the_same_for_everyone_never_shows_its_answer():
    """A wrong answer to every fixed case: the report says what is wrong, never the expected value."""
    from autograder.judging.harness import arguments, expected_result
    from coursekit.testing import _fmt

    shown = []
    for exercise in EXERCISES.values():
        fixed = probes.fixed_cases(exercise)
        if not fixed:
            continue
        _, report = grade_source(exercise.name, _wrong_everywhere(exercise), salt="s1")
        for index in fixed:
            expected = expected_result(exercise, index, arguments(exercise, index, "s1"), "s1")
            label = exercise.cases[index].label
            line = next((line for line in report.splitlines() if line.startswith(f"  ✗ {label}:")), "")
            assert line, (exercise.name, label, report)
            for value in _leaves(expected):
                text = _fmt(value)
                if len(text) > 2 and text in line.split(":", 1)[1]:
                    shown.append((exercise.name, label, text))
    assert shown == []


def _wrong_everywhere(exercise):
    """The reference's answer with every number moved (x -> 3x + 7): the right shapes, wrong values."""
    return f"""def {exercise.name}(*args, **kwargs):
    import numpy as np
    import solutions

    def off(value):
        if isinstance(value, dict):
            return {{key: off(item) for key, item in value.items()}}
        if isinstance(value, (list, tuple)):
            return type(value)(off(item) for item in value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number, np.ndarray)):
            return value
        moved = np.asarray(value) * 3 + 7
        return moved.astype(np.asarray(value).dtype) if isinstance(value, np.ndarray) else type(value)(moved)

    return off(solutions.{exercise.name}(*args, **kwargs))
"""


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    else:
        array = np.asarray(value)
        if array.dtype.kind in "biuf" and array.size <= 8:
            yield array if array.ndim else array.item()
