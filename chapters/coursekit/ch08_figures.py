"""Figures of chapter 8 (training on real digits): image grids, a confusion matrix, convolution.

Only drawing code lives here (and the small convolution the last figure
illustrates); it computes nothing the exercises ask for.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["show_images", "plot_confusion", "draw_dense_vs_conv"]


def show_images(images, shape, titles=None, ncols=8, cmap="gray_r", symmetric=False, size=1.1,
                title_size="small"):
    """A grid of images, one row of ``images`` (flattened pixels) per picture.

    ``shape`` is the picture's (height, width). With ``symmetric`` the colour
    scale of each picture is centred on 0 (for weights: red > 0, blue < 0).
    Returns the figure.
    """
    images = np.asarray(images, dtype=float)
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15), squeeze=False,
                             layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(images):
            ax.set_visible(False)
            continue
        picture = images[i].reshape(shape)
        if symmetric:
            limit = np.abs(picture).max() or 1.0
            ax.imshow(picture, cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow(picture, cmap=cmap, vmin=0.0, vmax=1.0)
        if titles is not None:
            ax.set_title(titles[i], fontsize=title_size, pad=2)
    return fig


def plot_confusion(counts, ax=None, title=None):
    """Draw a confusion matrix ``counts[true, predicted]`` with the count in every non-empty cell."""
    counts = np.asarray(counts)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2), layout="constrained")
    classes = np.arange(counts.shape[0])
    ax.imshow(np.log1p(counts), cmap="Blues")
    for t in classes:
        for p in classes:
            if counts[t, p]:
                ax.text(p, t, str(counts[t, p]), ha="center", va="center", fontsize=8,
                        color="white" if t == p else "black")
    ax.set_xticks(classes)
    ax.set_yticks(classes)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    if title:
        ax.set_title(title)
    return ax


def _correlate_valid(image, kernel):
    """The 'valid' cross-correlation of a 2-D image with a small kernel (what a conv layer computes)."""
    kh, kw = kernel.shape
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijkl,kl->ij", windows, kernel)


def draw_dense_vs_conv(image, unit_weights, kernel):
    """Three panels: a fully connected unit's 28×28 weights, a 3×3 filter, and the filter's feature map.

    ``image`` is one 28×28 picture (flattened), ``unit_weights`` the 784
    incoming weights of one hidden unit, ``kernel`` a small 2-D filter. The
    feature map is the filter applied at every position of the image (the
    same weights everywhere), followed by a ReLU. Returns the figure.
    """
    picture = np.asarray(image, dtype=float).reshape(28, 28)
    weights = np.asarray(unit_weights, dtype=float).reshape(28, 28)
    feature_map = np.maximum(_correlate_valid(picture, kernel), 0.0)
    fig, axes = plt.subplots(1, 4, figsize=(10.4, 2.9), layout="constrained",
                             gridspec_kw={"width_ratios": [1, 1, 0.55, 1]})
    limit = np.abs(weights).max()
    axes[0].imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0].set_title(f"dense unit: {weights.size} weights,\none per pixel", fontsize="small")
    axes[1].imshow(picture, cmap="gray_r")
    top, left = 9, 12
    kh, kw = kernel.shape
    axes[1].add_patch(plt.Rectangle((left - 0.5, top - 0.5), kw, kh, fill=False, edgecolor="#D55E00", lw=2))
    axes[1].set_title("input image with one\n3×3 window", fontsize="small")
    k_limit = np.abs(kernel).max()
    axes[2].imshow(kernel, cmap="RdBu_r", vmin=-k_limit, vmax=k_limit)
    for (i, j), value in np.ndenumerate(kernel):
        axes[2].text(j, i, f"{value:g}", ha="center", va="center", fontsize=9,
                     color="white" if abs(value) > 0.5 * k_limit else "black")
    axes[2].set_title(f"filter: {kernel.size} weights,\nshared", fontsize="small")
    axes[3].imshow(feature_map, cmap="gray_r")
    axes[3].add_patch(plt.Rectangle((left - 0.5, top - 0.5), 1, 1, fill=False, edgecolor="#D55E00", lw=2))
    axes[3].set_title(f"feature map ({feature_map.shape[0]}×{feature_map.shape[1]}):\n"
                      "the filter at every position", fontsize="small")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
