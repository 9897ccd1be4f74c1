"""Chapter 1: each catalogued mistake, written as a student would, scores 0 and gets its hint."""

import pytest

from grading_helpers import grade_source

MISTAKES = [
    ("linear_scores", "def linear_scores(X, W, b):\n    return X @ W\n",
     "the bias b is missing"),
    ("linear_scores", "def linear_scores(X, W, b):\n    return X @ W - b\n",
     "the bias is subtracted"),
    ("linear_scores", "def linear_scores(X, W, b):\n    return (X @ W + b).T\n",
     "the result is transposed"),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint):
    score, report = grade_source(name, source)
    assert score == 0.0, report
    assert f"Hint: {hint}" in report, report
