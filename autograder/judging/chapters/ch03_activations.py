"""Hidden tests for chapter 3, activation functions."""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from autograder.judging.pairs import each_call, paired_case

# ---------------------------------------------------------------- inputs


def _normal(shape, scale=3.0):
    return lambda rng: (scale * rng.standard_normal(shape),)


def _with_zeros(shape, alpha=None):
    """Random entries with about a third of them set to exactly 0 (the kink)."""

    def make(rng):
        z = rng.standard_normal(shape)
        z[rng.random(shape) < 0.35] = 0.0
        z.flat[0] = 0.0
        return (z,) if alpha is None else (z, alpha)

    return make


def _extremes(rng):
    # exp(1e4) and exp(800) overflow to inf; the answers are exactly 0 and 1 at ±1e4.
    return (np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4]),)


def _mixed_large(rng):
    # 6 000 entries of both signs, many far beyond the overflow threshold |z| ≈ 709.
    return (rng.uniform(-1e4, 1e4, (40, 150)),)


def _alpha_case(shape, alpha):
    return lambda rng: (2.0 * rng.standard_normal(shape), alpha)


def _default_and_other_alpha(shape, other, zeros=False):
    """The same z with the default alpha (no second argument) and with ``alpha=other``.

    Alone, the default-alpha call is passed by an alpha written into the
    function as 0.01; alpha = 0 alone is passed by a plain ReLU.
    """

    def make(rng):
        z = _with_zeros(shape)(rng)[0] if zeros else 2.0 * rng.standard_normal(shape)
        return (z,), (z.copy(), other)

    return make


def _zero_and_other_alpha(shape, other, zeros=False):
    """The same z with alpha = 0 (the plain ReLU) and with ``alpha=other``."""

    def make(rng):
        z = _with_zeros(shape)(rng)[0] if zeros else 2.0 * rng.standard_normal(shape)
        return (z, 0.0), (z.copy(), other)

    return make


def _integers(shape):
    return lambda rng: (rng.integers(-6, 7, shape),)


# ---------------------------------------------------------------- diagnoses


def _nan_where_exp_overflows(got, expected, args):
    """NaN somewhere, and right wherever it is not NaN: the formula is right but overflows."""
    got = np.asarray(got, dtype=float)
    nan = np.isnan(got)
    return got.shape == np.shape(expected) and nan.any() and np.allclose(got[~nan], expected[~nan])


def _close(got, value):
    got = np.asarray(got, dtype=float)
    value = np.asarray(value, dtype=float)
    return got.shape == value.shape and np.allclose(got, value, rtol=1e-6, atol=1e-9)


def _shape_differs(got, expected, args):
    return np.shape(got) != np.shape(expected)


def _nonzero_at_kink(got, expected, args, slope_right=1.0):
    got = np.asarray(got, dtype=float)
    zero = np.asarray(args[0]) == 0
    return (
        got.shape == expected.shape
        and zero.any()
        and np.allclose(got[zero], slope_right)
        and np.allclose(got[~zero], expected[~zero])
    )


SHAPE_HINT = "return an array of the same shape as z (work elementwise; do not sum, flatten or index a single entry)"

NAN_HINT_SIGMOID = (
    "your sigmoid returns NaN for huge |z|: exp overflows to inf there and inf/inf (or inf − inf) is NaN. "
    "Use e = np.exp(-np.abs(z)) ≤ 1 and return 1/(1+e) where z ≥ 0 and e/(1+e) where z < 0"
)


# ---------------------------------------------------------------- relu_interpolant


def _points(k, lo, hi, order="shuffled", y_scale=2.0):
    """k distinct, unevenly spaced x positions in [lo, hi] (in the given order) and values."""

    def make(rng):
        gaps = rng.uniform(0.2, 1.0, k - 1)
        xs = lo + (hi - lo) * np.concatenate([[0.0], np.cumsum(gaps)]) / gaps.sum()
        if order == "shuffled":
            xs = xs[rng.permutation(k)]
            while np.all(np.diff(xs) > 0):  # make sure the order really is mixed up
                xs = xs[rng.permutation(k)]
        elif order == "descending":
            xs = xs[::-1].copy()
        ys = y_scale * rng.standard_normal(k)
        return xs, ys

    return make


