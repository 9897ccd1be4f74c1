"""Figures of chapter 4 (XOR and backpropagation): the 2-2-1 network as a computation graph.

Only drawing code lives here: the numbers written on the graph are computed in
the notebook and passed in.
"""

import matplotlib.pyplot as plt

from coursekit import plots

__all__ = ["draw_xor_graph"]

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
        constant = name.startswith("one")
        ax.scatter([x], [y], s=520, marker="s" if constant else "o",
                   color="white" if constant else plots.CLASS_COLORS[4 if name[0] in "xz" else 2],
                   edgecolor="0.25", zorder=3)
        ax.text(x, y, _LABELS[name], ha="center", va="center", fontsize=10, zorder=4)
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
