import numpy as np
import pytest
from gradcheck import (
    C,
    D,
    H,
    N,
    assert_away_from_kinks,
    assert_backward,
    assert_gradients,
    away_from_kink,
    flatten,
    random_layers,
    unflatten,
)

from solutions import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    squared_error_loss,
    two_layer_loss,
)


def test_affine_forward_known_values():
    out, _ = affine_forward(
        np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]), np.array([10.0, 20.0, 30.0])
    )
    np.testing.assert_array_equal(out, [[11.0, 22.0, 30.0]])
    with pytest.raises(ValueError, match="need X"):
        affine_forward(np.ones((N, D)), np.ones((H, C)), np.ones(C))


def test_affine_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    X, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
    out, cache = affine_forward(X, W, b)
    dout = rng.standard_normal(out.shape)
    dX, dW, db = affine_backward(dout, cache)
    assert (dX.shape, dW.shape, db.shape) == ((N, D), (D, H), (H,))
    assert_backward(lambda X, W, b: affine_forward(X, W, b)[0], [X, W, b], dout, [dX, dW, db])
    with pytest.raises(ValueError, match="dout must have shape"):
        affine_backward(dout.T, cache)


def test_relu_layer_known_values():
    Z = np.array([[-1.0, 0.0, 2.0]])
    out, cache = relu_forward(Z)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu_backward(np.array([[5.0, 6.0, 7.0]]), cache), [[0.0, 0.0, 7.0]])


def test_relu_backward_matches_finite_differences():
    rng = np.random.default_rng(1)
    Z = away_from_kink(rng, (N, H))
    dout = rng.standard_normal((N, H))
    dZ = relu_backward(dout, relu_forward(Z)[1])
    assert_backward(lambda Z: relu_forward(Z)[0], [Z], dout, [dZ])


def test_mse_loss_known_values():
    loss, dpred = squared_error_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2)))
    assert type(loss) is float and loss == 7.0  # (0 + 1 + 4 + 9) / 2 samples
    np.testing.assert_array_equal(dpred, [[0.0, 1.0], [2.0, 3.0]])  # 2 (pred − target) / 2
    with pytest.raises(ValueError, match="same shape"):
        squared_error_loss(np.ones((2, 2)), np.ones((2, 3)))


def test_mse_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    pred, target = rng.standard_normal((N, C)), rng.standard_normal((N, C))
    assert_gradients(lambda p: squared_error_loss(p, target)[0], [pred], [squared_error_loss(pred, target)[1]])


def test_two_layer_mse_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    params = random_layers(rng, [D, H, C])
    X, T = rng.standard_normal((N, D)), rng.standard_normal((N, C))
    assert_away_from_kinks(params, X)
    loss, grads = two_layer_loss(params, X, T)
    assert type(loss) is float
    assert [(dW.shape, db.shape) for dW, db in grads] == [(W.shape, b.shape) for W, b in params]
    assert_gradients(lambda *flat: two_layer_loss(unflatten(flat), X, T)[0], flatten(params), flatten(grads))


def test_two_layer_mse_rejects_wrong_depth():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="params must be"):
        two_layer_loss(random_layers(rng, [D, H, 6, C]), np.ones((N, D)), np.ones((N, C)))
