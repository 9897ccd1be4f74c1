"""Figures of chapter 2 (hidden layers): a diagram of a fully connected network.

Only drawing code lives here; it does not compute anything the exercises ask for.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["draw_network"]

_LAYER_COLORS = ("#56B4E9", "#E69F00", "#E69F00", "#E69F00", "#009E73")


def _layer_names(n_layers):
    if n_layers == 2:
        return ["input", "output"]
    hidden = ["hidden"] if n_layers == 3 else [f"hidden {i}" for i in range(1, n_layers - 1)]
    return ["input"] + hidden + ["output"]


def draw_network(layer_sizes, ax=None, show_bias=True, node_labels=None, title=None):
    """Draw a fully connected network as circles (units) joined by lines (weights).

    ``layer_sizes`` lists the units per layer, input first (e.g. ``[3, 4, 2]``).
    With ``show_bias`` each layer but the last gets an extra square node holding
    the constant 1, joined by dashed lines to every unit of the next layer: its
    weights are that layer's biases. ``node_labels`` optionally gives one list
    of strings per layer (math text such as ``"$x_1$"`` works).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
    sizes = [int(n) for n in layer_sizes]
    tallest = max(sizes) + (1 if show_bias else 0)
    positions = []
    for layer, n in enumerate(sizes):
        rows = n + (1 if show_bias and layer < len(sizes) - 1 else 0)
        top = (tallest - 1) / 2
        ys = top - (tallest - rows) / 2 - np.arange(rows)
        positions.append([(float(layer), float(y)) for y in ys])
    for layer in range(len(sizes) - 1):
        targets = positions[layer + 1][: sizes[layer + 1]]
        for i, (x0, y0) in enumerate(positions[layer]):
            is_bias = i >= sizes[layer]
            for x1, y1 in targets:
                ax.plot([x0, x1], [y0, y1], color="0.55" if is_bias else "0.35",
                        linestyle="--" if is_bias else "-", linewidth=0.6 if is_bias else 0.8, zorder=1)
    for layer, points in enumerate(positions):
        color = _LAYER_COLORS[0] if layer == 0 else (
            _LAYER_COLORS[-1] if layer == len(sizes) - 1 else _LAYER_COLORS[1])
        for i, (x, y) in enumerate(points):
            if i >= sizes[layer]:
                ax.scatter([x], [y], s=380, marker="s", color="white", edgecolor="0.3", zorder=2)
                ax.text(x, y, "1", ha="center", va="center", fontsize=9, zorder=3)
            else:
                ax.scatter([x], [y], s=420, color=color, edgecolor="0.2", zorder=2)
                if node_labels is not None:
                    ax.text(x, y, node_labels[layer][i], ha="center", va="center", fontsize=8, zorder=3)
        ax.text(layer, (tallest - 1) / 2 + 0.9, f"{_layer_names(len(sizes))[layer]}\n({sizes[layer]})",
                ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 0.7, (tallest - 1) / 2 + 2.0)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax
