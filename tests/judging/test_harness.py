"""The hidden-test engine on its own: probe (in a forked child) and score (here), no kernel.

``grading_helpers`` runs the grader's own probe and scoring code on functions
defined as a notebook would define them; the sandboxed kernel around them is
tested in ``test_sandbox.py`` and end to end in ``test_grading_pipeline.py``.
"""

import sys

import numpy as np
import pytest
from grading_helpers import grade_namespace, grade_source, notebook_namespace

from autograder.engine import probes
from autograder.judging import harness
from autograder.judging.chapters import CHAPTERS
from coursekit import probing, testing

sys.path.insert(0, str(harness.__file__.rsplit("/autograder/", 1)[0] + "/tools"))


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_reference_code_written_in_a_notebook_gets_full_marks(chapter):
    for exercise in CHAPTERS[chapter]:
        score, out = grade_source(exercise.name)
        assert type(score) is float and score == exercise.points, out


def test_partial_credit_is_a_plain_float_with_a_message():
    last_on_ties = "def predict_labels(scores):\n    return scores.shape[1] - 1 - np.argmax(scores[:, ::-1], axis=1)\n"
    score, out = grade_source("predict_labels", last_on_ties)
    # 4 cases and the case that checks that no input was changed: the ties case alone fails
    assert type(score) is float and score == 1.6
    assert "✗ predict_labels: 4 of 5 hidden checks passed, 1.6 of 2 points" in out
    assert "Hint: on ties the FIRST (lowest) class wins" in out


def test_warnings_and_output_of_a_correct_function_cost_nothing():
    noisy = (
        "import sys, warnings\n"
        "def relu(z):\n"
        "    warnings.warn('careful', RuntimeWarning)\n"
        "    print('debug', file=sys.stderr)\n"
        "    print('more output')\n"
        "    np.exp(np.array([1e4]))\n"
        "    return np.maximum(z, 0.0)\n"
    )
    score, out = grade_source("relu", noisy)
    assert score == 2.0 and "debug" not in out and "more output" not in out


def test_a_result_that_cannot_be_sent_back_is_a_failed_case():
    odd = (
        "class Odd:\n    def __float__(self):\n        raise RuntimeError('no')\n"
        "def accuracy(y_pred, y_true):\n    return Odd()\n"
    )
    score, out = grade_source("accuracy", odd)
    assert score == 0.0
    assert "✗ 125 labels in 0..3, some of them right: the result is a Odd (" in out and "cannot be compared" in out


def test_functions_not_written_in_the_notebook_score_zero():
    namespace = notebook_namespace("ch03_activations", {})
    namespace["relu"] = np.maximum  # not even a Python function
    score, out = grade_namespace("relu", namespace)
    assert score == 0.0 and "⚠ relu: `relu` is a ufunc from numpy, not a function written in this notebook" in out
    import solutions

    namespace["relu"] = solutions.relu
    score, out = grade_namespace("relu", namespace)
    assert score == 0.0 and "`relu` is imported from solutions.ch3_activations" in out


def test_imports_of_an_exercise_name_are_found_in_the_notebook_text():
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from sklearn.metrics import accuracy_score as accuracy"),
            nbformat.v4.new_code_cell("relu = np.maximum"),
            nbformat.v4.new_code_cell("sigmoid = lambda z: 1 / (1 + np.exp(-z))"),
        ]
    )
    problems = probes.import_problems(nb, {"accuracy", "relu", "sigmoid"})
    assert problems == {
        "accuracy": "`accuracy` is imported from sklearn.metrics, not written in this notebook",
        "relu": "`relu` is assigned, not written with def, in this notebook",
    }


def test_patched_numpy_is_undone_and_reported():
    wrong = "np.allclose = lambda *a, **k: True\ndef relu(z):\n    return z\n"
    original = np.allclose
    try:
        score, out = grade_source("relu", wrong)
    finally:
        np.allclose = original
    assert score == 0.0 and "⚠ the notebook replaced numpy.allclose; restored before grading relu" in out


def test_an_endless_loop_costs_only_the_time_limit():
    loop = (
        "def relu(z):\n    while True:\n        try:\n            pass\n"
        "        except BaseException:\n            pass\n"
    )
    score, out = grade_source("relu", loop, seconds=0.5)
    assert score == 0.0 and "did not finish within the time limit (0.5 s for all cases)" in out


