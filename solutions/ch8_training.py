"""Chapter 8 — training a multilayer network end to end: init, loss, dropout, training loop."""

import numpy as np

from .ch5_modules import affine_backward, affine_forward, relu_backward, relu_forward
from .ch6_softmax import softmax_cross_entropy
from .ch7_optimizers import (
    adam_step,
    iterate_minibatches,
    momentum_step,
    nesterov_step,
    rmsprop_step,
    sgd_step,
)

__all__ = [
    "init_mlp",
    "mlp_loss",
    "dropout_forward",
    "dropout_backward",
    "train_mlp",
    "predict",
]


def init_mlp(layer_sizes, rng):
    """He initialisation of a fully connected ReLU network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first, e.g. [64, 128, 10].
    rng : numpy.random.Generator
        Source of the random weights.

    Returns
    -------
    params : list of (W, b), float64
        One (W, b) per layer, first layer first: W of shape (fan_in, fan_out)
        with entries ~ N(0, 2 / fan_in) (He: keeps the variance of ReLU
        activations roughly constant from layer to layer), b = 0.
    """
    if len(layer_sizes) < 2 or any(n < 1 for n in layer_sizes):
        raise ValueError(f"layer_sizes needs >= 2 positive sizes, got {list(layer_sizes)}")
    return [(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)), np.zeros(fan_out))
            for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def mlp_loss(params, X, y, reg=0.0):
    """Loss and gradients of a ReLU network with a softmax cross-entropy output.

    Forward: H₀ = X, Hₗ = relu(Hₗ₋₁ Wₗ + bₗ) for the hidden layers, scores = H_{L−1} W_L + b_L.
    Backward: the same modules in reverse, starting from ∂loss/∂scores = (P − Y) / N.

    Parameters
    ----------
    params : list of (W, b)
        Layers, first layer first.
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
        Labels.
    reg : float
        L2 strength λ ≥ 0 on every weight matrix (not the biases).

    Returns
    -------
    loss : float
        loss = (1/N) Σₙ CE(scoresₙ, yₙ) + λ Σₗ Σ Wₗ²
    grads : list of (dW, db)
        Same structure and shapes as params; dWₗ includes the 2λWₗ term.
    """
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    h, caches = X, []
    for W, b in params[:-1]:
        z, affine_cache = affine_forward(h, W, b)
        h, relu_cache = relu_forward(z)
        caches.append((affine_cache, relu_cache))
    scores, last_cache = affine_forward(h, *params[-1])
    loss, dscores = softmax_cross_entropy(scores, y)
    loss += reg * sum(np.sum(W ** 2) for W, _ in params)

    dh, dW, db = affine_backward(dscores, last_cache)
    grads = [(dW + 2 * reg * params[-1][0], db)]
    for (W, _), (affine_cache, relu_cache) in zip(reversed(params[:-1]), reversed(caches)):
        dh, dW, db = affine_backward(relu_backward(dh, relu_cache), affine_cache)
        grads.append((dW + 2 * reg * W, db))
    return float(loss), grads[::-1]


def dropout_forward(X, p_drop, rng):
    """Inverted dropout (training mode).

    Parameters
    ----------
    X : ndarray, any shape
        Activations.
    p_drop : float
        Probability of dropping a unit, in [0, 1).
    rng : numpy.random.Generator
        Source of the random mask.

    Returns
    -------
    out : ndarray, same shape as X, float64
        out = X ⊙ mask
    mask : ndarray, same shape as X, float64
        mask = [u ≥ p_drop] / (1 − p_drop) with u ~ Uniform[0, 1): each unit is
        kept with probability 1 − p_drop and scaled up so E[out] = X. At test
        time nothing is dropped or rescaled. The matrix products stay the same
        size, so this regularises; it does not save computation.
    """
    if not 0 <= p_drop < 1:
        raise ValueError(f"p_drop must be in [0, 1), got {p_drop}")
    X = np.asarray(X, dtype=float)
    mask = (rng.random(X.shape) >= p_drop) / (1.0 - p_drop)
    return X * mask, mask


