"""Hidden tests for chapter 6, softmax and cross-entropy.

Every case is built so that each catalogued wrong formula fails it (the
mistakes are written out as student code in tests/judging/mistakes/): all dimensions
differ, every batch has several samples, ``reg`` is never 0 or 1, biases are
non-zero. Softmax and cross-entropy cases hold rows near ±1000, where e^s
overflows (or a whole row underflows) unless each row's own maximum is
subtracted, and a sample whose true class trails its row's best score by
1000, where log(softmax) gives log 0. One-hot labels never use the last class,
so a width taken from ``y.max() + 1`` fails every case.
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from coursekit.testing import describe_mismatch

FAR = 1000.0  # e^1000 overflows, e^-1000 underflows to 0 in float64

# ---------------------------------------------------------------- inputs


def _far_rows(scores):
    """Shift row 0 up by FAR and row 1 down by FAR (in place, on our own array)."""
    scores[0] += FAR
    scores[1] -= FAR
    return scores


def _scores(n, c):
    return lambda rng: (_far_rows(2.0 * rng.standard_normal((n, c))),)


def _spread_rows(rng):
    # Rows whose levels range from −900 to +900: a batch-wide maximum sinks most rows.
    levels = rng.permutation(np.linspace(-900.0, 900.0, 12))
    return (3.0 * rng.standard_normal((12, 10)) + levels[:, None],)


def _extremes():
    """±1e4: a dominant class, a row of equal scores, ties, probabilities 1/4 and 3/4."""
    return np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [-1e4, 5e3, 5e3], [2.0, 2.0 + np.log(3.0), -1e4]])


def _integer_scores(n, c):
    def make(rng):
        scores = rng.integers(-6, 7, (n, c))
        scores[0] += int(FAR)
        scores[1] -= int(FAR)
        return (scores,)

    return make


def _scores_and_labels(n, c, classes=None, integer=False):
    """Scores with far rows, labels in 0..classes−1, and sample 2's true class 1000 behind."""
    classes = c if classes is None else classes

    def make(rng):
        if integer:
            scores = rng.integers(-6, 7, (n, c))
            scores[0] += int(FAR)
            scores[1] -= int(FAR)
        else:
            scores = _far_rows(2.0 * rng.standard_normal((n, c)))
        y = rng.integers(0, classes, n)
        y[:2] = [0, classes - 1]  # at least two different labels
        scores[2, y[2]] = scores[2].max() - int(FAR)
        return scores, y

    return make


def _extreme_labels(rng):
    # −log P: 2e4 for the first sample (its class scores −1e4 against 1e4), ln 3, ln 2, ln(4/3).
    return _extremes(), np.array([1, 0, 2, 1])


def _labels(n, c, top):
    """n labels in 0..top−1 (top < c, so the last class never occurs), two of them distinct."""

    def make(rng):
        y = rng.integers(0, top, n)
        y[:2] = [top - 1, 0]
        return y, c

    return make


def _regression(n, d, c, reg, classes=None, integer_X=False, scale=1.0):
    classes = c if classes is None else classes

    def make(rng):
        W = scale * rng.standard_normal((d, c))
        b = scale * rng.standard_normal(c)
        X = rng.integers(-3, 4, (n, d)) if integer_X else rng.standard_normal((n, d))
        y = rng.integers(0, classes, n)
        y[:2] = [0, classes - 1]
        return W, b, X, y, reg

    return make


# ---------------------------------------------------------------- helpers for the diagnoses


def _arr(value):
    return np.asarray(value, dtype=float)


def _same(got, value):
    """``got`` equals ``value`` (shape and entries; NaN and inf in the same places)."""
    got, value = _arr(got), _arr(value)
    return got.shape == value.shape and np.allclose(got, value, rtol=1e-6, atol=1e-9, equal_nan=True)


def _number(value):
    """``float(value)`` for a single number, otherwise NaN."""
    if np.ndim(value) != 0:
        return float("nan")
    return float(value)


