"""Chapter 2 — hidden layers: stacking affine maps with activations in between."""

import numpy as np

__all__ = [
    "mlp_forward",
    "collapse_linear",
    "count_parameters",
    "xor_network",
]


def mlp_forward(X, params, activation):
    """Forward pass of a multilayer perceptron.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        One sample per row.
    params : list of (W, b)
        Layers, first layer first; layer l maps its input to
        input @ W + b, with W of shape (fan_in, fan_out) and b of shape (fan_out,).
    activation : callable
        Elementwise function f applied after every layer except the last.

    Returns
    -------
    scores : ndarray, shape (N, fan_out of the last layer)
        H₀ = X,  Hₗ = f(Hₗ₋₁ @ Wₗ + bₗ) for l < L,  scores = H_{L−1} @ W_L + b_L.
    """
    if len(params) == 0:
        raise ValueError("params must contain at least one (W, b) layer")
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = activation(h @ W + b)
    W, b = params[-1]
    return h @ W + b


def collapse_linear(params):
    """The single affine map equal to a stack of affine layers without activations.

    Parameters
    ----------
    params : list of (W, b)
        Layers, first layer first, as in mlp_forward.

    Returns
    -------
    W : ndarray, shape (D, C)
    b : ndarray, shape (C,)
        Such that X @ W + b equals the stack applied to X. Folding one layer
        at a time: (X @ W₁ + b₁) @ W₂ + b₂ = X @ (W₁ W₂) + (b₁ @ W₂ + b₂).
    """
    if len(params) == 0:
        raise ValueError("params must contain at least one (W, b) layer")
    W, b = (np.asarray(a, dtype=float) for a in params[0])
    for W_next, b_next in params[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def count_parameters(layer_sizes):
    """Number of weights and biases of a fully connected network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first, e.g. [784, 100, 10].

    Returns
    -------
    count : int
        count = Σₗ (nₗ₋₁ + 1) · nₗ: an nₗ₋₁ × nₗ weight matrix plus nₗ biases
        per layer (784-100-10 → 78500 + 1010 = 79510).
    """
    if len(layer_sizes) < 2 or any(n < 1 for n in layer_sizes):
        raise ValueError(f"layer_sizes needs >= 2 positive sizes, got {list(layer_sizes)}")
    return int(sum((n_in + 1) * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])))


def xor_network():
    """Weights, chosen by hand, of a ReLU network that computes XOR exactly.

    mlp_forward(X, xor_network(), relu) must give exactly 0, 1, 1, 0 for the
    rows (0, 0), (0, 1), (1, 0), (1, 1) of X: no rounding, no threshold.

    Returns
    -------
    params : list of (W, b)
        [(W1 (2, 2), b1 (2,)), (W2 (2, 1), b2 (1,))] for mlp_forward(X, params, relu).
    """
    W1 = np.array([[1.0, 1.0],
                   [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0],
                   [-2.0]])
    b2 = np.array([0.0])
    return [(W1, b1), (W2, b2)]
