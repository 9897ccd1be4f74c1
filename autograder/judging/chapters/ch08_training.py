"""Hidden tests for chapter 8, training a network: init, loss, dropout, training loop, predict.

Randomness is graded by its properties wherever a valid implementation may
draw its random numbers in another order: ``init_mlp`` by the shapes, the zero
biases and the mean and variance of every weight matrix (statistically, six
standard errors wide); ``dropout_forward`` by the keep rate, the two values of
the mask and ``out = X ⊙ mask``. Both are called three times per case, with
two fresh generators of one seed and one of another: the same seed must give
the same draw and another seed another one, so numbers drawn from NumPy's
global generator (or from a generator seeded inside) fail.

``mlp_loss``, ``predict`` and ``train_mlp`` build on the student's own
functions (of chapters 5-7, pasted into the notebook, and of this chapter):
they are graded on whether they compose those right (``parts``), so a slip in
one of them costs points where it is. ``train_mlp`` is followed through its
calls to ``mlp_loss``: the minibatches it trained on must cover every sample
once per epoch, in a shuffled order that changes from epoch to epoch (unless
they are what the student's own ``iterate_minibatches`` returned), and every
update, loss and accuracy must be what the student's ``mlp_loss``, step
functions and ``predict`` give for them, whatever the order.
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise, Inconsistent, compare
from coursekit import functions, scenarios
from coursekit.probing import Rng

#: How many standard errors a statistic of a correct random draw may be off.
Z_LIMIT = 6.0


# ---------------------------------------------------------------- shared helpers


def _layers(rng, sizes, bias_scale=0.5):
    """He-scaled random layers with non-zero biases (so a penalty on b shows)."""
    return [
        (rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), bias_scale * rng.standard_normal(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


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
    return (
        got_pairs is not None
        and len(got_pairs) == len(want_pairs)
        and all(_close(g, w, rtol, atol) for gp, wp in zip(got_pairs, want_pairs) for g, w in zip(gp, wp))
    )


# ---------------------------------------------------------------- init_mlp


def _seeds(rng):
    seed = int(rng.integers(2**31))
    return Rng(seed), Rng(seed), Rng(seed + 1)


def _init_case(sizes):
    """init_mlp(sizes, rng) with a generator of one seed, again with a fresh one of that seed, and
    with one of another seed."""

    def make(rng):
        first, again, other = _seeds(rng)
        return (list(sizes), first), (list(sizes), again), (list(sizes), other)

    return make


def _check_init_draw(got, args, expected):
    """Shapes, zero biases, and W ~ N(0, 2 / fan_in) in distribution (per layer)."""
    sizes = args[0]
    layers = _pairs(got)
    if layers is None:
        return f"should return a list of (W, b) pairs, one per layer, but returned {type(got).__name__}"
    if len(layers) != len(sizes) - 1:
        return f"should return {len(sizes) - 1} (W, b) layers for layer_sizes {sizes}, got {len(layers)}"
    for number, ((W, b), fan_in, fan_out) in enumerate(zip(layers, sizes[:-1], sizes[1:]), start=1):
        if W.shape != (fan_in, fan_out):
            return f"W{number} has shape {W.shape}, expected ({fan_in}, {fan_out}) = (fan_in, fan_out)"
        if b.shape != (fan_out,):
            return f"b{number} has shape {b.shape}, expected ({fan_out},)"
        if np.any(b != 0):
            return f"b{number} should be all zeros (He initialisation draws only the weights)"
        if not np.all(np.isfinite(W)):
            return f"W{number} contains NaN or inf"
        n, variance = W.size, 2.0 / fan_in
        mean_z = W.mean() / np.sqrt(variance / n)
        var_z = (W.var() / variance - 1.0) / np.sqrt(2.0 / n)
        if abs(mean_z) > Z_LIMIT or abs(var_z) > Z_LIMIT:
            return (
                f"W{number} ({fan_in}×{fan_out}) has mean {W.mean():.4g} and variance {W.var():.4g}; "
                f"He initialisation gives mean 0 and variance 2/fan_in = {variance:.4g} "
                f"(a random draw is within ±{Z_LIMIT * np.sqrt(2.0 / n) * variance:.2g} of it)"
            )
    return None


def _same_draw(a, b):
    first, second = _pairs(a), _pairs(b)
    return (
        first is not None
        and second is not None
        and len(first) == len(second)
        and all(x.shape == y.shape and np.array_equal(x, y) for p, q in zip(first, second) for x, y in zip(p, q))
    )


SAME_SEED = "two fresh generators of the same seed gave different {what}"
OTHER_SEED = "generators of different seeds gave the same {what}"


def _seeded_check(check_draw, same):
    """A check of three calls: the first drawn right (``check_draw``), the second the same draw
    (a fresh generator of the same seed), the third another one (another seed)."""

    def check(got, args, expected):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return f"the calls returned {type(got).__name__}, which is not one result per call"
        problem = check_draw(got[0], args[0], expected[0])
        if problem:
            return problem
        for result, arguments, which in ((got[1], args[1], "second"), (got[2], args[2], "third")):
            problem = check_draw(result, arguments, expected[0])
            if problem:
                return f"in the {which} call: {problem}"
        if not same(got[0], got[1]):
            return SAME_SEED.format(what="results")
        if same(got[0], got[2]):
            return OTHER_SEED.format(what="results")
        return None

    return check


def _first_call(predicate):
    """A diagnosis of the first of three seeded calls."""
    return lambda got, expected, args: predicate(got[0], expected[0], args[0])


def _not_reproducible(same):
    return lambda got, expected, args: not same(got[0], got[1])


def _ignores_seed(same):
    return lambda got, expected, args: same(got[0], got[1]) and same(got[0], got[2])


DRAW_FROM_RNG = (
    "draw every random number from the rng argument (rng.normal(...), rng.random(...)), not from "
    "np.random's global functions: two generators of the same seed must give the same {what}"
)
SEED_INSIDE = (
    "the {what} must come from the rng argument: a generator you create inside the function (with a "
    "fixed seed) gives the same {what} whatever generator the caller passes"
)


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
    kurtosis = np.mean(centred**4) / np.mean(centred**2) ** 2
    return abs(kurtosis - 1.8) < 0.3 and abs(W.var() / (2.0 / fan_in) - 1.0) > 0.1


def _transposed_shapes(got, expected, args):
    layers, sizes = _pairs(got), args[0]
    return (
        layers is not None
        and len(layers) == len(sizes) - 1
        and all(W.shape == (fan_out, fan_in) for (W, _), fan_in, fan_out in zip(layers, sizes[:-1], sizes[1:]))
    )


INIT_DIAGNOSES = [
    (_first_call(predicate), hint)
    for predicate, hint in [
        (_transposed_shapes, "W has shape (fan_out, fan_in); this course uses X @ W, so W is (fan_in, fan_out)"),
        (_nonzero_biases, "He initialisation draws the weights only: start every bias at 0 (np.zeros(fan_out))"),
        (
            _variance_ratio_is(lambda fan_in, fan_out: 2.0 / fan_out),
            "the variance is 2/fan_out: He initialisation divides by fan_in, the number of inputs each unit sums "
            "(W has shape (fan_in, fan_out), so fan_in = W.shape[0])",
        ),
        (
            _variance_ratio_is(lambda fan_in, fan_out: 1.0 / fan_in),
            "the variance is 1/fan_in (LeCun's choice, fine for tanh); a ReLU zeroes half of its inputs, so He "
            "doubles it: standard deviation sqrt(2 / fan_in)",
        ),
        (
            _variance_ratio_is(lambda fan_in, fan_out: 2.0 / (fan_in + fan_out)),
            "the variance is 2/(fan_in + fan_out) (Glorot/Xavier); for ReLU layers use He's 2/fan_in",
        ),
        (
            _variance_ratio_is(lambda fan_in, fan_out: (2.0 / fan_in) ** 2),
            "the scale argument of rng.normal is the standard deviation: use np.sqrt(2 / fan_in), not 2 / fan_in",
        ),
        (
            _variance_ratio_is(lambda fan_in, fan_out: 1.0),
            "the weights have variance 1 (plain standard normals): scale them by sqrt(2 / fan_in)",
        ),
        (
            _uniform_wrong_range,
            "a uniform U(-a, a) has variance a²/3; to get 2/fan_in, a = sqrt(6 / fan_in), or draw from "
            "rng.normal(0, np.sqrt(2 / fan_in), size)",
        ),
    ]
] + [
    (_not_reproducible(_same_draw), DRAW_FROM_RNG.format(what="weights")),
    (_ignores_seed(_same_draw), SEED_INSIDE.format(what="weights")),
]


# ---------------------------------------------------------------- mlp_loss


def _loss_case(n, sizes, reg, integer_inputs=False, kink=False):
    def make(rng):
        params = _layers(rng, sizes)
        if integer_inputs:
            X = rng.integers(-3, 4, (n, sizes[0]))
        else:
            X = rng.standard_normal((n, sizes[0]))
        if kink:
            # Sample 0 is the origin and units 0 and 2 of the first layer have no bias: their
            # pre-activation is exactly 0 there, where ReLU'(0) = 0 lets no gradient through.
            X[0] = 0.0
            W1, b1 = params[0]
            b1[[0, 2]] = 0.0
        y = rng.permutation(np.arange(n) % sizes[-1])
        return params, X, y, reg

    return make


def _mlp_loss_composition(answers, params, X, y, reg=0.0):
    """mlp_loss as the student's own modules compute it (the reference's math, with
    affine_backward called for the first layer too, as most students do)."""
    affine_forward, relu_forward = answers("affine_forward"), answers("relu_forward")
    affine_backward, relu_backward = answers("affine_backward"), answers("relu_backward")
    h, caches = X, []
    for W, b in params[:-1]:
        z, affine_cache = affine_forward(h, W, b)
        h, relu_cache = relu_forward(z)
        caches.append((affine_cache, relu_cache))
    scores, last_cache = affine_forward(h, *params[-1])
    loss, dscores = answers("softmax_cross_entropy")(scores, y)
    dh, dW, db = affine_backward(dscores, last_cache)
    grads = [(dW, db)]
    for affine_cache, relu_cache in reversed(caches):
        dh, dW, db = affine_backward(relu_backward(dh, relu_cache), affine_cache)
        grads.append((dW, db))
    grads.reverse()
    loss = float(loss) + reg * sum(float(np.sum(np.asarray(W, dtype=float) ** 2)) for W, _ in params)
    return loss, [(dW + 2 * reg * np.asarray(W, dtype=float), db) for (dW, db), (W, _) in zip(grads, params)]


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
        _close(db, db_want + 2 * reg * b) for (_, db), (_, db_want), (_, b) in zip(grads, expected[1], params)
    )
    return in_loss or in_grads


def _weight_grad_penalty_is(factor):
    """Predicate: every dW equals the reference's minus (2 − factor)·λ·W."""

    def predicate(got, expected, args):
        params, _, _, reg = args
        result = _mlp_loss_and_grads(got)
        if result is None or len(result[1]) != len(params):
            return False
        return all(
            _close(dW, dW_want - (2.0 - factor) * reg * W)
            for (dW, _), (dW_want, _), (W, _) in zip(result[1], expected[1], params)
        )

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