def _near(got, value):
    """The single number ``got`` equals ``value`` (inf equals inf)."""
    got = _number(got)
    return got == value or bool(np.isclose(got, value, rtol=1e-6, atol=1e-9))


def _exp_ratio(shifted, axis=1):
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _row_max_shift(scores):
    scores = _arr(scores)
    return scores - scores.max(axis=1, keepdims=True)


def _log_softmax(scores):
    shifted = _row_max_shift(scores)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _true_class(matrix, y):
    return matrix[np.arange(len(y)), y]


# ---------------------------------------------------------------- softmax


def _naive_softmax(got, expected, args):
    return _same(got, _exp_ratio(_arr(args[0])))


def _global_max(got, expected, args):
    scores = _arr(args[0])
    return _same(got, _exp_ratio(scores - scores.max()))


def _column_max(got, expected, args):
    scores = _arr(args[0])
    return _same(got, _exp_ratio(scores - scores.max(axis=0, keepdims=True)))


def _columns_sum_to_one(got, expected, args):
    got = _arr(got)
    return got.shape == expected.shape and np.allclose(got.sum(axis=0), 1.0)


def _not_normalised(got, expected, args):
    got = _arr(got)
    return got.shape == expected.shape and np.all(np.isfinite(got)) and not np.allclose(got.sum(axis=1), 1.0)


def _not_finite(got, expected, args):
    return not np.all(np.isfinite(_arr(got)))


def _shape_differs(got, expected, args):
    return np.shape(got) != np.shape(expected)


NAN_SOFTMAX = (
    "NaN or inf: e^s overflows to inf for s > 709 (inf/inf = NaN), and a row whose "
    "scores are all below −745 underflows to 0/0. Subtract each row's own maximum "
    "first, scores - scores.max(axis=1, keepdims=True): the result is the same, "
    "every exponent is ≤ 0 and each row's sum is at least 1"
)
GLOBAL_MAX = (
    "you subtracted the largest score of the whole batch. That is a constant for every "
    "row, so it is right on paper, but a row far below the batch's maximum underflows "
    "to 0/0 = NaN. Subtract each row's own maximum: scores.max(axis=1, keepdims=True)"
)
COLUMN_MAX = (
    "you subtracted each column's maximum (axis=0): a different number for each class "
    "changes the probabilities. The shift must be the same within a row: "
    "scores.max(axis=1, keepdims=True)"
)
COLUMN_SUM = (
    "your columns sum to 1, not your rows: normalise each sample (row) over its classes, e.sum(axis=1, keepdims=True)"
)
ROW_SUM = "the rows do not sum to 1: divide the exponentials by their row sums, e / e.sum(axis=1, keepdims=True)"

_softmax = Exercise(
    name="softmax",
    reference=ref.softmax,
    points=3,
    cases=[
        Case("scores of shape (5, 3), one row near +1000 and one near −1000", _scores(5, 3)),
        Case("scores of shape (4, 7), one row near +1000 and one near −1000", _scores(4, 7)),
        Case("scores of shape (9, 2), one row near +1000 and one near −1000", _scores(9, 2)),
        Case("scores of shape (12, 10), rows at levels from −900 to +900", _spread_rows),
        Case("±1e4: a dominant class, a row of equal scores, ties, shape (4, 3)", lambda rng: (_extremes(),)),
        Case("integer scores (dtype int64) of shape (3, 6), rows near +1000 and −1000", _integer_scores(3, 6)),
    ],
    diagnoses=[
        (
            _shape_differs,
            "return an array shaped like scores, (N, C), one row per sample "
            "(if you worked with one column per sample, transpose back)",
        ),
        (_naive_softmax, NAN_SOFTMAX),
        (_global_max, GLOBAL_MAX),
        (_column_max, COLUMN_MAX),
        (_columns_sum_to_one, COLUMN_SUM),
        (_not_finite, NAN_SOFTMAX),
        (_not_normalised, ROW_SUM),
    ],
)


