"""Chapter 5: each catalogued mistake, written as a student would, scores 0 and gets its hint;
correct answers in other styles (loops, einsum, np.where, in-place work on copies) get full marks."""

import pytest
from catalogue import assert_fails_only, assert_full_marks, assert_scores_zero_with_hint, unchanged_case

from autograder.judging.chapters import EXERCISES


def hint_of(name, fragment):
    """The full hint of exercise ``name`` that contains ``fragment`` (so a reworded hint fails loudly)."""
    hints = [hint for _, hint in EXERCISES[name].diagnoses if fragment in hint]
    assert len(set(hints)) == 1, f"{name}: {len(set(hints))} hints contain {fragment!r}"
    return hints[0]


MISTAKES = [
    # ------------------------------------------------------------ affine_forward
    ("affine_forward", "def affine_forward(X, W, b):\n    return X @ W, (X, W)\n", "add the bias"),
    ("affine_forward", "def affine_forward(X, W, b):\n    return (X @ W + b).T, (X, W)\n", "one row per sample"),
    ("affine_forward", "def affine_forward(X, W, b):\n    return X @ W + b\n", "return a pair"),
    (
        "affine_forward",
        "def affine_forward(X, W, b):\n    out = np.asarray(X, float) @ W + b\n    return out, out\n",
        "cache must be exactly the pair",
    ),
    (
        "affine_forward",
        "def affine_forward(X, W, b):\n    X = np.asarray(X, float)\n    return X @ W + b, (X, W, b)\n",
        "cache must be exactly the pair",
    ),
    # ------------------------------------------------------------ affine_backward
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return dout @ W.T, dout.T @ X, dout.sum(axis=0)\n",
        "dW must have W's shape",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return W @ dout.T, X.T @ dout, dout.sum(axis=0)\n",
        "dW must have W's shape",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    N = X.shape[0]\n"
        "    return dout @ W.T / N, X.T @ dout / N, dout.sum(axis=0) / N\n",
        "does not divide by N",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n"
        "    return dout @ W.T, X.T @ dout, np.mean(dout, axis=0)\n",
        "does not divide by N",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n"
        "    return dout @ W.T, X.T @ dout, np.sum(dout, axis=1)\n",
        "db must have b's shape",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n"
        "    return dout @ W.T, X.T @ dout, np.sum(dout, axis=0, keepdims=True)\n",
        "db must have b's shape",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return dout @ W.T, X.T @ dout, dout\n",
        "db must have b's shape",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return -dout @ W.T, -X.T @ dout, -dout.sum(axis=0)\n",
        "a sign is flipped",
    ),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return X.T @ dout, dout @ W.T, dout.sum(axis=0)\n",
        "in the order (dX, dW, db)",
    ),
    # ------------------------------------------------------------ relu_forward
    (
        "relu_forward",
        "def relu_forward(Z):\n    out = np.maximum(Z, 0.0)\n    return out, out\n",
        "cache must be Z itself",
    ),
    ("relu_forward", "def relu_forward(Z):\n    return np.maximum(Z, 0.0)\n", "return a pair"),
    ("relu_forward", "def relu_forward(Z):\n    return (Z > 0).astype(float), Z\n", "not the 0/1 mask"),
    ("relu_forward", "def relu_forward(Z):\n    return np.minimum(Z, 0.0), Z\n", "keep the positive part"),
    # ------------------------------------------------------------ relu_backward
    ("relu_backward", "def relu_backward(dout, cache):\n    return dout * (cache >= 0)\n", "ReLU'(0) = 0"),
    ("relu_backward", "def relu_backward(dout, cache):\n    return (cache > 0).astype(float)\n", "not the mask alone"),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    return np.maximum(dout, 0.0)\n",
        "not from the sign of dout",
    ),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    dZ = dout.copy()\n    dZ[dout < 0] = 0\n    return dZ\n",
        "not from the sign of dout",
    ),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    H = cache  # taken to be the output\n    return dout * (H != 0)\n",
        "would only work on the output",
    ),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    return dout * np.sign(cache)\n",
        "would only work on the output",
    ),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    return dout * np.maximum(cache, 0)\n",
        "not by the values of Z",
    ),
    ("relu_backward", "def relu_backward(dout, cache):\n    return -dout * (cache > 0)\n", "with no minus sign"),
    # ------------------------------------------------------------ squared_error_loss
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n    N = len(pred)\n"
        "    return np.sum(diff ** 2) / N, diff / N\n",
        "the derivative of (p − t)² is 2 (p − t)",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n"
        "    return np.mean(diff ** 2), 2 * diff / diff.size\n",
        "average over the N samples only",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n"
        "    return np.mean(diff ** 2), 2 * diff / len(diff)\n",
        "average over the N samples only",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n"
        "    return np.sum(diff ** 2) / len(diff), 2 * diff / diff.size\n",
        "you divided by N·K",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n    return np.sum(diff ** 2), 2 * diff\n",
        "divide by N: the loss is a mean",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n"
        "    return np.sum(diff ** 2) / len(diff), 2 * diff\n",
        "the gradient of a mean has the 1/N too",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n    N = len(diff)\n"
        "    return np.sum(diff ** 2) / N, 2 * diff / N / N\n",
        "you divided by N twice",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n    N = len(diff)\n"
        "    return 0.5 * np.sum(diff ** 2) / N, diff / N\n",
        "this chapter's loss has no ½",
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = target - pred\n    N = len(diff)\n"
        "    return np.sum(diff ** 2) / N, 2 * diff / N\n",
        "the sign is flipped",
    ),
    # ------------------------------------------------------------ two_layer_loss
    (
        "two_layer_loss",
        """def two_layer_loss(params, X, T):
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss, dpred = squared_error_loss(pred, T)
    dH, dW2, db2 = affine_backward(dpred, cache2)
    _, dW1, db1 = affine_backward(dH, cache1)          # the ReLU is skipped
    return loss, [(dW1, db1), (dW2, db2)]
""",
        "pass dH through relu_backward",
    ),
    (
        "two_layer_loss",
        """def two_layer_loss(params, X, T):
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss, dpred = squared_error_loss(pred, T)
    dH, dW2, db2 = affine_backward(dpred, cache2)
    _, dW1, db1 = affine_backward(relu_backward(dH, relu_cache), cache1)
    return loss, [(dW2, db2), (dW1, db1)]               # last layer first
""",
        "same order as params",
    ),
    (
        "two_layer_loss",
        """def two_layer_loss(params, X, T):
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss, dpred = squared_error_loss(pred, T)
    dH, dW2, db2 = affine_backward(dpred, cache2)
    _, dW1, db1 = affine_backward(relu_backward(dH, relu_cache), cache1)
    return loss, [(-dW1, -db1), (-dW2, -db2)]
""",
        "the gradients have the wrong sign",
    ),
    (
        "two_layer_loss",
        """def two_layer_loss(params, X, T):
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss = np.mean((pred - T) ** 2)                    # its own loss: a mean over all entries
    dpred = 2 * (pred - T) / pred.size
    dH, dW2, db2 = affine_backward(dpred, cache2)
    _, dW1, db1 = affine_backward(relu_backward(dH, relu_cache), cache1)
    return loss, [(dW1, db1), (dW2, db2)]
""",
        "off by a constant factor",
    ),
]


