"""Hidden tests for chapter 4, XOR and backpropagation by hand.

The network is always 2-2-1 (two inputs, two hidden units, one output), so
only the number of samples N varies; it is never 2 or 3, the sizes of the
weight arrays. Each diagnosis below is a wrong formula that fails every case
of its exercise (``tests/judging/mistakes/test_ch04_xor_backprop.py`` checks this
with the mistake written as a student would write it). The wrong formulas
are spelled out here as small functions, so each predicate says exactly
which mistake it recognises.
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from coursekit import functions
from coursekit.probing import Fn
from coursekit.testing import describe_mismatch

# The worked example's weights with its two dropped minus signs restored (bias last),
# and the XOR table in the order of the worked example.
W_EXAMPLE = np.array([[3.0, 4.0, -2.0], [2.0, 3.0, -4.0]])
U_EXAMPLE = np.array([5.0, -5.0, -2.0])
X_TABLE = np.array([[1, 0], [0, 0], [0, 1], [1, 1]])
T_TABLE = np.array([1.0, 0.0, 1.0, 0.0])


# ---------------------------------------------------------------- helpers


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _ones_column(A, first=False):
    A = np.asarray(A, dtype=float)
    ones = np.ones((A.shape[0], 1))
    return np.hstack([ones, A] if first else [A, ones])


def _close(got, want):
    """``got`` is an array (or number) of ``want``'s shape with the same values."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))


def _close_all(got, wants):
    """A tuple result whose parts are all close to ``wants``."""
    return isinstance(got, (tuple, list)) and len(got) == len(wants) and all(_close(g, w) for g, w in zip(got, wants))


def _any_close(got, candidates):
    return any(_close_all(got, wants) for wants in candidates)


# ---------------------------------------------------------------- xor_forward


def _forward(X, W, U, *, hidden="sigmoid", output="sigmoid", hidden_bias="last", output_bias="last", return_pre=False):
    """The forward pass, or one of its usual wrong versions.

    ``hidden_bias``: "last" (right), "first", "none" or "untransposed"
    (X @ W[:, :2] + W[:, 2], rows taken as columns); ``output_bias``:
    "last", "first" or "none".
    """
    X, W, U = (np.asarray(a, dtype=float) for a in (X, W, U))
    Z = {
        "last": lambda: _ones_column(X) @ W.T,
        "first": lambda: _ones_column(X, first=True) @ W.T,
        "none": lambda: X @ W[:, :2].T,
        "untransposed": lambda: X @ W[:, :2] + W[:, 2],
    }[hidden_bias]()
    H = _sigmoid(Z) if hidden == "sigmoid" else np.maximum(Z, 0.0)
    s = {
        "last": lambda: _ones_column(H) @ U,
        "first": lambda: _ones_column(H, first=True) @ U,
        "none": lambda: H @ U[:2],
    }[output_bias]()
    y = _sigmoid(s) if output == "sigmoid" else s
    return (Z if return_pre else H), y


def _forward_no_bias(got, expected, args):
    return _any_close(
        got,
        [
            _forward(*args, hidden_bias=h, output_bias=o)
            for h, o in (("none", "none"), ("none", "last"), ("last", "none"))
        ],
    )


def _forward_bias_first(got, expected, args):
    return _any_close(
        got,
        [
            _forward(*args, hidden_bias=h, output_bias=o)
            for h, o in (("first", "first"), ("first", "last"), ("last", "first"))
        ],
    )


def _forward_not_transposed(got, expected, args):
    return _close_all(got, _forward(*args, hidden_bias="untransposed"))


def _forward_relu(got, expected, args):
    return _close_all(got, _forward(*args, hidden="relu"))


def _forward_linear_output(got, expected, args):
    return _close_all(got, _forward(*args, output="linear"))


def _forward_pre_activations(got, expected, args):
    return _close_all(got, _forward(*args, return_pre=True))


def _forward_column_output(got, expected, args):
    return (
        isinstance(got, (tuple, list))
        and len(got) == 2
        and np.shape(got[1]) == (len(args[0]), 1)
        and _close(np.ravel(got[1]), expected[1])
    )


