"""Chapter 8: each catalogued mistake, written as a student would, scores 0 and gets its hint;
correct implementations that draw their random numbers in another order keep full marks.

The functions of chapters 5-7 that the exercises call (affine_forward,
softmax_cross_entropy, iterate_minibatches, adam_step, ...) are defined in the
graded namespace as the chapter's notebook defines them (see grading_helpers).
"""

import inspect
import sys

import pytest

from autograder.course import ROOT
from catalogue import assert_full_marks, assert_scores_zero_with_hint, uncatalogued
from grading_helpers import grade_source, max_points

sys.path.insert(0, str(ROOT / "tools"))
from sync_exercises import exercise_source  # noqa: E402


def body(text):
    return inspect.cleandoc(text) + "\n"


MLP_LOSS_TEMPLATE = '''
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
'''


def mlp_loss_source(scores="pass", loss_penalty="reg * sum(np.sum(W ** 2) for W, _ in params)",
                    dw_penalty="2 * reg * W", db_penalty="0.0"):
    return body(MLP_LOSS_TEMPLATE.replace("{SCORES}", scores).replace("{LOSS_PENALTY}", loss_penalty)
                .replace("{DW_PENALTY}", dw_penalty).replace("{DB_PENALTY}", db_penalty))


TRAIN_TEMPLATE = '''
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
'''


def train_source(copy="[np.array(p, dtype=float) for layer in params for p in layer]",
                 sgd="flat[i] = sgd_step(flat[i], g, lr)",
                 epoch_loss="float(np.dot(losses, sizes) / len(X))"):
    return body(TRAIN_TEMPLATE.replace("{COPY}", copy).replace("{SGD}", sgd).replace("{EPOCH_LOSS}", epoch_loss))


# In-place updates of the caller's arrays: no copies, and `-=` / `[...] =` on them.
TRAIN_IN_PLACE = train_source(
    copy="[p for layer in params for p in layer]",
    sgd="flat[i] -= lr * g",
).replace(
    "flat[i], s1[i] = momentum_step(flat[i], g, s1[i], lr)",
    "new, s1[i] = momentum_step(flat[i], g, s1[i], lr); flat[i][...] = new",
).replace(
    "flat[i], s1[i] = nesterov_step(flat[i], g, s1[i], lr)",
    "new, s1[i] = nesterov_step(flat[i], g, s1[i], lr); flat[i][...] = new",
).replace(
    "flat[i], s1[i] = rmsprop_step(flat[i], g, s1[i], lr)",
    "new, s1[i] = rmsprop_step(flat[i], g, s1[i], lr); flat[i][...] = new",
).replace(
    "flat[i], s1[i], s2[i] = adam_step(flat[i], g, s1[i], s2[i], t, lr)",
    "new, s1[i], s2[i] = adam_step(flat[i], g, s1[i], s2[i], t, lr); flat[i][...] = new",
)

PREDICT_TEMPLATE = '''
def predict(params, X):
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
        {HIDDEN}
    W, b = params[-1]
    scores = h @ W + b
    {SCORES}
    return np.argmax(scores, axis=1)
'''


def predict_source(hidden="pass", scores="pass"):
    return body(PREDICT_TEMPLATE.replace("{HIDDEN}", hidden).replace("{SCORES}", scores))


def init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))", bias="np.zeros(fan_out)"):
    return body(f'''
        def init_mlp(layer_sizes, rng):
            params = []
            for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                params.append(({draw}, {bias}))
            return params
    ''')


def dropout_source(mask):
    return body(f'''
        def dropout_forward(X, p_drop, rng):
            X = np.asarray(X, dtype=float)
            mask = {mask}
            return X * mask, mask
    ''')


