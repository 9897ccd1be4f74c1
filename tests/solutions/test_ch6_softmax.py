import numpy as np
import pytest
from gradcheck import C, D, N, assert_gradients, no_warnings

from solutions import (
    cross_entropy,
    one_hot,
    softmax,
    softmax_cross_entropy,
    softmax_regression_loss,
)

EXTREME_SCORES = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [-1e4, 1e4, 1e4]])


def test_softmax_of_equal_scores_is_uniform():
    np.testing.assert_array_equal(softmax(np.full((2, 4), 7.0)), np.full((2, 4), 0.25))


def test_softmax_known_values_and_shift_invariance():
    np.testing.assert_allclose(softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]], rtol=1e-15)
    scores = np.random.default_rng(0).standard_normal((N, C))
    P = softmax(scores)
    np.testing.assert_allclose(P.sum(axis=1), np.ones(N), rtol=1e-15)
    np.testing.assert_allclose(softmax(scores + np.arange(N)[:, None] * 100.0), P, rtol=1e-12)


def test_softmax_is_stable_at_extremes():
    P = no_warnings(softmax, EXTREME_SCORES)
    np.testing.assert_allclose(P, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.5, 0.5]], rtol=1e-15)


def test_one_hot():
    Y = one_hot(np.array([2, 0, 1, 2]), 3)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match=r"labels in \[0, 3\)"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="integer labels"):
        one_hot(np.array([0.0, 1.0]), 3)


def test_cross_entropy_of_uniform_scores_is_log_num_classes():
    loss = cross_entropy(np.zeros((N, 7)), np.arange(N))
    assert type(loss) is float and loss == pytest.approx(np.log(7), rel=1e-15)


def test_cross_entropy_matches_the_definition():
    rng = np.random.default_rng(1)
    scores, y = rng.standard_normal((N, C)), rng.integers(0, C, N)
    expected = -np.mean(np.log(softmax(scores)[np.arange(N), y]))
    assert cross_entropy(scores, y) == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_is_exact_at_extremes():
    # Row 1: the true class has score −1e4 against 1e4, so −log P = 2e4 exactly;
    # row 2: uniform; row 3: two tied winners, log 2.
    loss = no_warnings(cross_entropy, EXTREME_SCORES, np.array([1, 0, 2]))
    assert loss == pytest.approx((2e4 + np.log(3) + np.log(2)) / 3, rel=1e-15)
    assert no_warnings(cross_entropy, np.array([[1e4, -1e4]]), np.array([0])) == 0.0
    assert no_warnings(cross_entropy, np.array([[1e4, -1e4]]), np.array([1])) == 2e4


def test_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="need scores"):
        cross_entropy(np.zeros((N, C)), np.zeros(N + 1, dtype=int))


def test_softmax_cross_entropy_gradient():
    rng = np.random.default_rng(2)
    scores, y = rng.standard_normal((N, C)), rng.integers(0, C, N)
    loss, dscores = softmax_cross_entropy(scores, y)
    assert type(loss) is float and loss == cross_entropy(scores, y)
    np.testing.assert_allclose(dscores, (softmax(scores) - one_hot(y, C)) / N, rtol=1e-15)
    assert_gradients(lambda s: cross_entropy(s, y), [scores], [dscores])


@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_softmax_regression_loss_gradients(reg):
    rng = np.random.default_rng(3)
    W, b = rng.standard_normal((D, C)), rng.standard_normal(C)
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    loss, dW, db = softmax_regression_loss(W, b, X, y, reg)
    assert type(loss) is float
    assert loss == pytest.approx(cross_entropy(X @ W + b, y) + reg * np.sum(W**2), rel=1e-14)
    assert_gradients(lambda W, b: softmax_regression_loss(W, b, X, y, reg)[0], [W, b], [dW, db])


def test_softmax_regression_loss_rejects_bad_input():
    with pytest.raises(ValueError, match="reg must be >= 0"):
        softmax_regression_loss(np.zeros((D, C)), np.zeros(C), np.zeros((N, D)), np.zeros(N, dtype=int), -1.0)
    with pytest.raises(ValueError, match="need X"):
        softmax_regression_loss(np.zeros((D, C)), np.zeros(C + 1), np.zeros((N, D)), np.zeros(N, dtype=int), 0.0)


def test_softmax_regression_reads_the_digits():
    """Full-batch gradient descent on a stratified 80/20 split, as in the chapter: ≥ 95 % on test."""
    from coursekit.data import load_digits

    X, y = load_digits()
    rng = np.random.default_rng(1)
    test = np.sort(
        np.concatenate(
            [
                members[: round(0.2 * members.size)]
                for members in (rng.permutation(np.flatnonzero(y == k)) for k in range(10))
            ]
        )
    )
    train = np.setdiff1d(np.arange(y.size), test)
    assert np.array_equal(np.bincount(y[test]), [round(0.2 * n) for n in np.bincount(y)])
    W, b = np.zeros((64, 10)), np.zeros(10)
    first = softmax_regression_loss(W, b, X[train], y[train], 1e-4)[0]
    assert first == pytest.approx(np.log(10), rel=1e-15)
    for _ in range(400):
        _, dW, db = softmax_regression_loss(W, b, X[train], y[train], 1e-4)
        W, b = W - 2.0 * dW, b - 2.0 * db
    assert np.mean(np.argmax(X[test] @ W + b, axis=1) == y[test]) >= 0.95
