"""Hidden tests for chapter 5, backpropagation as modules.

The cache formats are part of the exercises' specification (the chapter states
them): ``affine_forward`` caches the pair ``(X, W)`` and ``relu_forward``
caches ``Z``, its input. So each backward function is graded on its own, with
a cache built here in that format, and a mistake in one module does not cost
points in another. ``two_layer_loss`` uses the student's own modules, as the
exercise says: it is graded on whether it composes them right (its ``parts``),
so a wrong module costs points in that module's exercise only.

Every case has all dimensions different and more than one sample wherever a
mean, a sum over samples or a transpose is involved, so that each catalogued
wrong formula (the diagnoses) fails every case; ``tests/judging/mistakes`` checks this.
"""

import itertools

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from coursekit.testing import describe_mismatch

# ---------------------------------------------------------------- helpers


def _arrays(got, count):
    """``got`` as a tuple of ``count`` float arrays, or ``None`` if it is not one."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        return None
    try:
        return tuple(np.asarray(part, dtype=float) for part in got)
    except (TypeError, ValueError):
        return None


def _close(got, want):
    """Same shape and the same values (within the graders' tolerance)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))


def _signs_and_zeros(rng, shape, zeros=True):
    """Standard normal entries with both signs present and, optionally, exact zeros.

    At least one entry is negative, one positive, and (with ``zeros``) about a
    quarter are exactly 0, so that a mask taken with the wrong comparison or
    from the wrong array shows.
    """
    z = rng.standard_normal(shape)
    flat = z.reshape(-1)
    flat[0], flat[-1] = -abs(flat[0]) - 0.1, abs(flat[-1]) + 0.1
    if zeros:
        flat[1:-1][rng.random(flat.size - 2) < 0.25] = 0.0
        flat[flat.size // 2] = 0.0
    return z


def _pair_problem(got, what):
    if isinstance(got, np.ndarray):
        return (
            f"should return a pair (out, cache) but returned a single array of shape {got.shape}; "
            f"end with `return out, {what}`"
        )
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        kind = f"{len(got)} items" if isinstance(got, (tuple, list)) else f"a {type(got).__name__}"
        return f"should return a pair (out, cache) but returned {kind}"
    return None


# ---------------------------------------------------------------- affine_forward


def _affine_inputs(n, d, m, integers=False, zero_row=False):
    def make(rng):
        if integers:
            X = rng.integers(-4, 5, (n, d))
            W = rng.integers(-3, 4, (d, m))
            b = rng.integers(1, 5, m) * rng.choice([-1, 1], m)
        else:
            X = rng.standard_normal((n, d))
            W = rng.standard_normal((d, m))
            b = rng.standard_normal(m) + np.sign(rng.standard_normal(m))
        if zero_row:
            X[n // 2] = 0.0
        return X, W, b

    return make


def _check_affine_forward(got, args, expected):
    problem = _pair_problem(got, "(X, W)")
    if problem:
        return problem
    out, cache = got
    problem = describe_mismatch(out, expected[0], rtol=1e-6, atol=1e-9)
    if problem:
        return f"out {problem}"
    X, W, _ = args
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        kind = f"{len(cache)} items" if isinstance(cache, (tuple, list)) else f"a {type(cache).__name__}"
        return f"out is right, but the cache should be the pair (X, W) and is {kind}"
    for name, part, want in (("cache[0] (X)", cache[0], X), ("cache[1] (W)", cache[1], W)):
        problem = describe_mismatch(part, np.asarray(want, dtype=float), rtol=1e-12, atol=0.0)
        if problem:
            return f"out is right, but {name} {problem}"
    return None


def _af_out(got):
    if isinstance(got, np.ndarray):
        return got
    return got[0] if isinstance(got, (tuple, list)) and got else None


def _af_no_bias(got, expected, args):
    X, W, _ = args
    return _close(_af_out(got), X @ W)


def _af_transposed(got, expected, args):
    out = _af_out(got)
    return isinstance(out, np.ndarray) and out.ndim == 2 and out.shape == expected[0].shape[::-1]


def _af_cache_wrong(got, expected, args):
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not _close(got[0], expected[0]):
        return False
    cache = got[1]
    X, W, _ = args
    return not (isinstance(cache, (tuple, list)) and len(cache) == 2 and _close(cache[0], X) and _close(cache[1], W))


def _af_out_only(got, expected, args):
    return isinstance(got, np.ndarray) and _close(got, expected[0])


# ---------------------------------------------------------------- affine_backward


def _backward_inputs(n, d, m, zero_rows=0, integer_x=False):
    def make(rng):
        X = rng.integers(-5, 6, (n, d)) if integer_x else rng.standard_normal((n, d))
        W = rng.standard_normal((d, m))
        dout = rng.standard_normal((n, m))
        dout[:zero_rows] = 0.0
        return dout, (X, W)

    return make


def _ab_parts(got):
    return _arrays(got, 3)


def _ab_reference(args):
    dout, (X, W) = args
    return ref.affine_backward(np.asarray(dout, float), (np.asarray(X, float), np.asarray(W, float)))


def _ab_transposed(got, expected, args):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return False
    dout, (X, W) = args
    return _close(got[1], dout.T @ X) or _close(got[0], W @ dout.T)


def _ab_order(got, expected, args):
    """The right three gradients, returned in another order."""
    parts = _ab_parts(got)
    if parts is None:
        return False
    return any(
        all(_close(part, expected[i]) for part, i in zip(parts, order))
        for order in itertools.permutations(range(3))
        if order != (0, 1, 2)
    )


def _ab_divided_by_n(got, expected, args):
    parts = _ab_parts(got)
    if parts is None:
        return False
    n = args[0].shape[0]
    return any(_close(g, e / n) and not _close(g, e) for g, e in zip(parts, expected))


def _ab_db_axis(got, expected, args):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return False
    dout = args[0]
    db = np.asarray(got[2], dtype=float)
    return db.shape != expected[2].shape and (
        _close(db, dout.sum(axis=1))
        or _close(db, dout.sum(axis=0, keepdims=True))
        or _close(db, dout.sum())
        or _close(db, dout)
        or _close(db, dout.mean(axis=1))
    )


def _ab_sign(got, expected, args):
    parts = _ab_parts(got)
    if parts is None:
        return False
    return any(_close(g, -e) and not _close(g, e) for g, e in zip(parts, expected))


# ---------------------------------------------------------------- relu_forward


def _relu_inputs(shape, zeros=False, integers=False):
    def make(rng):
        if integers:
            z = rng.integers(-5, 6, shape)
            z.flat[0], z.flat[-1] = -3, 4
            return (z,)
        return (2.0 * _signs_and_zeros(rng, shape, zeros),)

    return make


def _check_relu_forward(got, args, expected):
    problem = _pair_problem(got, "Z")
    if problem:
        return problem
    out, cache = got
    problem = describe_mismatch(out, expected[0], rtol=1e-6, atol=1e-9)
    if problem:
        return f"out {problem}"
    problem = describe_mismatch(cache, np.asarray(args[0], dtype=float), rtol=1e-12, atol=0.0)
    if problem:
        return f"out is right, but the cache (which should be Z, the input) {problem}"
    return None


def _rf_cache_is_output(got, expected, args):
    return (
        isinstance(got, (tuple, list)) and len(got) == 2 and _close(got[0], expected[0]) and _close(got[1], expected[0])
    )


def _rf_mask(got, expected, args):
    out = _af_out(got)
    return _close(out, (np.asarray(args[0]) > 0).astype(float))


def _rf_min(got, expected, args):
    return _close(_af_out(got), np.minimum(np.asarray(args[0], dtype=float), 0.0))


def _rf_out_only(got, expected, args):
    return isinstance(got, np.ndarray) and _close(got, expected[0])


# ---------------------------------------------------------------- relu_backward


def _relu_backward_inputs(shape, tiny=False):
    def make(rng):
        Z = _signs_and_zeros(rng, shape)
        if tiny:
            Z.reshape(-1)[1:4] = [-1e-300, 1e-300, -0.0]
        dout = rng.standard_normal(shape)
        dout[dout == 0.0] = 1.0
        # Z < 0 where dout > 0 and Z > 0 where dout < 0: a mask taken from dout shows
        flat_d = dout.reshape(-1)
        flat_d[0], flat_d[-1] = abs(flat_d[0]) + 0.1, -abs(flat_d[-1]) - 0.1
        return dout, Z

    return make


def _rb_with(mask_or_factor):
    def predicate(got, expected, args):
        dout, Z = args
        return _close(got, dout * mask_or_factor(Z, dout)) and not _close(got, expected)

    return predicate


_rb_kink = _rb_with(lambda Z, dout: Z >= 0)
_rb_from_dout = _rb_with(lambda Z, dout: dout > 0)
_rb_as_if_output = _rb_with(lambda Z, dout: Z != 0)
_rb_sign_of_z = _rb_with(lambda Z, dout: np.sign(Z))
_rb_values = _rb_with(lambda Z, dout: np.maximum(Z, 0.0))
_rb_raw_z = _rb_with(lambda Z, dout: Z)


def _rb_mask_only(got, expected, args):
    _, Z = args
    return _close(got, (Z > 0).astype(float)) or _close(got, Z > 0)


def _rb_sign(got, expected, args):
    return _close(got, -expected) and not _close(got, expected)


# ---------------------------------------------------------------- squared_error_loss


def _mse_inputs(n, k, integers=False, equal_rows=0):
    def make(rng):
        if integers:
            pred, target = rng.integers(-5, 6, (n, k)), rng.integers(-5, 6, (n, k))
            pred[0, 0], target[0, 0] = 3, -2
            return pred, target
        pred, target = rng.standard_normal((n, k)), rng.standard_normal((n, k))
        target[:equal_rows] = pred[:equal_rows]
        return pred, target

    return make


def _mse_scaled(loss_factor, grad_factor):
    """The student's (loss, dpred) is the reference's times these factors (which may use N, K)."""

    def predicate(got, expected, args):
        parts = _arrays(got, 2)
        if parts is None:
            return False
        n, k = np.shape(args[0])
        loss, dpred = parts
        lf, gf = loss_factor(n, k), grad_factor(n, k)
        return (
            (lf is None or _close(loss, expected[0] * lf))
            and (gf is None or _close(dpred, expected[1] * gf))
            and not (_close(loss, expected[0]) and _close(dpred, expected[1]))
        )

    return predicate


_mse_half = _mse_scaled(lambda n, k: 0.5, lambda n, k: 0.5)
_mse_no_two = _mse_scaled(lambda n, k: 1.0, lambda n, k: 0.5)
_mse_mean_all_loss = _mse_scaled(lambda n, k: 1.0 / k, lambda n, k: None)
_mse_mean_all_grad = _mse_scaled(lambda n, k: None, lambda n, k: 1.0 / k)
_mse_no_mean_loss = _mse_scaled(lambda n, k: float(n), lambda n, k: None)
_mse_no_mean_grad = _mse_scaled(lambda n, k: None, lambda n, k: float(n))
_mse_twice = _mse_scaled(lambda n, k: None, lambda n, k: 1.0 / n)
_mse_sign = _mse_scaled(lambda n, k: None, lambda n, k: -1.0)


# ---------------------------------------------------------------- two_layer_loss


def _network(n, d, m, k, kink=False, dead=False):
    def make(rng):
        X = rng.standard_normal((n, d))
        W1, b1 = rng.standard_normal((d, m)), rng.standard_normal(m)
        W2, b2 = rng.standard_normal((m, k)), rng.standard_normal(k)
        if kink:
            # sample 0 is the origin and units 0 and 2 have no bias: their Z is exactly 0 there
            X[0] = 0.0
            b1[[0, 2]] = 0.0
        if dead:
            # unit 1 is off for every sample (its gradients must be exactly 0)
            b1[1] = -50.0
            W1[:, 1] = 0.1 * W1[:, 1]
        T = rng.standard_normal((n, k))
        return [(W1, b1), (W2, b2)], X, T

    return make


def _grads(got):
    """The student's grads as [(dW1, db1), (dW2, db2)] of float arrays, or None."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    grads = got[1]
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        return None
    pairs = [_arrays(layer, 2) for layer in grads]
    return None if any(p is None for p in pairs) else pairs


def _grads_close(got_grads, want_grads):
    return all(_close(g, w) for gp, wp in zip(got_grads, want_grads) for g, w in zip(gp, wp))


def _tl_reversed(got, expected, args):
    grads = _grads(got)
    (W1, _), (W2, _) = args[0]
    return grads is not None and grads[0][0].shape == W2.shape and grads[1][0].shape == W1.shape


def _tl_no_relu_backward(got, expected, args):
    grads = _grads(got)
    if grads is None:
        return False
    (W1, b1), (W2, b2) = args[0]
    X, T = args[1], args[2]
    Z = X @ W1 + b1
    H = np.maximum(Z, 0.0)
    dpred = 2.0 * (H @ W2 + b2 - T) / X.shape[0]
    dZ = dpred @ W2.T  # the ReLU skipped on the way back
    wrong = [(X.T @ dZ, dZ.sum(axis=0)), (H.T @ dpred, dpred.sum(axis=0))]
    return _grads_close(grads, wrong) and not _grads_close(grads, expected[1])


def _tl_sign(got, expected, args):
    grads = _grads(got)
    if grads is None:
        return False
    negated = [(-dW, -db) for dW, db in expected[1]]
    return _grads_close(grads, negated)


def _tl_scaled(got, expected, args):
    """Loss or gradients off by a constant factor, as a wrong squared_error_loss would give."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    n, k = np.shape(args[2])
    loss, grads = got[0], _grads(got)
    factors = (0.5, 1.0 / k, float(n), 1.0 / n, 2.0)
    loss_off = any(_close(loss, expected[0] * f) for f in factors) and not _close(loss, expected[0])
    grads_off = (
        grads is not None
        and not _grads_close(grads, expected[1])
        and any(_grads_close(grads, [(dW * f, db * f) for dW, db in expected[1]]) for f in factors)
    )
    return loss_off or grads_off


# ---------------------------------------------------------------- exercises


TRANSPOSED_HINT = (
    "dW must have W's shape (D, M): dW = Xᵀ @ dout. doutᵀ @ X is its transpose "
    "(it is the gradient of the column-form weights W' = Wᵀ); likewise "
    "dX = dout @ Wᵀ has X's shape (N, D)"
)
DIVIDED_HINT = (
    "affine_backward does not divide by N: the 1/N of a mean loss is already inside "
    "dout (squared_error_loss put it there), so dividing again makes the gradient N "
    "times too small; db is a sum over the rows, not a mean"
)
DB_AXIS_HINT = (
    "db must have b's shape (M,): b was added to every row, so its gradient sums dout "
    "over the rows, np.sum(dout, axis=0) (not axis=1, not keepdims, not everything)"
)
ORDER_HINT = "return the three gradients in the order (dX, dW, db)"
SIGN_HINT_AB = (
    "a sign is flipped: backward returns the gradient itself, e.g. ∂L/∂W = Xᵀ @ dout; "
    "the minus sign belongs to the update W ← W − η·dW, not to the gradient"
)

KINK_HINT = (
    "at exactly Z = 0 this course takes ReLU'(0) = 0: mask with Z > 0, not Z >= 0, "
    "so an entry with Z = 0 gets no gradient"
)
MASK_ONLY_HINT = (
    "return dout ⊙ [Z > 0], not the mask alone: the mask is the ReLU's local slope "
    "(chapter 3's relu_grad), and the chain rule multiplies it by the upstream gradient dout"
)
FROM_DOUT_HINT = (
    "take the mask from the cache Z (where the unit was active in the forward pass), "
    "not from the sign of dout: an active unit passes negative gradients too"
)
AS_IF_OUTPUT_HINT = (
    "the cache is Z, the input, which is negative where a unit was off: Z != 0 or "
    "np.sign(Z) would only work on the output max(0, Z); use the mask Z > 0"
)
VALUES_HINT = (
    "multiply dout by the 0/1 mask [Z > 0], not by the values of Z or of max(0, Z): "
    "the ReLU's slope is 1 wherever it is active, whatever the value"
)
SIGN_HINT_RB = "the sign is flipped: dZ = dout ⊙ [Z > 0], with no minus sign"
KINK_CASE_HINT = (
    "here some pre-activations Z are exactly 0; with ReLU'(0) = 0 they pass no gradient, "
    "so the mask is Z > 0, not Z >= 0 (if other cases fail too, fix those first)"
)

EXERCISES = [
    Exercise(
        name="affine_forward",
        reference=ref.affine_forward,
        points=2,
        cases=[
            Case("X (5, 3), W (3, 4), b (4,)", _affine_inputs(5, 3, 4), check=_check_affine_forward),
            Case("X (8, 6), W (6, 2), b (2,)", _affine_inputs(8, 6, 2), check=_check_affine_forward),
            Case("a single sample: X (1, 7), W (7, 5), b (5,)", _affine_inputs(1, 7, 5), check=_check_affine_forward),
            Case(
                "X (6, 4) with a row of zeros (that row of out is b), W (4, 9)",
                _affine_inputs(6, 4, 9, zero_row=True),
                check=_check_affine_forward,
            ),
            Case(
                "integer X (4, 2), W (2, 3), b (3,)",
                _affine_inputs(4, 2, 3, integers=True),
                check=_check_affine_forward,
            ),
        ],
        diagnoses=[
            (_af_out_only, "return a pair: the output and the cache, `return X @ W + b, (X, W)`"),
            (_af_transposed, "one row per sample: out = X @ W + b has shape (N, M), not (M, N)"),
            (_af_no_bias, "add the bias: out = X @ W + b (b is added to every row)"),
            (
                _af_cache_wrong,
                "out is right; the cache must be exactly the pair (X, W), in this order "
                "(not out, not (X, W, b), not (W, X)): affine_backward unpacks X, W = cache",
            ),
        ],
    ),
    Exercise(
        name="affine_backward",
        reference=ref.affine_backward,
        points=3,
        outputs=("dX", "dW", "db"),
        cases=[
            Case("N=5, D=3, M=4", _backward_inputs(5, 3, 4)),
            Case("N=8, D=6, M=2", _backward_inputs(8, 6, 2)),
            Case("fewer samples than features: N=3, D=7, M=5", _backward_inputs(3, 7, 5)),
            Case(
                "N=6, D=4, M=9 with two zero rows in dout (samples that do not affect L)",
                _backward_inputs(6, 4, 9, zero_rows=2),
            ),
            Case("N=12, D=2, M=3 with integer X in the cache", _backward_inputs(12, 2, 3, integer_x=True)),
        ],
        diagnoses=[
            (_ab_order, ORDER_HINT),
            (_ab_transposed, TRANSPOSED_HINT),
            (_ab_db_axis, DB_AXIS_HINT),
            (_ab_divided_by_n, DIVIDED_HINT),
            (_ab_sign, SIGN_HINT_AB),
        ],
    ),
    Exercise(
        name="relu_forward",
        reference=ref.relu_forward,
        points=2,
        cases=[
            Case("Z of shape (6, 4)", _relu_inputs((6, 4)), check=_check_relu_forward),
            Case("Z of shape (3, 7) with exact zeros", _relu_inputs((3, 7), zeros=True), check=_check_relu_forward),
            Case("a single sample, Z of shape (1, 5)", _relu_inputs((1, 5)), check=_check_relu_forward),
            Case(
                "Z of shape (2, 3, 4): any shape works", _relu_inputs((2, 3, 4), zeros=True), check=_check_relu_forward
            ),
            Case("integer Z of shape (5, 2)", _relu_inputs((5, 2), integers=True), check=_check_relu_forward),
        ],
        diagnoses=[
            (_rf_out_only, "return a pair: the output and the cache, `return np.maximum(Z, 0.0), Z`"),
            (_rf_mask, "out is the value max(0, Z), not the 0/1 mask Z > 0 (that is the slope)"),
            (_rf_min, "keep the positive part: max(0, Z), not min(0, Z)"),
            (
                _rf_cache_is_output,
                "out is right; the cache must be Z itself, the input, as the exercise "
                "fixes (the output max(0, Z) has lost Z's negative values)",
            ),
        ],
    ),
    Exercise(
        name="relu_backward",
        reference=ref.relu_backward,
        points=3,
        cases=[
            Case("Z of shape (5, 4) with exact zeros", _relu_backward_inputs((5, 4))),
            Case("Z of shape (8, 3) with exact zeros", _relu_backward_inputs((8, 3))),
            Case("Z of shape (2, 3, 5) with exact zeros", _relu_backward_inputs((2, 3, 5))),
            Case("a single sample, Z of shape (1, 9) with exact zeros", _relu_backward_inputs((1, 9))),
            Case("Z of shape (11,) with zeros, -0.0 and ±1e-300", _relu_backward_inputs((11,), tiny=True)),
        ],
        diagnoses=[
            (_rb_kink, KINK_HINT),
            (_rb_mask_only, MASK_ONLY_HINT),
            (_rb_from_dout, FROM_DOUT_HINT),
            (_rb_as_if_output, AS_IF_OUTPUT_HINT),
            (_rb_sign_of_z, AS_IF_OUTPUT_HINT),
            (_rb_values, VALUES_HINT),
            (_rb_raw_z, VALUES_HINT),
            (_rb_sign, SIGN_HINT_RB),
        ],
    ),
    Exercise(
        name="squared_error_loss",
        reference=ref.squared_error_loss,
        points=3,
        outputs=("loss", "dpred"),
        cases=[
            Case("pred and target of shape (5, 3)", _mse_inputs(5, 3)),
            Case("shape (7, 4)", _mse_inputs(7, 4)),
            Case("shape (3, 6): more outputs than samples", _mse_inputs(3, 6)),
            Case("shape (4, 7), two rows where pred equals target", _mse_inputs(4, 7, equal_rows=2)),
            Case("integer pred and target of shape (9, 5)", _mse_inputs(9, 5, integers=True)),
        ],
        diagnoses=[
            (
                _mse_half,
                "this chapter's loss has no ½ (unlike chapter 1's 1/(2N) and chapter 4's ½Σ): "
                "loss = (1/N) Σ (pred − target)², and its gradient is 2 (pred − target) / N",
            ),
            (_mse_no_two, "the derivative of (p − t)² is 2 (p − t): dpred = 2 (pred − target) / N"),
            (
                _mse_mean_all_loss,
                "average over the N samples only: sum the squared errors over all "
                "entries, then divide by N (np.mean over the N·K entries divides by N·K)",
            ),
            (
                _mse_mean_all_grad,
                "the gradient of a mean over the N samples is 2 (pred − target) / N; "
                "you divided by N·K (the number of entries)",
            ),
            (
                _mse_no_mean_loss,
                "divide by N: the loss is a mean over the samples, (1/N) Σₙ Σₖ (pred − target)², not a sum",
            ),
            (_mse_no_mean_grad, "the gradient of a mean has the 1/N too: dpred = 2 (pred − target) / N"),
            (_mse_twice, "dpred = 2 (pred − target) / N: you divided by N twice"),
            (
                _mse_sign,
                "the sign is flipped: ∂loss/∂pred = 2 (pred − target) / N, positive where pred is above target",
            ),
        ],
    ),
    Exercise(
        name="two_layer_loss",
        reference=ref.two_layer_loss,
        points=3,
        outputs=("loss", "grads"),
        cases=[
            Case("N=6, D=3, M=5, K=2", _network(6, 3, 5, 2)),
            Case("N=9, D=4, M=7, K=3", _network(9, 4, 7, 3)),
            Case("one input feature: N=8, D=1, M=6, K=3", _network(8, 1, 6, 3)),
            Case(
                "pre-activations exactly 0 (the kink): N=7, D=2, M=4, K=3",
                _network(7, 2, 4, 3, kink=True),
                hint=KINK_CASE_HINT,
            ),
            Case("a dead hidden unit (off for every sample): N=10, D=3, M=6, K=2", _network(10, 3, 6, 2, dead=True)),
        ],
        diagnoses=[
            (_tl_reversed, "return grads in the same order as params, first layer first: [(dW1, db1), (dW2, db2)]"),
            (
                _tl_no_relu_backward,
                "on the way back, pass dH through relu_backward(dH, relu_cache) "
                "before the first affine layer: units that were off get no gradient",
            ),
            (
                _tl_sign,
                "the gradients have the wrong sign: return ∂L/∂W itself; the minus sign "
                "belongs to the update W ← W − η·dW",
            ),
            (
                _tl_scaled,
                "the loss or the gradients are off by a constant factor: the loss is "
                "squared_error_loss(pred, T) (sum over outputs, mean over samples), and the backward "
                "pass starts from the dpred it returns, 2 (pred − target) / N",
            ),
        ],
        parts=("affine_forward", "relu_forward", "squared_error_loss", "affine_backward", "relu_backward"),
    ),
]