# ---------------------------------------------------------------- one_hot


def _exact_result(got, args, expected):
    """Exactly the reference's 0s and 1s (of any dtype: a boolean or integer one-hot is right too)."""
    if not isinstance(got, np.ndarray):
        return f"the result should be a NumPy array but is a {type(got).__name__}"
    problem = describe_mismatch(got, expected, rtol=0.0, atol=0.0, exact=True)
    return f"the result {problem}" if problem else None


def _transposed(got, expected, args):
    return np.shape(got) == expected.shape[::-1]


def _width_from_labels(got, expected, args):
    y = np.asarray(args[0])
    return np.shape(got) == (y.size, int(y.max()) + 1)


def _whole_columns(got, expected, args):
    y = np.asarray(args[0])
    present = np.zeros(expected.shape[1])
    present[np.unique(y)] = 1.0
    return _same(got, np.tile(present, (y.size, 1)))


_one_hot = Exercise(
    name="one_hot",
    reference=ref.one_hot,
    points=2,
    cases=[
        Case("8 labels in 0..3, num_classes=5 (class 4 never occurs)", _labels(8, 5, 4), check=_exact_result),
        Case("3 labels in 0..4, num_classes=6 (class 5 never occurs)", _labels(3, 6, 5), check=_exact_result),
        Case(
            "10 labels of dtype int32 in 0..5, num_classes=7 (class 6 never occurs)",
            lambda rng: (_labels(10, 7, 6)(rng)[0].astype(np.int32), 7),
            check=_exact_result,
        ),
        Case(
            "20 labels in 0..8, num_classes=12 (classes 9 to 11 never occur)", _labels(20, 12, 9), check=_exact_result
        ),
    ],
    diagnoses=[
        (_transposed, "one ROW per sample: the shape is (N, num_classes), not (num_classes, N)"),
        (
            _width_from_labels,
            "the number of columns is num_classes, not y.max() + 1: a class "
            "that does not occur in this batch still needs its column",
        ),
        (
            _whole_columns,
            "Y[:, y] = 1 sets whole columns (every row gets a 1 in every label's "
            "column); set one entry per row: Y[np.arange(N), y] = 1",
        ),
    ],
)


# ---------------------------------------------------------------- cross_entropy


def _per_sample(args):
    scores, y = args
    return -_true_class(_log_softmax(scores), y)


def _implied_cap(got, expected, args):
    """For a loss whose finite samples are right: what the underflowed samples contributed."""
    losses = _per_sample(args)
    with np.errstate(divide="ignore"):
        underflowed = _true_class(ref.softmax(args[0]), args[1]) == 0.0
    if not underflowed.any():
        return None
    rest = losses[~underflowed].sum()
    return (_number(got) * len(losses) - rest) / underflowed.sum(), losses[underflowed].min()


def _epsilon_in_log(got, expected, args):
    implied = _implied_cap(got, expected, args)
    return implied is not None and np.isfinite(implied[0]) and 0.0 < implied[0] < implied[1] - 1.0


def _log_of_softmax(got, expected, args):
    return _number(got) == np.inf


def _nan_loss(got, expected, args):
    return np.isnan(_number(got)) or _number(got) == -np.inf


def _summed(got, expected, args):
    return _near(got, expected * len(args[1]))


def _mean_over_all_entries(got, expected, args):
    return _near(got, expected / args[0].shape[1])


def _loss_sign(got, expected, args):
    return _near(got, -expected)


def _column_indexing(got, expected, args):
    scores, y = args
    return _near(got, -np.mean(_log_softmax(scores)[:, y]))


def _per_sample_array(got, expected, args):
    return np.shape(got) == (len(args[1]),)


