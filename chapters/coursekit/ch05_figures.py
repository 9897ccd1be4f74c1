"""Figures of chapter 5 (backpropagation as modules): the two passes through a network
of modules, the shapes of the affine layer's gradients, gradients checked along random
directions, and the ReLU's backward pass as a gate.

Only drawing code lives here; it does not compute anything the exercises ask for.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .plots import CLASS_COLORS

__all__ = ["draw_module_graph", "draw_gradient_shapes", "plot_slopes", "draw_relu_gate"]

_FORWARD, _BACKWARD, _CACHE = CLASS_COLORS[0], CLASS_COLORS[5], "0.45"


def _arrow(ax, start, end, color, text=None, offset=(0.0, 0.0), **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color,
                                 linewidth=1.4, shrinkA=0, shrinkB=0, **kw))
    if text:
        x = (start[0] + end[0]) / 2 + offset[0]
        y = (start[1] + end[1]) / 2 + offset[1]
        ax.text(x, y, text, ha="center", va="center", fontsize=8.5, color=color)


def draw_module_graph(ax=None):
    """The chapter's network as four modules, with the forward pass (top, left to right),
    the backward pass (bottom, right to left) and the cache each module keeps in between."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9.4, 3.4), layout="constrained")
    modules = [  # (x centre, name, parameters above, cache, gradients below)
        (1.85, "affine", "$W_1$, $b_1$", "cache: (X, $W_1$)", "$dW_1$, $db_1$"),
        (4.35, "ReLU", None, "cache: Z", None),
        (6.85, "affine", "$W_2$, $b_2$", "cache: (H, $W_2$)", "$dW_2$, $db_2$"),
        (9.75, "squared_\nerror_loss", "T", None, None),
    ]
    half_w, half_h, y_fwd, y_bwd = 0.78, 0.62, 0.34, -0.34
    for x, name, above, cache, below in modules:
        ax.add_patch(FancyBboxPatch((x - half_w, -half_h), 2 * half_w, 2 * half_h,
                                    boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor="0.96", edgecolor="0.3", linewidth=1.0))
        ax.text(x, 0.16 if cache else 0.0, name, ha="center", va="center", fontsize=9.5,
                family="monospace")
        if cache:
            ax.text(x, -0.2, cache, ha="center", va="center", fontsize=7.5, color=_CACHE,
                    style="italic")
        if above:
            _arrow(ax, (x, half_h + 0.5), (x, half_h), "0.3")
            ax.text(x, half_h + 0.6, above, ha="center", va="bottom", fontsize=9)
        if below:
            _arrow(ax, (x, -half_h), (x, -half_h - 0.5), _BACKWARD)
            ax.text(x, -half_h - 0.6, below, ha="center", va="top", fontsize=9, color=_BACKWARD)
    forward = ["X (N, D)", "Z (N, M)", "H (N, M)", "pred (N, K)", "L"]
    backward = ["dX (unused)", "dZ (N, M)", "dH (N, M)", "dpred (N, K)", "1"]
    edges = [0.0] + [x for x, *_ in modules] + [11.4]
    for i in range(5):
        left = edges[i] + (half_w if i > 0 else 0.0)
        right = edges[i + 1] - (half_w if i < 4 else 0.0)
        _arrow(ax, (left, y_fwd), (right, y_fwd), _FORWARD, forward[i], offset=(0.0, 0.2))
        _arrow(ax, (right, y_bwd), (left, y_bwd), _BACKWARD, backward[i], offset=(0.0, -0.2))
    ax.text(0.0, 1.55, "forward: out, cache = layer_forward(inputs, params)", color=_FORWARD,
            fontsize=9, ha="left")
    ax.text(0.0, -1.75, "backward: grads = layer_backward(dout, cache)", color=_BACKWARD,
            fontsize=9, ha="left")
    ax.set_xlim(-0.2, 11.5)
    ax.set_ylim(-2.0, 1.85)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _matrix(ax, x, y_top, rows, cols, label, color, unit, shape=None):
    ax.add_patch(Rectangle((x, y_top - rows * unit), cols * unit, rows * unit, facecolor=color,
                           edgecolor="0.25", linewidth=1.0, alpha=0.85))
    ax.text(x + cols * unit / 2, y_top + 0.15, label, ha="center", va="bottom", fontsize=9)
    ax.text(x + cols * unit / 2, y_top - rows * unit - 0.15, shape or f"({rows}, {cols})", ha="center",
            va="top", fontsize=8.5, color="0.3")
    return x + cols * unit


