"""Chapter 8: a partly correct submission.

- ``init_mlp`` draws with the variance 2/fan_out: the layers of the five cases all
  have fan_in ≠ fan_out by a wide margin, so every case fails (2 points lost);
- ``dropout_forward`` keeps a unit with probability p_drop instead of 1 − p_drop:
  every case has p_drop far from 1/2, so every case fails (3 points lost);
- ``train_mlp`` averages the minibatch losses without weighting them by size: it
  fails every case, all of which have a short last minibatch (4 points lost);
- ``mlp_loss`` handles the first layer on its own but forgets the network without
  hidden layers: it raises on that one case of seven (4 × 1/7 = 0.57 points lost);
- the ``affine_forward`` pasted from chapter 5 forgets the bias: that is chapter 5's
  mistake, and chapter 8 costs nothing for it. ``mlp_loss`` (which calls it) and
  ``train_mlp`` (which calls ``mlp_loss``) are graded on how they use the student's
  own functions, so they lose nothing more.
"""

import sys

from autograder.course import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from sync_exercises import earlier_functions, earlier_source  # noqa: E402

#: The chapter 5-7 functions as a diligent student pastes them, then a wrong affine_forward.
PASTED = earlier_source(earlier_functions("ch08_training")) + (
    "\n\n\n# pasted from my chapter 5 notebook, where I forgot the bias\n"
    "def affine_forward(X, W, b):\n"
    "    return X @ W, (X, W)\n"
)

WRONG = {
    "earlier_functions": PASTED,
    "init_mlp": (
        "def init_mlp(layer_sizes, rng):\n"
        "    return [(rng.normal(0.0, np.sqrt(2.0 / n_out), (n_in, n_out)), np.zeros(n_out))\n"
        "            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]\n"
    ),
    "dropout_forward": (
        "def dropout_forward(X, p_drop, rng):\n"
        "    mask = (rng.random(np.shape(X)) < p_drop) / (1.0 - p_drop)\n"
        "    return np.asarray(X, dtype=float) * mask, mask\n"
    ),
    "mlp_loss": (
        "def mlp_loss(params, X, y, reg=0.0):\n"
        "    h, caches = X, []\n"
        "    for W, b in params[:-1]:\n"
        "        z, affine_cache = affine_forward(h, W, b)\n"
        "        h, relu_cache = relu_forward(z)\n"
        "        caches.append((affine_cache, relu_cache))\n"
        "    scores, last_cache = affine_forward(h, *params[-1])\n"
        "    loss, dscores = softmax_cross_entropy(scores, y)\n"
        "    dh, dW, db = affine_backward(dscores, last_cache)\n"
        "    grads = [(dW, db)]\n"
        "    for affine_cache, relu_cache in reversed(caches[1:]):\n"
        "        dh, dW, db = affine_backward(relu_backward(dh, relu_cache), affine_cache)\n"
        "        grads.append((dW, db))\n"
        "    (X0, _), relu_cache = caches[0]\n"
        "    dz = relu_backward(dh, relu_cache)\n"
        "    grads.append((X0.T @ dz, dz.sum(axis=0)))\n"
        "    grads = grads[::-1]\n"
        "    loss += reg * sum(np.sum(W ** 2) for W, _ in params)\n"
        "    return float(loss), [(dW + 2 * reg * W, db) for (dW, db), (W, _) in zip(grads, params)]\n"
    ),
    "train_mlp": (
        "def train_mlp(params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):\n"
        "    steps = {'sgd': sgd_step, 'momentum': momentum_step, 'nesterov': nesterov_step,\n"
        "             'rmsprop': rmsprop_step}\n"
        "    flat = [np.array(p, dtype=float) for layer in params for p in layer]\n"
        "    m = [np.zeros_like(p) for p in flat]\n"
        "    v = [np.zeros_like(p) for p in flat]\n"
        "    history, t = {'loss': [], 'train_accuracy': []}, 0\n"
        "    for _ in range(epochs):\n"
        "        losses = []\n"
        "        for idx in iterate_minibatches(len(X), batch_size, rng):\n"
        "            layers = list(zip(flat[0::2], flat[1::2]))\n"
        "            loss, grads = mlp_loss(layers, X[idx], y[idx], reg)\n"
        "            losses.append(loss)\n"
        "            t += 1\n"
        "            for i, g in enumerate(g for layer in grads for g in layer):\n"
        "                if optimizer == 'sgd':\n"
        "                    flat[i] = sgd_step(flat[i], g, lr)\n"
        "                elif optimizer == 'adam':\n"
        "                    flat[i], m[i], v[i] = adam_step(flat[i], g, m[i], v[i], t, lr)\n"
        "                else:\n"
        "                    flat[i], m[i] = steps[optimizer](flat[i], g, m[i], lr)\n"
        "        layers = list(zip(flat[0::2], flat[1::2]))\n"
        "        history['loss'].append(float(np.mean(losses)))\n"
        "        history['train_accuracy'].append(float(np.mean(predict(layers, X) == y)))\n"
        "    return list(zip(flat[0::2], flat[1::2])), history\n"
    ),
}
LOST = {"init_mlp": 2.0, "dropout_forward": 3.0, "train_mlp": 4.0, "mlp_loss": 0.57}