KINK_HINT = (
    "here some pre-activations are exactly 0, where this course takes ReLU'(0) = 0: no gradient passes "
    "there, so the mask is z > 0, not z >= 0 (relu_backward does that; if other cases fail too, fix "
    "those first)"
)

MLP_LOSS_DIAGNOSES = [
    (_biases_regularised, "L2 regularisation penalises the weights only: no λ·Σb² in the loss and no 2λb in db"),
    (_weight_grad_penalty_is(0.0), "the gradient of the penalty λ·ΣW² is missing: add 2λW to every dW"),
    (_weight_grad_penalty_is(1.0), "the derivative of λ·W² is 2λW, not λW"),
    (_penalty_missing_from_loss, "the loss should include the penalty λ·Σₗ ΣWₗ² (the gradients already do)"),
    (_relu_on_scores, "no ReLU after the last layer: the scores go straight into softmax cross-entropy"),
]


# ---------------------------------------------------------------- dropout


def _dropout_case(shape, p_drop, integer_inputs=False):
    """dropout_forward(X, p_drop, rng) with a generator of one seed, again with a fresh one of that
    seed, and with one of another seed."""

    def make(rng):
        X = rng.integers(-5, 6, shape) if integer_inputs else rng.standard_normal(shape)
        first, again, other = _seeds(rng)
        return (X, p_drop, first), (X.copy(), p_drop, again), (X.copy(), p_drop, other)

    return make


