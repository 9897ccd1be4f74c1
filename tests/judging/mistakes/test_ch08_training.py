"""Chapter 8: each catalogued mistake, written as a student would, scores 0 and gets its hint;
correct implementations that draw their random numbers in another order keep full marks.

The functions of chapters 5-7 that the exercises call (affine_forward,
softmax_cross_entropy, iterate_minibatches, adam_step, ...) are defined in the
graded namespace as the chapter's notebook defines them (see grading_helpers).
"""

import inspect
import sys

import pytest
from catalogue import (
    SALTS,
    assert_fails_only,
    assert_full_marks,
    assert_scores_zero_with_hint,
    uncatalogued,
    unchanged_case,
)
from grading_helpers import grade_source, max_points

from autograder.course import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from sync_exercises import exercise_source  # noqa: E402


def body(text):
    return inspect.cleandoc(text) + "\n"


MLP_LOSS_TEMPLATE = """
def mlp_loss(params, X, y, reg=0.0):
    h, caches = X, []
    for W, b in params[:-1]:
        z, affine_cache = affine_forward(h, W, b)
        h, relu_cache = relu_forward(z)
        caches.append((affine_cache, relu_cache))
    scores, last_cache = affine_forward(h, *params[-1])
    {SCORES}
    loss, dscores = softmax_cross_entropy(scores, y)
    loss += {LOSS_PENALTY}
    dh, dW, db = affine_backward(dscores, last_cache)
    W, b = params[-1]
    grads = [(dW + {DW_PENALTY}, db + {DB_PENALTY})]
    for (W, b), (affine_cache, relu_cache) in zip(reversed(params[:-1]), reversed(caches)):
        dh, dW, db = affine_backward(relu_backward(dh, relu_cache), affine_cache)
        grads.append((dW + {DW_PENALTY}, db + {DB_PENALTY}))
    return float(loss), grads[::-1]
"""


def mlp_loss_source(
    scores="pass",
    loss_penalty="reg * sum(np.sum(W ** 2) for W, _ in params)",
    dw_penalty="2 * reg * W",
    db_penalty="0.0",
):
    return body(
        MLP_LOSS_TEMPLATE.replace("{SCORES}", scores)
        .replace("{LOSS_PENALTY}", loss_penalty)
        .replace("{DW_PENALTY}", dw_penalty)
        .replace("{DB_PENALTY}", db_penalty)
    )


TRAIN_TEMPLATE = """
def train_mlp(params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):
    X = np.asarray(X, dtype=float)
    flat = {COPY}
    s1 = [np.zeros_like(p) for p in flat]
    s2 = [np.zeros_like(p) for p in flat]
    history, t = {"loss": [], "train_accuracy": []}, 0
    for _ in range(epochs):
        losses, sizes = [], []
        for idx in iterate_minibatches(len(X), batch_size, rng):
            loss, grads = mlp_loss(list(zip(flat[0::2], flat[1::2])), X[idx], y[idx], reg)
            losses.append(loss)
            sizes.append(len(idx))
            t += 1
            for i, g in enumerate(g for layer in grads for g in layer):
                if optimizer == "sgd":
                    {SGD}
                elif optimizer == "momentum":
                    flat[i], s1[i] = momentum_step(flat[i], g, s1[i], lr)
                elif optimizer == "nesterov":
                    flat[i], s1[i] = nesterov_step(flat[i], g, s1[i], lr)
                elif optimizer == "rmsprop":
                    flat[i], s1[i] = rmsprop_step(flat[i], g, s1[i], lr)
                else:
                    flat[i], s1[i], s2[i] = adam_step(flat[i], g, s1[i], s2[i], t, lr)
        trained = list(zip(flat[0::2], flat[1::2]))
        history["loss"].append({EPOCH_LOSS})
        history["train_accuracy"].append(float(np.mean(predict(trained, X) == y)))
    return list(zip(flat[0::2], flat[1::2])), history
"""


