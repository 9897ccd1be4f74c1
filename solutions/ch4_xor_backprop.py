"""Chapter 4 — backpropagation by hand on the 2-2-1 XOR network."""

import numpy as np

__all__ = [
    "xor_forward",
    "half_squared_error",
    "xor_gradients",
    "numerical_gradient",
    "train_xor",
]


def xor_forward(X, W, U):
    """Forward pass of the 2-2-1 sigmoid network, one row of weights per unit.

    Each unit's weights are one row, bias LAST (the input gets an extra 1):
        H = σ([X, 1] Wᵀ),   y = σ([H, 1] U),   σ(z) = 1 / (1 + e^(−z)).
    In the batch-first form X @ W' + b of later chapters this is
    W' = W[:, :2].T, b = W[:, 2] for the hidden layer and U[:2], U[2] for the output.

    Parameters
    ----------
    X : ndarray, shape (N, 2)
        Inputs, one per row.
    W : ndarray, shape (2, 3)
        Hidden layer: row j = (w_j1, w_j2, bias_j) of hidden unit j.
    U : ndarray, shape (3,)
        Output unit: (u_1, u_2, bias).

    Returns
    -------
    H : ndarray, shape (N, 2), float64
        Hidden activations.
    y : ndarray, shape (N,), float64
        Network outputs in (0, 1).
    """
    X, W, U = (np.asarray(a, dtype=float) for a in (X, W, U))
    if X.ndim != 2 or X.shape[1] != 2 or W.shape != (2, 3) or U.shape != (3,):
        raise ValueError(f"need X (N, 2), W (2, 3), U (3,); got {X.shape}, {W.shape}, {U.shape}")
    ones = np.ones((X.shape[0], 1))
    # σ(z) written as (1 + tanh(z/2)) / 2: the same function, and it never overflows
    H = 0.5 * (1.0 + np.tanh(0.5 * (np.hstack([X, ones]) @ W.T)))
    y = 0.5 * (1.0 + np.tanh(0.5 * (np.hstack([H, ones]) @ U)))
    return H, y


def half_squared_error(y, t):
    """Half the SUM of squared errors, as in the hand-worked XOR example.

    Parameters
    ----------
    y : ndarray, shape (N,)
        Network outputs.
    t : ndarray, shape (N,)
        Targets.

    Returns
    -------
    E : float
        E = ½ Σₙ (tₙ − yₙ)²   (a sum, not a mean: the learning rate must be
        chosen for that)
    """
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, got {y.shape} and {t.shape}")
    return float(0.5 * np.sum((t - y) ** 2))


def xor_gradients(X, t, W, U):
    """Gradients of half_squared_error(xor_forward(X, W, U)[1], t) by backpropagation.

    With δₙ = (yₙ − tₙ) yₙ (1 − yₙ) at the output (σ' = σ(1 − σ)) and
    δₙⱼ = δₙ uⱼ Hₙⱼ (1 − Hₙⱼ) at hidden unit j:
        ∂E/∂U = Σₙ δₙ [Hₙ, 1],   ∂E/∂Wⱼ = Σₙ δₙⱼ [Xₙ, 1].

    Parameters
    ----------
    X : ndarray, shape (N, 2)
    t : ndarray, shape (N,)
        Targets.
    W : ndarray, shape (2, 3)
        Hidden weights, one row per unit, bias last.
    U : ndarray, shape (3,)
        Output weights, bias last.

    Returns
    -------
    dW : ndarray, shape (2, 3), float64
    dU : ndarray, shape (3,), float64
    """
    H, y = xor_forward(X, W, U)
    if np.shape(t) != y.shape:
        raise ValueError(f"t must have shape {y.shape}, got {np.shape(t)}")
    ones = np.ones((H.shape[0], 1))
    delta_out = (y - t) * y * (1.0 - y)                              # (N,)
    delta_hidden = np.outer(delta_out, U[:2]) * H * (1.0 - H)        # (N, 2)
    dU = np.hstack([H, ones]).T @ delta_out
    dW = delta_hidden.T @ np.hstack([np.asarray(X, dtype=float), ones])
    return dW, dU


def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    x : ndarray, any shape
        Point of evaluation; a copy is perturbed, x itself is left unchanged.
    h : float
        Step size > 0.

    Returns
    -------
    grad : ndarray, same shape as x, float64
        grad[i] = (f(x + h eᵢ) − f(x − h eᵢ)) / (2h) for every entry i.
    """
    if h <= 0:
        raise ValueError(f"h must be > 0, got {h}")
    x = np.array(x, dtype=float)  # a copy we may perturb
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        f_plus = f(x)
        x[i] = original - h
        f_minus = f(x)
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def train_xor(X, t, W, U, lr, epochs):
    """Full-batch gradient descent on the XOR network.

    Parameters
    ----------
    X : ndarray, shape (N, 2)
    t : ndarray, shape (N,)
    W : ndarray, shape (2, 3)
        Initial hidden weights (bias last); not modified.
    U : ndarray, shape (3,)
        Initial output weights (bias last); not modified.
    lr : float
        Learning rate η > 0.
    epochs : int
        Number of updates (one per epoch, each using all N samples), ≥ 0.

    Returns
    -------
    W : ndarray, shape (2, 3), float64
    U : ndarray, shape (3,), float64
        Weights after the updates W ← W − η ∂E/∂W, U ← U − η ∂E/∂U.
    losses : list of float, length epochs
        losses[i] is E before update i + 1 (losses[0] is E at the initial weights).
    """
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    W, U = np.array(W, dtype=float), np.array(U, dtype=float)
    losses = []
    for _ in range(epochs):
        losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
        dW, dU = xor_gradients(X, t, W, U)
        W, U = W - lr * dW, U - lr * dU
    return W, U, losses