def _even_points(k, lo, hi):
    """k evenly spaced x positions in [lo, hi], given in a shuffled order (never sorted)."""

    def make(rng):
        xs = np.linspace(lo, hi, k)
        order = rng.permutation(k)
        while np.all(np.diff(order) > 0):
            order = rng.permutation(k)
        xs = xs[order]
        return xs, np.sin(xs) + 0.3 * rng.standard_normal(k)

    return make


def _two_and_four_points(rng):
    # With one segment the slope change at the first point equals the slope itself:
    # output weights that are the slopes draw the right line. Pair it.
    return _points(2, 0.5, 1.7, order="descending")(rng), _points(4, -1.0, 2.5)(rng)


def _net_output(params, x):
    """Our own forward pass of a 1-input, 1-output, one-hidden-layer ReLU net (not the student's)."""
    (W1, b1), (W2, b2) = params
    hidden = np.maximum(x[:, None] @ W1 + b1, 0.0)
    return (hidden @ W2 + b2)[:, 0]


def _as_params(got):
    """``(params as float arrays, None)`` or ``(None, sentence saying what is wrong with the structure)``."""
    if not isinstance(got, (list, tuple)):
        return None, f"should return a list of two (W, b) pairs but returned a {type(got).__name__}"
    if len(got) != 2:
        return None, f"should return exactly two (W, b) layers (hidden, output) but returned {len(got)} items"
    layers = []
    for number, layer in enumerate(got, start=1):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            return None, f"layer {number} should be a pair (W, b) but is {type(layer).__name__}"
        try:
            W, b = (np.asarray(a, dtype=float) for a in layer)
        except (TypeError, ValueError):
            return None, f"layer {number}'s W and b should be arrays of numbers"
        layers.append((W, b))
    (W1, b1), (W2, b2) = layers
    if W1.ndim != 2 or W1.shape[0] != 1:
        return None, f"W1 has shape {W1.shape}; it should be (1, H): one input feature, H hidden units"
    H = W1.shape[1]
    if b1.shape != (H,):
        return None, f"b1 has shape {b1.shape}; with W1 of shape {W1.shape} it should be ({H},)"
    if W2.shape != (H, 1):
        return None, f"W2 has shape {W2.shape}; with {H} hidden units it should be ({H}, 1)"
    if b2.shape != (1,):
        return None, f"b2 has shape {b2.shape}; it should be (1,): one output"
    if not all(np.isfinite(a).all() for pair in layers for a in pair):
        return None, "the parameters contain NaN or inf (two equal x positions? a division by a zero gap?)"
    return layers, None


def _check_interpolant(got, args, expected):
    """Grade by behaviour: the student's network must draw np.interp's curve on [min xs, max xs]."""
    xs, ys = args
    params, problem = _as_params(got)
    if problem:
        return problem
    order = np.argsort(xs)
    x_sorted, y_sorted = xs[order], ys[order]
    rng = np.random.default_rng(12345)
    inside = rng.uniform(x_sorted[0], x_sorted[-1], 400)
    midpoints = (x_sorted[:-1] + x_sorted[1:]) / 2
    tol = 1e-7 * (1.0 + np.abs(ys).max())
    for where, x in (
        ("at the data point", xs),
        ("halfway between neighbouring points", midpoints),
        ("inside the data range", inside),
    ):
        want = np.interp(x, x_sorted, y_sorted)
        with np.errstate(all="ignore"):
            out = _net_output(params, x)
        bad = ~(np.abs(out - want) <= tol)
        if bad.any():
            i = int(np.argmax(np.where(bad, np.nan_to_num(np.abs(out - want), nan=np.inf), -1.0)))
            return (
                f"the network's output {where} x = {x[i]:.6g} is {out[i]:.8g}, but the piecewise-linear "
                f"curve through the points has {want[i]:.8g} there ({int(bad.sum())} of {x.size} such "
                f"x values are wrong; checked with a plain forward pass relu(x @ W1 + b1) @ W2 + b2)"
            )
    return None