def test_exits_and_crashes_score_zero_with_a_reason():
    score, out = grade_source("relu", "import os\ndef relu(z):\n    os._exit(0)\n")
    assert score == 0.0 and "ended before returning (exit code 0)" in out
    score, out = grade_source("relu", "import sys\ndef relu(z):\n    sys.exit(2.0)\n")
    assert score == 0.0 and "raised SystemExit: 2.0" in out
    score, out = grade_source("relu", "def relu(z):\n    raise KeyboardInterrupt\n")
    assert score == 0.0 and "raised KeyboardInterrupt" in out


def test_an_undefined_function_scores_zero():
    namespace = notebook_namespace("ch03_activations", {})
    del namespace["relu"]
    score, out = grade_namespace("relu", namespace)
    assert score == 0.0 and "✗ relu: not defined" in out


def test_the_stub_gets_a_hint_to_write_the_body():
    score, out = grade_source("relu", "def relu(z):\n    raise NotImplementedError()\n")
    assert score == 0.0 and "Hint: `relu` still holds the stub" in out


def test_inputs_modified_in_place_cost_one_case_of_their_own():
    score, out = grade_source("relu", "def relu(z):\n    z[z < 0] = 0.0\n    return z\n")
    assert score == 1.6, out  # the right values earn the other four cases
    assert "✗ z of shape (8,); no input changed in any case: modified its input z in place (in the case " in out
    assert f"Hint: {harness.UNCHANGED_HINT}" in out


