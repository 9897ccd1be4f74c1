"""Test functions with known gradients, built from plain numbers.

Exercises that take a function as an argument (a loss for gradient descent,
``f`` for a numerical gradient, a gradient for an optimizer) are tested on
these. Each factory takes only arrays and numbers and returns a new function,
so a test can describe "the quadratic bowl with these weights" as data.
Nothing here may compute what an exercise asks for (students have this file):
that is why the activation offered is the softsign, not the ReLU.
"""

import numpy as np

__all__ = [
    "identity",
    "softsign",
    "hyperbolic_tangent",
    "bowl",
    "bowl_gradient",
    "quadratic",
    "quadratic_gradient",
    "rosenbrock",
    "rosenbrock_gradient",
    "wavy",
    "ramps",
    "call_with_keywords",
    "scripted_epoch",
    "scripted_loss",
    "settings_model",
    "peak_score",
]


def identity():
    """The activation ``f(z) = z``."""
    def identity(z):
        return np.asarray(z, dtype=float)
    return identity


def softsign():
    """The activation ``f(z) = z / (1 + |z|)``: nonlinear, and not one the exercises ask for."""
    def softsign(z):
        z = np.asarray(z, dtype=float)
        return z / (1.0 + np.abs(z))
    return softsign


def hyperbolic_tangent():
    """The activation ``np.tanh``."""
    def tanh(z):
        return np.tanh(np.asarray(z, dtype=float))
    return tanh


def bowl(scale, target):
    """``w -> (loss, grad)`` with loss = ½ Σ scale ⊙ (w − target)², any shape of ``w``."""
    scale, target = np.asarray(scale, dtype=float), np.asarray(target, dtype=float)

    def loss_and_grad(w):
        diff = np.asarray(w, dtype=float) - target
        return float(0.5 * np.sum(scale * diff ** 2)), scale * diff
    return loss_and_grad


def bowl_gradient(scale, target):
    """``w -> grad`` of :func:`bowl`: scale ⊙ (w − target)."""
    loss_and_grad = bowl(scale, target)
    return lambda w: loss_and_grad(w)[1]


def quadratic(A, c):
    """``w -> (loss, grad)`` with loss = ½ Σ (w − c) ⊙ A (w − c) for a symmetric ``A`` (D, D).

    ``w`` and ``c`` have shape (D,) (then the loss is ½ (w − c)ᵀ A (w − c)) or
    (D, K) (a matrix of weights whose gradient A (w − c) mixes the rows).
    """
    A, c = np.asarray(A, dtype=float), np.asarray(c, dtype=float)

    def loss_and_grad(w):
        diff = np.asarray(w, dtype=float) - c
        return float(0.5 * np.sum(diff * (A @ diff))), A @ diff
    return loss_and_grad


def quadratic_gradient(A, c):
    """``w -> grad`` of :func:`quadratic`: A (w − c)."""
    loss_and_grad = quadratic(A, c)
    return lambda w: loss_and_grad(w)[1]


def rosenbrock(a=1.0, b=100.0):
    """``w -> value`` of the Rosenbrock function (a − w₀)² + b (w₁ − w₀²)²; minimum at (a, a²)."""
    def value(w):
        x, y = np.asarray(w, dtype=float)
        return float((a - x) ** 2 + b * (y - x ** 2) ** 2)
    return value


def rosenbrock_gradient(a=1.0, b=100.0):
    """``w -> grad`` of :func:`rosenbrock`."""
    def gradient(w):
        x, y = np.asarray(w, dtype=float)
        return np.array([-2.0 * (a - x) - 4.0 * b * x * (y - x ** 2), 2.0 * b * (y - x ** 2)])
    return gradient


def wavy(a, b, c):
    """``x -> float``: Σ a ⊙ sin(b ⊙ x) + Σ c ⊙ x³, for ``x`` shaped like ``a``, ``b`` and ``c``.

    A smooth function whose third derivative is nowhere small, so a one-sided
    difference quotient is visibly less accurate than a central one.
    """
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))

    def f(x):
        x = np.asarray(x, dtype=float)
        return float(np.sum(a * np.sin(b * x)) + np.sum(c * x ** 3))
    return f


def ramps(a, k):
    """``x -> float``: Σ a ⊙ max(0, x − k), for ``x`` shaped like ``a`` and ``k``.

    Piecewise linear, with a kink where x = k: the slope in that entry is 0
    to the left and a to the right. Away from the kinks a difference quotient
    whose step does not reach a kink is exact.
    """
    a, k = np.asarray(a, dtype=float), np.asarray(k, dtype=float)

    def f(x):
        x = np.asarray(x, dtype=float)
        return float(np.sum(a * np.maximum(x - k, 0.0)))
    return f


def call_with_keywords(func, *args):
    """A driver: ``func(*args[:-1], **args[-1])``.

    For graded functions with keyword-only parameters (``train_mlp``): the
    hidden test passes the positional arguments followed by one dict of the
    keyword arguments.
    """
    *positional, keywords = args
    return func(*positional, **keywords)


# ---------------------------------------------------------------- stand-ins for training (chapter 9)
#
# Early stopping and a search over settings call training as a function. To
# test them on runs whose every number is known, these factories build
# stand-ins: an "epoch of training" that moves the parameters by a fixed step
# and reads its loss from a table, a "validation loss" read from a table, a
# "training" that returns its settings as the model, and a score with a known
# peak.


def _epochs_done(params):
    return int(round(float(np.asarray(params, dtype=float).reshape(-1)[0])))


def scripted_epoch(step, train_losses):
    """``params -> (params + step, train_losses[k])``: one epoch of a scripted run.

    ``params`` is a 1-D array whose first entry counts the epochs done so far,
    k (``step[0]`` is 1); the result is a new array, and the loss is that of
    epoch k + 1.
    """
    step, train_losses = np.asarray(step, dtype=float), [float(v) for v in train_losses]

    def train_epoch(params):
        return np.asarray(params, dtype=float) + step, train_losses[_epochs_done(params)]
    return train_epoch


def scripted_loss(values):
    """``params -> values[k]``: the validation loss after k epochs (k = ``params[0]``)."""
    values = [float(v) for v in values]

    def val_loss(params):
        return values[_epochs_done(params)]
    return val_loss


def settings_model():
    """``fit(lr, reg) -> np.array([lr, reg])``: a "training" whose model is its settings."""
    def fit(lr, reg):
        return np.array([float(lr), float(reg)])
    return fit


def peak_score(center, width, decimals=None, calls=None):
    """``model -> score`` in (0, 1], highest where log10(model) = center.

    score = exp(−Σ ((log10(model) − center) / width)²) for a model of positive
    numbers (e.g. ``[lr, reg]``), rounded to ``decimals`` places if given (as
    accuracies on a small set are, so that ties happen). With ``calls`` given,
    calling it more often than that raises a RuntimeError: a test set is
    looked at once.
    """
    center, width = np.asarray(center, dtype=float), np.asarray(width, dtype=float)
    used = [0]

    def score(model):
        used[0] += 1
        if calls is not None and used[0] > calls:
            raise RuntimeError(
                f"test_score was called {used[0]} times, but the test set may be looked at "
                f"{'once' if calls == 1 else f'{calls} times'} only: choose with val_score, "
                "then call test_score once, on the chosen model")
        value = float(np.exp(-np.sum(((np.log10(np.asarray(model, dtype=float)) - center)
                                      / width) ** 2)))
        return round(value, decimals) if decimals is not None else value
    return score
