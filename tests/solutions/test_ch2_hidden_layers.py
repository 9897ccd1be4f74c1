import numpy as np
import pytest
from gradcheck import C, D, H, N, random_layers

from solutions import collapse_linear, count_parameters, mlp_forward, relu, xor_network


def test_mlp_forward_known_values():
    params = [
        (np.eye(2), np.zeros(2)),  # hidden: relu((1, −1)) = (1, 0)
        (np.array([[1.0], [1.0]]), np.array([-3.0])),  # output: 1 + 0 − 3, no activation
    ]
    np.testing.assert_array_equal(mlp_forward(np.array([[1.0, -1.0]]), params, relu), [[-2.0]])


def test_activation_runs_after_every_layer_but_the_last():
    calls = []

    def record(z):
        calls.append(z.shape)
        return z

    rng = np.random.default_rng(0)
    out = mlp_forward(rng.standard_normal((N, D)), random_layers(rng, [D, H, 6, C]), record)
    assert calls == [(N, H), (N, 6)]
    assert out.shape == (N, C)


def test_single_layer_is_affine():
    rng = np.random.default_rng(1)
    X, [(W, b)] = rng.standard_normal((N, D)), random_layers(rng, [D, C])
    np.testing.assert_allclose(mlp_forward(X, [(W, b)], relu), X @ W + b, rtol=1e-12)


def test_stacked_linear_layers_collapse_to_one():
    rng = np.random.default_rng(2)
    X, params = rng.standard_normal((N, D)), random_layers(rng, [D, H, 6, C])
    W, b = collapse_linear(params)
    assert W.shape == (D, C) and b.shape == (C,)
    np.testing.assert_allclose(X @ W + b, mlp_forward(X, params, lambda z: z), rtol=1e-10, atol=1e-12)


def test_relu_stack_is_not_collapsible():
    # The collapsed map is affine, the ReLU network is not: they must differ somewhere.
    rng = np.random.default_rng(3)
    X, params = rng.standard_normal((50, D)), random_layers(rng, [D, H, C])
    W, b = collapse_linear(params)
    assert not np.allclose(X @ W + b, mlp_forward(X, params, relu))


def test_count_parameters():
    assert count_parameters([784, 100, 10]) == 79510
    assert type(count_parameters([784, 100, 10])) is int
    assert count_parameters([2, 2, 1]) == 9
    rng = np.random.default_rng(4)
    sizes = [D, H, 6, C]
    assert count_parameters(sizes) == sum(W.size + b.size for W, b in random_layers(rng, sizes))


def test_count_parameters_rejects_bad_sizes():
    with pytest.raises(ValueError, match="layer_sizes"):
        count_parameters([10])
    with pytest.raises(ValueError, match="layer_sizes"):
        count_parameters([10, 0, 2])


def test_xor_network_is_exact():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    params = xor_network()
    assert [(W.shape, b.shape) for W, b in params] == [((2, 2), (2,)), ((2, 1), (1,))]
    assert all(np.array_equal(p, np.round(p)) for layer in params for p in layer)  # integer weights
    assert np.array_equal(mlp_forward(X, params, relu), np.array([[0.0], [1.0], [1.0], [0.0]]))
