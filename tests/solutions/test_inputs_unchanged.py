"""No graded function may modify its inputs: call each one and compare deep copies."""

import copy

import numpy as np
import pytest
from gradcheck import C, D, H, N, assert_same, random_layers

import solutions as S


def case_arguments(name):
    """Fresh, valid positional and keyword arguments for the graded function `name`."""
    rng = np.random.default_rng(0)
    X, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, C)), rng.standard_normal(C)
    y, z = rng.integers(0, C, N), rng.standard_normal((N, D))
    scores, layers = rng.standard_normal((N, C)), random_layers(rng, [D, H, C])
    w, t, v = rng.standard_normal(D), rng.standard_normal(N), rng.standard_normal(D)
    X2, W3, U3 = rng.standard_normal((N, 2)), rng.standard_normal((2, 3)), rng.standard_normal(3)
    ls = lambda w: S.least_squares_loss_and_grad(w, X, t)  # noqa: E731
    cache = S.affine_forward(X, W, b)[1]
    mask = rng.random((N, D))
    cases = {
        "add_bias_column": ([X], {}),
        "linear_scores": ([X, W, b], {}),
        "predict_labels": ([scores], {}),
        "accuracy": ([y, y[::-1].copy()], {}),
        "l2_penalty": ([W, 0.1], {}),
        "least_squares_loss_and_grad": ([w, X, t], {}),
        "gradient_descent": ([ls, w, 0.1, 3], {}),
        "mlp_forward": ([X, layers, S.relu], {}),
        "collapse_linear": ([layers], {}),
        "count_parameters": ([[D, H, C]], {}),
        "sigmoid": ([z], {}),
        "sigmoid_grad": ([z], {}),
        "tanh_grad": ([z], {}),
        "relu": ([z], {}),
        "relu_grad": ([z], {}),
        "leaky_relu": ([z], {}),
        "leaky_relu_grad": ([z], {}),
        "relu_interpolant": ([t, w[[0, 1, 2, 3, 0]]], {}),
        "xor_forward": ([X2, W3, U3], {}),
        "half_squared_error": ([t, t[::-1].copy()], {}),
        "xor_gradients": ([X2, t, W3, U3], {}),
        "numerical_gradient": ([lambda a: np.sum(a**2), X], {}),
        "train_xor": ([X2, t, W3, U3, 0.5, 3], {}),
        "affine_forward": ([X, W, b], {}),
        "affine_backward": ([scores, cache], {}),
        "relu_forward": ([z], {}),
        "relu_backward": ([X, z], {}),
        "squared_error_loss": ([scores, scores[::-1].copy()], {}),
        "two_layer_loss": ([layers, X, scores], {}),
        "softmax": ([scores], {}),
        "one_hot": ([y, C], {}),
        "cross_entropy": ([scores, y], {}),
        "softmax_cross_entropy": ([scores, y], {}),
        "softmax_regression_loss": ([W, b, X, y, 0.1], {}),
        "sgd_step": ([w, v, 0.1], {}),
        "momentum_step": ([w, v, v * 2, 0.1], {}),
        "nesterov_step": ([w, v, v * 2, 0.1], {}),
        "rmsprop_step": ([w, v, v**2, 0.1], {}),
        "adam_step": ([w, v, v * 2, v**2, 3], {}),
        "mlp_loss": ([layers, X, y, 0.1], {}),
        "dropout_forward": ([X, 0.5, rng], {}),
        "dropout_backward": ([X, mask], {}),
        "train_mlp": ([layers, X, y], dict(epochs=2, batch_size=2, lr=0.01, optimizer="adam", reg=0.1, rng=rng)),
        "predict": ([layers, X], {}),
        "fit_standardizer": ([X], {}),
        "standardize": ([X, v, v**2 + 1], {}),
        "batchnorm_forward": ([X, v, w, w * 2, v**2 + 1, True], {}),
        "batchnorm_backward": ([z, S.batchnorm_forward(X, v, w, w, v**2, True)[1]], {}),
        "lr_schedule": ([3, 0.1, 2, 5], {}),
        "clip_by_global_norm": ([[X, W, b], 0.5], {}),
        "train_with_early_stopping": (
            [layers, lambda p: ([(W * 0.5, b) for W, b in p], 1.0), lambda p: float(np.sum(p[0][0])), 4, 2],
            {},
        ),
        "random_search": (
            [lambda lr, reg: (lr, reg), lambda m: m[0], lambda m: m[1], 3, (1e-3, 1.0), (1e-4, 1e-1), rng],
            {},
        ),
    }
    return cases[name]


ARRAY_FUNCTIONS = [name for name in S.__all__ if name not in ("xor_network", "iterate_minibatches", "init_mlp")]


@pytest.mark.parametrize("name", ARRAY_FUNCTIONS)
def test_inputs_are_not_modified(name):
    args, kwargs = case_arguments(name)
    before = copy.deepcopy((args, kwargs))
    getattr(S, name)(*args, **kwargs)
    assert_same(before, (args, kwargs))