def _same_mask(a, b):
    try:
        return np.array_equal(np.asarray(a[1], dtype=float), np.asarray(b[1], dtype=float))
    except (TypeError, ValueError, IndexError):
        return False


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
            return (
                f"{name} should be an array of shape {X.shape} (like X) but is {type(value).__name__} "
                f"of shape {np.shape(value)}"
            )
        if value.dtype.kind not in "biuf":
            return f"{name} should hold numbers but has dtype {value.dtype}"
    out, mask = np.asarray(out, dtype=float), np.asarray(mask, dtype=float)
    scale = 1.0 / (1.0 - p_drop)
    kept = np.isclose(mask, scale, rtol=1e-9, atol=0.0)
    if not np.all(kept | (mask == 0)):
        values = np.unique(mask)[:4]
        return (
            f"mask should hold only 0 (dropped) and 1/(1 − p_drop) = {scale:.6g} (kept), "
            f"but holds other values, e.g. {', '.join(f'{v:.6g}' for v in values)}"
        )
    if not np.allclose(out, X * mask, rtol=1e-9, atol=1e-12):
        return "out should be X * mask, entry by entry"
    rate, limit = kept.mean(), _keep_rate_limit(p_drop, X.size)
    if abs(rate - (1.0 - p_drop)) > limit:
        return (
            f"keeps {rate:.1%} of the units; with p_drop = {p_drop} it should keep about "
            f"{1 - p_drop:.0%} (between {1 - p_drop - limit:.1%} and {1 - p_drop + limit:.1%} "
            f"for {X.size} units)"
        )
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
    (_first_call(predicate), hint)
    for predicate, hint in [
        (
            _keeps_with_p,
            "p_drop is the probability of DROPPING a unit: keep it where u ≥ p_drop "
            "(probability 1 − p_drop), not where u < p_drop",
        ),
        (
            _mask_values_are(lambda p: 1.0),
            "inverted dropout rescales during training: divide the kept units by (1 − p_drop), so the mask is "
            "0 or 1/(1 − p_drop) and nothing needs rescaling at test time",
        ),
        (
            _mask_values_are(lambda p: 1.0 - p),
            "the kept units are divided by (1 − p_drop), not multiplied: E[out] must stay X",
        ),
        (
            _mask_values_are(lambda p: 1.0 / p),
            "divide the kept units by the keep probability 1 − p_drop, not by p_drop",
        ),
    ]
] + [
    (_not_reproducible(_same_mask), DRAW_FROM_RNG.format(what="mask")),
    (_ignores_seed(_same_mask), SEED_INSIDE.format(what="mask")),
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
    (
        _backward_ignores_mask,
        "the gradient must go through the same mask as the forward pass: dX = dout * mask "
        "(dropped units get no gradient)",
    ),
    (
        _backward_unscaled,
        "kept units were scaled by 1/(1 − p_drop) on the way forward, so their gradient is "
        "scaled too: multiply by the mask itself, not by mask != 0",
    ),
]


