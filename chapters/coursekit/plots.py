"""Plotting helpers shared by every chapter.

They draw on a Matplotlib ``Axes`` you pass in (or a new one) and return it, so
a notebook cell can combine several of them in one figure.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["CLASS_COLORS", "new_axes", "scatter_classes", "plot_decision_regions", "plot_curve"]

#: One colour per class label, colour-blind safe (Okabe–Ito palette).
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def new_axes(ncols=1, width=4.2, height=3.6):
    """A row of ``ncols`` axes; returns one ``Axes`` or an array of them."""
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False, layout="constrained")
    return axes[0, 0] if ncols == 1 else axes[0]


def scatter_classes(X, y, ax=None, title=None):
    """Scatter 2-D points ``X (N, 2)`` with one colour and marker per label in ``y (N,)``."""
    ax = ax if ax is not None else new_axes()
    for k in np.unique(y):
        points = X[y == k]
        ax.scatter(points[:, 0], points[:, 1], s=18, color=CLASS_COLORS[k % 8], marker=_MARKERS[k % 8],
                   edgecolor="white", linewidth=0.4, label=f"class {k}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    return ax


def plot_decision_regions(predict, X, y, ax=None, title=None, resolution=200, margin=0.5):
    """Shade the plane by the label ``predict`` gives, then scatter the data on top.

    ``predict`` maps an ``(M, 2)`` array of points to ``(M,)`` integer labels.
    """
    ax = ax if ax is not None else new_axes()
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    labels = np.asarray(predict(grid)).reshape(g1.shape)
    n_classes = int(max(labels.max(), y.max())) + 1
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(CLASS_COLORS[:n_classes])
    ax.contourf(g1, g2, labels, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.25)
    ax.contour(g1, g2, labels, levels=np.arange(n_classes) + 0.5, colors="0.3", linewidths=0.8)
    scatter_classes(X, y, ax=ax, title=title)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return ax


def plot_curve(values, ax=None, xlabel="step", ylabel="loss", label=None, logy=False, title=None):
    """A line plot of a sequence of numbers, e.g. losses over training steps."""
    ax = ax if ax is not None else new_axes()
    ax.plot(np.arange(len(values)), values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if label:
        ax.legend(fontsize="small")
    return ax
