import numpy as np
import pytest
from gradcheck import C, D, N, assert_gradients

from solutions import (
    accuracy,
    add_bias_column,
    gradient_descent,
    l2_penalty,
    least_squares_loss_and_grad,
    linear_scores,
    predict_labels,
)


def test_add_bias_column_appends_ones_last():
    X1 = add_bias_column(np.arange(6).reshape(3, 2))
    assert X1.dtype == np.float64
    np.testing.assert_array_equal(X1, [[0, 1, 1], [2, 3, 1], [4, 5, 1]])


def test_bias_column_turns_the_bias_into_a_weight_row():
    rng = np.random.default_rng(0)
    X, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, C)), rng.standard_normal(C)
    np.testing.assert_allclose(add_bias_column(X) @ np.vstack([W, b]), linear_scores(X, W, b), rtol=1e-12)


def test_linear_scores_known_values():
    X = np.array([[1, 2], [3, 4]])
    W = np.array([[1, 0, 2], [0, 1, -1]])
    b = np.array([10, 20, 30])
    scores = linear_scores(X, W, b)
    assert scores.dtype == np.float64
    np.testing.assert_array_equal(scores, [[11, 22, 30], [13, 24, 32]])


def test_linear_scores_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shape mismatch"):
        linear_scores(np.ones((2, 3)), np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match="shape mismatch"):
        linear_scores(np.ones((2, 3)), np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="X 2-D"):
        linear_scores(np.ones(3), np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="X must be 2-D"):
        add_bias_column(np.ones(3))


def test_predict_labels_takes_first_maximum_per_row():
    scores = np.array([[0.1, 2.0, -1.0], [5.0, 1.0, 1.0], [0.0, 0.0, 3.0], [1.0, 1.0, 0.0]])
    y_pred = predict_labels(scores)
    assert np.issubdtype(y_pred.dtype, np.integer)
    np.testing.assert_array_equal(y_pred, [1, 0, 2, 0])


def test_accuracy_is_a_python_float():
    acc = accuracy(np.array([1, 0, 2, 0]), np.array([1, 0, 1, 0]))
    assert type(acc) is float and acc == 0.75
    assert accuracy(np.array([3, 3]), np.array([3, 3])) == 1.0
    with pytest.raises(ValueError, match="y_pred and y_true"):
        accuracy(np.array([1, 0]), np.array([1, 0, 1]))


def test_l2_penalty_known_value():
    penalty = l2_penalty(np.array([[1.0, -2.0], [3.0, 0.0]]), 0.5)
    assert type(penalty) is float and penalty == 7.0
    with pytest.raises(ValueError, match="reg must be >= 0"):
        l2_penalty(np.ones(2), -0.1)


def test_least_squares_known_values():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    loss, grad = least_squares_loss_and_grad(np.array([1.0, 1.0]), X, np.zeros(3))
    # residual (1, 2, 2): loss = 9 / (2·3), grad = Xᵀ r / 3 = (3, 6) / 3
    assert type(loss) is float and loss == 1.5
    np.testing.assert_array_equal(grad, [1.0, 2.0])


def test_least_squares_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X, t, w = rng.standard_normal((N, D)), rng.standard_normal(N), rng.standard_normal(D)
    _, grad = least_squares_loss_and_grad(w, X, t)
    assert_gradients(lambda w: least_squares_loss_and_grad(w, X, t)[0], [w], [grad])


def test_least_squares_rejects_bad_shapes():
    with pytest.raises(ValueError, match="need X"):
        least_squares_loss_and_grad(np.ones(3), np.ones((5, 4)), np.ones(5))


def test_gradient_descent_on_half_squared_norm_is_exact():
    # L(w) = ½‖w‖², ∇L = w: with lr = ½ every step halves w, so the loss shrinks by 4.
    w0 = np.array([4.0, -8.0])
    w, losses = gradient_descent(lambda w: (0.5 * w @ w, w), w0, lr=0.5, num_steps=3)
    np.testing.assert_array_equal(w, [0.5, -1.0])
    assert losses == [40.0, 10.0, 2.5]
    assert all(type(loss) is float for loss in losses)
    np.testing.assert_array_equal(w0, [4.0, -8.0])


def test_gradient_descent_losses_convention_and_convergence():
    rng = np.random.default_rng(2)
    X, t = rng.standard_normal((40, D)), rng.standard_normal(40)
    w0 = rng.standard_normal(D)
    lr = 1.0 / np.linalg.eigvalsh(X.T @ X / 40).max()  # 1/L: the loss cannot increase
    w, losses = gradient_descent(lambda w: least_squares_loss_and_grad(w, X, t), w0, lr, 500)
    assert len(losses) == 500
    assert losses[0] == least_squares_loss_and_grad(w0, X, t)[0]
    assert np.all(np.diff(losses) <= 1e-15) and losses[-1] < losses[0]  # up to round-off at the end
    np.testing.assert_allclose(w, np.linalg.lstsq(X, t, rcond=None)[0], rtol=1e-6)


def test_gradient_descent_rejects_bad_arguments():
    quadratic = lambda w: (0.5 * w @ w, w)  # noqa: E731
    with pytest.raises(ValueError, match="lr must be > 0"):
        gradient_descent(quadratic, np.ones(2), 0.0, 3)
    with pytest.raises(ValueError, match="num_steps must be >= 0"):
        gradient_descent(quadratic, np.ones(2), 0.1, -1)