def _unsorted_construction(xs, ys):
    """The reference construction done WITHOUT sorting (the usual mistake)."""
    slopes = np.concatenate([[0.0], np.diff(ys) / np.diff(xs), [0.0]])
    return [(np.ones((1, xs.size)), -xs), (np.diff(slopes)[:, None], np.array([ys[0]]))]


def _student_values(got, args):
    params, problem = _as_params(got)
    if problem:
        return None
    xs = args[0]
    grid = np.linspace(xs.min(), xs.max(), 257)
    return grid, _net_output(params, grid)


def _forgot_sorting(got, expected, args):
    xs, ys = args
    if np.all(np.diff(xs) > 0):
        return False
    values = _student_values(got, args)
    return values is not None and np.allclose(values[1], _net_output(_unsorted_construction(xs, ys), values[0]))


def _constant_offset(got, expected, args):
    values = _student_values(got, args)
    if values is None:
        return False
    xs, ys = args
    order = np.argsort(xs)
    gap = values[1] - np.interp(values[0], xs[order], ys[order])
    return abs(gap[0]) > 1e-6 and np.allclose(gap, gap[0])


def _slopes_not_changes(got, expected, args):
    params, problem = _as_params(got)
    if problem:
        return False
    xs, ys = args
    order = np.argsort(xs)
    slopes = np.diff(ys[order]) / np.diff(xs[order])
    W2 = params[1][0][:, 0]
    return any(W2.size == slopes.size + extra and np.allclose(W2[: slopes.size], slopes) for extra in (0, 1))


# ---------------------------------------------------------------- exercises