MISTAKES = [
    # init_mlp
    ("init_mlp", init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_out), (fan_in, fan_out))"),
     "the variance is 2/fan_out"),
    ("init_mlp", init_source(draw="rng.normal(0.0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))"),
     "the variance is 1/fan_in"),
    ("init_mlp", init_source(draw="rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))"),
     "the variance is 2/(fan_in + fan_out)"),
    ("init_mlp", init_source(draw="rng.normal(0.0, 2.0 / fan_in, (fan_in, fan_out))"),
     "the scale argument of rng.normal is the standard deviation"),
    ("init_mlp", init_source(draw="rng.standard_normal((fan_in, fan_out))"),
     "the weights have variance 1"),
    ("init_mlp", init_source(draw="rng.uniform(-1, 1, (fan_in, fan_out)) * np.sqrt(2.0 / fan_in)"),
     "a uniform U(-a, a) has variance a²/3"),
    ("init_mlp", init_source(bias="rng.normal(0.0, np.sqrt(2.0 / fan_in), fan_out)"),
     "He initialisation draws the weights only"),
    ("init_mlp", init_source(bias="np.full(fan_out, 0.01)"),
     "He initialisation draws the weights only"),
    ("init_mlp", init_source(draw="rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))"),
     "W has shape (fan_out, fan_in)"),
    # mlp_loss
    ("mlp_loss", mlp_loss_source(loss_penalty="reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)",
                                 db_penalty="2 * reg * b"),
     "L2 regularisation penalises the weights only"),
    ("mlp_loss", mlp_loss_source(db_penalty="2 * reg * b"), "L2 regularisation penalises the weights only"),
    ("mlp_loss", mlp_loss_source(dw_penalty="0.0"), "the gradient of the penalty λ·ΣW² is missing"),
    ("mlp_loss", mlp_loss_source(dw_penalty="reg * W"), "the derivative of λ·W² is 2λW, not λW"),
    ("mlp_loss", mlp_loss_source(loss_penalty="0.0"), "the loss should include the penalty"),
    ("mlp_loss", mlp_loss_source(scores="scores = np.maximum(scores, 0.0)"), "no ReLU after the last layer"),
    # dropout_forward
    ("dropout_forward", dropout_source("(rng.random(X.shape) < p_drop) / (1 - p_drop)"),
     "p_drop is the probability of DROPPING a unit"),
    ("dropout_forward", dropout_source("(rng.random(X.shape) >= p_drop).astype(float)"),
     "inverted dropout rescales during training"),
    ("dropout_forward", dropout_source("(rng.random(X.shape) >= p_drop) * (1 - p_drop)"),
     "the kept units are divided by (1 − p_drop), not multiplied"),
    ("dropout_forward", dropout_source("(rng.random(X.shape) >= p_drop) / p_drop"),
     "divide the kept units by the keep probability 1 − p_drop"),
    # dropout_backward
    ("dropout_backward", "def dropout_backward(dout, mask):\n    return np.array(dout, dtype=float)\n",
     "the gradient must go through the same mask as the forward pass"),
    ("dropout_backward", "def dropout_backward(dout, mask):\n    return dout * (mask != 0)\n",
     "kept units were scaled by 1/(1 − p_drop) on the way forward"),
    # train_mlp
    ("train_mlp", TRAIN_IN_PLACE, "train_mlp changed the params it was given"),
    ("train_mlp", train_source(epoch_loss="float(np.mean(losses))"),
     "the parameters are right but history['loss'] is not"),
    # predict
    ("predict", predict_source(scores="scores = np.maximum(scores, 0.0)"), "no ReLU on the scores"),
    ("predict", predict_source(hidden="h = h * (np.random.default_rng(0).random(h.shape) >= 0.5) / 0.5"),
     "predict is the plain forward pass in test mode"),
    ("predict", predict_source(hidden="h = h * 0.5"), "predict is the plain forward pass in test mode"),
    ("predict", predict_source().replace("axis=1", "axis=0"), "take the argmax over the classes, axis=1"),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint)


# Correct implementations written differently, drawing random numbers in another order.
CORRECT = [
    ("init_mlp", body('''
        def init_mlp(layer_sizes, rng):
            pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
            weights = [rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in) for n_in, n_out in pairs[::-1]]
            return [(W, np.zeros(W.shape[1])) for W in weights[::-1]]
    ''')),
    ("init_mlp", body('''
        def init_mlp(layer_sizes, rng):
            params = []
            for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
                a = np.sqrt(6.0 / n_in)      # He's uniform variant: variance a²/3 = 2/n_in
                params.append((rng.uniform(-a, a, size=(n_in, n_out)), np.zeros(n_out)))
            return params
    ''')),
    ("dropout_forward", body('''
        def dropout_forward(X, p_drop, rng):
            keep = rng.binomial(1, 1.0 - p_drop, size=np.shape(X))
            mask = keep / (1.0 - p_drop)
            return np.asarray(X, dtype=float) * mask, mask
    ''')),
    ("dropout_forward", body('''
        def dropout_forward(X, p_drop, rng):
            mask = np.where(rng.uniform(size=np.shape(X)) < 1.0 - p_drop, 1.0 / (1.0 - p_drop), 0.0)
            out = np.array(X, dtype=float)
            out *= mask
            return out, mask
    ''')),
    ("train_mlp", body('''
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
    ''')),
    ("predict", body('''
        def predict(params, X):
            h = np.asarray(X, dtype=float)
            for i, (W, b) in enumerate(params):
                h = h @ W + b
                if i < len(params) - 1:
                    h = np.where(h > 0, h, 0.0)
            return h.argmax(axis=1)
    ''')),
]


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_code_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)


def test_the_reference_gets_full_marks():
    for name in ["init_mlp", "mlp_loss", "dropout_forward", "dropout_backward", "train_mlp", "predict"]:
        score, report = grade_source(name, exercise_source(name))
        assert score == max_points(name), report


def test_every_hint_is_reached_by_a_catalogued_mistake():
    assert uncatalogued("ch08_training", MISTAKES) == []