def _table_case(rng):
    return X_TABLE.copy(), W_EXAMPLE.copy(), U_EXAMPLE.copy()


def _random_forward(n, scale=1.0, spread=2.0):
    def make(rng):
        X = rng.uniform(-spread, spread, (n, 2))
        return X, scale * rng.standard_normal((2, 3)), scale * rng.standard_normal(3)

    return make


# ---------------------------------------------------------------- half_squared_error


def _outputs_and_targets(n, binary):
    def make(rng):
        y = rng.uniform(0.02, 0.98, n)
        t = rng.integers(0, 2, n).astype(float) if binary else rng.uniform(0.0, 1.0, n)
        return y, t

    return make


def _table_outputs(rng):
    return ref.xor_forward(X_TABLE, W_EXAMPLE, U_EXAMPLE)[1], T_TABLE.copy()


def _some_exact(rng):
    # Three of seven outputs equal their targets exactly: their errors are 0.
    y, t = rng.uniform(0.05, 0.95, 7), rng.integers(0, 2, 7).astype(float)
    y[[1, 4, 5]] = t[[1, 4, 5]]
    return y, t


def _integer_outputs(rng):
    return rng.integers(-3, 4, 5), rng.integers(-3, 4, 5)


def _loss_ratio(got, expected, ratio):
    try:
        value = float(got)
    except (TypeError, ValueError):
        return False
    return expected != 0 and np.isclose(value, ratio * expected, rtol=1e-6, atol=0.0)


# ---------------------------------------------------------------- xor_gradients


def _gradients(X, t, W, U, *, sign=1.0, scale=1.0, out_slope="sigma", hidden_slope="sigma", bias="last"):
    """The backward pass, or one of its usual wrong versions."""
    X, t, W, U = (np.asarray(a, dtype=float) for a in (X, t, W, U))
    first = bias == "first"
    Xb = _ones_column(X, first)
    Z = Xb @ W.T
    H = _sigmoid(Z)
    Hb = _ones_column(H, first)
    s = Hb @ U
    y = _sigmoid(s)
    slope = {"sigma": y * (1.0 - y), "pre": s * (1.0 - s), "none": 1.0}[out_slope]
    delta = (y - t) * slope
    hidden = {"sigma": H * (1.0 - H), "pre": Z * (1.0 - Z), "none": 1.0}[hidden_slope]
    delta_hidden = np.outer(delta, U[1:] if first else U[:2]) * hidden
    dW, dU = delta_hidden.T @ Xb, Hb.T @ delta
    return sign * scale * dW, sign * scale * dU


def _gradients_sign(got, expected, args):
    return _close_all(got, (-expected[0], -expected[1]))


def _gradients_mean(got, expected, args):
    n = len(args[1])
    return _close_all(got, (expected[0] / n, expected[1] / n))


def _gradients_no_half(got, expected, args):
    return _close_all(got, (2.0 * expected[0], 2.0 * expected[1]))


def _gradients_pre_activation_slope(got, expected, args):
    return _any_close(
        got,
        [
            _gradients(*args, out_slope=o, hidden_slope=h)
            for o, h in (("pre", "pre"), ("pre", "sigma"), ("sigma", "pre"))
        ],
    )


def _gradients_no_hidden_slope(got, expected, args):
    return _close_all(got, _gradients(*args, hidden_slope="none"))


def _gradients_no_output_slope(got, expected, args):
    return _any_close(
        got, [_gradients(*args, out_slope="none"), _gradients(*args, out_slope="none", hidden_slope="none")]
    )


def _gradients_bias_first(got, expected, args):
    rolled = (np.roll(expected[0], 1, axis=1), np.roll(expected[1], 1))
    return _any_close(got, [_gradients(*args, bias="first"), rolled])