def dropout_backward(dout, mask):
    """Backward pass of inverted dropout.

    Parameters
    ----------
    dout : ndarray, same shape as mask
        ∂L/∂out.
    mask : ndarray
        From dropout_forward.

    Returns
    -------
    dX : ndarray, same shape as mask, float64
        dX = dout ⊙ mask (dropped units get no gradient).
    """
    if np.shape(dout) != np.shape(mask):
        raise ValueError(f"dout must have shape {np.shape(mask)} like mask, got {np.shape(dout)}")
    return dout * mask


def train_mlp(params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):
    """Minibatch training of a ReLU / softmax network with a chosen optimizer.

    Each epoch shuffles the data into minibatches (iterate_minibatches), and for
    every minibatch computes mlp_loss and updates every W and b with the
    optimizer's step function, each parameter keeping its own state.

    Parameters
    ----------
    params : list of (W, b)
        Initial parameters (e.g. from init_mlp); not modified.
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
    epochs : int
        Passes over the data, ≥ 0.
    batch_size : int
        Samples per minibatch.
    lr : float
        Learning rate η > 0.
    optimizer : str
        "sgd", "momentum", "nesterov", "rmsprop" or "adam" (default
        hyper-parameters of the chapter 7 step functions otherwise).
    reg : float
        L2 strength λ ≥ 0.
    rng : numpy.random.Generator
        Source of the shuffles.

    Returns
    -------
    params : list of (W, b), float64
        The trained parameters (new arrays).
    history : dict
        "loss": list of float, per epoch the mean training loss over that
        epoch's minibatches (weighted by batch size, regularisation included);
        "train_accuracy": list of float, accuracy on (X, y) after each epoch.
    """
    if optimizer not in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
        raise ValueError(f"unknown optimizer {optimizer!r} (sgd, momentum, nesterov, rmsprop, adam)")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    # One flat list [W1, b1, W2, b2, …] of copies, and two state arrays per parameter
    # (velocity / cache / Adam's m, and Adam's v).
    flat = [np.array(p, dtype=float) for layer in params for p in layer]
    state1 = [np.zeros_like(p) for p in flat]
    state2 = [np.zeros_like(p) for p in flat]
    trained = list(zip(flat[0::2], flat[1::2]))
    history, t = {"loss": [], "train_accuracy": []}, 0
    for _ in range(epochs):
        epoch_loss = 0.0
        for idx in iterate_minibatches(X.shape[0], batch_size, rng):
            loss, grads = mlp_loss(trained, X[idx], y[idx], reg)
            epoch_loss += loss * len(idx)
            t += 1
            flat_grads = [g for layer in grads for g in layer]  # same order as flat
            for i, g in enumerate(flat_grads):
                if optimizer == "sgd":
                    flat[i] = sgd_step(flat[i], g, lr)
                elif optimizer == "momentum":
                    flat[i], state1[i] = momentum_step(flat[i], g, state1[i], lr)
                elif optimizer == "nesterov":
                    flat[i], state1[i] = nesterov_step(flat[i], g, state1[i], lr)
                elif optimizer == "rmsprop":
                    flat[i], state1[i] = rmsprop_step(flat[i], g, state1[i], lr)
                else:
                    flat[i], state1[i], state2[i] = adam_step(flat[i], g, state1[i], state2[i],
                                                              t, lr)
            trained = list(zip(flat[0::2], flat[1::2]))
        history["loss"].append(epoch_loss / X.shape[0])
        history["train_accuracy"].append(float(np.mean(predict(trained, X) == y)))
    return trained, history


def predict(params, X):
    """Predicted labels of a ReLU network: the class with the largest score.

    Parameters
    ----------
    params : list of (W, b)
        Layers, first layer first.
    X : ndarray, shape (N, D)

    Returns
    -------
    y_pred : ndarray, shape (N,), int64
        argmax over classes of the scores of the forward pass (no dropout).
    """
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    W, b = params[-1]
    return np.argmax(h @ W + b, axis=1).astype(np.int64)
