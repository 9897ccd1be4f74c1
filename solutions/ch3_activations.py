"""Chapter 3 — activation functions, their derivatives, and ReLU sums as interpolants."""

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "relu_interpolant",
]


def sigmoid(z):
    """Logistic sigmoid, computed without overflow.

    Parameters
    ----------
    z : ndarray, any shape
        Pre-activations (they may be integers).

    Returns
    -------
    s : ndarray, same shape as z
        σ(z) = 1 / (1 + e^(−z)), values in [0, 1].
        With e = e^(−|z|) ≤ 1 this is 1 / (1 + e) for z ≥ 0 and e / (1 + e)
        for z < 0, so exp never overflows and σ(±1e4) is exactly 1 and 0.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """Derivative of the logistic sigmoid.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    ds : ndarray, same shape as z
        σ'(z) = σ(z) (1 − σ(z)), at most 1/4 (at z = 0).
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_grad(z):
    """Derivative of the hyperbolic tangent.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    dt : ndarray, same shape as z
        tanh'(z) = 1 − tanh(z)², at most 1 (at z = 0).
    """
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def relu(z):
    """Rectified linear unit.

    Parameters
    ----------
    z : ndarray, any shape
        Pre-activations (they may be integers).

    Returns
    -------
    r : ndarray, same shape as z
        relu(z) = max(0, z)
    """
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_grad(z):
    """Derivative of the ReLU.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    dr : ndarray, same shape as z
        relu'(z) = 1 if z > 0 else 0. At the kink z = 0 the derivative does not
        exist; we use the left-side value 0 (the usual convention).
    """
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: a small slope alpha instead of 0 for negative inputs.

    Parameters
    ----------
    z : ndarray, any shape
    alpha : float
        Slope for z ≤ 0.

    Returns
    -------
    r : ndarray, same shape as z
        leaky_relu(z) = z if z > 0 else α z
    """
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of the leaky ReLU.

    Parameters
    ----------
    z : ndarray, any shape
    alpha : float
        Slope for z ≤ 0.

    Returns
    -------
    dr : ndarray, same shape as z
        1 if z > 0 else α. At the kink z = 0 we use the left-side value α,
        the same convention as relu_grad (which is leaky_relu_grad with α = 0).
    """
    return np.where(np.asarray(z) > 0, 1.0, float(alpha))


def relu_interpolant(xs, ys):
    """One-hidden-layer ReLU network: the piecewise-linear curve through the points.

    Sort the points so x₀ < x₁ < … < x_{K−1} and let mₖ = (yₖ₊₁ − yₖ) / (xₖ₊₁ − xₖ)
    be the slope of segment k, with m₋₁ = m_{K−1} = 0 (flat outside). Then
        f(x) = y₀ + Σₖ (mₖ − mₖ₋₁) · relu(x − xₖ),   k = 0 … K−1:
    every hidden unit puts a kink at one data point that changes the slope by
    exactly the right amount. Inside [x₀, x_{K−1}] f is the linear interpolant
    (np.interp); outside it is flat at the end values, again like np.interp.

    Parameters
    ----------
    xs : ndarray, shape (K,)
        K ≥ 2 distinct x positions, in any order, spacing need not be even.
    ys : ndarray, shape (K,)
        Values at those positions.

    Returns
    -------
    params : list of (W, b)
        [(W1 (1, K), b1 (K,)), (W2 (K, 1), b2 (1,))] with W1 = 1, b1 = −xₖ,
        W2 = slope changes, b2 = y₀; evaluate with
        mlp_forward(x[:, None], params, relu)[:, 0].
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size < 2:
        raise ValueError(f"xs and ys must be 1-D, equal length >= 2; got {xs.shape}, {ys.shape}")
    order = np.argsort(xs)
    x, y = xs[order], ys[order]
    if np.any(np.diff(x) == 0):
        raise ValueError("xs must not contain duplicate values")
    # segment slopes m₀ … m_{K−2}, padded with the flat slope 0 on both sides
    slopes = np.concatenate([[0.0], np.diff(y) / np.diff(x), [0.0]])
    W1, b1 = np.ones((1, x.size)), -x
    W2, b2 = np.diff(slopes)[:, None], np.array([y[0]])
    return [(W1, b1), (W2, b2)]