@pytest.mark.parametrize("name, source, fragment", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, fragment):
    assert_scores_zero_with_hint(name, source, hint_of(name, fragment))


TWO_LAYER_INLINE = """def two_layer_loss(params, X, T):
    (W1, b1), (W2, b2) = params
    Z, cache1 = affine_forward(X, W1, b1)
    H, relu_cache = relu_forward(Z)
    pred, cache2 = affine_forward(H, W2, b2)
    loss, dpred = squared_error_loss(pred, T)
    dH, dW2, db2 = affine_backward(dpred, cache2)
    dZ = dH * {mask}
    _, dW1, db1 = affine_backward(dZ, cache1)
    return loss, [(dW1, db1), (dW2, db2)]
"""

EDGE_SLIPS = [
    # the ReLU's mask written inline with >=: only the case with pre-activations exactly 0 shows it
    (
        "two_layer_loss",
        TWO_LAYER_INLINE.format(mask="(Z >= 0)"),
        "the mask is Z > 0, not Z >= 0",
        ["pre-activations exactly 0 (the kink): N=7, D=2, M=4, K=3"],
    ),
    # right values written into the caller's arrays: the case for that alone fails
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    dout[cache <= 0] = 0\n    return dout\n",
        "inputs are never modified",
        [unchanged_case("relu_backward")],
    ),
    (
        "relu_backward",
        "def relu_backward(dout, cache):\n    dout *= cache > 0\n    return dout\n",
        "inputs are never modified",
        [unchanged_case("relu_backward")],
    ),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    pred -= target\n    N = len(pred)\n"
        "    return float(np.sum(pred ** 2)) / N, 2 * pred / N\n",
        "inputs are never modified",
        [unchanged_case("squared_error_loss")],
    ),
]


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


def test_every_diagnosis_is_exercised():
    """The catalogue is the diagnoses: each one is matched by at least one mistake above."""
    for name in {m[0] for m in MISTAKES}:
        hints = {hint for _, hint in EXERCISES[name].diagnoses}
        used = {hint_of(name, fragment) for n, _, fragment in MISTAKES if n == name}
        assert hints == used, f"{name}: diagnoses without a mistake: {hints - used}"


# two_layer_loss composes the student's own modules: a wrong module costs points in its own
# exercise only, and two_layer_loss built on it right gets full marks.
WRONG_MODULES = [
    ("relu_backward", "def relu_backward(dout, cache):\n    return dout * (cache >= 0)\n"),
    ("relu_backward", "def relu_backward(dout, cache):\n    return dout * np.sign(cache)\n"),
    ("affine_forward", "def affine_forward(X, W, b):\n    return X @ W, (X, W)\n"),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    N = X.shape[0]\n"
        "    return dout @ W.T / N, X.T @ dout / N, dout.sum(axis=0) / N\n",
    ),
    ("relu_forward", "def relu_forward(Z):\n    out = np.maximum(Z, 0.0)\n    return out, out\n"),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    diff = pred - target\n"
        "    return np.mean(diff ** 2), 2 * diff / diff.size\n",
    ),
]