def _gradients_no_bias(got, expected, args):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    dW, dU = (np.asarray(g, dtype=float) for g in got)
    W_ok = (
        _close(dW, expected[0])
        or _close(dW, expected[0][:, :2])
        or (dW.shape == (2, 3) and _close(dW[:, :2], expected[0][:, :2]) and np.all(dW[:, 2] == 0))
    )
    U_ok = (
        _close(dU, expected[1])
        or _close(dU, expected[1][:2])
        or (dU.shape == (3,) and _close(dU[:2], expected[1][:2]) and dU[2] == 0)
    )
    return W_ok and U_ok and not _close_all(got, expected)


def _gradient_problem(n, binary, spread=2.0):
    def make(rng):
        X = rng.uniform(-spread, spread, (n, 2))
        t = rng.integers(0, 2, n).astype(float) if binary else rng.uniform(0.0, 1.0, n)
        return X, t, rng.standard_normal((2, 3)), 1.5 * rng.standard_normal(3)

    return make


def _gradient_table(rng):
    return X_TABLE.astype(float), T_TABLE.copy(), W_EXAMPLE.copy(), U_EXAMPLE.copy()


def _zero_hidden_weights(rng):
    X, t, _, U = _gradient_problem(6, binary=True)(rng)
    return X, t, np.zeros((2, 3)), U


# ---------------------------------------------------------------- numerical_gradient


def _differences(f, x, h, kind):
    """A difference quotient of every entry (or, for "rows", of every row at once)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    if kind == "rows":  # the loop `for i in range(len(x))` moves a whole row of a 2-D x
        for i in range(len(x)):
            plus, minus = x.copy(), x.copy()
            plus[i] += h
            minus[i] -= h
            grad[i] = (f(plus) - f(minus)) / (2 * h)
        return grad
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        if kind == "forward":
            grad[i] = (f(plus) - f(x)) / h
        elif kind == "backward":
            grad[i] = (f(x) - f(minus)) / h
        else:  # "over h": the central difference divided by h instead of 2h
            grad[i] = (f(plus) - f(minus)) / h
    return grad


def _one_sided(got, expected, args):
    f, x, h = args
    return _close(got, _differences(f, x, h, "forward")) or _close(got, _differences(f, x, h, "backward"))


def _over_h(got, expected, args):
    return _close(got, _differences(*args, "over h"))


def _rows_only(got, expected, args):
    return _close(got, _differences(*args, "rows"))


def _wavy_case(shape, h, zeros=False):
    def make(rng):
        a = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        b = rng.uniform(1.0, 3.0, shape)
        c = 0.3 * rng.standard_normal(shape)
        x = rng.uniform(-2.0, 2.0, shape)
        if zeros:
            x.flat[::3] = 0.0
        return Fn(functions.wavy, a=a, b=b, c=c), x, h

    return make


def _integer_point(rng):
    shape = (4, 3)
    a = rng.uniform(0.5, 2.0, shape)
    b = rng.uniform(1.0, 3.0, shape)
    c = 0.3 * rng.standard_normal(shape)
    return Fn(functions.wavy, a=a, b=b, c=c), rng.integers(-3, 4, shape), 1e-3


def _at_kinks(rng):
    # x sits exactly on the kink in 4 of its 10 entries; the others are at least 0.3 away.
    shape = (2, 5)
    a = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    k = rng.uniform(-1.0, 1.0, shape)
    x = k + rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 1.0, shape)
    on_kink = np.zeros(shape, dtype=bool)
    on_kink.flat[[0, 3, 6, 9]] = True
    x[on_kink] = k[on_kink]
    return Fn(functions.ramps, a=a, k=k), x, 1e-4


def _integer_gradient(got, args, expected):
    """The values as the reference's; if they are not, say why an integer x gives wrong ones."""
    problem = describe_mismatch(got, expected, rtol=1e-6, atol=1e-9)
    if problem and isinstance(got, np.ndarray) and (got.dtype.kind in "iub" or np.allclose(got, 0.0)):
        problem += (
            " (x holds integers here, and a copy made with x.copy() keeps that dtype, so "
            "x[i] + h is cut back to an integer; perturb np.array(x, dtype=float) instead)"
        )
    return f"the result {problem}" if problem else None


# ---------------------------------------------------------------- train_xor


