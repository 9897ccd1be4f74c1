"""Chapter 7 — minibatches and optimizers (SGD, momentum, Nesterov, RMSProp, Adam).

Every step function returns NEW arrays and leaves its inputs untouched; the
optimizer state (velocity, cache, m, v) is passed in and handed back explicitly.
"""

import numpy as np

__all__ = [
    "iterate_minibatches",
    "sgd_step",
    "momentum_step",
    "nesterov_step",
    "rmsprop_step",
    "adam_step",
]


def iterate_minibatches(num_samples, batch_size, rng):
    """Index arrays of the minibatches of one epoch, in random order.

    One call is one epoch: draw ONE new random permutation of 0 … N−1 from
    rng, then cut it into consecutive pieces of length B. Calling it again
    with the same rng gives the next epoch a new order. How the permutation
    is drawn from rng is up to you (rng.permutation, rng.shuffle, ...).

    Parameters
    ----------
    num_samples : int
        Number of samples N ≥ 1.
    batch_size : int
        Samples per batch B ≥ 1.
    rng : numpy.random.Generator
        Source of the shuffle, e.g. np.random.default_rng(0).

    Returns
    -------
    batches : list of ndarray of int
        ⌈N / B⌉ index arrays; all have length B except the last, which is
        shorter when B does not divide N (it is kept, not dropped).
        Together the batches hold every index exactly once.
    """
    if num_samples < 1 or batch_size < 1:
        raise ValueError(f"num_samples, batch_size must be >= 1, "
                         f"got {num_samples}, {batch_size}")
    order = rng.permutation(num_samples)
    return [order[start:start + batch_size]
            for start in range(0, num_samples, batch_size)]


def sgd_step(w, grad, lr):
    """One (stochastic) gradient-descent step.

    Parameters
    ----------
    w : ndarray
        Parameters, any shape (a vector, a weight matrix, ...).
    grad : ndarray, same shape as w
        Gradient of the loss at w: of the whole data set (gradient descent)
        or of a minibatch (SGD), the mean over its samples.
    lr : float
        Learning rate η > 0.

    Returns
    -------
    w_new : ndarray
        w_new = w − η g   (a new array; w is not modified)
    """
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    return w - lr * grad


def momentum_step(w, grad, velocity, lr, gamma=0.9):
    """One step of gradient descent with (heavy-ball) momentum.

    Parameters
    ----------
    w : ndarray
    grad : ndarray, same shape as w
    velocity : ndarray, same shape as w
        Previous velocity v (zeros before the first step).
    lr : float
        Learning rate η > 0.
    gamma : float
        Momentum coefficient γ in [0, 1).

    Returns
    -------
    w_new : ndarray
    velocity_new : ndarray
        v ← γ v + η g,   w ← w − v   (with the new v).
        The velocity includes η and points uphill, like g.
    """
    if lr <= 0 or not 0 <= gamma < 1:
        raise ValueError(f"need lr > 0 and gamma in [0, 1), "
                         f"got lr={lr}, gamma={gamma}")
    v = gamma * velocity + lr * grad
    return w - v, v


def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    """One step of Nesterov momentum (the form that keeps the look-ahead point).

    Parameters
    ----------
    w : ndarray
        The point where grad was evaluated.
    grad : ndarray, same shape as w
    velocity : ndarray, same shape as w
        Previous velocity v (zeros before the first step).
    lr : float
        Learning rate η > 0.
    gamma : float
        Momentum coefficient γ in [0, 1).

    Returns
    -------
    w_new : ndarray
    velocity_new : ndarray
        v ← γ v + η g,   w ← w − (γ v + η g) with the NEW v: the step looks
        one momentum update further ahead than plain momentum (w − v).
    """
    if lr <= 0 or not 0 <= gamma < 1:
        raise ValueError(f"need lr > 0 and gamma in [0, 1), "
                         f"got lr={lr}, gamma={gamma}")
    v = gamma * velocity + lr * grad
    return w - (gamma * v + lr * grad), v


def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    """One RMSProp step: divide by a running root-mean-square of past gradients.

    Parameters
    ----------
    w : ndarray
    grad : ndarray, same shape as w
    cache : ndarray, same shape as w
        Running average c of squared gradients (zeros before the first step).
    lr : float
        Learning rate η > 0.
    decay : float
        Decay rate ρ in [0, 1).
    eps : float
        ε > 0, avoids division by zero.

    Returns
    -------
    w_new : ndarray
    cache_new : ndarray
        c ← ρ c + (1 − ρ) g²,   w ← w − η g / (√c + ε)   (elementwise,
        with the NEW c; ε is added after the square root, not inside it)
    """
    if lr <= 0 or not 0 <= decay < 1:
        raise ValueError(f"need lr > 0 and decay in [0, 1), "
                         f"got lr={lr}, decay={decay}")
    c = decay * cache + (1 - decay) * grad ** 2
    return w - lr * grad / (np.sqrt(c) + eps), c


def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step: momentum on the gradient, RMSProp scaling, bias correction.

    Parameters
    ----------
    w : ndarray
    grad : ndarray, same shape as w
    m : ndarray, same shape as w
        First-moment estimate (zeros before step 1).
    v : ndarray, same shape as w
        Second-moment estimate (zeros before step 1).
    t : int
        Number of this step, t ≥ 1 (1 for the first step).
    lr : float
        Learning rate η > 0.
    beta1, beta2 : float
        Decay rates β₁ (for m), β₂ (for v) in [0, 1).
    eps : float
        ε > 0.

    Returns
    -------
    w_new : ndarray
    m_new : ndarray
    v_new : ndarray
        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
        m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ),   w ← w − η m̂ / (√v̂ + ε),
        with the NEW m and v; m_new and v_new are returned uncorrected.
        On step 1, m̂ = g and v̂ = g², so every coordinate moves by ≈ η·sign(g).
    """
    if t < 1:
        raise ValueError(f"t must be >= 1 (the number of this step), got {t}")
    if lr <= 0 or not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"need lr > 0 and beta1, beta2 in [0, 1), "
                         f"got {lr}, {beta1}, {beta2}")
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