CE_NAN = (
    "the loss is NaN (or −inf): e^s overflowed to inf for a score near +1000, or a whole "
    "row underflowed to 0 and gave log 0. Subtract each row's own maximum mₙ before "
    "exponentiating and use log-sum-exp: log Pₙₖ = (sₙₖ − mₙ) − log Σⱼ e^(sₙⱼ − mₙ)"
)
CE_LOG_SOFTMAX = (
    "the loss is inf: you took the log of softmax probabilities, and for a sample whose "
    "true class trails its best score by 1000, P rounds to 0 and log 0 = −inf, although "
    "log P is just about −1000. Compute log P with log-sum-exp instead: "
    "log Pₙₖ = (sₙₖ − mₙ) − log Σⱼ e^(sₙⱼ − mₙ)"
)
CE_EPSILON = (
    "adding a small ε inside the log (or clipping P) caps a sample's loss at −log ε, "
    "while the true loss of a sample whose class trails by 1000 is about 1000. Compute "
    "log P exactly with log-sum-exp: log Pₙₖ = (sₙₖ − mₙ) − log Σⱼ e^(sₙⱼ − mₙ)"
)
CE_SUM = "the loss is a mean over the N samples, not a sum: divide by N"

_cross_entropy = Exercise(
    name="cross_entropy",
    reference=ref.cross_entropy,
    points=3,
    parts=("one_hot",),
    cases=[
        Case(
            "scores (6, 4) with rows near ±1000; one true class trails its row's best by 1000", _scores_and_labels(6, 4)
        ),
        Case(
            "scores (5, 8), labels only in 0..3; rows near ±1000; one true class 1000 behind",
            _scores_and_labels(5, 8, classes=4),
        ),
        Case(
            "scores (10, 3) with rows near ±1000; one true class trails its row's best by 1000",
            _scores_and_labels(10, 3),
        ),
        Case("±1e4 with ties and a row of equal scores, shape (4, 3): losses 2e4, ln 3, ln 2, ln 4/3", _extreme_labels),
        Case(
            "integer scores (dtype int64) of shape (4, 6), rows near ±1000, one class 1000 behind",
            _scores_and_labels(4, 6, integer=True),
        ),
    ],
    diagnoses=[
        (_per_sample_array, "return one number, the mean of the N per-sample losses, not the array of them"),
        (_nan_loss, CE_NAN),
        (_log_of_softmax, CE_LOG_SOFTMAX),
        (_summed, CE_SUM),
        (
            _mean_over_all_entries,
            "you averaged over all N×C entries of Y ⊙ log P; only the "
            "true class's entry of each row counts, so sum them and "
            "divide by N",
        ),
        (_loss_sign, "the loss is −(1/N) Σ log Pₙ,yₙ: log P ≤ 0, so the loss is positive"),
        (
            _column_indexing,
            "log_P[:, y] picks every label's column for every row (an N×N "
            "block); take one entry per row: log_P[np.arange(N), y]",
        ),
        (_epsilon_in_log, CE_EPSILON),
    ],
)


# ---------------------------------------------------------------- softmax_cross_entropy


def _parts(got):
    """``(loss, dscores)`` of a result shaped like ours, else ``(nan, None)``."""
    if isinstance(got, (tuple, list)) and len(got) == 2:
        return _number(got[0]), _arr(got[1])
    return float("nan"), None


def _grad_is(got, expected, value):
    _, grad = _parts(got)
    return grad is not None and _same(grad, value)


def _sce_summed(got, expected, args):
    N = len(args[1])
    loss, _ = _parts(got)
    return _near(loss, expected[0] * N) and _grad_is(got, expected, expected[1] * N)


def _sce_probabilities(args):
    scores, y = args
    P = ref.softmax(scores)
    return P, ref.one_hot(y, P.shape[1]), len(y)