def train_source(
    copy="[np.array(p, dtype=float) for layer in params for p in layer]",
    sgd="flat[i] = sgd_step(flat[i], g, lr)",
    epoch_loss="float(np.dot(losses, sizes) / len(X))",
):
    return body(TRAIN_TEMPLATE.replace("{COPY}", copy).replace("{SGD}", sgd).replace("{EPOCH_LOSS}", epoch_loss))


# In-place updates of the caller's arrays: no copies, and `-=` / `[...] =` on them.
TRAIN_IN_PLACE = (
    train_source(
        copy="[p for layer in params for p in layer]",
        sgd="flat[i] -= lr * g",
    )
    .replace(
        "flat[i], s1[i] = momentum_step(flat[i], g, s1[i], lr)",
        "new, s1[i] = momentum_step(flat[i], g, s1[i], lr); flat[i][...] = new",
    )
    .replace(
        "flat[i], s1[i] = nesterov_step(flat[i], g, s1[i], lr)",
        "new, s1[i] = nesterov_step(flat[i], g, s1[i], lr); flat[i][...] = new",
    )
    .replace(
        "flat[i], s1[i] = rmsprop_step(flat[i], g, s1[i], lr)",
        "new, s1[i] = rmsprop_step(flat[i], g, s1[i], lr); flat[i][...] = new",
    )
    .replace(
        "flat[i], s1[i], s2[i] = adam_step(flat[i], g, s1[i], s2[i], t, lr)",
        "new, s1[i], s2[i] = adam_step(flat[i], g, s1[i], s2[i], t, lr); flat[i][...] = new",
    )
)

PREDICT_TEMPLATE = """
def predict(params, X):
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
        {HIDDEN}
    W, b = params[-1]
    scores = h @ W + b
    {SCORES}
    return np.argmax(scores, axis=1)
"""


def predict_source(hidden="pass", scores="pass"):
    return body(PREDICT_TEMPLATE.replace("{HIDDEN}", hidden).replace("{SCORES}", scores))


def init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))", bias="np.zeros(fan_out)"):
    return body(f"""
        def init_mlp(layer_sizes, rng):
            params = []
            for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                params.append(({draw}, {bias}))
            return params
    """)


def dropout_source(mask):
    return body(f"""
        def dropout_forward(X, p_drop, rng):
            X = np.asarray(X, dtype=float)
            mask = {mask}
            return X * mask, mask
    """)


