import numpy as np
import pytest
from gradcheck import N, assert_gradients, central_difference, relative_error

from solutions import (
    half_squared_error,
    numerical_gradient,
    relu,
    sigmoid,
    train_xor,
    xor_forward,
    xor_gradients,
)

# The reading's weights with the two dropped minus signs restored (bias last).
W_READING = np.array([[3.0, 4.0, -2.0], [2.0, 3.0, -4.0]])
U_READING = np.array([5.0, -5.0, -2.0])
# Rows in the order of the reading's table, with their targets.
X_TABLE = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
T_TABLE = np.array([1.0, 0.0, 1.0, 0.0])


def test_reading_table_reproduced_with_sigmoid_units():
    H, y = xor_forward(X_TABLE, W_READING, U_READING)
    assert H.shape == (4, 2) and y.shape == (4,)
    np.testing.assert_allclose(y, [0.7426, 0.1833, 0.7426, 0.3343], atol=5e-5)
    np.testing.assert_array_equal(y > 0.5, T_TABLE == 1)  # every row classified correctly


def test_one_row_per_unit_layout_is_batch_first_with_transposed_weights():
    H, y = xor_forward(X_TABLE, W_READING, U_READING)
    H_batch_first = sigmoid(X_TABLE @ W_READING[:, :2].T + W_READING[:, 2])
    np.testing.assert_allclose(H, H_batch_first, rtol=1e-14)
    np.testing.assert_allclose(y, sigmoid(H_batch_first @ U_READING[:2] + U_READING[2]), rtol=1e-14)


def test_reading_weights_fail_with_relu_hidden_units():
    # The reading calls the hidden units ReLU; with ReLU the same weights get (1, 1) wrong.
    H = relu(X_TABLE @ W_READING[:, :2].T + W_READING[:, 2])
    y = sigmoid(H @ U_READING[:2] + U_READING[2])
    assert y[3] > 0.5 and T_TABLE[3] == 0.0


def test_xor_forward_rejects_bad_shapes():
    with pytest.raises(ValueError, match="need X"):
        xor_forward(X_TABLE, W_READING.T, U_READING)


def test_half_squared_error_is_a_sum():
    loss = half_squared_error(np.array([0.5, 1.0, 0.0]), np.array([0.0, 1.0, 1.0]))
    assert type(loss) is float and loss == 0.625
    with pytest.raises(ValueError, match="same shape"):
        half_squared_error(np.ones(3), np.ones(4))


@pytest.mark.parametrize("seed", [0, 1])
def test_xor_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X, t = rng.standard_normal((N, 2)), rng.uniform(size=N)
    W, U = rng.standard_normal((2, 3)), rng.standard_normal(3)
    dW, dU = xor_gradients(X, t, W, U)
    assert dW.shape == (2, 3) and dU.shape == (3,)
    assert_gradients(lambda W, U: half_squared_error(xor_forward(X, W, U)[1], t), [W, U], [dW, dU])


def test_xor_gradients_at_the_reading_weights():
    dW, dU = xor_gradients(X_TABLE, T_TABLE, W_READING, U_READING)
    loss = lambda W, U: half_squared_error(xor_forward(X_TABLE, W, U)[1], T_TABLE)  # noqa: E731
    assert_gradients(loss, [W_READING, U_READING], [dW, dU])


def test_numerical_gradient_of_a_cubic():
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    x_before = x.copy()

    def cube_sum(v):
        assert np.array_equal(x, x_before)  # only a copy is perturbed, even during the call
        return np.sum(v**3)

    grad = numerical_gradient(cube_sum, x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)


def test_numerical_gradient_agrees_with_the_independent_helper():
    rng = np.random.default_rng(3)
    X, t = rng.standard_normal((N, 2)), rng.uniform(size=N)
    loss_in_W = lambda W: half_squared_error(xor_forward(X, W, U_READING)[1], t)  # noqa: E731
    assert relative_error(numerical_gradient(loss_in_W, W_READING), central_difference(loss_in_W, W_READING)) < 1e-7
    with pytest.raises(ValueError, match="h must be > 0"):
        numerical_gradient(loss_in_W, W_READING, h=0.0)


def test_train_xor_losses_convention_and_progress():
    W, U, losses = train_xor(X_TABLE, T_TABLE, W_READING, U_READING, lr=0.5, epochs=200)
    assert len(losses) == 200 and all(type(loss) is float for loss in losses)
    assert losses[0] == half_squared_error(xor_forward(X_TABLE, W_READING, U_READING)[1], T_TABLE)
    final = half_squared_error(xor_forward(X_TABLE, W, U)[1], T_TABLE)
    assert final < losses[-1] < losses[0]


def test_train_xor_is_plain_gradient_descent():
    W, U, losses = train_xor(X_TABLE, T_TABLE, W_READING, U_READING, lr=0.3, epochs=2)
    W1, U1 = W_READING, U_READING
    for _ in range(2):
        dW, dU = xor_gradients(X_TABLE, T_TABLE, W1, U1)
        W1, U1 = W1 - 0.3 * dW, U1 - 0.3 * dU
    np.testing.assert_array_equal(W, W1)
    np.testing.assert_array_equal(U, U1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_xor(X_TABLE, T_TABLE, W_READING, U_READING, lr=-1.0, epochs=2)