_softmax_cross_entropy = Exercise(
    name="softmax_cross_entropy",
    reference=ref.softmax_cross_entropy,
    points=3,
    parts=("softmax", "one_hot", "cross_entropy"),
    outputs=("loss", "dscores"),
    cases=[
        Case("scores of shape (6, 4)", lambda rng: (2.0 * rng.standard_normal((6, 4)), rng.integers(0, 4, 6))),
        Case(
            "scores of shape (5, 7), labels only in 0..3",
            lambda rng: (2.0 * rng.standard_normal((5, 7)), rng.integers(0, 4, 5)),
        ),
        Case("scores of shape (11, 3) with rows near ±1000", _scores_and_labels(11, 3)),
        Case("±1e4 with ties and a row of equal scores, shape (4, 3)", _extreme_labels),
        Case(
            "integer scores (dtype int64) of shape (3, 5)",
            lambda rng: (rng.integers(-4, 5, (3, 5)), np.array([4, 0, 2])),
        ),
    ],
    diagnoses=[
        (
            lambda got, exp, args: np.shape(_parts(got)[1]) == exp[1].shape[::-1],
            "dscores has one row per sample, shape (N, C), like the scores",
        ),
        (
            _sce_summed,
            "you summed over the samples: this course's loss is a mean, so divide "
            "both the loss and its gradient (P − Y) by N",
        ),
        (
            lambda got, exp, args: _grad_is(got, exp, exp[1] * len(args[1])),
            "the gradient of a MEAN loss is (P − Y) / N: each sample's share carries the 1/N",
        ),
        (
            lambda got, exp, args: _grad_is(got, exp, -exp[1]),
            "the sign is flipped: ∂loss/∂scores = (P − Y) / N. Raising the true class's score "
            "lowers the loss, so that entry of the gradient, (Pₙ,yₙ − 1)/N, is negative",
        ),
        (
            lambda got, exp, args: _grad_is(got, exp, -exp[1] * len(args[1])),
            "two slips in dscores: the sign (it is P − Y, not Y − P) and the 1/N of the mean",
        ),
        (
            lambda got, exp, args: _grad_is(got, exp, _sce_probabilities(args)[0] / len(args[1])),
            "subtract the one-hot targets: dscores = (P − Y) / N, not P / N",
        ),
        (
            lambda got, exp, args: _grad_is(
                got, exp, -_sce_probabilities(args)[1] / (len(args[1]) * _sce_probabilities(args)[0])
            ),
            "that is the gradient with respect to the probabilities P, −Y / (N P). The "
            "exercise asks for the gradient with respect to the scores; through the softmax "
            "the chain rule gives (P − Y) / N",
        ),
        (lambda got, exp, args: _near(_parts(got)[0], exp[0] * len(args[1])), CE_SUM),
    ],
)


# ---------------------------------------------------------------- softmax_regression_loss


def _regression_parts(args):
    """Data loss, data gradients (mean) and the penalty pieces of the reference."""
    W, b, X, y, reg = args
    X = _arr(X)
    data_loss, dS = ref.softmax_cross_entropy(X @ W + b, y)
    return {
        "data": data_loss,
        "dW": X.T @ dS,
        "db": dS.sum(axis=0),
        "N": X.shape[0],
        "W": _arr(W),
        "b": _arr(b),
        "reg": reg,
    }


def _triple(got):
    if isinstance(got, (tuple, list)) and len(got) == 3:
        return _number(got[0]), _arr(got[1]), _arr(got[2])
    return None


def _regression_check(test):
    """A diagnosis from ``test(loss, dW, db, parts)`` on a well-formed result."""

    def predicate(got, expected, args):
        parts = _triple(got)
        return parts is not None and bool(test(*parts, _regression_parts(args)))

    return predicate


def _penalty(p):
    return p["reg"] * np.sum(p["W"] ** 2)


def _dW(p):
    return p["dW"] + 2 * p["reg"] * p["W"]


