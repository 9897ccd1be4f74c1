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

    Each unit's weights are one row with its bias LAST, and each input gets
    an extra 1 at the end to meet that bias:
        H = σ([X, 1] Wᵀ),   y = σ([H, 1] U),   σ(z) = 1 / (1 + e^(−z)).
    In the batch-first form X @ W1 + b1 of the other chapters this is
    W1 = W[:, :2].T, b1 = W[:, 2] (hidden) and W2 = U[:2], b2 = U[2] (output).

    Parameters
    ----------
    X : ndarray, shape (N, 2)
        Inputs, one sample per row, N ≥ 1 (integer arrays are fine).
    W : ndarray, shape (2, 3)
        Hidden layer: row j = (w_j1, w_j2, bias_j) of hidden unit j.
    U : ndarray, shape (3,)
        Output unit: (u_1, u_2, bias).

    Returns
    -------
    H : ndarray, shape (N, 2)
        Hidden activations: H[n, j] is unit j's output for sample n.
    y : ndarray, shape (N,)
        Network outputs, one number in (0, 1) per sample.
    """
    X, W, U = (np.asarray(a, dtype=float) for a in (X, W, U))
    if X.ndim != 2 or X.shape[1] != 2 or W.shape != (2, 3) or U.shape != (3,):
        raise ValueError(f"need X (N, 2), W (2, 3), U (3,); "
                         f"got {X.shape}, {W.shape}, {U.shape}")
    ones = np.ones((X.shape[0], 1))
    # σ(z) written as (1 + tanh(z/2)) / 2: the same function, and it never overflows
    H = 0.5 * (1.0 + np.tanh(0.5 * (np.hstack([X, ones]) @ W.T)))
    y = 0.5 * (1.0 + np.tanh(0.5 * (np.hstack([H, ones]) @ U)))
    return H, y


def half_squared_error(y, t):
    """Half the SUM of squared errors over the samples.

    Parameters
    ----------
    y : ndarray, shape (N,)
        Network outputs (integer arrays may come, for y and t).
    t : ndarray, shape (N,)
        Targets.

    Returns
    -------
    E : float
        E = ½ Σₙ (tₙ − yₙ)². A sum, not a mean (this chapter's exception
        to the course convention), so the learning rate must be chosen
        for N samples; the ½ cancels the 2 of the derivative.
    """
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, "
                         f"got {y.shape} and {t.shape}")
    return float(0.5 * np.sum((t - y) ** 2))


def xor_gradients(X, t, W, U):
    """Gradients of E = half_squared_error(xor_forward(X, W, U)[1], t).

    With the output delta δₙ = (yₙ − tₙ) yₙ (1 − yₙ) (σ' = σ(1 − σ)) and the
    hidden deltas δₙⱼ = δₙ uⱼ Hₙⱼ (1 − Hₙⱼ) for j = 1, 2:
        ∂E/∂U = Σₙ δₙ [Hₙ, 1],     ∂E/∂W[j] = Σₙ δₙⱼ [Xₙ, 1]
    (sums over the samples, because E is a sum).

    Parameters
    ----------
    X : ndarray, shape (N, 2)
        Inputs, one sample per row.
    t : ndarray, shape (N,)
        Targets.
    W : ndarray, shape (2, 3)
        Hidden weights, one row per unit, bias last.
    U : ndarray, shape (3,)
        Output weights, bias last.

    Returns
    -------
    dW : ndarray, shape (2, 3)
        ∂E/∂W, laid out like W (bias column last).
    dU : ndarray, shape (3,)
        ∂E/∂U, laid out like U (bias last).
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
        f(x) -> float, for an array x shaped like the one given.
    x : ndarray, any shape
        Point of evaluation (integer arrays are fine). Perturb a float
        copy: x itself must be left exactly as it was.
    h : float
        Step size, h > 0.

    Returns
    -------
    grad : ndarray, same shape as x
        grad[i] = (f(x + h eᵢ) − f(x − h eᵢ)) / (2h) for every entry i,
        where eᵢ is 1 at entry i and 0 elsewhere. Where f has a kink, this
        is the average of the slopes on the two sides.
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

    Use your xor_gradients and half_squared_error: the grader follows the
    run through them, so a mistake there costs points in their exercises only.

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
    W : ndarray, shape (2, 3)
    U : ndarray, shape (3,)
        Weights after the updates W ← W − η ∂E/∂W, U ← U − η ∂E/∂U. Both
        gradients of an update are taken at the weights before it.
    losses : list of float, length epochs
        losses[i] is E before update i + 1 (losses[0] is E at the initial
        weights), with E = half_squared_error.
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