MISTAKES = [
    # init_mlp
    (
        "init_mlp",
        init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_out), (fan_in, fan_out))"),
        "the variance is 2/fan_out",
    ),
    (
        "init_mlp",
        init_source(draw="rng.normal(0.0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))"),
        "the variance is 1/fan_in",
    ),
    (
        "init_mlp",
        init_source(draw="rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))"),
        "the variance is 2/(fan_in + fan_out)",
    ),
    (
        "init_mlp",
        init_source(draw="rng.normal(0.0, 2.0 / fan_in, (fan_in, fan_out))"),
        "the scale argument of rng.normal is the standard deviation",
    ),
    ("init_mlp", init_source(draw="rng.standard_normal((fan_in, fan_out))"), "the weights have variance 1"),
    (
        "init_mlp",
        init_source(draw="rng.uniform(-1, 1, (fan_in, fan_out)) * np.sqrt(2.0 / fan_in)"),
        "a uniform U(-a, a) has variance a²/3",
    ),
    (
        "init_mlp",
        init_source(bias="rng.normal(0.0, np.sqrt(2.0 / fan_in), fan_out)"),
        "He initialisation draws the weights only",
    ),
    ("init_mlp", init_source(bias="np.full(fan_out, 0.01)"), "He initialisation draws the weights only"),
    (
        "init_mlp",
        init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))"),
        "W has shape (fan_out, fan_in)",
    ),
    # mlp_loss
    (
        "mlp_loss",
        mlp_loss_source(
            loss_penalty="reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)", db_penalty="2 * reg * b"
        ),
        "L2 regularisation penalises the weights only",
    ),
    ("mlp_loss", mlp_loss_source(db_penalty="2 * reg * b"), "L2 regularisation penalises the weights only"),
    ("mlp_loss", mlp_loss_source(dw_penalty="0.0"), "the gradient of the penalty λ·ΣW² is missing"),
    ("mlp_loss", mlp_loss_source(dw_penalty="reg * W"), "the derivative of λ·W² is 2λW, not λW"),
    ("mlp_loss", mlp_loss_source(loss_penalty="0.0"), "the loss should include the penalty"),
    ("mlp_loss", mlp_loss_source(scores="scores = np.maximum(scores, 0.0)"), "no ReLU after the last layer"),
    # dropout_forward
    (
        "dropout_forward",
        dropout_source("(rng.random(X.shape) < p_drop) / (1 - p_drop)"),
        "p_drop is the probability of DROPPING a unit",
    ),
    (
        "dropout_forward",
        dropout_source("(rng.random(X.shape) >= p_drop).astype(float)"),
        "inverted dropout rescales during training",
    ),
    (
        "dropout_forward",
        dropout_source("(rng.random(X.shape) >= p_drop) * (1 - p_drop)"),
        "the kept units are divided by (1 − p_drop), not multiplied",
    ),
    (
        "dropout_forward",
        dropout_source("(rng.random(X.shape) >= p_drop) / p_drop"),
        "divide the kept units by the keep probability 1 − p_drop",
    ),
    # dropout_backward
    (
        "dropout_backward",
        "def dropout_backward(dout, mask):\n    return np.array(dout, dtype=float)\n",
        "the gradient must go through the same mask as the forward pass",
    ),
    (
        "dropout_backward",
        "def dropout_backward(dout, mask):\n    return dout * (mask != 0)\n",
        "kept units were scaled by 1/(1 − p_drop) on the way forward",
    ),
    (
        "init_mlp",
        init_source(draw="np.random.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))"),
        "draw every random number from the rng argument",
    ),
    (
        "init_mlp",
        init_source(draw="np.random.default_rng(0).normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))"),
        "the weights must come from the rng argument",
    ),
    # dropout_forward
    (
        "dropout_forward",
        dropout_source("(np.random.random(X.shape) >= p_drop) / (1 - p_drop)"),
        "draw every random number from the rng argument",
    ),
    (
        "dropout_forward",
        dropout_source("(np.random.default_rng(7).random(X.shape) >= p_drop) / (1 - p_drop)"),
        "the mask must come from the rng argument",
    ),
    # train_mlp
    (
        "train_mlp",
        train_source(epoch_loss="float(np.mean(losses))"),
        "the parameters are right but history['loss'] is not",
    ),
    (
        "train_mlp",
        train_source().replace(
            "for idx in iterate_minibatches(len(X), batch_size, rng):",
            "for idx in np.array_split(np.arange(len(X)), range(batch_size, len(X), batch_size)):",
        ),
        "shuffle anew in every epoch",
    ),
    (
        "train_mlp",
        train_source()
        .replace(
            "    for _ in range(epochs):\n",
            "    batches = iterate_minibatches(len(X), batch_size, rng)\n    for _ in range(epochs):\n",
        )
        .replace("for idx in iterate_minibatches(len(X), batch_size, rng):", "for idx in batches:"),
        "shuffle anew in every epoch",
    ),
    (
        "train_mlp",
        train_source().replace(
            "for idx in iterate_minibatches(len(X), batch_size, rng):",
            "for idx in iterate_minibatches(len(X), batch_size, rng)[:-1]:",
        ),
        "every epoch cuts ONE shuffled order of all N samples",
    ),
    # predict
    ("predict", predict_source(scores="scores = np.maximum(scores, 0.0)"), "no ReLU on the scores"),
    (
        "predict",
        predict_source(hidden="h = h * (np.random.default_rng(0).random(h.shape) >= 0.5) / 0.5"),
        "predict is the plain forward pass in test mode",
    ),
    ("predict", predict_source(hidden="h = h * 0.5"), "predict is the plain forward pass in test mode"),
    ("predict", predict_source().replace("axis=1", "axis=0"), "take the argmax over the classes, axis=1"),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint)


