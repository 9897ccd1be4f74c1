"""Figures of chapter 4 (XOR and backpropagation): the 2-2-1 network as a computation graph,
the chain rule along one of its paths, and the stalled training runs.

Only drawing code lives here: the numbers written on the graph and the curves drawn are
computed in the notebook and passed in.
"""

import matplotlib.pyplot as plt
import numpy as np

from coursekit import plots

__all__ = ["draw_xor_graph", "draw_chain_rule", "plot_stuck_runs"]

# Where each node of the graph sits (column, row), left to right in the order of the forward pass.
_NODES = {
    "x1": (0.0, 1.0), "x2": (0.0, 0.0), "one_in": (0.0, -1.0),
    "z1": (1.3, 0.75), "z2": (1.3, -0.25),
    "h1": (2.6, 0.75), "h2": (2.6, -0.25), "one_hidden": (2.6, -1.25),
    "s": (3.9, 0.25), "y": (5.2, 0.25), "E": (6.5, 0.25),
}
_LABELS = {
    "x1": "$x_1$", "x2": "$x_2$", "one_in": "1", "z1": "$z_1$", "z2": "$z_2$",
    "h1": "$h_1$", "h2": "$h_2$", "one_hidden": "1", "s": "$s$", "y": "$y$", "E": "$E$",
}
_EDGES = [
    ("x1", "z1", ""), ("x2", "z1", ""), ("one_in", "z1", ""),
    ("x1", "z2", ""), ("x2", "z2", ""), ("one_in", "z2", ""),
    ("z1", "h1", "σ"), ("z2", "h2", "σ"),
    ("h1", "s", "$u_1$"), ("h2", "s", "$u_2$"), ("one_hidden", "s", "$u_3$"),
    ("s", "y", "σ"), ("y", "E", ""),
]


def _draw_node(ax, name):
    """One node of the graph: a circle (a square for a constant 1) with its label."""
    x, y = _NODES[name]
    constant = name.startswith("one")
    ax.scatter([x], [y], s=520, marker="s" if constant else "o",
               color="white" if constant else plots.CLASS_COLORS[4 if name[0] in "xz" else 2],
               edgecolor="0.25", zorder=3)
    ax.text(x, y, _LABELS[name], ha="center", va="center", fontsize=10, zorder=4)