# ---------------------------------------------------------------- predict


def _predict_case(n, sizes, integer_inputs=False):
    """Scores of about ±2 around a class-dependent offset, all below zero (a ReLU on them would
    show), with several classes predicted (the labels are not all the same)."""

    def make(rng):
        while True:  # until several classes are predicted (a deep net may have no live unit left)
            params = _layers(rng, sizes)
            X = rng.integers(-2, 3, (n, sizes[0])) if integer_inputs else rng.standard_normal((n, sizes[0]))
            hidden = _own_scores(params[:-1] + [(np.eye(sizes[-2]), np.zeros(sizes[-2]))], X)
            W = rng.standard_normal((sizes[-2], sizes[-1]))
            W *= 2.0 / max(np.std(hidden @ W), 1e-12)
            b = -np.max(hidden @ W) - 1.0 - 2.0 * rng.random(sizes[-1])
            params[-1] = (W, b)
            if len(np.unique(np.argmax(_own_scores(params, X), axis=1))) >= 3:
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
    (
        _relu_on_predicted_scores,
        "no ReLU on the scores: with every score of a sample negative, max(0, scores) "
        "is all zeros and argmax returns 0",
    ),
    (_argmax_over_samples, "take the argmax over the classes, axis=1, one label per sample"),
    (
        _other_labels,
        "predict is the plain forward pass in test mode: ReLU after every hidden layer, no dropout "
        "and no rescaling, no ReLU on the scores, then the argmax over the classes",
    ),
]


