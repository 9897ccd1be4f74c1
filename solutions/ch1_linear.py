"""Chapter 1 — linear classifiers, least squares and gradient descent."""

import numpy as np

__all__ = [
    "add_bias_column",
    "linear_scores",
    "predict_labels",
    "accuracy",
    "l2_penalty",
    "least_squares_loss_and_grad",
    "gradient_descent",
]


def add_bias_column(X):
    """Append a column of ones so that a bias becomes one more weight.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        One sample per row (it may hold integers).

    Returns
    -------
    X1 : ndarray, shape (N, D + 1)
        X1 = [X, 1]: the column of ones is the LAST column, so that
        X1 @ [w; b] = X @ w + b.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (N, D), got shape {X.shape}")
    return np.hstack([X, np.ones((X.shape[0], 1))])


def linear_scores(X, W, b):
    """Class scores of a linear classifier.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        One sample per row.
    W : ndarray, shape (D, C)
    b : ndarray, shape (C,)

    Returns
    -------
    scores : ndarray, shape (N, C)
        scores = X @ W + b (b is added to every row).
    """
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    if X.ndim != 2 or W.ndim != 2 or b.ndim != 1:
        raise ValueError(f"need X 2-D, W 2-D, b 1-D; got X{X.shape}, W{W.shape}, b{b.shape}")
    if X.shape[1] != W.shape[0] or W.shape[1] != b.shape[0]:
        raise ValueError(f"shape mismatch: X{X.shape} @ W{W.shape} + b{b.shape}")
    return X @ W + b


def predict_labels(scores):
    """Predicted class of every sample: the index of its largest score.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        One row of class scores per sample.

    Returns
    -------
    y_pred : ndarray of int, shape (N,)
        y_pred[n] = argmax_c scores[n, c] (the first one on ties).
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D with shape (N, C), got shape {scores.shape}")
    return np.argmax(scores, axis=1).astype(np.int64)


def accuracy(y_pred, y_true):
    """Fraction of predictions that equal the true labels.

    Parameters
    ----------
    y_pred : ndarray, shape (N,)
        Predicted integer labels.
    y_true : ndarray, shape (N,)
        True integer labels.

    Returns
    -------
    acc : float
        acc = (1/N) Σₙ [y_pred[n] = y_true[n]], a number in [0, 1].
    """
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.ndim != 1 or y_pred.shape != y_true.shape or y_pred.size == 0:
        raise ValueError(f"y_pred and y_true must be non-empty 1-D of equal shape, "
                         f"got {y_pred.shape} and {y_true.shape}")
    return float(np.mean(y_pred == y_true))


def l2_penalty(W, reg):
    """L2 (weight-decay) penalty of a weight matrix.

    Parameters
    ----------
    W : ndarray, any shape
        Weights only; biases are not penalised.
    reg : float
        Regularisation strength λ ≥ 0.

    Returns
    -------
    penalty : float
        penalty = λ Σᵢⱼ Wᵢⱼ²; its gradient with respect to W is 2λW.
    """
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    return float(reg * np.sum(np.asarray(W, dtype=float) ** 2))


def least_squares_loss_and_grad(w, X, t):
    """Mean squared-error loss of a linear model and its gradient.

    Parameters
    ----------
    w : ndarray, shape (D,)
        Weights (put the bias in X as a column of ones if you need one).
    X : ndarray, shape (N, D)
        One sample per row.
    t : ndarray, shape (N,)
        Targets.

    Returns
    -------
    loss : float
        loss = ‖X w − t‖² / (2N)   (a MEAN over the N samples, halved)
    grad : ndarray, shape (D,)
        grad = Xᵀ (X w − t) / N
    """
    w, X, t = (np.asarray(a, dtype=float) for a in (w, X, t))
    if X.ndim != 2 or w.shape != (X.shape[1],) or t.shape != (X.shape[0],):
        raise ValueError(f"need X (N, D), w (D,), t (N,); got X{X.shape}, w{w.shape}, t{t.shape}")
    N = X.shape[0]
    residual = X @ w - t
    return float(residual @ residual / (2 * N)), X.T @ residual / N


def gradient_descent(loss_and_grad, w0, lr, num_steps):
    """Plain gradient descent from a starting point.

    Parameters
    ----------
    loss_and_grad : callable
        loss_and_grad(w) -> (loss, grad), grad with the shape of w.
    w0 : ndarray
        Starting point; it is not modified.
    lr : float
        Learning rate (step size) η > 0.
    num_steps : int
        Number of updates, ≥ 0.

    Returns
    -------
    w : ndarray
        The point after num_steps updates w ← w − η ∇L(w).
    losses : list of float, length num_steps
        losses[i] is the loss at the iterate BEFORE update i + 1,
        so losses[0] = L(w0) and the loss at the returned w is not included.
    """
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if num_steps < 0:
        raise ValueError(f"num_steps must be >= 0, got {num_steps}")
    w = np.array(w0, dtype=float)  # a copy: w0 stays as it was
    losses = []
    for _ in range(num_steps):
        loss, grad = loss_and_grad(w)
        losses.append(float(loss))
        w = w - lr * grad
    return w, losses