MLP_LOSS_INLINE = body("""
    def mlp_loss(params, X, y, reg=0.0):
        hs, zs = [np.asarray(X, dtype=float)], []
        for W, b in params[:-1]:
            zs.append(hs[-1] @ W + b)
            hs.append(np.maximum(zs[-1], 0.0))
        scores = hs[-1] @ params[-1][0] + params[-1][1]
        loss, d = softmax_cross_entropy(scores, y)
        grads = []
        for l in range(len(params) - 1, -1, -1):
            grads.append((hs[l].T @ d + 2 * reg * params[l][0], d.sum(axis=0)))
            if l > 0:
                d = (d @ params[l][0].T) * {MASK}
        loss += reg * sum(np.sum(W ** 2) for W, _ in params)
        return float(loss), grads[::-1]
""")
SEEDED_RUNS = (
    "sgd, 12 samples in minibatches of 5, 4-9-3, lr=0.2, 3 epochs, reg=0.1; twice with one seed, once with another"
)

EDGE_SLIPS = [
    # ReLU'(0) = 1 written inline: only the case with pre-activations exactly 0 shows it
    (
        "mlp_loss",
        MLP_LOSS_INLINE.replace("{MASK}", "(zs[l - 1] >= 0)"),
        "the mask is z > 0, not z >= 0",
        ["pre-activations exactly 0 (the kink), 5-7-6-4, N=9, reg=0.03"],
    ),
    # a valid shuffle from NumPy's global generator: only the case with two generators of one seed shows it
    (
        "train_mlp",
        train_source().replace(
            "for idx in iterate_minibatches(len(X), batch_size, rng):",
            "for idx in iterate_minibatches(len(X), batch_size, np.random.default_rng()):",
        ),
        "draw the shuffles from the rng argument",
        [SEEDED_RUNS],
    ),
    (
        "train_mlp",
        train_source().replace(
            "    for _ in range(epochs):\n", "    rng = np.random.default_rng(1)\n    for _ in range(epochs):\n"
        ),
        "the shuffles must come from the rng argument",
        [SEEDED_RUNS],
    ),
    # the right training, written into the caller's arrays
    ("train_mlp", TRAIN_IN_PLACE, "train_mlp changed the params it was given", [unchanged_case("train_mlp")]),
    (
        "dropout_backward",
        "def dropout_backward(dout, mask):\n    dout *= mask\n    return dout\n",
        "inputs are never modified",
        [unchanged_case("dropout_backward")],
    ),
]


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