def _predict_composition(answers, params, X):
    """predict as the student's own modules compute it (a plain forward pass otherwise)."""
    h = X
    for W, b in params[:-1]:
        z, _ = answers("affine_forward")(h, W, b)
        h, _ = answers("relu_forward")(z)
    scores, _ = answers("affine_forward")(h, *params[-1])
    return np.argmax(np.asarray(scores, dtype=float), axis=1)


LABELS_ARE_INDICES = (
    "your labels have the right values but are not integers; labels are used as indices (a confusion "
    "matrix, Y[np.arange(N), y]), which needs an integer array: np.argmax already returns one"
)


# ---------------------------------------------------------------- train_mlp


TRAIN_PARTS = (
    "mlp_loss",
    "iterate_minibatches",
    "predict",
    "sgd_step",
    "momentum_step",
    "nesterov_step",
    "rmsprop_step",
    "adam_step",
)
STEPS = {
    "sgd": "sgd_step",
    "momentum": "momentum_step",
    "nesterov": "nesterov_step",
    "rmsprop": "rmsprop_step",
    "adam": "adam_step",
}


def _train_case(n, batch_size, sizes, optimizer, lr, reg, epochs):
    """n different samples around one centre per class, a random network, a seeded generator."""

    def make(rng):
        params = _layers(rng, sizes, bias_scale=0.1)
        centres = 2.0 * rng.standard_normal((sizes[-1], sizes[0]))
        y = rng.permutation(np.arange(n) % sizes[-1])
        X = centres[y] + rng.standard_normal((n, sizes[0]))
        settings = dict(
            epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer, reg=reg, rng=Rng(int(rng.integers(2**31)))
        )
        return params, X, y, settings

    return make


def _seeded_train_case(*spec):
    """The same training three times: with a generator of one seed, a fresh one of that seed, and
    one of another seed."""

    def make(rng):
        params, X, y, settings = _train_case(*spec)(rng)
        return tuple((params, X.copy(), y.copy(), dict(settings, rng=seed)) for seed in _seeds(rng))

    return make


def _sample_indices(X):
    rows = {}
    for index, row in enumerate(np.asarray(X, dtype=float)):
        rows.setdefault(row.tobytes(), index)
    return rows


def _minibatches(answers, X, y):
    """The samples of each call to the student's mlp_loss, as index arrays into X."""
    rows, batches = _sample_indices(X), []
    for part, bound, _, _ in answers.calls:
        if part != "mlp_loss":
            continue
        try:
            X_b, y_b = np.asarray(bound[1], dtype=float), np.asarray(bound[2])
            batch = np.array([rows[row.tobytes()] for row in X_b], dtype=int)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            raise Inconsistent(
                "mlp_loss was called on rows that are not samples of X", hint=TRAIN_BATCHES_HINT
            ) from None
        if X_b.ndim != 2 or not np.array_equal(y_b, y[batch]):
            raise Inconsistent(
                "mlp_loss was called with labels that do not belong to its samples", hint=TRAIN_BATCHES_HINT
            )
        batches.append(batch)
    if not batches:
        raise Inconsistent(
            "train_mlp never called mlp_loss, so the grader cannot follow its minibatches", hint=TRAIN_CALLS_HINT
        )
    return batches