@pytest.mark.parametrize("module, source", WRONG_MODULES, ids=[f"{m[0]}-{i}" for i, m in enumerate(WRONG_MODULES)])
def test_a_wrong_module_costs_two_layer_loss_nothing(module, source):
    assert_full_marks("two_layer_loss", None, others={module: source})
    assert_full_marks("two_layer_loss", TWO_LAYER_INLINE.format(mask="(Z > 0)"), others={module: source})


CORRECT = [
    # integer-preserving: integer inputs give an integer out with the right values
    ("affine_forward", "def affine_forward(X, W, b):\n    return X @ W + b, (X, W)\n"),
    ("affine_forward", "def affine_forward(X, W, b):\n    return np.dot(X, W) + b, (X, W)\n"),
    ("relu_forward", "def relu_forward(Z):\n    return np.maximum(0, Z), Z\n"),
    ("relu_forward", "def relu_forward(Z):\n    return Z * (Z > 0), Z\n"),
    ("relu_backward", "def relu_backward(dout, cache):\n    return dout * (cache > 0)\n"),
    (
        "squared_error_loss",
        "def squared_error_loss(pred, target):\n    d = np.subtract(pred, target)\n"
        "    return np.einsum('nk,nk->', d, d) / len(d), 2 * d / len(d)\n",
    ),
    (
        "affine_forward",
        """def affine_forward(X, W, b):
    X = np.array(X, dtype=np.float64)
    out = np.einsum("nd,dm->nm", X, W)
    out += b
    return out, [X, np.array(W, dtype=float)]
""",
    ),
    (
        "affine_forward",
        """def affine_forward(X, W, b):
    N, M = len(X), len(b)
    out = np.zeros((N, M))
    for n in range(N):
        for m in range(M):
            out[n, m] = b[m] + sum(X[n][d] * W[d][m] for d in range(len(W)))
    return out, (X, W)
""",
    ),
    (
        "affine_backward",
        """def affine_backward(dout, cache):
    X, W = cache
    dX = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", X, dout)
    db = dout.T @ np.ones(len(dout))
    return dX, dW, db
""",
    ),
    (
        "affine_backward",
        """def affine_backward(dout, cache):
    X, W = cache
    dW = np.zeros(W.shape)
    db = np.zeros(W.shape[1])
    for n in range(len(X)):                 # one sample at a time: outer products
        dW += np.outer(X[n], dout[n])
        db += dout[n]
    return dout @ W.T, dW, db
""",
    ),
    (
        "relu_forward",
        """def relu_forward(Z):
    Z = np.array(Z, dtype=float)
    out = Z.copy()
    out[out < 0] = 0.0
    return out, Z
""",
    ),
    (
        "relu_forward",
        "def relu_forward(Z):\n    Z = np.asarray(Z, dtype=float)\n    return np.where(Z > 0, Z, 0.0), Z\n",
    ),
    (
        "relu_backward",
        """def relu_backward(dout, cache):
    dZ = np.array(dout, dtype=float)        # a copy: dout itself stays as it was
    dZ[cache <= 0] = 0.0
    return dZ
""",
    ),
    ("relu_backward", "def relu_backward(dout, cache):\n    return np.where(cache > 0, dout, 0.0)\n"),
    (
        "squared_error_loss",
        """def squared_error_loss(pred, target):
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    per_sample = ((pred - target) ** 2).sum(axis=1)
    return per_sample.mean(), 2 * (pred - target) / pred.shape[0]
""",
    ),
    (
        "squared_error_loss",
        """def squared_error_loss(pred, target):
    N, K = np.shape(pred)
    loss, dpred = 0.0, np.zeros((N, K))
    for n in range(N):
        for k in range(K):
            e = float(pred[n][k]) - float(target[n][k])
            loss += e * e / N
            dpred[n, k] = 2 * e / N
    return loss, dpred
""",
    ),
    (
        "two_layer_loss",
        """def two_layer_loss(params, X, T):
    grads, caches, h = [], [], X
    for i, (W, b) in enumerate(params):
        h, cache = affine_forward(h, W, b)
        caches.append(cache)
        if i < len(params) - 1:
            h, relu_cache = relu_forward(h)
            caches.append(relu_cache)
    loss, d = squared_error_loss(h, T)
    for i in reversed(range(len(params))):
        d, dW, db = affine_backward(d, caches.pop())
        grads.insert(0, (dW, db))
        if i > 0:
            d = relu_backward(d, caches.pop())
    return loss, grads
""",
    ),
]


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_answers_in_other_styles_get_full_marks(name, source):
    assert_full_marks(name, source)