# Correct implementations written differently, drawing random numbers in another order.
CORRECT = [
    (
        "init_mlp",
        body("""
        def init_mlp(layer_sizes, rng):
            pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
            weights = [rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in) for n_in, n_out in pairs[::-1]]
            return [(W, np.zeros(W.shape[1])) for W in weights[::-1]]
    """),
    ),
    (
        "init_mlp",
        body("""
        def init_mlp(layer_sizes, rng):
            params = []
            for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
                a = np.sqrt(6.0 / n_in)      # He's uniform variant: variance a²/3 = 2/n_in
                params.append((rng.uniform(-a, a, size=(n_in, n_out)), np.zeros(n_out)))
            return params
    """),
    ),
    (
        "dropout_forward",
        body("""
        def dropout_forward(X, p_drop, rng):
            keep = rng.binomial(1, 1.0 - p_drop, size=np.shape(X))
            mask = keep / (1.0 - p_drop)
            return np.asarray(X, dtype=float) * mask, mask
    """),
    ),
    (
        "dropout_forward",
        body("""
        def dropout_forward(X, p_drop, rng):
            mask = np.where(rng.uniform(size=np.shape(X)) < 1.0 - p_drop, 1.0 / (1.0 - p_drop), 0.0)
            out = np.array(X, dtype=float)
            out *= mask
            return out, mask
    """),
    ),
    # a valid shuffle of its own (argsort of uniforms) instead of iterate_minibatches
    (
        "train_mlp",
        train_source().replace(
            "for idx in iterate_minibatches(len(X), batch_size, rng):",
            "order = np.argsort(rng.random(len(X)))\n"
            "        for idx in [order[i:i + batch_size] "
            "for i in range(0, len(X), batch_size)]:",
        ),
    ),
    ("train_mlp", train_source(sgd="flat[i] = flat[i] - lr * g")),
    (
        "init_mlp",
        body("""
        def init_mlp(layer_sizes, rng):
            params = []
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                W = np.empty((n_in, n_out))
                for i in range(n_in):            # one row at a time
                    W[i] = rng.standard_normal(n_out) * (2.0 / n_in) ** 0.5
                params.append((W, np.zeros(n_out)))
            return params
    """),
    ),
    (
        "dropout_forward",
        body("""
        def dropout_forward(X, p_drop, rng):
            mask = (rng.random(np.shape(X)) >= p_drop) / (1.0 - p_drop)
            return X * mask, mask
    """),
    ),
    ("dropout_backward", "def dropout_backward(dout, mask):\n    return np.multiply(dout, mask)\n"),
    ("mlp_loss", MLP_LOSS_INLINE.replace("{MASK}", "(zs[l - 1] > 0)")),
    (
        "predict",
        predict_source().replace(
            "return np.argmax(scores, axis=1)", "return np.array([int(np.argmax(row)) for row in scores])"
        ),
    ),
    (
        "train_mlp",
        body("""
        def train_mlp(params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):
            layers = [[np.array(W, dtype=float), np.array(b, dtype=float)] for W, b in params]
            state = {}
            steps = {}
            history = {"loss": [], "train_accuracy": []}
            for epoch in range(epochs):
                order = np.arange(len(X))
                rng.shuffle(order)                      # another way to shuffle
                total = 0.0
                for start in range(0, len(X), batch_size):
                    idx = order[start:start + batch_size]
                    loss, grads = mlp_loss([tuple(layer) for layer in layers], X[idx], y[idx], reg)
                    total += loss * len(idx)
                    for l, layer_grads in enumerate(grads):
                        for k, g in enumerate(layer_grads):
                            key = (l, k)
                            steps[key] = steps.get(key, 0) + 1   # Adam's t, counted per array
                            w = layers[l][k]
                            if optimizer == "sgd":
                                layers[l][k] = sgd_step(w, g, lr)
                            elif optimizer in ("momentum", "nesterov", "rmsprop"):
                                step = {"momentum": momentum_step, "nesterov": nesterov_step,
                                        "rmsprop": rmsprop_step}[optimizer]
                                layers[l][k], state[key] = step(w, g, state.get(key, np.zeros_like(w)), lr)
                            else:
                                m, v = state.get(key, (np.zeros_like(w), np.zeros_like(w)))
                                layers[l][k], m, v = adam_step(w, g, m, v, steps[key], lr)
                                state[key] = (m, v)
                history["loss"].append(total / len(X))
                trained = [tuple(layer) for layer in layers]
                history["train_accuracy"].append(float(np.mean(predict(trained, X) == y)))
            return [tuple(layer) for layer in layers], history
    """),
    ),
    (
        "predict",
        body("""
        def predict(params, X):
            h = np.asarray(X, dtype=float)
            for i, (W, b) in enumerate(params):
                h = h @ W + b
                if i < len(params) - 1:
                    h = np.where(h > 0, h, 0.0)
            return h.argmax(axis=1)
    """),
    ),
]


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_code_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)


def test_the_reference_gets_full_marks():
    for name in ["init_mlp", "mlp_loss", "dropout_forward", "dropout_backward", "train_mlp", "predict"]:
        for score, report in grade_source(name, exercise_source(name), salts=SALTS):
            assert score == max_points(name), report