def _own_epochs(answers, batches, epochs):
    """The epochs, if they are exactly what the student's own iterate_minibatches returned."""
    drawn = [result for part, _, result, _ in answers.calls if part == "iterate_minibatches"]
    if len(drawn) != epochs:
        return None
    try:
        drawn = [[np.asarray(batch) for batch in epoch] for epoch in drawn]
    except (TypeError, ValueError):
        return None
    if sum(len(epoch) for epoch in drawn) != len(batches):
        return None
    result, k = [], 0
    for epoch in drawn:
        if not all(np.shape(a) == np.shape(b) and np.array_equal(a, b) for a, b in zip(epoch, batches[k:])):
            return None
        result.append(batches[k : k + len(epoch)])
        k += len(epoch)
    return result


def _epochs_of(batches, n, batch_size, epochs):
    """The minibatches cut into epochs, each a shuffled partition of the samples (or Inconsistent)."""
    result, current, count = [], [], 0
    for batch in batches:
        current.append(batch)
        count += len(batch)
        if count >= n:
            result.append(current)
            current, count = [], 0
    if current or len(result) != epochs:
        raise Inconsistent(
            f"mlp_loss was called on {sum(len(b) for b in batches)} samples in all, "
            f"which are not {epochs} epochs of {n} samples each",
            hint=TRAIN_BATCHES_HINT,
        )
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    orders = []
    for number, epoch in enumerate(result, start=1):
        order = np.concatenate(epoch)
        if len(order) != n or not np.array_equal(np.sort(order), np.arange(n)):
            raise Inconsistent(
                f"the minibatches of epoch {number} do not hold every sample exactly once", hint=TRAIN_BATCHES_HINT
            )
        if [len(batch) for batch in epoch] != sizes:
            raise Inconsistent(
                f"the minibatches of epoch {number} have sizes {[len(b) for b in epoch]}, expected {sizes}",
                hint=TRAIN_BATCHES_HINT,
            )
        orders.append(order)
    if all(np.array_equal(order, np.arange(n)) for order in orders):
        raise Inconsistent(
            f"every epoch took the samples in the order 0, 1, …, {n - 1}: they were never shuffled",
            hint=TRAIN_SHUFFLE_HINT,
        )
    if len(orders) > 1 and all(np.array_equal(order, orders[0]) for order in orders[1:]):
        raise Inconsistent("every epoch took the samples in the same order", hint=TRAIN_SHUFFLE_HINT)
    return result


def _train_composition(answers, params, X, y, *, epochs, batch_size, lr, optimizer, reg, rng):
    """train_mlp as a right composition of the student's own parts, on the minibatches it used."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n = X.shape[0]
    batches = _minibatches(answers, X, y)
    plan = _own_epochs(answers, batches, epochs) or _epochs_of(batches, n, batch_size, epochs)
    step = answers(STEPS[optimizer])
    flat = [np.array(p, dtype=float) for layer in params for p in layer]
    state1, state2 = [np.zeros_like(p) for p in flat], [np.zeros_like(p) for p in flat]
    history, t = {"loss": [], "train_accuracy": []}, 0
    for epoch in plan:
        total = 0.0
        for idx in epoch:
            loss, grads = answers("mlp_loss")(list(zip(flat[0::2], flat[1::2])), X[idx], y[idx], reg)
            total += float(loss) * len(idx)
            t += 1
            for i, g in enumerate(g for layer in grads for g in layer):
                if optimizer == "sgd":
                    flat[i] = step(flat[i], g, lr)
                elif optimizer == "adam":
                    flat[i], state1[i], state2[i] = step(flat[i], g, state1[i], state2[i], t, lr)
                else:
                    flat[i], state1[i] = step(flat[i], g, state1[i], lr)
        trained = list(zip(flat[0::2], flat[1::2]))
        history["loss"].append(total / n)
        history["train_accuracy"].append(float(np.mean(np.asarray(answers("predict")(trained, X)) == y)))
    return list(zip(flat[0::2], flat[1::2])), history


def _trained(got):
    """``(params, history)`` from a train_mlp result, or ``None``."""
    if not isinstance(got, (list, tuple)) or len(got) != 2 or not isinstance(got[1], dict):
        return None
    params = _pairs(got[0])
    return None if params is None else (params, got[1])


def _same_run(a, b):
    first, second = _trained(a), _trained(b)
    return (
        first is not None
        and second is not None
        and _all_close(first[0], second[0], rtol=1e-12, atol=1e-14)
        and all(
            _close(first[1].get(key, []), second[1].get(key, []), rtol=1e-12, atol=1e-14)
            for key in ("loss", "train_accuracy")
        )
    )


def _check_seeded_runs(got, args, expected):
    """Each of the three runs right, the first two the same run, the third another one."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return f"the calls returned {type(got).__name__}, which is not one result per call"
    for number, (result, want) in enumerate(zip(got, expected), start=1):
        problem = compare(result, want, "the result", 1e-6, 1e-9)
        if problem:
            return f"in run {number}: {problem}"
    if not _same_run(got[0], got[1]):
        return "two runs with fresh generators of the same seed gave different results"
    if _same_run(got[0], got[2]):
        return "runs with generators of different seeds gave the same result"
    return None


