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
        Source of every random number (draw them in any order you like):
        generators of the same seed give the same weights.

    Returns
    -------
    params : list of (W, b)
        One (W, b) per layer, first layer first: W of shape (fan_in, fan_out)
        with independent entries ~ N(0, 2 / fan_in), i.e. standard deviation
        sqrt(2 / fan_in) (He: keeps the scale of ReLU activations from layer
        to layer), and b = 0 of shape (fan_out,).
    """
    if len(layer_sizes) < 2 or any(n < 1 for n in layer_sizes):
        raise ValueError(f"layer_sizes needs >= 2 positive sizes, got {layer_sizes}")
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params.append((W, np.zeros(fan_out)))
    return params


def mlp_loss(params, X, y, reg=0.0):
    """Loss and gradients of a ReLU network with a softmax cross-entropy output.

    Forward:  H₀ = X,  Hₗ = relu(Hₗ₋₁ Wₗ + bₗ) for all layers but the last,
              scores = H_{L−1} W_L + b_L (no ReLU on the scores).
    Backward: the same modules in reverse order, starting from
              ∂loss/∂scores = (P − Y) / N.

    Parameters
    ----------
    params : list of (W, b)
        Layers, first layer first (one layer: softmax regression).
    X : ndarray, shape (N, D)
        Inputs, one sample per row (it may hold integers).
    y : ndarray of int, shape (N,)
        Labels in 0 … C−1.
    reg : float
        L2 strength λ ≥ 0 on every weight matrix (never on the biases).

    Returns
    -------
    loss : float
        loss = (1/N) Σₙ CE(scoresₙ, yₙ) + λ Σₗ Σ Wₗ²
    grads : list of (dW, db)
        Same structure and shapes as params, first layer first;
        dWₗ includes the 2λWₗ of the penalty, db has no penalty term.
    """
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    # Forward: affine and ReLU modules, keeping their caches for the way back.
    h, caches = X, []
    for W, b in params[:-1]:
        z, affine_cache = affine_forward(h, W, b)
        h, relu_cache = relu_forward(z)
        caches.append((affine_cache, relu_cache))
    scores, last_cache = affine_forward(h, *params[-1])
    loss, dscores = softmax_cross_entropy(scores, y)

    # Backward: the same modules in reverse order.
    dh, dW, db = affine_backward(dscores, last_cache)
    grads = [(dW, db)]
    for affine_cache, relu_cache in reversed(caches[1:]):
        dh, dW, db = affine_backward(relu_backward(dh, relu_cache), affine_cache)
        grads.append((dW, db))
    if caches:
        # The first layer: nothing needs ∂loss/∂X, so skip affine_backward's
        # dX product (it costs as much as the layer's forward product).
        (h0, _), relu_cache = caches[0]
        dz = relu_backward(dh, relu_cache)
        grads.append((h0.T @ dz, np.sum(dz, axis=0)))
    grads.reverse()

    if reg > 0:  # L2 on the weights only (nothing to do for reg = 0)
        loss += reg * sum(np.sum(W * W) for W, _ in params)
        grads = [(dW + 2 * reg * W, db) for (dW, db), (W, _) in zip(grads, params)]
    return float(loss), grads


def dropout_forward(X, p_drop, rng):
    """Inverted dropout (training mode).

    Parameters
    ----------
    X : ndarray, any shape
        Activations (they may be integers).
    p_drop : float
        Probability of dropping a unit, in [0, 1).
    rng : numpy.random.Generator
        Source of every random number: generators of the same seed give
        the same mask.

    Returns
    -------
    out : ndarray, same shape as X
        out = X ⊙ mask
    mask : ndarray, same shape as X
        mask = [u ≥ p_drop] / (1 − p_drop) with u ~ Uniform[0, 1), one u
        per entry: each unit is kept with probability 1 − p_drop and scaled
        up so that E[out] = X. Any way of drawing a mask with these
        properties is fine. At test time nothing is dropped or rescaled.
        The matrix products stay the same size: dropout regularises, it
        does not save computation.
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
        From dropout_forward (entries 0 or 1 / (1 − p_drop)).

    Returns
    -------
    dX : ndarray, same shape as mask
        dX = dout ⊙ mask: dropped units get no gradient, kept ones get the
        same factor 1 / (1 − p_drop) as in the forward pass.
    """
    if np.shape(dout) != np.shape(mask):
        raise ValueError(f"dout must have the shape of mask {np.shape(mask)}, "
                         f"got {np.shape(dout)}")
    return dout * mask


def train_mlp(params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):
    """Minibatch training of a ReLU / softmax network with a chosen optimizer.

    Works on copies of the parameters. Each epoch draws its minibatches with
    iterate_minibatches(N, batch_size, rng) (a new shuffle of all N samples
    every epoch) and, for every minibatch, computes mlp_loss on it and
    updates every W and b with the optimizer's step function; each parameter
    array keeps its own optimizer state. The grader follows the training
    through these calls, so a mistake in mlp_loss, predict or a step function
    costs points in that function's exercise only.

    Parameters
    ----------
    params : list of (W, b)
        Initial parameters (e.g. from init_mlp); not modified.
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
    epochs : int
        Passes over the data, ≥ 0.
    batch_size : int
        Samples per minibatch (the last one is shorter if it does not divide N).
    lr : float
        Learning rate η > 0.
    optimizer : str
        "sgd", "momentum", "nesterov", "rmsprop" or "adam", with the default
        hyper-parameters of the chapter 7 step functions. Adam's step number
        t counts the updates from 1 over the whole run (not per epoch).
    reg : float
        L2 strength λ ≥ 0, passed to mlp_loss.
    rng : numpy.random.Generator
        Source of the shuffles: generators of the same seed give the same
        training.

    Returns
    -------
    params : list of (W, b)
        The trained parameters (new arrays).
    history : dict
        "loss": list of float, one per epoch: the mean over the epoch's
        samples of the minibatch losses, Σ_batches loss_b · len(batch_b) / N
        (regularisation included, as mlp_loss returns it);
        "train_accuracy": list of float, the accuracy of predict on all of
        (X, y) after each epoch.
    """
    if optimizer not in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
        raise ValueError(f"unknown optimizer {optimizer!r} "
                         "(sgd, momentum, nesterov, rmsprop, adam)")
    X, y = np.ascontiguousarray(X, dtype=np.float64), np.asarray(y)
    # One flat list [W1, b1, W2, b2, …] of copies, and two state arrays per
    # parameter (velocity / cache / Adam's m, and Adam's v).
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
                    flat[i], state1[i], state2[i] = adam_step(
                        flat[i], g, state1[i], state2[i], t, lr)
            trained = list(zip(flat[0::2], flat[1::2]))
        history["loss"].append(epoch_loss / X.shape[0])
        # Accuracy on (X, y), predicted in pieces of 256 rows: the arrays stay small
        # (in the processor's cache) however large X is.
        correct = sum(int(np.sum(predict(trained, X[i:i + 256]) == y[i:i + 256]))
                      for i in range(0, X.shape[0], 256))
        history["train_accuracy"].append(correct / X.shape[0])
    return trained, history


def predict(params, X):
    """Predicted labels of a ReLU network: the class with the largest score.

    Parameters
    ----------
    params : list of (W, b)
        Layers, first layer first.
    X : ndarray, shape (N, D)
        Inputs, one sample per row (it may hold integers).

    Returns
    -------
    y_pred : ndarray of int, shape (N,)
        argmax over classes of the scores of the forward pass, with ReLU
        after every layer but the last and no dropout (test mode).
    """
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    W, b = params[-1]
    return np.argmax(h @ W + b, axis=1).astype(np.int64)