def test_float_labels_get_full_marks_and_a_note():
    for score, report in grade_source(
        "predict", predict_source().replace("axis=1)", "axis=1).astype(float)"), salts=SALTS
    ):
        assert score == max_points("predict"), report
        assert "Note (no points lost): your labels have the right values but are not integers" in report


# ---------------------------------------------------------------- a mistake costs marks once
#
# mlp_loss, predict and train_mlp build on the student's own functions: the chapter 5-7 ones
# pasted into the notebook, and this chapter's. A wrong part costs points in its own exercise
# only; the exercises built on it, written right, get full marks.

WRONG_EARLIER = [
    ("affine_forward", "def affine_forward(X, W, b):\n    return X @ W, (X, W)\n"),
    (
        "affine_backward",
        "def affine_backward(dout, cache):\n    X, W = cache\n    return dout @ W.T, X.T @ dout, dout.mean(axis=0)\n",
    ),
    ("relu_forward", "def relu_forward(Z):\n    out = np.maximum(Z, 0.0)\n    return out, out\n"),
    ("relu_backward", "def relu_backward(dout, cache):\n    return dout * (cache >= 0)\n"),
    (
        "softmax_cross_entropy",
        "def softmax_cross_entropy(scores, y):\n    P = softmax(scores)\n"
        "    return cross_entropy(scores, y), P - one_hot(y, P.shape[1])\n",
    ),
    ("sgd_step", "def sgd_step(w, grad, lr):\n    return w - grad\n"),
    (
        "momentum_step",
        "def momentum_step(w, grad, velocity, lr, gamma=0.9):\n"
        "    v = gamma * velocity + (1 - gamma) * grad\n    return w - lr * v, v\n",
    ),
    (
        "adam_step",
        "def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2\n"
        "    return w - lr * m / (np.sqrt(v) + eps), m, v\n",
    ),
    (
        "iterate_minibatches",
        "def iterate_minibatches(num_samples, batch_size, rng):\n"
        "    order = rng.permutation(num_samples)\n"
        "    return np.array_split(order, -(-num_samples // batch_size))\n",
    ),
]

WRONG_OWN = [
    ("mlp_loss", mlp_loss_source(dw_penalty="reg * W")),
    ("mlp_loss", MLP_LOSS_INLINE.replace("{MASK}", "(zs[l - 1] >= 0)")),
    ("predict", predict_source(scores="scores = np.maximum(scores, 0.0)")),
]


#: The exercises of this chapter that call each earlier function (directly).
CALLERS = {
    "affine_forward": ("mlp_loss", "predict"),
    "relu_forward": ("mlp_loss", "predict"),
    "affine_backward": ("mlp_loss",),
    "relu_backward": ("mlp_loss",),
    "softmax_cross_entropy": ("mlp_loss",),
    "sgd_step": ("train_mlp",),
    "momentum_step": ("train_mlp",),
    "adam_step": ("train_mlp",),
    "iterate_minibatches": ("train_mlp",),
}


@pytest.mark.parametrize("part, source", WRONG_EARLIER, ids=[f"{p[0]}-{i}" for i, p in enumerate(WRONG_EARLIER)])
def test_a_wrong_earlier_function_costs_nothing_in_this_chapter(part, source):
    for name in CALLERS[part]:
        assert_full_marks(name, None, others={part: source})


@pytest.mark.parametrize("part, source", WRONG_OWN, ids=[f"{p[0]}-{i}" for i, p in enumerate(WRONG_OWN)])
def test_a_wrong_part_costs_points_in_its_own_exercise_only(part, source):
    for score, report in grade_source(part, source, salts=SALTS):
        assert score < max_points(part), report
    assert_full_marks("train_mlp", None, others={part: source})


def test_every_hint_is_reached_by_a_catalogued_mistake():
    assert uncatalogued("ch08_training", MISTAKES + EDGE_SLIPS) == []