def _right_params(got, expected):
    result = _trained(got)
    return result is not None and _all_close(result[0], expected[0], rtol=1e-6, atol=1e-7)


def _right_history(got, expected, key):
    result = _trained(got)
    if result is None or key not in result[1]:
        return False
    return _close(result[1][key], expected[1][key], rtol=1e-6, atol=1e-9)


def _loss_history_only(got, expected, args):
    return _right_params(got, expected) and not _right_history(got, expected, "loss")


def _runs_differ(got, expected, args):
    return isinstance(got, (tuple, list)) and len(got) == 3 and not _same_run(got[0], got[1])


def _runs_ignore_seed(got, expected, args):
    return isinstance(got, (tuple, list)) and len(got) == 3 and _same_run(got[0], got[2])


TRAIN_CALLS_HINT = (
    "compute each minibatch's loss and gradients with mlp_loss(params, X[idx], y[idx], reg), "
    "as the docstring says: the grader follows the training through those calls"
)
TRAIN_BATCHES_HINT = (
    "every epoch cuts ONE shuffled order of all N samples into minibatches of batch_size (the "
    "last one shorter), as iterate_minibatches(N, batch_size, rng) does, and calls mlp_loss on "
    "each minibatch once, X[idx] with y[idx]"
)
TRAIN_SHUFFLE_HINT = (
    "shuffle anew in every epoch: draw the epoch's minibatches with iterate_minibatches(N, "
    "batch_size, rng) inside the loop over epochs"
)
TRAIN_DIAGNOSES = [
    (
        _loss_history_only,
        "the parameters are right but history['loss'] is not: an epoch's loss is the mean "
        "over its samples, Σ loss_b · len(batch_b) / N (a plain mean of the batch losses "
        "gives a short last batch too much weight), with the penalty as mlp_loss returns it",
    ),
    (
        _runs_differ,
        "draw the shuffles from the rng argument (iterate_minibatches(N, batch_size, rng)), not "
        "from np.random's global functions: the same seed must give the same training",
    ),
    (
        _runs_ignore_seed,
        "the shuffles must come from the rng argument: a generator made inside train_mlp "
        "gives the same training whatever generator the caller passes",
    ),
]


# ---------------------------------------------------------------- exercises


INIT_CHECK = _seeded_check(_check_init_draw, _same_draw)
DROPOUT_CHECK = _seeded_check(lambda got, args, expected: _check_dropout(got, args, expected), _same_mask)


def _init(label, sizes):
    return Case(
        f"{label}; twice with one seed, once with another", _init_case(sizes), check=INIT_CHECK, driver=scenarios.calls
    )


def _dropout(label, *spec, **options):
    return Case(
        f"{label}; twice with one seed, once with another",
        _dropout_case(*spec, **options),
        check=DROPOUT_CHECK,
        driver=scenarios.calls,
    )


