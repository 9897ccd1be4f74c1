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
