"""Hidden tests for chapter 8, training a network: init, loss, dropout, training loop, predict.

Randomness is graded by its properties wherever a valid implementation may
draw its random numbers in another order: ``init_mlp`` by the shapes, the zero
biases and the mean and variance of every weight matrix (statistically, six
standard errors wide); ``dropout_forward`` by the keep rate, the two values of
the mask and ``out = X ⊙ mask``; ``train_mlp`` only where the order of the
minibatches cannot change the result (identical samples, or a learning rate so
small that the epoch's loss is the loss at the start).
"""

import numpy as np

import solutions as ref
from autograder.harness import Case, Exercise
from coursekit import functions
from coursekit.probing import Rng

#: How many standard errors a statistic of a correct random draw may be off.
Z_LIMIT = 6.0


# ---------------------------------------------------------------- shared helpers


def _layers(rng, sizes, bias_scale=0.5):
    """He-scaled random layers with non-zero biases (so a penalty on b shows)."""
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), bias_scale * rng.standard_normal(n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _pairs(got):
    """``got`` as a list of (W, b) float arrays, or ``None`` if it is not shaped like params."""
    if not isinstance(got, (list, tuple)):
        return None
    layers = []
    for layer in got:
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            return None
        try:
            layers.append(tuple(np.asarray(a, dtype=float) for a in layer))
        except (TypeError, ValueError):
            return None
    return layers


def _close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _all_close(got_pairs, want_pairs, rtol=1e-6, atol=1e-9):
    return (got_pairs is not None and len(got_pairs) == len(want_pairs)
            and all(_close(g, w, rtol, atol) for gp, wp in zip(got_pairs, want_pairs) for g, w in zip(gp, wp)))


# ---------------------------------------------------------------- init_mlp


def _init_case(sizes, seed):
    return lambda rng: (list(sizes), Rng(seed))


def _check_init(got, args, expected):
    """Shapes, float64, zero biases, and W ~ N(0, 2 / fan_in) in distribution (per layer)."""
    sizes = args[0]
    layers = _pairs(got)
    if layers is None:
        return f"should return a list of (W, b) pairs, one per layer, but returned {type(got).__name__}"
    if len(layers) != len(sizes) - 1:
        return f"should return {len(sizes) - 1} (W, b) layers for layer_sizes {sizes}, got {len(layers)}"
    for number, ((W_got, b_got), (W, b), fan_in, fan_out) in enumerate(
            zip(got, layers, sizes[:-1], sizes[1:]), start=1):
        if W.shape != (fan_in, fan_out):
            return f"W{number} has shape {W.shape}, expected ({fan_in}, {fan_out}) = (fan_in, fan_out)"
        if b.shape != (fan_out,):
            return f"b{number} has shape {b.shape}, expected ({fan_out},)"
        if np.asarray(W_got).dtype != np.float64 or np.asarray(b_got).dtype != np.float64:
            return f"W{number} and b{number} should be float64 arrays"
        if np.any(b != 0):
            return f"b{number} should be all zeros (He initialisation draws only the weights)"
        if not np.all(np.isfinite(W)):
            return f"W{number} contains NaN or inf"
        n, variance = W.size, 2.0 / fan_in
        mean_z = W.mean() / np.sqrt(variance / n)
        var_z = (W.var() / variance - 1.0) / np.sqrt(2.0 / n)
        if abs(mean_z) > Z_LIMIT or abs(var_z) > Z_LIMIT:
            return (f"W{number} ({fan_in}×{fan_out}) has mean {W.mean():.4g} and variance {W.var():.4g}; "
                    f"He initialisation gives mean 0 and variance 2/fan_in = {variance:.4g} "
                    f"(a random draw is within ±{Z_LIMIT * np.sqrt(2.0 / n) * variance:.2g} of it)")
    return None


def _variance_ratio_is(target):
    """Predicate: every weight matrix has about the variance ``target(fan_in, fan_out)``."""

    def predicate(got, expected, args):
        sizes, layers = args[0], _pairs(got)
        if layers is None or len(layers) != len(sizes) - 1:
            return False
        for (W, _), fan_in, fan_out in zip(layers, sizes[:-1], sizes[1:]):
            if W.shape != (fan_in, fan_out):
                return False
            if abs(W.var() / target(fan_in, fan_out) - 1.0) > Z_LIMIT * np.sqrt(2.0 / W.size):
                return False
        return True

    return predicate


def _nonzero_biases(got, expected, args):
    layers = _pairs(got)
    return layers is not None and any(np.any(b != 0) for _, b in layers)


def _uniform_wrong_range(got, expected, args):
    """Entries look uniform (kurtosis near 1.8, not 3) and the variance is not 2/fan_in."""
    layers = _pairs(got)
    if layers is None or not layers:
        return False
    W, fan_in = layers[0][0], args[0][0]
    centred = W - W.mean()
    kurtosis = np.mean(centred ** 4) / np.mean(centred ** 2) ** 2
    return abs(kurtosis - 1.8) < 0.3 and abs(W.var() / (2.0 / fan_in) - 1.0) > 0.1


def _transposed_shapes(got, expected, args):
    layers, sizes = _pairs(got), args[0]
    return layers is not None and len(layers) == len(sizes) - 1 and all(
        W.shape == (fan_out, fan_in) for (W, _), fan_in, fan_out in zip(layers, sizes[:-1], sizes[1:]))


INIT_DIAGNOSES = [
    (_transposed_shapes, "W has shape (fan_out, fan_in); this course uses X @ W, so W is (fan_in, fan_out)"),
    (_nonzero_biases, "He initialisation draws the weights only: start every bias at 0 (np.zeros(fan_out))"),
    (_variance_ratio_is(lambda fan_in, fan_out: 2.0 / fan_out),
     "the variance is 2/fan_out: He initialisation divides by fan_in, the number of inputs each unit sums "
     "(W has shape (fan_in, fan_out), so fan_in = W.shape[0])"),
    (_variance_ratio_is(lambda fan_in, fan_out: 1.0 / fan_in),
     "the variance is 1/fan_in (LeCun's choice, fine for tanh); a ReLU zeroes half of its inputs, so He "
     "doubles it: standard deviation sqrt(2 / fan_in)"),
    (_variance_ratio_is(lambda fan_in, fan_out: 2.0 / (fan_in + fan_out)),
     "the variance is 2/(fan_in + fan_out) (Glorot/Xavier); for ReLU layers use He's 2/fan_in"),
    (_variance_ratio_is(lambda fan_in, fan_out: (2.0 / fan_in) ** 2),
     "the scale argument of rng.normal is the standard deviation: use np.sqrt(2 / fan_in), not 2 / fan_in"),
    (_variance_ratio_is(lambda fan_in, fan_out: 1.0),
     "the weights have variance 1 (plain standard normals): scale them by sqrt(2 / fan_in)"),
    (_uniform_wrong_range,
     "a uniform U(-a, a) has variance a²/3; to get 2/fan_in, a = sqrt(6 / fan_in), or draw from "
     "rng.normal(0, np.sqrt(2 / fan_in), size)"),
]


# ---------------------------------------------------------------- mlp_loss


def _loss_case(n, sizes, reg, integer_inputs=False):
    def make(rng):
        params = _layers(rng, sizes)
        if integer_inputs:
            X = rng.integers(-3, 4, (n, sizes[0]))
        else:
            X = rng.standard_normal((n, sizes[0]))
        y = rng.permutation(np.arange(n) % sizes[-1])
        return params, X, y, reg

    return make


def _penalty(params):
    return sum(float(np.sum(W * W)) for W, _ in params)


def _mlp_loss_and_grads(got):
    """``(loss, [(dW, db), ...])`` as floats/arrays, or ``None``."""
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        return None
    try:
        loss = float(got[0])
    except (TypeError, ValueError):
        return None
    grads = _pairs(got[1])
    return None if grads is None else (loss, grads)


def _loss_variant(relu_on_scores=False):
    """Our own forward pass and loss, with the usual slip switched on."""

    def loss(params, X, y):
        h = np.asarray(X, dtype=float)
        for W, b in params[:-1]:
            h = np.maximum(h @ W + b, 0.0)
        scores = h @ params[-1][0] + params[-1][1]
        if relu_on_scores:
            scores = np.maximum(scores, 0.0)
        return ref.cross_entropy(scores, y)

    return loss


def _biases_regularised(got, expected, args):
    params, _, _, reg = args
    result = _mlp_loss_and_grads(got)
    if result is None:
        return False
    loss, grads = result
    bias_penalty = reg * sum(float(np.sum(b * b)) for _, b in params)
    in_loss = np.isclose(loss, expected[0] + bias_penalty, rtol=1e-6)
    in_grads = len(grads) == len(params) and all(
        _close(db, db_want + 2 * reg * b) for (_, db), (_, db_want), (_, b) in zip(grads, expected[1], params))
    return in_loss or in_grads


def _weight_grad_penalty_is(factor):
    """Predicate: every dW equals the reference's minus (2 − factor)·λ·W."""

    def predicate(got, expected, args):
        params, _, _, reg = args
        result = _mlp_loss_and_grads(got)
        if result is None or len(result[1]) != len(params):
            return False
        return all(_close(dW, dW_want - (2.0 - factor) * reg * W)
                   for (dW, _), (dW_want, _), (W, _) in zip(result[1], expected[1], params))

    return predicate


def _penalty_missing_from_loss(got, expected, args):
    params, _, _, reg = args
    result = _mlp_loss_and_grads(got)
    return result is not None and np.isclose(result[0], expected[0] - reg * _penalty(params), rtol=1e-6)


def _relu_on_scores(got, expected, args):
    params, X, y, reg = args
    result = _mlp_loss_and_grads(got)
    want = _loss_variant(relu_on_scores=True)(params, X, y) + reg * _penalty(params)
    return result is not None and np.isclose(result[0], want, rtol=1e-6)


MLP_LOSS_DIAGNOSES = [
    (_biases_regularised, "L2 regularisation penalises the weights only: no λ·Σb² in the loss and no 2λb in db"),
    (_weight_grad_penalty_is(0.0), "the gradient of the penalty λ·ΣW² is missing: add 2λW to every dW"),
    (_weight_grad_penalty_is(1.0), "the derivative of λ·W² is 2λW, not λW"),
    (_penalty_missing_from_loss, "the loss should include the penalty λ·Σₗ ΣWₗ² (the gradients already do)"),
    (_relu_on_scores, "no ReLU after the last layer: the scores go straight into softmax cross-entropy"),
]


# ---------------------------------------------------------------- dropout


def _dropout_case(shape, p_drop, seed, integer_inputs=False):
    def make(rng):
        X = rng.integers(-5, 6, shape) if integer_inputs else rng.standard_normal(shape)
        return X, p_drop, Rng(seed)

    return make


def _out_and_mask(got, shape):
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        return None
    out, mask = (np.asarray(a) for a in got)
    if out.shape != shape or mask.shape != shape:
        return None
    return out.astype(float), mask.astype(float)


def _keep_rate_limit(p_drop, n):
    return Z_LIMIT * np.sqrt(p_drop * (1.0 - p_drop) / n)


def _check_dropout(got, args, expected):
    X, p_drop, _ = args
    X = np.asarray(X, dtype=float)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        return f"should return a tuple (out, mask) but returned {type(got).__name__}"
    out, mask = got
    for name, value in (("out", out), ("mask", mask)):
        if not isinstance(value, np.ndarray) or value.shape != X.shape:
            return f"{name} should be an array of shape {X.shape} (like X) but is {type(value).__name__} " \
                   f"of shape {np.shape(value)}"
        if value.dtype != np.float64:
            return f"{name} should hold float64 numbers but has dtype {value.dtype}"
    scale = 1.0 / (1.0 - p_drop)
    kept = np.isclose(mask, scale, rtol=1e-9, atol=0.0)
    if not np.all(kept | (mask == 0)):
        values = np.unique(mask)[:4]
        return (f"mask should hold only 0 (dropped) and 1/(1 − p_drop) = {scale:.6g} (kept), "
                f"but holds other values, e.g. {', '.join(f'{v:.6g}' for v in values)}")
    if not np.allclose(out, X * mask, rtol=1e-9, atol=1e-12):
        return "out should be X * mask, entry by entry"
    rate, limit = kept.mean(), _keep_rate_limit(p_drop, X.size)
    if abs(rate - (1.0 - p_drop)) > limit:
        return (f"keeps {rate:.1%} of the units; with p_drop = {p_drop} it should keep about "
                f"{1 - p_drop:.0%} (between {1 - p_drop - limit:.1%} and {1 - p_drop + limit:.1%} "
                f"for {X.size} units)")
    flat_rows = kept.reshape(kept.shape[0], -1)
    if len(flat_rows) > 1 and np.all(flat_rows == flat_rows[0]):
        return "every sample gets the same mask: draw one random number per entry of X"
    return None


def _keeps_with_p(got, expected, args):
    X, p_drop, _ = args
    result = _out_and_mask(got, np.shape(X))
    return result is not None and abs(np.mean(result[1] != 0) - p_drop) <= _keep_rate_limit(p_drop, np.size(X))


def _mask_values_are(value):
    def predicate(got, expected, args):
        X, p_drop, _ = args
        result = _out_and_mask(got, np.shape(X))
        if result is None:
            return False
        mask = result[1]
        nonzero = mask[mask != 0]
        return nonzero.size > 0 and np.allclose(nonzero, value(p_drop), rtol=1e-9)

    return predicate


DROPOUT_DIAGNOSES = [
    (_keeps_with_p, "p_drop is the probability of DROPPING a unit: keep it where u ≥ p_drop "
                    "(probability 1 − p_drop), not where u < p_drop"),
    (_mask_values_are(lambda p: 1.0),
     "inverted dropout rescales during training: divide the kept units by (1 − p_drop), so the mask is "
     "0 or 1/(1 − p_drop) and nothing needs rescaling at test time"),
    (_mask_values_are(lambda p: 1.0 - p),
     "the kept units are divided by (1 − p_drop), not multiplied: E[out] must stay X"),
    (_mask_values_are(lambda p: 1.0 / p),
     "divide the kept units by the keep probability 1 − p_drop, not by p_drop"),
]


def _mask_case(shape, p_drop):
    def make(rng):
        mask = (rng.random(shape) >= p_drop) / (1.0 - p_drop)
        mask.flat[0], mask.flat[-1] = 0.0, 1.0 / (1.0 - p_drop)  # both kinds, always
        return rng.standard_normal(shape), mask

    return make


def _backward_ignores_mask(got, expected, args):
    dout, _ = args
    return _close(got, dout)


def _backward_unscaled(got, expected, args):
    dout, mask = args
    return _close(got, dout * (mask != 0))


DROPOUT_BACKWARD_DIAGNOSES = [
    (_backward_ignores_mask, "the gradient must go through the same mask as the forward pass: dX = dout * mask "
                             "(dropped units get no gradient)"),
    (_backward_unscaled, "kept units were scaled by 1/(1 − p_drop) on the way forward, so their gradient is "
                         "scaled too: multiply by the mask itself, not by mask != 0"),
]


# ---------------------------------------------------------------- predict


def _predict_case(n, sizes, integer_inputs=False):
    """Scores of about ±2 around a class-dependent offset, all below zero (a ReLU on them would
    show), with several classes predicted (the labels are not all the same)."""

    def make(rng):
        params = _layers(rng, sizes)
        X = rng.integers(-2, 3, (n, sizes[0])) if integer_inputs else rng.standard_normal((n, sizes[0]))
        hidden = _own_scores(params[:-1] + [(np.eye(sizes[-2]), np.zeros(sizes[-2]))], X)
        W = rng.standard_normal((sizes[-2], sizes[-1]))
        W *= 2.0 / max(np.std(hidden @ W), 1e-12)
        b = -np.max(hidden @ W) - 1.0 - 2.0 * rng.random(sizes[-1])
        params[-1] = (W, b)
        return params, X

    return make


def _own_scores(params, X):
    h = np.asarray(X, dtype=float)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    return h @ params[-1][0] + params[-1][1]


def _relu_on_predicted_scores(got, expected, args):
    params, X = args
    return _close(got, np.argmax(np.maximum(_own_scores(params, X), 0.0), axis=1))


def _argmax_over_samples(got, expected, args):
    params, X = args
    return np.shape(got) == (params[-1][0].shape[1],)


def _other_labels(got, expected, args):
    return np.shape(got) == np.shape(expected) and not np.array_equal(got, expected)


PREDICT_DIAGNOSES = [
    (_relu_on_predicted_scores, "no ReLU on the scores: with every score of a sample negative, max(0, scores) "
                                "is all zeros and argmax returns 0"),
    (_argmax_over_samples, "take the argmax over the classes, axis=1, one label per sample"),
    (_other_labels, "predict is the plain forward pass in test mode: ReLU after every hidden layer, no dropout "
                    "and no rescaling, no ReLU on the scores, then the argmax over the classes"),
]


# ---------------------------------------------------------------- train_mlp


def _identical_samples_case(n, batch_size, sizes, optimizer, lr, reg, epochs, seed):
    """n copies of one sample: every minibatch has the same gradient, so the shuffle cannot matter."""

    def make(rng):
        params = ref.init_mlp(sizes, rng)
        x = rng.standard_normal(sizes[0])
        label = int(rng.integers(1, sizes[-1]))
        X, y = np.tile(x, (n, 1)), np.full(n, label)
        settings = dict(epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer, reg=reg,
                        rng=Rng(seed))
        return params, X, y, settings

    return make


def _tiny_step_case(n, batch_size, sizes, optimizer, reg, epochs, seed):
    """Distinct samples, shuffled, but a learning rate so small that the parameters hardly move:
    whatever the order of the minibatches, each epoch's loss is the mean loss at the start."""

    def make(rng):
        params = ref.init_mlp(sizes, rng)
        centres = 2.0 * rng.standard_normal((sizes[-1], sizes[0]))
        y = rng.permutation(np.arange(n) % sizes[-1])
        X = centres[y] + rng.standard_normal((n, sizes[0]))
        settings = dict(epochs=epochs, batch_size=batch_size, lr=1e-9, optimizer=optimizer, reg=reg,
                        rng=Rng(seed))
        return params, X, y, settings

    return make


def _trained(got):
    """``(params, history)`` from a train_mlp result, or ``None``."""
    if not isinstance(got, (list, tuple)) or len(got) != 2 or not isinstance(got[1], dict):
        return None
    params = _pairs(got[0])
    return None if params is None else (params, got[1])


def _check_tiny_steps(got, args, expected):
    """Parameters within 1e-7 of the reference's, history as at the start (any minibatch order)."""
    result = _trained(got)
    if result is None:
        return "should return (params, history): a list of (W, b) pairs and a dict"
    params, history = result
    want_params, want_history = expected
    if len(params) != len(want_params) or not all(
            g.shape == w.shape for gp, wp in zip(params, want_params) for g, w in zip(gp, wp)):
        return "the trained params should have the structure and shapes of the initial params"
    if not _all_close(params, want_params, rtol=0.0, atol=1e-7):
        return "with lr = 1e-9 the parameters should hardly move (by less than 1e-7), but they did"
    for key in ("loss", "train_accuracy"):
        if key not in history:
            return f"history has no key {key!r}"
        got_values = np.asarray(history[key], dtype=float)
        if got_values.shape != (len(want_history[key]),):
            return f"history[{key!r}] should hold one number per epoch ({len(want_history[key])})"
        if not np.allclose(got_values, want_history[key], rtol=1e-6, atol=1e-9):
            return (f"history[{key!r}] is {np.round(got_values, 6).tolist()}, expected "
                    f"{np.round(want_history[key], 6).tolist()} (with steps this small, each epoch's loss "
                    f"is the mean loss over all samples at the start, whatever the minibatch order)")
    return None


def _right_params(got, expected):
    result = _trained(got)
    return result is not None and _all_close(result[0], expected[0], rtol=1e-6, atol=1e-7)


def _right_history(got, expected, key):
    result = _trained(got)
    if result is None or key not in result[1]:
        return False
    return _close(result[1][key], expected[1][key], rtol=1e-6, atol=1e-9)


def _modified_params(got, expected, args):
    """The result is right: what failed is the check that the inputs are left as they were."""
    return _right_params(got, expected) and _right_history(got, expected, "loss") \
        and _right_history(got, expected, "train_accuracy")


def _loss_history_only(got, expected, args):
    return _right_params(got, expected) and not _right_history(got, expected, "loss")


TRAIN_DIAGNOSES = [
    (_modified_params, "train_mlp changed the params it was given: copy every W and b first "
                       "(np.array(W, dtype=float)) and update the copies; an in-place update such as "
                       "W -= lr * dW changes the caller's network"),
    (_loss_history_only, "the parameters are right but history['loss'] is not: an epoch's loss is the mean "
                         "over its samples, Σ loss_b · len(batch_b) / N (a plain mean of the batch losses "
                         "gives a short last batch too much weight), with the penalty as mlp_loss returns it"),
]


# ---------------------------------------------------------------- exercises


EXERCISES = [
    Exercise(
        name="init_mlp",
        reference=ref.init_mlp,
        points=2,
        cases=[
            Case("layer sizes [120, 60, 30, 7]", _init_case([120, 60, 30, 7], 11), check=_check_init),
            Case("layer sizes [50, 150, 10]", _init_case([50, 150, 10], 12), check=_check_init),
            Case("layer sizes [784, 100, 10] (the MNIST network)", _init_case([784, 100, 10], 13),
                 check=_check_init),
            Case("layer sizes [9, 400, 300, 12]", _init_case([9, 400, 300, 12], 14), check=_check_init),
            Case("one layer, sizes [40, 300]", _init_case([40, 300], 15), check=_check_init),
        ],
        diagnoses=INIT_DIAGNOSES,
    ),
    Exercise(
        name="mlp_loss",
        reference=ref.mlp_loss,
        points=4,
        outputs=("loss", "grads"),
        cases=[
            Case("one hidden layer 6-9-4, N=11, reg=0.05", _loss_case(11, [6, 9, 4], 0.05)),
            Case("two hidden layers 5-8-7-3, N=13, reg=0.1", _loss_case(13, [5, 8, 7, 3], 0.1)),
            Case("three hidden layers 4-10-6-9-5, N=7, reg=0.02", _loss_case(7, [4, 10, 6, 9, 5], 0.02)),
            Case("no hidden layer (softmax regression) 7-4, N=12, reg=0.3", _loss_case(12, [7, 4], 0.3)),
            Case("integer-valued X, 3-8-6, N=10, reg=0.01", _loss_case(10, [3, 8, 6], 0.01, integer_inputs=True)),
        ],
        diagnoses=MLP_LOSS_DIAGNOSES,
    ),
    Exercise(
        name="dropout_forward",
        reference=ref.dropout_forward,
        points=3,
        outputs=("out", "mask"),
        cases=[
            Case("X of shape (100, 80), p_drop=0.3", _dropout_case((100, 80), 0.3, 21), check=_check_dropout),
            Case("X of shape (60, 150), p_drop=0.75", _dropout_case((60, 150), 0.75, 22), check=_check_dropout),
            Case("X of shape (3, 40, 50), p_drop=0.2", _dropout_case((3, 40, 50), 0.2, 23), check=_check_dropout),
            Case("integer X of shape (90, 70), p_drop=0.6",
                 _dropout_case((90, 70), 0.6, 24, integer_inputs=True), check=_check_dropout),
        ],
        diagnoses=DROPOUT_DIAGNOSES,
    ),
    Exercise(
        name="dropout_backward",
        reference=ref.dropout_backward,
        points=2,
        cases=[
            Case("dout of shape (7, 12), mask of p_drop=0.4", _mask_case((7, 12), 0.4)),
            Case("dout of shape (5, 3, 8), mask of p_drop=0.25", _mask_case((5, 3, 8), 0.25)),
            Case("dout of shape (20, 9), mask of p_drop=0.8", _mask_case((20, 9), 0.8)),
        ],
        diagnoses=DROPOUT_BACKWARD_DIAGNOSES,
    ),
    Exercise(
        name="train_mlp",
        reference=ref.train_mlp,
        points=4,
        outputs=("params", "history"),
        cases=[
            Case("sgd, 10 copies of one sample in minibatches of 4 (4 + 4 + 2), 5-7-3, 3 epochs, reg=0.01",
                 _identical_samples_case(10, 4, [5, 7, 3], "sgd", 0.3, 0.01, 3, 31),
                 driver=functions.call_with_keywords),
            Case("momentum, 11 copies of one sample in minibatches of 3, 6-9-4-5, 4 epochs, reg=0.02",
                 _identical_samples_case(11, 3, [6, 9, 4, 5], "momentum", 0.05, 0.02, 4, 32),
                 driver=functions.call_with_keywords),
            Case("nesterov, 9 copies of one sample in minibatches of 4, 4-8-6-3, 3 epochs, reg=0.05",
                 _identical_samples_case(9, 4, [4, 8, 6, 3], "nesterov", 0.05, 0.05, 3, 33),
                 driver=functions.call_with_keywords),
            Case("rmsprop, 13 copies of one sample in minibatches of 5, 7-5-4, 3 epochs, reg=0.03",
                 _identical_samples_case(13, 5, [7, 5, 4], "rmsprop", 0.01, 0.03, 3, 34),
                 driver=functions.call_with_keywords),
            Case("adam, 7 copies of one sample in minibatches of 3, 3-6-8-4, 5 epochs (t counts on), reg=0.04",
                 _identical_samples_case(7, 3, [3, 6, 8, 4], "adam", 0.02, 0.04, 5, 35),
                 driver=functions.call_with_keywords),
            Case("sgd, 50 different samples shuffled into minibatches of 16 (16 + 16 + 16 + 2), 4-12-3, "
                 "lr=1e-9, 2 epochs, reg=0.1",
                 _tiny_step_case(50, 16, [4, 12, 3], "sgd", 0.1, 2, 36),
                 driver=functions.call_with_keywords, check=_check_tiny_steps),
        ],
        diagnoses=TRAIN_DIAGNOSES,
    ),
    Exercise(
        name="predict",
        reference=ref.predict,
        points=2,
        cases=[
            Case("one hidden layer 6-10-4, N=25", _predict_case(25, [6, 10, 4])),
            Case("two hidden layers 8-12-7-5, N=30", _predict_case(30, [8, 12, 7, 5])),
            Case("three hidden layers 5-9-11-6-3, N=27", _predict_case(27, [5, 9, 11, 6, 3])),
            Case("integer-valued X, 4-13-6, N=22", _predict_case(22, [4, 13, 6], integer_inputs=True)),
        ],
        diagnoses=PREDICT_DIAGNOSES,
    ),
]
