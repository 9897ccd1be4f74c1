import functools

import numpy as np
import pytest
from gradcheck import D, N, assert_gradients, away_from_kink, no_warnings

from solutions import (
    leaky_relu,
    leaky_relu_grad,
    mlp_forward,
    relu,
    relu_grad,
    relu_interpolant,
    sigmoid,
    sigmoid_grad,
    tanh_grad,
)


def test_known_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid_grad(0.0) == 0.25
    assert tanh_grad(0.0) == 1.0
    np.testing.assert_array_equal(relu(np.array([-2, 0, 3])), [0.0, 0.0, 3.0])
    assert relu(np.array([-2, 3])).dtype == np.float64
    np.testing.assert_array_equal(leaky_relu(np.array([-2.0, 0.0, 3.0]), alpha=0.25), [-0.5, 0.0, 3.0])


def test_derivatives_at_the_kink_take_the_left_value():
    assert relu_grad(np.array([0.0]))[0] == 0.0
    assert leaky_relu_grad(np.array([0.0]), alpha=0.2)[0] == 0.2
    np.testing.assert_array_equal(leaky_relu_grad(np.array([-1.0, 0.0, 1.0])), [0.01, 0.01, 1.0])


def test_sigmoid_matches_the_textbook_formula_and_symmetry():
    z = np.linspace(-30, 30, 101)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=1e-12, atol=1e-15)  # 1 − σ cancels


def test_sigmoid_is_stable_at_extremes():
    z = np.array([-1e4, -800.0, 800.0, 1e4])
    s, ds = no_warnings(sigmoid, z), no_warnings(sigmoid_grad, z)
    np.testing.assert_array_equal(s, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(ds, [0.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "f, f_grad",
    [
        (sigmoid, sigmoid_grad),
        (np.tanh, tanh_grad),
        (relu, relu_grad),
        (leaky_relu, leaky_relu_grad),
        (functools.partial(leaky_relu, alpha=0.2), functools.partial(leaky_relu_grad, alpha=0.2)),
    ],
    ids=["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu_alpha_0.2"],
)
def test_derivatives_match_finite_differences(f, f_grad):
    z = away_from_kink(np.random.default_rng(0), (N, D))
    # For an elementwise f, the gradient of Σ f(z) is f'(z) entry by entry.
    assert_gradients(lambda z: np.sum(f(z)), [z], [f_grad(z)])


XS = np.array([2.0, -1.0, 0.5, 3.7, 0.0, 1.1])  # unsorted, unevenly spaced
YS = np.array([1.0, 0.0, -2.0, 3.0, 4.0, 0.5])


def interpolant_at(x):
    return mlp_forward(x[:, None], relu_interpolant(XS, YS), relu)[:, 0]


def test_relu_interpolant_shapes():
    (W1, b1), (W2, b2) = relu_interpolant(XS, YS)
    K = XS.size
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((1, K), (K,), (K, 1), (1,))


def test_relu_interpolant_matches_np_interp_inside_the_range():
    order = np.argsort(XS)
    np.testing.assert_allclose(interpolant_at(XS), YS, atol=1e-9)
    x = np.random.default_rng(1).uniform(XS.min(), XS.max(), 200)
    np.testing.assert_allclose(interpolant_at(x), np.interp(x, XS[order], YS[order]), atol=1e-9)


def test_relu_interpolant_is_flat_outside_the_range():
    x = np.array([-50.0, -1.5, 4.0, 80.0])
    np.testing.assert_allclose(interpolant_at(x), [0.0, 0.0, 3.0, 3.0], atol=1e-9)


def test_relu_interpolant_two_points_is_a_clamped_line():
    x = np.array([-1.0, 0.0, 0.25, 1.0, 2.0])
    out = mlp_forward(x[:, None], relu_interpolant(np.array([1.0, 0.0]), np.array([3.0, 1.0])), relu)
    np.testing.assert_allclose(out[:, 0], [1.0, 1.0, 1.5, 3.0, 3.0], atol=1e-12)


def test_relu_interpolant_rejects_bad_points():
    with pytest.raises(ValueError, match="duplicate"):
        relu_interpolant(np.array([0.0, 1.0, 0.0]), np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="length >= 2"):
        relu_interpolant(np.array([0.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="xs and ys"):
        relu_interpolant(np.array([0.0, 1.0]), np.array([1.0, 2.0, 3.0]))
