"""Figures for chapter 1 (linear classifiers) that are not part of the lesson's code.

Everything here is plain NumPy and Matplotlib: no exercise is solved in this file.
"""

import numpy as np

from coursekit import plots

__all__ = ["best_line_accuracy", "plot_xor_lines", "plot_best_line_accuracy"]


def best_line_accuracy(X, y, angles):
    """Best accuracy a straight line can reach on 2-D points, for each normal direction.

    For the angle ``a`` the line's normal is ``u = (cos a, sin a)``; every
    threshold ``c`` on the projections ``X @ u`` and both labellings
    ("1 above the line" or "1 below") are tried, and the best fraction of
    correctly labelled points is kept. Returns an array shaped like ``angles``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    best = []
    for angle in np.atleast_1d(angles):
        proj = X @ np.array([np.cos(angle), np.sin(angle)])
        values = np.unique(proj)
        # Thresholds below all points, between neighbours and above all points.
        cuts = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2, [values[-1] + 1.0]])
        above = proj[None, :] > cuts[:, None]          # (number of cuts, N)
        right = np.mean(above == (y[None, :] == 1), axis=1)
        best.append(max(right.max(), (1.0 - right).max()))
    return np.array(best)


def plot_xor_lines(X, y, lines, ax=None):
    """Scatter the XOR corners and draw lines ``w1 x1 + w2 x2 + b = 0``.

    ``lines`` is a list of ``(w1, w2, b)``; each line is labelled with how
    many points the rule "class 1 where w1 x1 + w2 x2 + b > 0" gets right.
    """
    ax = plots.scatter_classes(X, y, ax=ax)
    for points in ax.collections:  # four points only: draw them large
        points.set_sizes([70])
    xs = np.linspace(-0.5, 1.5, 2)
    styles = ("-", "--", ":")
    for k, (w1, w2, b) in enumerate(lines):
        correct = int(np.sum(((X @ np.array([w1, w2]) + b) > 0) == (y == 1)))
        label = f"{correct} of {len(y)} right"
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + b) / w2, color="0.25", linestyle=styles[k % 3], label=label)
        else:
            ax.axvline(-b / w1, color="0.25", linestyle=styles[k % 3], label=label)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_aspect("equal")
    # Below the axes, so that no corner is hidden behind it.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize="x-small", frameon=False)
    return ax


def plot_best_line_accuracy(curves, ax=None):
    """Plot ``best_line_accuracy`` against the angle, one curve per data set.

    ``curves`` maps a label to ``(angles, accuracies)``.
    """
    ax = ax if ax is not None else plots.new_axes()
    for label, (angles, acc) in curves.items():
        ax.plot(np.degrees(angles), acc, label=label)
    ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=":")
    ax.set_xlabel("direction of the line's normal (degrees)")
    ax.set_ylabel("best accuracy of any line")
    ax.set_ylim(0.45, 1.05)
    ax.legend(fontsize="small", loc="upper right", bbox_to_anchor=(1.0, 0.9))
    return ax