def _training(label, *spec):
    return Case(label, _train_case(*spec), driver=functions.call_with_keywords)


EXERCISES = [
    Exercise(
        name="init_mlp",
        reference=ref.init_mlp,
        points=2,
        cases=[
            _init("layer sizes [120, 60, 30, 7]", [120, 60, 30, 7]),
            _init("layer sizes [50, 150, 10]", [50, 150, 10]),
            _init("layer sizes [784, 100, 10] (the MNIST network)", [784, 100, 10]),
            _init("layer sizes [9, 400, 300, 12]", [9, 400, 300, 12]),
            _init("one layer, sizes [40, 300]", [40, 300]),
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
            Case(
                "pre-activations exactly 0 (the kink), 5-7-6-4, N=9, reg=0.03",
                _loss_case(9, [5, 7, 6, 4], 0.03, kink=True),
                hint=KINK_HINT,
            ),
        ],
        diagnoses=MLP_LOSS_DIAGNOSES,
        parts=("affine_forward", "relu_forward", "affine_backward", "relu_backward", "softmax_cross_entropy"),
        composition=_mlp_loss_composition,
    ),
    Exercise(
        name="dropout_forward",
        reference=ref.dropout_forward,
        points=3,
        outputs=("out", "mask"),
        cases=[
            _dropout("X of shape (100, 80), p_drop=0.3", (100, 80), 0.3),
            _dropout("X of shape (60, 150), p_drop=0.75", (60, 150), 0.75),
            _dropout("X of shape (3, 40, 50), p_drop=0.2", (3, 40, 50), 0.2),
            _dropout("integer X of shape (90, 70), p_drop=0.6", (90, 70), 0.6, integer_inputs=True),
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
            _training(
                "sgd, 10 samples in minibatches of 4 (4 + 4 + 2), 5-7-3, lr=0.3, 3 epochs, reg=0.01",
                10,
                4,
                [5, 7, 3],
                "sgd",
                0.3,
                0.01,
                3,
            ),
            _training(
                "momentum, 11 samples in minibatches of 3, 6-9-4-5, lr=0.05, 4 epochs, reg=0.02",
                11,
                3,
                [6, 9, 4, 5],
                "momentum",
                0.05,
                0.02,
                4,
            ),
            _training(
                "nesterov, 9 samples in minibatches of 4, 4-8-6-3, lr=0.05, 3 epochs, reg=0.05",
                9,
                4,
                [4, 8, 6, 3],
                "nesterov",
                0.05,
                0.05,
                3,
            ),
            _training(
                "rmsprop, 13 samples in minibatches of 5, 7-5-4, lr=0.01, 3 epochs, reg=0.03",
                13,
                5,
                [7, 5, 4],
                "rmsprop",
                0.01,
                0.03,
                3,
            ),
            _training(
                "adam, 10 samples in minibatches of 3, 3-6-8-4, lr=0.02, 5 epochs (t counts on), reg=0.04",
                10,
                3,
                [3, 6, 8, 4],
                "adam",
                0.02,
                0.04,
                5,
            ),
            Case(
                "sgd, 12 samples in minibatches of 5, 4-9-3, lr=0.2, 3 epochs, reg=0.1; twice with one "
                "seed, once with another",
                _seeded_train_case(12, 5, [4, 9, 3], "sgd", 0.2, 0.1, 3),
                driver=scenarios.keyword_calls,
                check=_check_seeded_runs,
            ),
        ],
        diagnoses=TRAIN_DIAGNOSES,
        parts=TRAIN_PARTS,
        composition=_train_composition,
        unchanged_hint=(
            "the values are right, but train_mlp changed the params it was given: copy every W and "
            "b first (np.array(W, dtype=float)) and update the copies; an in-place update such as "
            "W -= lr * dW changes the caller's network"
        ),
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
        notes=[(lambda got, exp, args: np.asarray(got).dtype.kind not in "iu", LABELS_ARE_INDICES)],
        parts=("affine_forward", "relu_forward"),
        composition=_predict_composition,
    ),
]
