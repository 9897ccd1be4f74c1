"""Chapter 5 — layers as modules: forward gives (out, cache), backward maps dout
to gradients."""

import numpy as np

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "squared_error_loss",
    "two_layer_loss",
]


def affine_forward(X, W, b):
    """Forward pass of a fully connected (affine) layer.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Inputs, one sample per row (it may hold integers, as may W and b).
    W : ndarray, shape (D, M)
        Weights, one column per output unit.
    b : ndarray, shape (M,)
        Biases, added to every row.

    Returns
    -------
    out : ndarray, shape (N, M)
        out = X @ W + b
    cache : tuple (X, W)
        Exactly the pair (X, W), in this order: what affine_backward needs.
    """
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0] or b.shape != W.shape[1:]:
        raise ValueError(f"need X (N, D), W (D, M), b (M,); "
                         f"got {X.shape}, {W.shape}, {b.shape}")
    return X @ W + b, (X, W)


def affine_backward(dout, cache):
    """Backward pass of a fully connected layer.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
        ∂L/∂out, the upstream gradient (any 1/N of a mean loss is already in it).
    cache : tuple (X, W)
        From affine_forward: X of shape (N, D), W of shape (D, M).

    Returns
    -------
    dX : ndarray, shape (N, D)
        ∂L/∂X = dout @ Wᵀ
    dW : ndarray, shape (D, M)
        ∂L/∂W = Xᵀ @ dout
    db : ndarray, shape (M,)
        ∂L/∂b = Σₙ doutₙ (the sum over the rows: b was added to every row)
    """
    X, W = cache
    if np.shape(dout) != (X.shape[0], W.shape[1]):
        raise ValueError(f"dout must have shape {(X.shape[0], W.shape[1])}, "
                         f"got {np.shape(dout)}")
    return dout @ W.T, X.T @ dout, np.sum(dout, axis=0)


def relu_forward(Z):
    """Forward pass of an elementwise ReLU layer.

    Parameters
    ----------
    Z : ndarray, any shape
        Pre-activations (they may be integers).

    Returns
    -------
    out : ndarray, same shape as Z
        out = max(0, Z), entry by entry
    cache : ndarray
        Z itself (the input, not the output), for relu_backward.
    """
    Z = np.asarray(Z, dtype=float)
    return np.maximum(Z, 0.0), Z


def relu_backward(dout, cache):
    """Backward pass of an elementwise ReLU layer.

    Parameters
    ----------
    dout : ndarray, same shape as Z
        ∂L/∂out, the upstream gradient.
    cache : ndarray
        Z, the input of relu_forward (negative where a unit was off).

    Returns
    -------
    dZ : ndarray, same shape as Z
        dZ = dout ⊙ [Z > 0]: the gradient passes where the unit was active
        and is blocked elsewhere, also at exactly Z = 0 (ReLU'(0) = 0).
    """
    Z = cache
    if np.shape(dout) != Z.shape:
        raise ValueError(f"dout must have shape {Z.shape}, got {np.shape(dout)}")
    return dout * (Z > 0)


def squared_error_loss(pred, target):
    """Squared error, SUMMED over the outputs and AVERAGED over the samples.

    The mean over the N samples of each sample's squared distance
    ‖predₙ − targetₙ‖². Not the "mean squared error" of NumPy, scikit-learn
    or PyTorch, which also averages over the K outputs: this loss is K times
    that one.

    Parameters
    ----------
    pred : ndarray, shape (N, K)
        Predictions, one row of K outputs per sample (integers may come, here
        and in target).
    target : ndarray, shape (N, K)
        Targets.

    Returns
    -------
    loss : float
        loss = (1/N) Σₙ Σₖ (predₙₖ − targetₙₖ)²
        (divided by N, the number of rows, not by N·K as np.mean would)
    dpred : ndarray, shape (N, K)
        ∂loss/∂pred = 2 (pred − target) / N
    """
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    if pred.ndim == 0 or pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape (N, K), "
                         f"got {pred.shape} and {target.shape}")
    N = pred.shape[0]
    diff = pred - target
    return float(np.sum(diff ** 2) / N), 2.0 * diff / N


def two_layer_loss(params, X, T):
    """Loss and gradients of an affine–ReLU–affine network under squared_error_loss.

    Forward:   Z = X W₁ + b₁,   H = relu(Z),   pred = H W₂ + b₂,
               loss = squared_error_loss(pred, T).
    Backward:  the same modules in reverse order, each turning the gradient
               of its output into the gradients of its inputs and parameters,
               using the cache its own forward call returned.

    Parameters
    ----------
    params : list [(W1, b1), (W2, b2)]
        W1 (D, M), b1 (M,), W2 (M, K), b2 (K,) for M hidden units.
    X : ndarray, shape (N, D)
        Inputs.
    T : ndarray, shape (N, K)
        Targets.

    Returns
    -------
    loss : float
    grads : list [(dW1, db1), (dW2, db2)]
        Same structure and shapes as params, first layer first.
    """
    if len(params) != 2:
        raise ValueError(f"params must be [(W1, b1), (W2, b2)], "
                         f"got {len(params)} layers")
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss, dpred = squared_error_loss(pred, T)
    dH, dW2, db2 = affine_backward(dpred, cache2)
    dZ = relu_backward(dH, relu_cache)
    _, dW1, db1 = affine_backward(dZ, cache1)
    return loss, [(dW1, db1), (dW2, db2)]