def draw_gradient_shapes(N, D, M, axes=None):
    """The three products of the affine layer's backward pass drawn as rectangles to scale:
    dW = Xᵀ·dout, dX = dout·Wᵀ and db = 1ᵀ·dout (a sum over the N rows)."""
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(9.4, 2.6), layout="constrained")
    unit = 0.32
    panels = [
        ("$dW = X^\\top\\,\\mathrm{dout}$", [("$X^\\top$", D, N, "#F0E442"),
                                               ("dout", N, M, "#E69F00")], ("dW", D, M)),
        ("$dX = \\mathrm{dout}\\,W^\\top$", [("dout", N, M, "#E69F00"),
                                               ("$W^\\top$", M, D, "#56B4E9")], ("dX", N, D)),
        ("$db = \\mathbf{1}^\\top\\,\\mathrm{dout}$ (sum of the rows)",
         [("$\\mathbf{1}^\\top$", 1, N, "0.85"), ("dout", N, M, "#E69F00")], ("db", 1, M)),
    ]
    for ax, (title, factors, (name, rows, cols)) in zip(axes, panels):
        x, top = 0.0, 0.0
        for i, (label, r, c, color) in enumerate(factors):
            x = _matrix(ax, x, top, r, c, label, color, unit) + 0.35
            ax.text(x - 0.175, top - r * unit / 2 if i == 0 else top - 0.5, "·" if i == 0 else "=",
                    ha="center", va="center", fontsize=14)
        shape = f"({cols},)" if name == "db" else None  # b and db are 1-D
        _matrix(ax, x + 0.1, top, rows, cols, name, "#009E73", unit, shape)
        ax.set_title(title, fontsize=9.5)
        ax.set_xlim(-0.3, x + cols * unit + 0.4)
        ax.set_ylim(-max(N, D, M) * unit - 0.6, 0.7)
        ax.set_aspect("equal")
        ax.set_axis_off()
    return axes


def plot_slopes(groups, ax=None):
    """Measured against predicted slopes along random directions, one colour per candidate gradient.

    ``groups`` maps a label to a pair ``(measured, predicted)`` of equal-length
    arrays: the slope of the loss along each direction by central differences,
    and the slope a candidate gradient predicts. A correct gradient puts its
    points on the diagonal, drawn in grey.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.4, 3.8), layout="constrained")
    markers = "os^D"
    values = np.concatenate([np.concatenate(pair) for pair in groups.values()])
    lo, hi = values.min(), values.max()
    pad = 0.06 * (hi - lo)
    ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.7", lw=1, zorder=0,
            label="predicted = measured")
    for i, (label, (measured, predicted)) in enumerate(groups.items()):
        ax.scatter(measured, predicted, s=22, marker=markers[i % 4], color=CLASS_COLORS[i],
                   label=label, zorder=2)
    ax.set_xlabel("slope along V, measured by central differences")
    ax.set_ylabel("slope along V that the gradient predicts")
    ax.set_aspect("equal")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def draw_relu_gate(Z, dout, dZ, axes=None):
    """The ReLU's backward pass on a small array: Z, the mask [Z > 0], dout and dZ as grids of
    numbers, the entries the gate blocks greyed out in dout and dZ."""
    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(9.6, 2.5), layout="constrained")
    mask = (np.asarray(Z) > 0)
    panels = [("cache Z", Z, None), ("mask [Z > 0]", mask.astype(float), None),
              ("dout (from above)", dout, mask), ("dZ = dout ⊙ [Z > 0]", dZ, mask)]
    rows, cols = np.shape(Z)
    for ax, (title, values, keep) in zip(axes, panels):
        for (r, c), value in np.ndenumerate(values):
            blocked = keep is not None and not keep[r, c]
            shade = "0.88" if blocked else ("#E8F1F8" if title.startswith("cache") else "white")
            if title.startswith("mask"):
                shade = CLASS_COLORS[2] if value else "0.88"
            ax.add_patch(Rectangle((c, rows - 1 - r), 1, 1, facecolor=shade, edgecolor="0.55",
                                   linewidth=0.8))
            text = f"{value + 0.0:g}"  # no "-0"
            ax.text(c + 0.5, rows - 0.5 - r, text, ha="center", va="center", fontsize=9,
                    color="0.55" if blocked else "0.1")
        ax.set_title(title, fontsize=9.5, family="monospace" if "=" in title else None)
        ax.set_xlim(-0.05, cols + 0.05)
        ax.set_ylim(-0.05, rows + 0.05)
        ax.set_aspect("equal")
        ax.set_axis_off()
    return axes