def test_values_are_judged_not_dtypes():
    assert testing.describe_mismatch(np.array([1, 0, 3]), np.array([1.0, 0.0, 3.0])) is None
    assert testing.describe_mismatch(np.array([1.0, 2.0]), np.array([1, 2]), exact=True) is None
    assert testing.describe_mismatch(np.array([1.5, 2.0]), np.array([1, 2]), exact=True).startswith("differs")
    assert testing.describe_mismatch(np.array([[1, 2]]), np.array([1, 2])).startswith("has shape (1, 2)")
    assert testing.describe_mismatch(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None  # built on NaN
    score, out = grade_source("relu", "def relu(z):\n    return np.maximum(0, z)\n")  # int64 for an integer z
    assert score == 2.0, out


def test_an_exercise_taking_arrays_gets_one_case_for_unchanged_inputs():
    for exercises in CHAPTERS.values():
        for exercise in exercises:
            takes_arrays = harness._holds_arrays(exercise.cases[0].make_args(np.random.default_rng(0)))
            assert [case.unchanged for case in exercise.cases].count(True) == int(takes_arrays), exercise.name
            if takes_arrays:
                assert exercise.cases[-1].unchanged, exercise.name


def test_parts_list_every_graded_function_a_reference_calls():
    """An exercise whose reference calls other graded functions is graded on how it composes them."""
    from sync_exercises import _names_used

    import solutions

    for exercises in CHAPTERS.values():
        for exercise in exercises:
            called = set(_names_used(exercise.reference.__code__)) & set(solutions.__all__) - {exercise.name}
            assert called <= set(exercise.parts), (exercise.name, called - set(exercise.parts))
            assert set(exercise.parts) <= set(solutions.__all__), exercise.name


FORGED = """
import sys, os
from coursekit import probing

def train_xor(X, t, W, U, lr, epochs):
    # Does not train; plants answers claiming its parts returned zero gradients and losses.
    W, U = np.array(W, dtype=float), np.array(U, dtype=float)
    for _ in range(epochs):
        xor_gradients(X, t, W, U)
        half_squared_error(xor_forward(X, W, U)[1], t)
    frame = sys._getframe()
    while frame is not None and not {"folder", "name", "index"} <= set(frame.f_locals):
        frame = frame.f_back
    if frame is not None:
        out = os.path.join(frame.f_locals["folder"], "out", frame.f_locals["name"])
        def answer(value):
            return {"status": "returned", "result": value, "generators": []}

        zero = answer((np.zeros((2, 3)), np.zeros(3)))  # xor_gradients
        forward = answer((np.zeros((len(X), 2)), np.asarray(t, dtype=float)))  # xor_forward: y = t
        # per epoch: xor_gradients (and the xor_forward it calls), xor_forward, half_squared_error
        probing.save(os.path.join(out, f"{frame.f_locals['index']}.verified"),
                     [[zero, forward, forward, answer(0.0)] * epochs])
    return W, U, [0.0] * epochs
"""


def test_answers_planted_by_the_graded_function_are_not_believed():
    """The parts' answers come from a process forked after the graded function's has ended."""
    score, out = grade_source("train_xor", FORGED)
    assert score == 0.0, out


def test_a_composite_on_a_wrong_part_is_judged_by_the_parts_own_answers():
    mean_loss = "def half_squared_error(y, t):\n    return float(np.mean((t - y) ** 2))\n"
    score, out = grade_source("train_xor", others={"half_squared_error": mean_loss})
    assert score == 3.0, out
    ascent = (
        "def train_xor(X, t, W, U, lr, epochs):\n    W, U, losses = np.array(W, dtype=float), "
        "np.array(U, dtype=float), []\n    for _ in range(epochs):\n"
        "        losses.append(half_squared_error(xor_forward(X, W, U)[1], t))\n"
        "        dW, dU = xor_gradients(X, t, W, U)\n        W, U = W + lr * dW, U + lr * dU\n"
        "    return W, U, losses\n"
    )
    score, out = grade_source("train_xor", ascent, others={"half_squared_error": mean_loss})
    assert score == 0.0 and "Hint: the weights climb the loss" in out, out


def test_a_diagnosis_that_raises_does_not_hide_the_next_one():
    def raises(got, expected, args):
        raise IndexError("odd result")

    exercise = harness.Exercise(
        name="double",
        reference=lambda x: 2 * x,
        points=1,
        cases=[harness.Case("x of shape (3,)", lambda rng: (rng.standard_normal(3),))],
        diagnoses=[(raises, "never shown"), (lambda got, exp, args: np.allclose(got, args[0]), "multiply by 2")],
    )
    args = harness.arguments(exercise, 0)
    outcome = {"status": "returned", "result": args[0].copy(), "args_after": list(args)}
    expected = harness.expected_result(exercise, 0, args)
    assert harness.judge(exercise, exercise.cases[0], args, outcome, expected).startswith("the result differs")
    assert harness.diagnose(exercise, args, outcome, expected) == "multiply by 2"


def test_values_survive_the_trip_through_files_without_pickles(tmp_path):
    generator = np.random.default_rng(5)
    generator.random(3)  # a generator in the middle of its stream
    value = {
        "tuple": (np.arange(6).reshape(2, 3), np.float64(0.5), np.int64(3), [1, 2.5, None, "x", True]),
        "spec": probing.Fn("coursekit.functions:bowl", scale=np.ones(2), target=np.zeros(2)),
        "rng": probing.Rng(7),
        "nan": float("nan"),
        "object": object(),
        "generator": probing.GeneratorState.of(generator),
        "empty": np.zeros((0, 3)),
        "bools": np.array([True, False]),
    }
    probing.save(str(tmp_path / "v"), value)
    back = probing.load(str(tmp_path / "v"))
    assert back["empty"].shape == (0, 3) and back["bools"].dtype == bool
    assert np.array_equal(probing.materialize(back["generator"]).random(4), generator.random(4))
    arr, half, three, items = back["tuple"]
    assert arr.dtype == np.int64 and arr.shape == (2, 3) and type(half) is np.float64 and half == 0.5
    assert type(three) is np.int64 and items == [1, 2.5, None, "x", True]
    assert back["spec"] == value["spec"] and back["rng"] == value["rng"] and np.isnan(back["nan"])
    assert isinstance(back["object"], probing.Opaque) and back["object"].type_name == "object"
    (tmp_path / "bad.json").write_text('{"pickle": "cos\\nsystem\\n"}')
    np.savez(tmp_path / "bad.npz")
    with pytest.raises(probing.Unreadable):
        probing.load(str(tmp_path / "bad"))
    (tmp_path / "obj.json").write_text(
        '{"value": {"array": "a0"}, "arrays": {"dtypes": ["|O"], "arrays": {"a0": ["|O", 0, [1]]}}}'
    )
    np.savez(tmp_path / "obj.npz", g0=np.array([object()], dtype=object))
    with pytest.raises(probing.Unreadable):
        probing.load(str(tmp_path / "obj"))  # object arrays need pickles: refused
    (tmp_path / "out.json").write_text(
        '{"value": {"array": "a0"}, "arrays": {"dtypes": ["<f8"], "arrays": {"a0": ["<f8", 2, [5]]}}}'
    )
    np.savez(tmp_path / "out.npz", g0=np.zeros(4))
    with pytest.raises(probing.Unreadable):
        probing.load(str(tmp_path / "out"))  # an array said to lie outside the data