def draw_xor_graph(values, grads, W=None, U=None, target=None, ax=None):
    """Draw the 2-2-1 network as a computation graph with numbers on it.

    ``values`` maps node names (``x1 x2 z1 z2 h1 h2 s y E``) to the forward
    value written above the node; ``grads`` maps node names to the backward
    value ∂E/∂(node) written below it (in the second colour). With ``W``
    (2, 3) and ``U`` (3,) each hidden unit's row of weights is written under
    it and the output weights on their edges; ``target`` is shown under E.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.2, 3.6), layout="constrained")
    forward, backward = "0.1", plots.CLASS_COLORS[1]
    for start, end, label in _EDGES:
        (x0, y0), (x1, y1) = _NODES[start], _NODES[end]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.55", lw=0.9, shrinkA=13, shrinkB=13))
        text = label
        if U is not None and label.startswith("$u_"):
            text = f"{label} = {U[int(label[3]) - 1]:g}"
        if text:
            xm, ym = x0 + 0.62 * (x1 - x0), y0 + 0.62 * (y1 - y0)
            ax.text(xm, ym + 0.05, text, fontsize=7, color="0.35", ha="center", va="bottom",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    for name, (x, y) in _NODES.items():
        _draw_node(ax, name)
        if name in values:
            ax.text(x, y + 0.2, f"{values[name]:.4f}", ha="center", va="bottom", fontsize=8,
                    color=forward)
        if name in grads:
            ax.text(x, y - 0.2, f"{grads[name]:.4f}", ha="center", va="top", fontsize=8,
                    color=backward, fontweight="bold")
    if W is not None:
        for j, name in enumerate(("z1", "z2")):
            x, y = _NODES[name]
            row = ", ".join(f"{w:g}" for w in W[j])
            ax.text(x, y - 0.42, f"$w_{j + 1}$ = ({row})", ha="center", va="top", fontsize=7,
                    color="0.35")
    if target is not None:
        ax.text(_NODES["E"][0], _NODES["E"][1] - 0.55, f"target t = {target:g}", ha="center",
                va="top", fontsize=8, color="0.3")
    ax.text(-0.3, 1.55, "forward value (above a node)", fontsize=8, color=forward, ha="left")
    ax.text(2.6, 1.55, "∂E/∂(node), sent backward (below a node)", fontsize=8, color=backward,
            ha="left", fontweight="bold")
    ax.set_xlim(-0.45, 6.95)
    ax.set_ylim(-1.65, 1.75)
    ax.set_axis_off()
    return ax


#: The path of the chain rule from the weight w11 (the edge x1 → z1) to the loss, and the
#: local derivative written on each of its edges.
_CHAIN = [
    ("x1", "z1", r"$\partial z_1/\partial w_{11} = x_1$"),
    ("z1", "h1", r"$h_1(1-h_1)$"),
    ("h1", "s", r"$u_1$"),
    ("s", "y", r"$y(1-y)$"),
    ("y", "E", r"$y-t$"),
]


def draw_chain_rule(ax=None):
    """The 2-2-1 network's computation graph with the chain rule for w11 written on it.

    The path from the weight w11 to the loss is drawn in colour, every edge of
    it labelled with its local derivative; brackets below mark the products
    that are the output delta (from s to E) and unit 1's delta (from z1 to E).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.2, 3.4), layout="constrained")
    path_color = plots.CLASS_COLORS[1]
    on_path = {(start, end) for start, end, _ in _CHAIN}
    for start, end, _ in _EDGES:
        (x0, y0), (x1, y1) = _NODES[start], _NODES[end]
        highlighted = (start, end) in on_path
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=path_color if highlighted else "0.78",
                                    lw=2.0 if highlighted else 0.8, shrinkA=13, shrinkB=13))
    for start, end, label in _CHAIN:
        (x0, y0), (x1, y1) = _NODES[start], _NODES[end]
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        ax.text(xm, ym + 0.13, label, fontsize=8.5, color=path_color, ha="center", va="bottom",
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9))
    for name in _NODES:
        _draw_node(ax, name)
    spans = [  # (from node, to node, height, text): the products that are deltas
        ("s", "E", -0.6, r"output delta $\delta = \partial E/\partial s = (y-t)\,y(1-y)$"),
        ("z1", "E", -1.62, r"hidden delta $\delta_1 = \partial E/\partial z_1 = \delta\, u_1\, h_1(1-h_1)$"),
    ]
    for start, end, height, text in spans:
        x0, x1 = _NODES[start][0], _NODES[end][0]
        ax.plot([x0, x0, x1, x1], [height + 0.1, height, height, height + 0.1], color="0.35",
                lw=1)
        ax.text((x0 + x1) / 2, height - 0.06, text, ha="center", va="top", fontsize=8.5,
                color="0.2")
    ax.text(-0.3, 1.5, r"$\partial E/\partial w_{11}$ = the product of the local derivatives "
            "along the coloured path", fontsize=9, color=path_color, ha="left")
    ax.set_xlim(-0.45, 6.95)
    ax.set_ylim(-2.05, 1.7)
    ax.set_axis_off()
    return ax


def plot_stuck_runs(grad_sizes, weight_sizes, escaped, first_run, axes=None):
    """Gradient size and weight size of stalled training runs against the epoch (log scales).

    ``grad_sizes`` and ``weight_sizes`` have one row per epoch and one column per
    run; ``escaped`` marks the runs that left the stall within the epochs shown
    (drawn in the first colour, the others in the second); ``first_run`` is the
    number of epochs of the original run, marked by a dotted line.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.4, 3.4), layout="constrained")
    epochs = np.arange(1, len(grad_sizes) + 1)
    for values, ax in zip((grad_sizes, weight_sizes), axes):
        for run in np.flatnonzero(~escaped):
            ax.plot(epochs, values[:, run], color=plots.CLASS_COLORS[1], lw=0.6, alpha=0.5)
        for run in np.flatnonzero(escaped):
            ax.plot(epochs, values[:, run], color=plots.CLASS_COLORS[0], lw=1.2)
        ax.axvline(first_run, color="0.5", lw=0.9, ls=":")
        ax.set_xscale("log")
        ax.set_xlabel("epoch")
    stuck = grad_sizes[:, ~escaped]
    middle = np.median(stuck[first_run - 1])
    tail = epochs >= first_run // 4
    axes[0].plot(epochs[tail], middle * first_run / epochs[tail], "--", color="0.2", lw=1.1,
                 label="∝ 1 / epoch")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("size of the gradient ‖∇E‖")
    axes[0].legend(fontsize="small", loc="lower left")
    axes[1].set_ylabel("size of the weights ‖θ‖")
    axes[0].set_title("the gradient keeps shrinking", fontsize="medium")
    axes[1].set_title("the weights keep growing", fontsize="medium")
    return axes
