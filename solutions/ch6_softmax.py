"""Chapter 6 — softmax, cross-entropy and softmax regression."""

import numpy as np

__all__ = [
    "softmax",
    "one_hot",
    "cross_entropy",
    "softmax_cross_entropy",
    "softmax_regression_loss",
]


def softmax(scores):
    """Row-wise softmax, numerically stable.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores, one row per sample.

    Returns
    -------
    P : ndarray, shape (N, C), float64
        Pₙₖ = e^(sₙₖ − mₙ) / Σⱼ e^(sₙⱼ − mₙ) with mₙ = maxⱼ sₙⱼ. Subtracting the
        row maximum does not change the result but keeps every exponent ≤ 0,
        so nothing overflows; each row is a probability vector.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D with shape (N, C), got shape {scores.shape}")
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def one_hot(y, num_classes):
    """One-hot encoding of integer labels.

    Parameters
    ----------
    y : ndarray of int, shape (N,)
        Labels in 0 … num_classes − 1.
    num_classes : int
        Number of classes C.

    Returns
    -------
    Y : ndarray, shape (N, C), float64
        Yₙₖ = 1 if yₙ = k else 0.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels, got {y.shape}, {y.dtype}")
    if np.any(y < 0) or np.any(y >= num_classes):
        raise ValueError(f"y must hold labels in [0, {num_classes}), got {y.min()}…{y.max()}")
    Y = np.zeros((y.size, num_classes))
    Y[np.arange(y.size), y] = 1.0
    return Y


def cross_entropy(scores, y):
    """Mean cross-entropy (negative log-likelihood) of softmax probabilities.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores.
    y : ndarray of int, shape (N,)
        True labels.

    Returns
    -------
    loss : float
        loss = −(1/N) Σₙ log Pₙ,yₙ, computed as
        log Pₙₖ = sₙₖ − mₙ − log Σⱼ e^(sₙⱼ − mₙ)   (log-sum-exp, mₙ = row max),
        which stays finite and accurate even where Pₙₖ itself rounds to 0.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or np.shape(y) != scores.shape[:1]:
        raise ValueError(f"need scores (N, C) and y (N,), got {scores.shape}, {np.shape(y)}")
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.sum(one_hot(y, scores.shape[1]) * log_P) / scores.shape[0])


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) and its gradient with respect to the scores.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
    y : ndarray of int, shape (N,)

    Returns
    -------
    loss : float
        cross_entropy(scores, y)
    dscores : ndarray, shape (N, C), float64
        ∂loss/∂scores = (P − Y) / N with P = softmax(scores), Y = one_hot(y, C).
    """
    loss = cross_entropy(scores, y)
    P = softmax(scores)
    return loss, (P - one_hot(y, P.shape[1])) / P.shape[0]


def softmax_regression_loss(W, b, X, y, reg):
    """Loss and gradients of L2-regularised softmax regression.

    Parameters
    ----------
    W : ndarray, shape (D, C)
    b : ndarray, shape (C,)
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
    reg : float
        L2 strength λ ≥ 0 (weights only, not the bias).

    Returns
    -------
    loss : float
        loss = (1/N) Σₙ CE(xₙ W + b, yₙ) + λ Σ W²
    dW : ndarray, shape (D, C)
        dW = Xᵀ (P − Y) / N + 2λW
    db : ndarray, shape (C,)
        db = Σₙ (Pₙ − Yₙ) / N
    """
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0] or b.shape != (W.shape[1],):
        raise ValueError(f"need X (N, D), W (D, C), b (C,); got {X.shape}, {W.shape}, {b.shape}")
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    loss += reg * np.sum(W ** 2)
    return float(loss), X.T @ dscores + 2 * reg * W, np.sum(dscores, axis=0)