EXERCISES = [
    Exercise(
        name="sigmoid",
        reference=ref.sigmoid,
        points=3,
        cases=[
            Case("z of shape (7,)", _normal((7,))),
            Case("z of shape (4, 6)", _normal((4, 6))),
            Case("z of shape (2, 3, 5)", _normal((2, 3, 5))),
            Case("z = ±1e4, ±800, ±40, ±1, 0 (exp overflows for the large ones)", _extremes),
            Case("6000 entries of both signs with |z| up to 1e4, shape (40, 150)", _mixed_large),
            Case("integer-valued z (dtype int64) of shape (3, 4)", lambda rng: (rng.integers(-6, 7, (3, 4)),)),
        ],
        diagnoses=[
            (_nan_where_exp_overflows, NAN_HINT_SIGMOID),
            (_shape_differs, SHAPE_HINT),
            (
                lambda got, exp, args: _close(got, 1.0 - exp),
                "you computed 1 − σ(z) = σ(−z): the sign in the exponent is e^(−z), σ(z) = 1 / (1 + e^(−z))",
            ),
            (
                lambda got, exp, args: np.asarray(got).dtype.kind in "iub",
                "the values were cut to integers: an output made with np.empty_like(z) or np.zeros_like(z) "
                "keeps an integer z's integer dtype, so the probabilities written into it become 0 or 1. "
                "Build it from float arrays (e.g. z = np.asarray(z, dtype=float) first)",
            ),
            (
                lambda got, exp, args: _close(got, np.exp(-np.abs(args[0])) / (1.0 + np.exp(-np.abs(args[0])))),
                "you return e/(1+e) for every z: that is σ(−|z|), right only for z < 0; use 1/(1+e) where z ≥ 0",
            ),
            (
                lambda got, exp, args: _close(got, 1.0 / (1.0 + np.exp(-np.abs(args[0])))),
                "you return 1/(1+e) for every z: that is σ(|z|), right only for z ≥ 0; use e/(1+e) where z < 0",
            ),
        ],
    ),
    Exercise(
        name="sigmoid_grad",
        reference=ref.sigmoid_grad,
        points=2,
        parts=("sigmoid",),
        cases=[
            Case("z of shape (6,)", _normal((6,))),
            Case("z of shape (3, 5)", _normal((3, 5))),
            Case("z of shape (2, 4, 3)", _normal((2, 4, 3), scale=1.0)),
            Case("z = ±1e4, ±800, ±40, ±1, 0 (σ' is exactly 0 at ±1e4, 1/4 at 0)", _extremes),
        ],
        diagnoses=[
            (
                _nan_where_exp_overflows,
                "NaN for huge |z|: a formula like e^(−z) / (1 + e^(−z))² overflows (inf/inf). "
                "Write σ'(z) = σ(z)(1 − σ(z)) with your stable sigmoid",
            ),
            (_shape_differs, SHAPE_HINT),
            (
                lambda got, exp, args: _close(got, args[0] * (1.0 - args[0])),
                "apply the sigmoid first: σ'(z) = σ(z)(1 − σ(z)), not z(1 − z)",
            ),
            (
                lambda got, exp, args: _close(got, ref.sigmoid(args[0])),
                "you returned σ(z) itself; the derivative is σ(z)(1 − σ(z))",
            ),
            (
                lambda got, exp, args: _close(got, 1.0 - ref.sigmoid(args[0]) ** 2),
                "1 − s² is tanh's derivative pattern; the sigmoid's is s(1 − s)",
            ),
        ],
    ),
    Exercise(
        name="tanh_grad",
        reference=ref.tanh_grad,
        points=2,
        cases=[
            Case("z of shape (5,)", _normal((5,), scale=1.5)),
            Case("z of shape (4, 7)", _normal((4, 7), scale=1.5)),
            Case("z of shape (3, 2, 6)", _normal((3, 2, 6), scale=1.0)),
            Case("z = ±1e4, ±800, ±40, ±1, 0 (tanh' is exactly 0 at ±1e4, 1 at 0)", _extremes),
        ],
        diagnoses=[
            (
                _nan_where_exp_overflows,
                "NaN for huge |z|: if you build tanh from exponentials, e^z overflows (inf/inf). "
                "Use np.tanh, which is accurate everywhere: tanh'(z) = 1 − tanh(z)²",
            ),
            (_shape_differs, SHAPE_HINT),
            (
                lambda got, exp, args: _close(got, 1.0 - args[0] ** 2),
                "apply tanh first: tanh'(z) = 1 − tanh(z)², not 1 − z²",
            ),
            (lambda got, exp, args: _close(got, 1.0 - np.tanh(args[0])), "square the tanh: tanh'(z) = 1 − tanh(z)²"),
            (
                lambda got, exp, args: _close(got, -exp),
                "the sign is flipped: 1 − tanh(z)², not tanh(z)² − 1 (the slope of tanh is positive)",
            ),
            (
                lambda got, exp, args: _close(got, (1.0 - np.tanh(args[0])) ** 2),
                "square tanh(z) alone: 1 − tanh(z)², not (1 − tanh(z))²",
            ),
            (
                lambda got, exp, args: _close(got, np.tanh(args[0])),
                "you returned tanh(z) itself; its derivative is 1 − tanh(z)²",
            ),
        ],
    ),
    Exercise(
        name="relu",
        reference=ref.relu,
        points=2,
        cases=[
            Case("z of shape (8,)", _normal((8,))),
            Case("z of shape (5, 3)", _normal((5, 3))),
            Case("z of shape (2, 6, 4) with exact zeros", _with_zeros((2, 6, 4))),
            Case("z with integer dtype, shape (4, 9)", _integers((4, 9))),
        ],
        diagnoses=[
            (_shape_differs, SHAPE_HINT),
            (
                lambda got, exp, args: _close(got, (args[0] > 0).astype(float)),
                "you returned the 0/1 slope (that is relu_grad); relu returns the value max(0, z)",
            ),
            (
                lambda got, exp, args: _close(got, np.minimum(args[0], 0.0)),
                "keep the positive part: max(0, z), not min(0, z)",
            ),
            (lambda got, exp, args: _close(got, np.abs(args[0])), "negative inputs become 0, not |z|"),
            (
                lambda got, exp, args: _close(got, np.where(args[0] > 0, args[0], 0.01 * args[0])),
                "that is the leaky ReLU (0.01·z for z < 0); the ReLU sets negative inputs to exactly 0",
            ),
        ],
    ),
    Exercise(
        name="relu_grad",
        reference=ref.relu_grad,
        points=2,
        unchanged_like=2,  # an ordinary case (the others hold the kink)
        cases=[
            Case("z of shape (9,) with exact zeros", _with_zeros((9,))),
            Case("z of shape (4, 5) with exact zeros", _with_zeros((4, 5))),
            Case("z of shape (3, 2, 7)", _normal((3, 2, 7))),
            Case("tiny values ±1e-300 and zeros", lambda rng: (np.array([-1e-300, 0.0, 1e-300, -0.0, 2.0]),)),
        ],
        diagnoses=[
            (_nonzero_at_kink, "at exactly z = 0 this course uses the derivative 0: test z > 0, not z >= 0"),
            (_shape_differs, SHAPE_HINT),
            (
                lambda got, exp, args: _close(got, ref.relu(args[0])),
                "you returned relu(z); the derivative is the slope: 1 where z > 0, else 0",
            ),
            (
                lambda got, exp, args: _close(got, 1.0 - exp),
                "the 1s and 0s are swapped: the slope is 1 for positive z (where the ReLU is the identity)",
            ),
            (
                lambda got, exp, args: _close(got, np.sign(args[0])),
                "the slope for z < 0 is 0, not −1: the ReLU is flat there (np.sign gives −1)",
            ),
        ],
    ),
    Exercise(
        name="leaky_relu",
        reference=ref.leaky_relu,
        points=2,
        cases=[
            paired_case(
                "default alpha (0.01) and alpha=0.3, the same z of shape (7,)",
                _default_and_other_alpha((7,), 0.3),
                ("the default alpha", "alpha=0.3"),
            ),
            Case("alpha=0.2, z of shape (3, 8)", _alpha_case((3, 8), 0.2)),
            Case("alpha=0.05, z of shape (2, 5, 3) with exact zeros", _with_zeros((2, 5, 3), 0.05)),
            paired_case(
                "alpha=0 (plain ReLU) and alpha=0.1, the same z of shape (6, 4)",
                _zero_and_other_alpha((6, 4), 0.1),
                ("alpha=0", "alpha=0.1"),
            ),
        ],
        diagnoses=[
            (each_call(predicate), hint)
            for predicate, hint in [
                (_shape_differs, SHAPE_HINT),
                (
                    lambda got, exp, args: len(args) > 1 and _close(got, ref.leaky_relu(args[0], 0.01)),
                    "use the alpha argument; do not hard-code 0.01 (that is only its default)",
                ),
                (
                    lambda got, exp, args: _close(
                        got, np.where(args[0] > 0, args[0], args[1] if len(args) > 1 else 0.01)
                    ),
                    "for z ≤ 0 return α·z (a line with slope α), not the constant α",
                ),
                (
                    lambda got, exp, args: _close(got, ref.relu(args[0])),
                    "negative inputs give α·z, not 0 — otherwise it is the plain ReLU",
                ),
            ]
        ],
    ),
    Exercise(
        name="leaky_relu_grad",
        reference=ref.leaky_relu_grad,
        points=2,
        unchanged_like=2,  # an ordinary case (the others hold the kink)
        cases=[
            paired_case(
                "default alpha (0.01) and alpha=0.3, the same z of shape (9,) with exact zeros",
                _default_and_other_alpha((9,), 0.3, zeros=True),
                ("the default alpha", "alpha=0.3"),
            ),
            Case("alpha=0.2, z of shape (4, 6) with exact zeros", _with_zeros((4, 6), 0.2)),
            Case("alpha=0.05, z of shape (2, 3, 5)", _alpha_case((2, 3, 5), 0.05)),
            paired_case(
                "alpha=0 (plain ReLU) and alpha=0.25, the same z of shape (5, 2) with exact zeros",
                _zero_and_other_alpha((5, 2), 0.25, zeros=True),
                ("alpha=0", "alpha=0.25"),
            ),
        ],
        diagnoses=[
            (each_call(predicate), hint)
            for predicate, hint in [
                (
                    lambda got, exp, args: _nonzero_at_kink(got, exp, args),
                    "at exactly z = 0 use the left slope α (test z > 0, not z >= 0), as relu_grad does",
                ),
                (
                    _shape_differs,
                    "return an array of the same shape as z; np.where(z > 0, 1.0, alpha) broadcasts "
                    "the scalars to z's shape",
                ),
                (
                    lambda got, exp, args: len(args) > 1 and _close(got, ref.leaky_relu_grad(args[0], 0.01)),
                    "use the alpha argument; do not hard-code 0.01 (that is only its default)",
                ),
                (
                    lambda got, exp, args: _close(
                        got, np.where(args[0] > 0, 1.0, (args[1] if len(args) > 1 else 0.01) * args[0])
                    ),
                    "the slope for z ≤ 0 is the constant α, not α·z (that is the function's value)",
                ),
                (
                    lambda got, exp, args: _close(got, ref.leaky_relu(args[0], args[1] if len(args) > 1 else 0.01)),
                    "you returned leaky_relu(z); the derivative is 1 where z > 0 and α elsewhere",
                ),
                (
                    lambda got, exp, args: _close(got, ref.relu_grad(args[0])),
                    "for z ≤ 0 the slope is α, not 0 (that is relu_grad)",
                ),
            ]
        ],
    ),
    Exercise(
        name="relu_interpolant",
        reference=ref.relu_interpolant,
        points=4,
        cases=[
            Case("5 evenly spaced points on [-2, 2], shuffled", _even_points(5, -2.0, 2.0), check=_check_interpolant),
            Case("7 shuffled, unevenly spaced points on [-3, 4]", _points(7, -3.0, 4.0), check=_check_interpolant),
            paired_case(
                "2 points (a single segment) in descending order, and 4 shuffled points",
                _two_and_four_points,
                ("2 points", "4 points"),
                check=_check_interpolant,
            ),
            Case(
                "12 shuffled, unevenly spaced points on [0, 100]",
                _points(12, 0.0, 100.0, y_scale=10.0),
                check=_check_interpolant,
            ),
            Case(
                "6 points in descending order on [-9, -4]",
                _points(6, -9.0, -4.0, order="descending"),
                check=_check_interpolant,
            ),
        ],
        diagnoses=[
            (each_call(predicate, check=_check_interpolant), hint)
            for predicate, hint in [
                (
                    _forgot_sorting,
                    "sort the points by x first (np.argsort(xs), applied to xs AND ys): the segments "
                    "join neighbours along the x axis, not in the order the points were given",
                ),
                (
                    _constant_offset,
                    "the curve has the right shape but is shifted by a constant: the output bias must "
                    "make f(x₀) = y₀ at the leftmost point (with kinks at the points, b2 = y₀)",
                ),
                (
                    _slopes_not_changes,
                    "the output weights are the CHANGES of slope at each point, mₖ − mₖ₋₁ "
                    "(with m₋₁ = 0), not the slopes mₖ themselves: every unit adds its weight "
                    "to the slope of everything to its right",
                ),
            ]
        ],
    ),
]