def _train(X, t, W, U, lr, epochs, *, ascent=False, loss_after=False, fresh=None):
    """Gradient descent, or one of its usual wrong versions.

    ``fresh`` mixes old and new weights within one epoch: ``"U"`` takes the
    hidden gradient with the U just updated (``"U, old deltas"``: only the
    factor uⱼ of the hidden deltas is the new one), ``"W"`` the output
    gradient with the W just updated.
    """
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)
    W, U = np.array(W, dtype=float), np.array(U, dtype=float)
    step = lr if ascent else -lr
    Xb = _ones_column(X)
    losses = []

    def loss(W, U):
        return ref.half_squared_error(ref.xor_forward(X, W, U)[1], t)

    for _ in range(epochs):
        if not loss_after:
            losses.append(loss(W, U))
        dW, dU = ref.xor_gradients(X, t, W, U)
        if fresh == "U":
            U = U + step * dU
            W = W + step * ref.xor_gradients(X, t, W, U)[0]
        elif fresh == "U, old deltas":
            H, y = ref.xor_forward(X, W, U)
            delta = (y - t) * y * (1.0 - y)
            U = U + step * dU
            W = W + step * (np.outer(delta, U[:2]) * H * (1.0 - H)).T @ Xb
        elif fresh == "W":
            W = W + step * dW
            U = U + step * ref.xor_gradients(X, t, W, U)[1]
        else:
            W, U = W + step * dW, U + step * dU
        if loss_after:
            losses.append(loss(W, U))
    return W, U, losses


def _train_matches(got, args, losses_too=True, **mistake):
    """The run of a wrong update rule (its losses too, unless the rule is told by the weights
    alone: the losses then come from the student's own half_squared_error)."""
    W, U, losses = _train(*args, **mistake)
    return (
        isinstance(got, (tuple, list))
        and len(got) == 3
        and _close(got[0], W)
        and _close(got[1], U)
        and (not losses_too or _close(list(got[2]), losses))
    )


def _train_ascent(got, expected, args):
    return _train_matches(got, args, losses_too=False, ascent=True)


def _train_loss_after(got, expected, args):
    return _train_matches(got, args, loss_after=True)


def _train_fresh_weights(got, expected, args):
    return any(_train_matches(got, args, losses_too=False, fresh=mix) for mix in ("U", "U, old deltas", "W"))


def _train_extra_loss(got, expected, args):
    return len(got[2]) == args[5] + 1 and _close(list(got[2])[:-1], expected[2])


def _train_problem(n, lr, epochs, binary=True):
    def make(rng):
        X = rng.uniform(-1.5, 1.5, (n, 2))
        t = rng.integers(0, 2, n).astype(float) if binary else rng.uniform(0.1, 0.9, n)
        return X, t, rng.standard_normal((2, 3)), rng.standard_normal(3), lr, epochs

    return make


def _train_table(rng):
    return X_TABLE.astype(float), T_TABLE.copy(), W_EXAMPLE.copy(), U_EXAMPLE.copy(), 0.5, 30


