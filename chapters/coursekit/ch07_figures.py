"""Figures of chapter 7 (SGD and its variants): loss landscapes and optimizer paths.

Only evaluation on grids and drawing code live here; nothing an exercise asks for.
"""

import numpy as np

from .plots import CLASS_COLORS

__all__ = ["quadratic_values", "rosenbrock_values", "draw_landscape", "draw_paths", "OPTIMIZER_STYLE"]

#: Colour and marker of each optimizer, the same in every figure of the chapter.
OPTIMIZER_STYLE = {
    "GD": (CLASS_COLORS[7], "o"),
    "momentum": (CLASS_COLORS[0], "s"),
    "Nesterov": (CLASS_COLORS[4], "D"),
    "RMSProp": (CLASS_COLORS[1], "^"),
    "Adam": (CLASS_COLORS[5], "v"),
}


def quadratic_values(A, c, points):
    """½ (w − c)ᵀ A (w − c) for every row w of ``points`` (any leading shape, last axis D)."""
    diff = np.asarray(points, dtype=float) - np.asarray(c, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", diff, np.asarray(A, dtype=float), diff)


def rosenbrock_values(points, a=1.0, b=100.0):
    """(a − x)² + b (y − x²)² for every point (x, y) along the last axis of ``points``."""
    points = np.asarray(points, dtype=float)
    x, y = points[..., 0], points[..., 1]
    return (a - x) ** 2 + b * (y - x ** 2) ** 2


def draw_landscape(ax, values, box, levels, minimum=None, resolution=110):
    """Contour lines of ``values`` (a function of an (..., 2) array) over ``box``.

    ``box`` is ``(x_min, x_max, y_min, y_max)``; ``levels`` are the loss values
    of the lines. A star marks ``minimum`` if given.
    """
    xs, ys = np.meshgrid(np.linspace(box[0], box[1], resolution), np.linspace(box[2], box[3], resolution))
    grid = values(np.stack([xs, ys], axis=-1))
    ax.contour(xs, ys, grid, levels=levels, colors="0.72", linewidths=0.7, zorder=0)
    if minimum is not None:
        ax.plot(*minimum, marker="*", color="k", ms=11, zorder=5, linestyle="none", label="minimum")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return ax


def draw_paths(ax, paths, every=1, lw=1.3):
    """Draw each ``(K, 2)`` path of the dict ``paths`` (name → points) in its optimizer's style.

    Names not in :data:`OPTIMIZER_STYLE` take the class colours in turn. A
    marker is drawn on every ``every``-th point; the start gets a white circle.
    """
    for i, (name, path) in enumerate(paths.items()):
        path = np.asarray(path)
        color, marker = OPTIMIZER_STYLE.get(name, (CLASS_COLORS[i % len(CLASS_COLORS)], "o"))
        ax.plot(path[:, 0], path[:, 1], color=color, lw=lw, marker=marker, ms=3.2, markevery=every,
                label=name, zorder=2)
        ax.plot(*path[0], marker="o", color="white", markeredgecolor="k", ms=6, zorder=4)
    return ax