_bias_regularised = _regression_check(
    lambda loss, dW, db, p: (
        _near(loss, p["data"] + _penalty(p) + p["reg"] * np.sum(p["b"] ** 2))
        or _same(db, p["db"] + 2 * p["reg"] * p["b"])
    )
)
_factor_two = _regression_check(lambda loss, dW, db, p: _same(dW, p["dW"] + p["reg"] * p["W"]))
_norm_not_squared = _regression_check(
    lambda loss, dW, db, p: _near(loss, p["data"] + p["reg"] * np.sqrt(np.sum(p["W"] ** 2)))
)
_mean_of_squares = _regression_check(lambda loss, dW, db, p: _near(loss, p["data"] + p["reg"] * np.mean(p["W"] ** 2)))
_gradient_without_mean = _regression_check(
    lambda loss, dW, db, p: _same(dW, p["N"] * p["dW"] + 2 * p["reg"] * p["W"]) or _same(db, p["N"] * p["db"])
)
_gradient_sign = _regression_check(
    lambda loss, dW, db, p: _same(dW, -p["dW"] + 2 * p["reg"] * p["W"]) or _same(db, -p["db"])
)
_loss_summed = _regression_check(lambda loss, dW, db, p: _near(loss, p["N"] * p["data"] + _penalty(p)))
_no_penalty_in_loss = _regression_check(lambda loss, dW, db, p: _near(loss, p["data"]))
_no_penalty_in_gradient = _regression_check(lambda loss, dW, db, p: _same(dW, p["dW"]))
_db_wrong_axis = _regression_check(lambda loss, dW, db, p: db.shape == (p["N"],))

_softmax_regression_loss = Exercise(
    name="softmax_regression_loss",
    reference=ref.softmax_regression_loss,
    points=4,
    parts=("softmax", "one_hot", "cross_entropy", "softmax_cross_entropy"),
    outputs=("loss", "dW", "db"),
    cases=[
        Case("N=8, D=5, C=3, reg=0.1", _regression(8, 5, 3, 0.1)),
        Case("N=6, D=3, C=7, reg=0.02, labels only in 0..3", _regression(6, 3, 7, 0.02, classes=4)),
        Case("N=12, D=2, C=4, reg=2.5", _regression(12, 2, 4, 2.5)),
        Case("integer X (dtype int64), N=7, D=6, C=4, reg=0.3", _regression(7, 6, 4, 0.3, integer_X=True)),
        Case(
            "large weights and biases (scores up to about ±2000), N=5, D=4, C=6, reg=0.001",
            _regression(5, 4, 6, 0.001, scale=300.0),
        ),
    ],
    diagnoses=[
        (_db_wrong_axis, "db has one entry per class, shape (C,): sum dscores over the samples, axis=0"),
        (
            _bias_regularised,
            "the L2 penalty is on the weights only: no λ Σ b² in the loss and no 2λb in db (db = Σₙ (Pₙ − Yₙ) / N)",
        ),
        (_factor_two, "the derivative of λ Σ W² is 2λW, not λW (this course's penalty has no factor ½)"),
        (_norm_not_squared, "the penalty is λ times the SQUARED norm, λ Σ W²: no square root"),
        (_mean_of_squares, "the penalty sums the squares, λ Σ W²; it does not average them"),
        (
            _gradient_without_mean,
            "the data term is a mean, so its gradients carry 1/N: dW = Xᵀ (P − Y) / N + 2λW and db = Σₙ (Pₙ − Yₙ) / N",
        ),
        (_gradient_sign, "the sign of the data gradient is flipped: it is Xᵀ (P − Y) / N, with P − Y, not Y − P"),
        (_loss_summed, CE_SUM + " (the penalty λ Σ W² is added once, not per sample)"),
        (_no_penalty_in_loss, "add the penalty to the loss: loss = mean cross-entropy + λ Σ W²"),
        (_no_penalty_in_gradient, "the penalty has a gradient too: add 2λW to dW"),
    ],
)


EXERCISES = [_softmax, _one_hot, _cross_entropy, _softmax_cross_entropy, _softmax_regression_loss]
