"""Shared helpers of the solution tests.

The finite-difference code here is written independently of the graded
``solutions.numerical_gradient``, so a bug there cannot hide a bug elsewhere.
"""

import warnings

import numpy as np

TOL = 1e-7  # largest accepted relative error between analytic and numerical gradients
N, D, H, C = 5, 4, 7, 3  # samples, inputs, hidden units, classes: all different, so shape bugs show


def central_difference(f, x, h=1e-6):
    """∂f/∂x of a scalar function f at x by central differences (x is not modified)."""
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    x_flat, grad_flat = x.reshape(-1), grad.reshape(-1)  # views into x and grad
    for i in range(x_flat.size):
        saved = x_flat[i]
        x_flat[i] = saved + h
        f_plus = float(f(x))
        x_flat[i] = saved - h
        f_minus = float(f(x))
        x_flat[i] = saved
        grad_flat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖): scale-free, 0 for identical arrays (and for two zero arrays)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def assert_gradients(f, args, analytic):
    """Check analytic[i] against the central difference of f(*args) in args[i], for every i.

    ``analytic`` may hold None for arguments that are not checked (labels, say).
    """
    for i, expected in enumerate(analytic):
        if expected is None:
            continue

        def f_i(x_i, i=i):
            return f(*args[:i], x_i, *args[i + 1 :])

        err = relative_error(expected, central_difference(f_i, args[i]))
        assert err < TOL, f"argument {i}: relative error {err:.2e}"


def assert_backward(forward, args, dout, analytic):
    """Check a backward pass: analytic[i] must be the gradient of Σ forward(*args) ⊙ dout in args[i]."""
    assert_gradients(lambda *a: np.sum(forward(*a) * dout), args, analytic)


def away_from_kink(rng, shape, margin=1e-3):
    """Standard normal samples with every |value| ≥ margin, so ReLU kinks are not crossed."""
    z = rng.standard_normal(shape)
    while np.any(np.abs(z) < margin):
        small = np.abs(z) < margin
        z[small] = rng.standard_normal(np.count_nonzero(small))
    return z


def assert_away_from_kinks(params, X, margin=1e-4):
    """Precondition of a finite-difference check: no hidden pre-activation is near a ReLU kink."""
    h = X
    for W, b in params[:-1]:
        z = h @ W + b
        assert np.min(np.abs(z)) > margin, "pick another seed: a pre-activation is at a kink"
        h = np.maximum(z, 0.0)


def random_layers(rng, sizes):
    """[(W, b), ...] with standard normal entries for the given layer sizes."""
    return [(rng.standard_normal((m, n)), rng.standard_normal(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def flatten(params):
    """[(W1, b1), (W2, b2), ...] → [W1, b1, W2, b2, ...]."""
    return [p for layer in params for p in layer]


def unflatten(flat):
    """[W1, b1, W2, b2, ...] → [(W1, b1), (W2, b2), ...]."""
    return list(zip(flat[0::2], flat[1::2]))


def assert_same(before, after):
    """Recursive exact equality of arrays, numbers, tuples, lists and dicts."""
    if isinstance(before, np.ndarray):
        assert isinstance(after, np.ndarray) and before.dtype == after.dtype
        assert np.array_equal(before, after)
    elif isinstance(before, (list, tuple)):
        assert type(before) is type(after) and len(before) == len(after)
        for b, a in zip(before, after):
            assert_same(b, a)
    elif isinstance(before, dict):
        assert before.keys() == after.keys()
        for key in before:
            assert_same(before[key], after[key])
    elif not isinstance(before, np.random.Generator) and not callable(before):
        assert before == after


def no_warnings(f, *args):
    """f(*args) with every warning an error; only underflow to 0 (correctly rounded) is allowed."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        return f(*args)