def _train_from_zeros(rng):
    # Not on the XOR table: there the all-zero start has a gradient of exactly 0.
    X = rng.uniform(-1.5, 1.5, (7, 2))
    t = rng.permutation([1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    return X, t, np.zeros((2, 3)), np.zeros(3), 2.0, 40


# ---------------------------------------------------------------- exercises


EXERCISES = [
    Exercise(
        name="xor_forward",
        reference=ref.xor_forward,
        points=3,
        outputs=("H", "y"),
        cases=[
            Case("the XOR table as an integer array (N=4) with the worked example's weights", _table_case),
            Case("X of shape (5, 2), random weights", _random_forward(5)),
            Case("X of shape (7, 2) with inputs in [-3, 3]", _random_forward(7, spread=3.0)),
            Case("a single sample, X of shape (1, 2)", _random_forward(1)),
            Case("X of shape (9, 2), large weights (saturated units)", _random_forward(9, scale=4.0)),
        ],
        diagnoses=[
            (
                _forward_relu,
                "your hidden units use ReLU; this network's units are all sigmoids, "
                "H = σ([X, 1] Wᵀ) (the same weights with ReLU units compute something else)",
            ),
            (
                _forward_no_bias,
                "the biases are missing: append a column of ones, [X, 1] @ W.T and [H, 1] @ U, "
                "so the last column of W and the last entry of U are used",
            ),
            (
                _forward_bias_first,
                "the bias is the LAST entry of each row (W[:, 2] and U[2]): append the column of "
                "ones after X and after H, not before",
            ),
            (
                _forward_not_transposed,
                "each ROW of W is one hidden unit, so Z = X @ W[:, :2].T + W[:, 2]; without the "
                "transpose, unit 1 gets the weights (w_11, w_21) of the first column",
            ),
            (_forward_linear_output, "the output unit is a sigmoid too: y = σ([H, 1] @ U), a number in (0, 1)"),
            (_forward_pre_activations, "return the hidden ACTIVATIONS H = σ(Z), not the pre-activations Z"),
            (
                _forward_column_output,
                "y should have shape (N,), one number per sample: [H, 1] @ U with U of shape (3,) gives that directly",
            ),
        ],
    ),
    Exercise(
        name="half_squared_error",
        reference=ref.half_squared_error,
        points=2,
        cases=[
            Case("the worked example's outputs and the XOR targets (N=4)", _table_outputs),
            Case("N=6, real-valued targets", _outputs_and_targets(6, binary=False)),
            Case("N=9, targets 0 and 1", _outputs_and_targets(9, binary=True)),
            Case("N=7, three outputs exactly on their targets", _some_exact),
            Case("integer arrays y and t of shape (5,)", _integer_outputs),
        ],
        diagnoses=[
            (
                lambda got, exp, args: np.ndim(got) == 1 and _close(got, 0.5 * (args[1] - args[0]) ** 2),
                "return one number, the SUM over the samples of ½ (tₙ − yₙ)², not one value per sample",
            ),
            (
                lambda got, exp, args: _loss_ratio(got, exp, 2.0 / len(args[0])),
                "that is the mean squared error; E here is HALF the SUM: ½ Σₙ (tₙ − yₙ)²",
            ),
            (
                lambda got, exp, args: _loss_ratio(got, exp, 1.0 / len(args[0])),
                "E is a SUM over the samples, not a mean: ½ Σₙ (tₙ − yₙ)² (this chapter's exception "
                "to the course's mean convention)",
            ),
            (
                lambda got, exp, args: _loss_ratio(got, exp, 2.0),
                "keep the factor ½: E = ½ Σₙ (tₙ − yₙ)² (it cancels the 2 of the derivative)",
            ),
        ],
    ),
    Exercise(
        name="xor_gradients",
        reference=ref.xor_gradients,
        points=4,
        outputs=("dW", "dU"),
        parts=("xor_forward",),
        cases=[
            Case("the XOR table (N=4) at the worked example's weights", _gradient_table),
            Case("N=5, real-valued targets, random weights", _gradient_problem(5, binary=False)),
            Case("N=7, targets 0 and 1, inputs in [-2, 2]", _gradient_problem(7, binary=True)),
            Case("N=6 with W = 0 (every hidden pre-activation is 0, H = 0.5)", _zero_hidden_weights),
            Case("N=11, targets 0 and 1, inputs in [-1, 1]", _gradient_problem(11, binary=True, spread=1.0)),
        ],
        diagnoses=[
            (
                _gradients_sign,
                "the gradients have the wrong sign: ∂E/∂y = y − t (not t − y), so the output delta "
                "is (y − t) y (1 − y)",
            ),
            (_gradients_mean, "E is a SUM over the samples, so its gradients are sums too: do not divide by N"),
            (
                _gradients_no_half,
                "the gradients are twice too large: E has a factor ½ that cancels the 2 of "
                "d(t − y)²/dy, so ∂E/∂y = y − t",
            ),
            (
                _gradients_pre_activation_slope,
                "σ'(z) = σ(z)(1 − σ(z)): apply the pattern to the ACTIVATIONS (y, H), not to the "
                "pre-activations; z(1 − z) is not the slope of anything here",
            ),
            (
                _gradients_no_hidden_slope,
                "the hidden deltas need the hidden units' slope too: δₙⱼ = δₙ uⱼ Hₙⱼ (1 − Hₙⱼ)",
            ),
            (
                _gradients_no_output_slope,
                "the output delta needs the output unit's slope: δₙ = (yₙ − tₙ) yₙ (1 − yₙ), not just yₙ − tₙ",
            ),
            (
                _gradients_bias_first,
                "the bias is LAST in W's rows and in U: the gradient of a bias multiplies the "
                "appended 1, so it goes in dW[:, 2] and dU[2]",
            ),
            (
                _gradients_no_bias,
                "the biases have gradients too: dW is (2, 3) and dU is (3,), with the bias "
                "gradients (sums of the deltas, the input being 1) in the last column/entry",
            ),
        ],
    ),
    Exercise(
        name="numerical_gradient",
        reference=ref.numerical_gradient,
        points=3,
        cases=[
            Case("a smooth function (sines and cubes), x of shape (3, 4), h=1e-4", _wavy_case((3, 4), 1e-4)),
            Case("a smooth function, x of shape (2, 3, 4), h=1e-3", _wavy_case((2, 3, 4), 1e-3)),
            Case("a smooth function, x of shape (5, 2) with exact zeros, h=1e-5", _wavy_case((5, 2), 1e-5, zeros=True)),
            Case("x with integer dtype, shape (4, 3), h=1e-3", _integer_point, check=_integer_gradient),
            Case(
                "f = Σ a·max(0, x − k) with x exactly on the kink in 4 of 10 entries, shape (2, 5), h=1e-4", _at_kinks
            ),
        ],
        diagnoses=[
            (
                _one_sided,
                "that is a one-sided difference, (f(x + h) − f(x)) / h, whose error shrinks only "
                "like h; use the central difference (f(x + h) − f(x − h)) / (2h)",
            ),
            (_over_h, "the two points are 2h apart: divide f(x + h) − f(x − h) by 2h, not by h"),
            (
                _rows_only,
                "perturb ONE ENTRY at a time: for a 2-D x, x[i] += h moves a whole row; loop over "
                "np.ndindex(x.shape) (or over x.reshape(-1) of a copy)",
            ),
        ],
        unchanged_hint=(
            "the gradient is right, but x was changed: perturb a copy (np.array(x, dtype=float)) "
            "or put back the SAVED value; x[i] += h followed by x[i] -= h does not always give "
            "back the same float"
        ),
    ),
    Exercise(
        name="train_xor",
        reference=ref.train_xor,
        points=3,
        outputs=("W", "U", "losses"),
        cases=[
            Case("the XOR table from the worked example's weights, lr=0.5, 30 epochs", _train_table),
            Case("N=6, random start, lr=0.3, 25 epochs", _train_problem(6, 0.3, 25)),
            Case("N=9, random start, lr=0.1, 60 epochs", _train_problem(9, 0.1, 60)),
            Case("N=7 from W = 0, U = 0 (both hidden units alike), lr=2.0, 40 epochs", _train_from_zeros),
            Case("N=5, real-valued targets, lr=1.5, 50 epochs", _train_problem(5, 1.5, 50, binary=False)),
        ],
        diagnoses=[
            (
                _train_ascent,
                "the weights climb the loss: step AGAINST the gradient, W ← W − η ∂E/∂W "
                "(and check that your xor_gradients passes its tests: its sign matters here)",
            ),
            (_train_loss_after, "record the loss BEFORE each update: losses[0] is E at the initial weights"),
            (
                _train_fresh_weights,
                "take both gradients at the SAME (old) weights, then update both: computing ∂E/∂W "
                "with the U you have just updated is a different algorithm",
            ),
            (
                _train_extra_loss,
                "losses has one entry per update (epochs entries): do not add the loss after the last update",
            ),
        ],
        parts=("xor_forward", "half_squared_error", "xor_gradients"),
        unchanged_hint=(
            "the values are right, but W or U was changed in place (W -= lr * dW writes "
            "into the caller's array): start from copies, W = np.array(W, dtype=float)"
        ),
    ),
]
