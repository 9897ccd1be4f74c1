"""The hidden-test engine, run in-process on functions defined as a notebook would define them."""

import sys

import numpy as np
import pytest

from autograder import harness
from autograder.hidden_tests import CHAPTERS

sys.path.insert(0, str(harness.__file__).rsplit("/autograder/", 1)[0] + "/tools")
from sync_exercises import exercise_source  # noqa: E402
from grading_helpers import earlier_chapter_source  # noqa: E402


def notebook_namespace(chapter, **replacements):
    """The chapter's exercise functions defined from their cell sources, as in a kernel."""
    namespace = {"np": np, "__name__": "__main__"}
    exec(earlier_chapter_source(chapter), namespace)  # what the notebook takes from earlier chapters
    for exercise in CHAPTERS[chapter]:
        exec(replacements.get(exercise.name, exercise_source(exercise.name)), namespace)
    return namespace


@pytest.fixture
def grade(monkeypatch, capsys):
    """Grade one exercise against a namespace; return (points, printed report)."""
    def run(name, namespace):
        monkeypatch.setattr(harness, "_notebook_namespace", lambda: namespace)
        score = harness.grade(name)
        return score, capsys.readouterr().out
    return run


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_reference_code_written_in_a_notebook_gets_full_marks(chapter, grade):
    namespace = notebook_namespace(chapter)
    for exercise in CHAPTERS[chapter]:
        score, out = grade(exercise.name, namespace)
        assert type(score) is float and score == exercise.points, out


def test_partial_credit_is_a_plain_float_with_a_message(grade):
    count = "def accuracy(y_pred, y_true):\n    return np.sum(y_pred == y_true)\n"
    score, out = grade("accuracy", notebook_namespace("ch01_linear_classifiers", accuracy=count))
    assert type(score) is float and score == 0.67
    assert "✗ accuracy: 1 of 3 hidden checks passed, 0.67 of 2 points" in out
    assert "Hint: divide the number of matches by N" in out


def test_warnings_and_output_of_a_correct_function_cost_nothing(grade):
    noisy = ("import sys, warnings\n"
             "def relu(z):\n"
             "    warnings.warn('careful', RuntimeWarning)\n"
             "    print('debug', file=sys.stderr)\n"
             "    np.exp(np.array([1e4]))\n"
             "    return np.maximum(z, 0.0)\n")
    score, out = grade("relu", notebook_namespace("ch03_activations", relu=noisy))
    assert score == 2.0 and "debug" not in out


def test_a_result_that_breaks_the_comparison_is_a_failed_case(grade):
    odd = "class Odd:\n    def __float__(self):\n        raise RuntimeError('no')\ndef accuracy(y_pred, y_true):\n    return Odd()\n"
    score, out = grade("accuracy", notebook_namespace("ch01_linear_classifiers", accuracy=odd))
    assert score == 0.0
    assert "✗ none correct: returned Odd, which could not be checked (RuntimeError: no)" in out


def test_imported_functions_score_zero_and_are_reported(grade):
    namespace = notebook_namespace("ch03_activations")
    import solutions

    namespace["relu"] = solutions.relu
    score, out = grade("relu", namespace)
    assert score == 0.0 and "⚠ relu: `relu` is imported from solutions.ch3_activations" in out
    namespace["relu"] = np.maximum  # not even a Python function
    score, out = grade("relu", namespace)
    assert score == 0.0 and "not a function written in this notebook" in out


def test_notebook_functions_that_reach_the_reference_score_zero(grade):
    wrapped = "import solutions as ref\ndef relu(z):\n    return ref.relu(z)\n"
    score, out = grade("relu", notebook_namespace("ch03_activations", relu=wrapped))
    assert score == 0.0 and "uses `ref`, which comes from the reference code" in out
    hidden_import = "def relu(z):\n    m = __import__(''.join(['sol', 'utions']))\n    return m.relu(z)\n"
    score, out = grade("relu", notebook_namespace("ch03_activations", relu=hidden_import))
    assert score == 0.0 and "raised ImportError: solutions cannot be imported by code under test" in out
    assert "solutions" in sys.modules  # put back for the grader afterwards


def test_patched_numpy_is_restored_before_comparing(grade):
    wrong = "np.allclose = lambda *a, **k: True\ndef relu(z):\n    return z\n"
    original = np.allclose
    score, out = grade("relu", notebook_namespace("ch03_activations", relu=wrong))
    assert np.allclose is original
    assert score == 0.0 and "⚠ the notebook replaced numpy.allclose" in out


def test_an_interrupted_endless_loop_scores_zero_without_a_traceback(grade):
    interrupted = "def relu(z):\n    raise KeyboardInterrupt\n"
    score, out = grade("relu", notebook_namespace("ch03_activations", relu=interrupted))
    assert score == 0.0 and "stopped after the time limit" in out


def test_an_undefined_function_scores_zero(grade):
    namespace = notebook_namespace("ch03_activations")
    del namespace["relu"]
    score, out = grade("relu", namespace)
    assert score == 0.0 and "✗ relu: not defined" in out


def test_a_diagnosis_that_raises_does_not_hide_the_next_one(grade, monkeypatch):
    def raises(got, expected, args):
        raise IndexError("odd result")

    exercise = harness.Exercise(
        name="double", reference=lambda x: 2 * x, points=1,
        cases=[harness.Case("x of shape (3,)", lambda rng: (rng.standard_normal(3),))],
        diagnoses=[(raises, "never shown"), (lambda got, exp, args: np.allclose(got, args[0]), "multiply by 2")],
    )
    monkeypatch.setattr(harness, "_registry", lambda: {"double": exercise})
    namespace = {"np": np}
    exec("def double(x):\n    return x.copy()\n", namespace)
    score, out = grade("double", namespace)
    assert score == 0.0 and "Hint: multiply by 2" in out and "never shown" not in out
