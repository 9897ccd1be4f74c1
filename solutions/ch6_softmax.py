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
        Class scores, one row per sample (any real numbers, possibly
        integers, possibly as large as ±1e4). Not modified.

    Returns
    -------
    P : ndarray, shape (N, C)
        Pₙₖ = e^(sₙₖ − mₙ) / Σⱼ e^(sₙⱼ − mₙ), where mₙ = maxⱼ sₙⱼ is the
        maximum of row n (its own row, not of the whole array). Subtracting
        it leaves P unchanged but makes every exponent ≤ 0, so nothing
        overflows and each denominator is at least 1. Every row of P is a
        probability vector: entries in [0, 1] that sum to 1.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D, shape (N, C); got shape {scores.shape}")
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def one_hot(y, num_classes):
    """One-hot encoding of integer labels.

    Parameters
    ----------
    y : ndarray of int, shape (N,)
        Labels in 0 … num_classes − 1 (not every class need occur).
    num_classes : int
        Number of classes C: the number of columns, whatever labels y holds.

    Returns
    -------
    Y : ndarray, shape (N, C)
        Yₙₖ = 1.0 if yₙ = k else 0.0: one row per sample, with a single 1.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels, "
                         f"got {y.shape}, {y.dtype}")
    if np.any(y < 0) or np.any(y >= num_classes):
        raise ValueError(f"y must hold labels in [0, {num_classes}), "
                         f"got {y.min()}…{y.max()}")
    Y = np.zeros((y.size, num_classes))
    Y[np.arange(y.size), y] = 1.0
    return Y


def cross_entropy(scores, y):
    """Mean cross-entropy (negative log-likelihood) of softmax probabilities.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores, possibly integers (not modified).
    y : ndarray of int, shape (N,)
        True labels in 0 … C − 1.

    Returns
    -------
    loss : float
        loss = −(1/N) Σₙ log Pₙ,yₙ with P = softmax(scores): a mean over the
        N samples. Compute log P with log-sum-exp,
            log Pₙₖ = (sₙₖ − mₙ) − log Σⱼ e^(sₙⱼ − mₙ),   mₙ = maxⱼ sₙⱼ,
        never as log(softmax(scores)): Pₙₖ can round to 0 (log 0 = −inf)
        where log Pₙₖ itself is an ordinary number such as −1000.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or np.shape(y) != scores.shape[:1]:
        raise ValueError(f"need scores (N, C) and y (N,), "
                         f"got {scores.shape}, {np.shape(y)}")
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.sum(one_hot(y, scores.shape[1]) * log_P) / scores.shape[0])


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) and its gradient with respect to scores.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores, possibly integers (not modified).
    y : ndarray of int, shape (N,)
        True labels in 0 … C − 1.

    Returns
    -------
    loss : float
        cross_entropy(scores, y), a mean over the N samples.
    dscores : ndarray, shape (N, C)
        ∂loss/∂scores = (P − Y) / N with P = softmax(scores) and
        Y = one_hot(y, C); the 1/N comes from the mean.
    """
    loss = cross_entropy(scores, y)
    P = softmax(scores)
    return loss, (P - one_hot(y, P.shape[1])) / P.shape[0]


def softmax_regression_loss(W, b, X, y, reg):
    """Loss and gradients of L2-regularised softmax regression.

    The scores are S = X W + b; no argument is modified.

    Parameters
    ----------
    W : ndarray, shape (D, C)
    b : ndarray, shape (C,)
    X : ndarray, shape (N, D)
        Inputs, one sample per row (possibly integers).
    y : ndarray of int, shape (N,)
        True labels in 0 … C − 1.
    reg : float
        L2 strength λ ≥ 0 (weights only, not the bias).

    Returns
    -------
    loss : float
        loss = (1/N) Σₙ CEₙ + λ Σᵢⱼ Wᵢⱼ², where CEₙ = −log Pₙ,yₙ is the
        cross-entropy of sample n and P = softmax(S).
    dW : ndarray, shape (D, C)
        dW = Xᵀ (P − Y) / N + 2λW
    db : ndarray, shape (C,)
        db = Σₙ (Pₙ − Yₙ) / N   (no penalty on b)
    """
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    shapes_ok = (X.ndim == 2 and W.ndim == 2 and X.shape[1] == W.shape[0]
                 and b.shape == (W.shape[1],))
    if not shapes_ok:
        raise ValueError(f"need X (N, D), W (D, C), b (C,); "
                         f"got {X.shape}, {W.shape}, {b.shape}")
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    loss += reg * np.sum(W ** 2)
    return float(loss), X.T @ dscores + 2 * reg * W, np.sum(dscores, axis=0)
