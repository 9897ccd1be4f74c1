"""Hidden tests for chapter 1, linear classifiers.

Every case uses shapes whose dimensions are all different, so that a transposed
or wrongly reduced answer cannot pass by accident; the diagnoses name the usual
mistakes when a case fails.
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from autograder.judging.pairs import each_call, paired_case
from coursekit import functions
from coursekit.probing import Fn


def _normal(rng, *shape):
    return rng.standard_normal(shape)


def _as_float(value):
    """``float(value)`` or NaN when the student's result is not a single number."""
    try:
        return float(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return float("nan")


def _same_shape(got, expected):
    return isinstance(got, np.ndarray) and got.shape == np.shape(expected)


def _scores_case(n, c):
    """Standard normal scores whose largest entries are not all in one column (drawn again if
    they are), so that no constant label, such as all zeros, passes."""

    def make(rng):
        while True:
            scores = rng.standard_normal((n, c))
            if len(set(scores.argmax(axis=1).tolist())) > 1:
                return (scores,)

    return make


def _ties(rng):
    # Equal scores in a row: the first maximum wins, as np.argmax does.
    return (np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, -4.0, -1.0], [0.0, 5.0, 1.0]]),)


def _labels_case(n, k):
    """N labels in 0..k-1 of which some are predicted right: how many is drawn too (0 < it < N, never
    N/2, where the accuracy and the error rate agree), so the answer is not a function of N alone."""

    def make(rng):
        correct = rng.choice([c for c in range(1, n) if 2 * c != n])
        y_true = rng.integers(0, k, n)
        y_pred = (y_true + rng.integers(1, k, n)) % k  # every prediction wrong ...
        right = rng.permutation(n)[:correct]
        y_pred[right] = y_true[right]  # ... except these
        return y_pred, y_true

    return make


def _no_penalty_and_some(rng):
    # reg = 0 (no regularisation) gives 0 for every formula that multiplies by reg: pair it.
    W = rng.standard_normal((3, 5))
    return (W, 0.0), (W.copy(), 0.7)


def _least_squares_problem(n, d):
    def make(rng):
        X = rng.standard_normal((n, d))
        return rng.standard_normal(d), X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)

    return make


def _bias_problem(rng):
    # A least-squares problem whose X already carries the bias column (as in the chapter).
    X = np.hstack([rng.standard_normal((9, 2)), np.ones((9, 1))])
    return rng.standard_normal(3), X, np.where(rng.random(9) < 0.5, -1.0, 1.0)


def _gd_problem(n, d, lr, steps):
    """A least-squares-shaped bowl: ½ (w − c)ᵀ A (w − c) with A = XᵀX / n for a random X (n, d)."""

    def make(rng):
        X = rng.standard_normal((n, d))
        loss_and_grad = Fn(functions.quadratic, A=X.T @ X / n, c=rng.standard_normal(d))
        return loss_and_grad, rng.standard_normal(d), lr, steps

    return make


def _gd_matrix_problem(rng):
    # Weights that are a (3, 2) matrix: gradient descent must not assume a vector.
    scale = np.array([[1.0, 2.0], [0.5, 1.5], [3.0, 0.25]])
    quadratic_bowl = Fn(functions.bowl, scale=scale, target=rng.standard_normal((3, 2)))
    return quadratic_bowl, rng.standard_normal((3, 2)), 0.2, 6


def _gd_no_steps_and_four(rng):
    # No update at all, next to four updates from the same start: with zero steps
    # alone, a step in the wrong direction (or none) would go unnoticed.
    loss_and_grad, w0, lr, _ = _gd_problem(4, 3, 0.1, 0)(rng)
    return (loss_and_grad, w0.copy(), lr, 0), (loss_and_grad, w0.copy(), lr, 4)


def _gd_reference(args, **changes):
    """The reference run on the case's arguments with some of them changed (``lr=1.0``)."""
    loss_and_grad, w0, lr, num_steps = args
    lr = changes.get("lr", lr)
    return ref.gradient_descent(loss_and_grad, w0, lr, num_steps)


LABELS_ARE_INDICES = (
    "your labels have the right values but are not integers; labels are used as indices later "
    "(Y[np.arange(N), y], a confusion matrix), which needs an integer array: np.argmax already returns one"
)

EXERCISES = [
    Exercise(
        name="add_bias_column",
        reference=ref.add_bias_column,
        points=2,
        cases=[
            Case("X of shape (5, 3)", lambda rng: (_normal(rng, 5, 3),)),
            Case("X with a single feature, shape (7, 1)", lambda rng: (_normal(rng, 7, 1),)),
            Case("integer-valued X of shape (4, 2)", lambda rng: (rng.integers(-5, 5, (4, 2)).astype(float),)),
            Case("X with integer dtype, shape (3, 5)", lambda rng: (rng.integers(-9, 9, (3, 5)),)),
        ],
        diagnoses=[
            (
                lambda got, exp, args: (
                    _same_shape(got, exp) and np.allclose(got[:, 0], 1.0) and not np.allclose(got[:, -1], 1.0)
                ),
                "the column of ones goes LAST (the bias weight is the last row of W)",
            ),
            (
                lambda got, exp, args: (
                    _same_shape(got, exp) and np.allclose(got[:, :-1], exp[:, :-1]) and not np.allclose(got[:, -1], 1.0)
                ),
                "the new last column holds ONES: the input that multiplies the bias is always 1",
            ),
            (
                lambda got, exp, args: np.shape(got) == (exp.shape[0] + 1, exp.shape[1] - 1),
                "append a column (axis=1), not a row",
            ),
            (
                lambda got, exp, args: np.ndim(got) == 1,
                "keep X 2-D: np.append without an axis flattens it; use np.hstack([X, np.ones((N, 1))])",
            ),
            (
                lambda got, exp, args: np.shape(got) == args[0].shape,
                "the result needs one more column than X: (N, D) becomes (N, D + 1)",
            ),
        ],
    ),
    Exercise(
        name="linear_scores",
        reference=ref.linear_scores,
        points=2,
        cases=[
            Case("N=6, D=4, C=3", lambda rng: (_normal(rng, 6, 4), _normal(rng, 4, 3), _normal(rng, 3))),
            Case("N=1, D=5, C=2", lambda rng: (_normal(rng, 1, 5), _normal(rng, 5, 2), _normal(rng, 2))),
            Case("N=9, D=2, C=7", lambda rng: (_normal(rng, 9, 2), _normal(rng, 2, 7), _normal(rng, 7))),
        ],
        diagnoses=[
            (
                lambda got, exp, args: _same_shape(got, exp) and np.allclose(got, args[0] @ args[1]),
                "the bias b is missing: scores = X @ W + b",
            ),
            (
                lambda got, exp, args: _same_shape(got, exp) and np.allclose(got, args[0] @ args[1] - args[2]),
                "the bias is subtracted: scores = X @ W + b",
            ),
            (
                lambda got, exp, args: np.shape(got) == exp.shape[::-1],
                "the result is transposed: one ROW per sample, shape (N, C) = X @ W + b",
            ),
        ],
    ),
    Exercise(
        name="predict_labels",
        reference=ref.predict_labels,
        points=2,
        cases=[
            Case("scores of shape (8, 3)", _scores_case(8, 3)),
            Case("scores of shape (5, 10)", _scores_case(5, 10)),
            Case("ties within a row", _ties),
            Case("two classes, scores of shape (7, 2)", _scores_case(7, 2)),
        ],
        diagnoses=[
            (
                lambda got, exp, args: np.shape(got) == (args[0].shape[1],),
                "take the maximum over classes (axis=1), one label per row",
            ),
            (
                lambda got, exp, args: np.ndim(got) == 0,
                "np.argmax without axis= gives one index into the flattened array: use axis=1, one label per row",
            ),
            (
                lambda got, exp, args: np.shape(got) == exp.shape + (1,),
                "return a 1-D array of shape (N,), not (N, 1): drop keepdims",
            ),
            (
                lambda got, exp, args: (
                    np.shape(got) == exp.shape and np.allclose(np.asarray(got, dtype=float), np.max(args[0], axis=1))
                ),
                "return the index of the largest score (argmax), not the score itself",
            ),
            (
                lambda got, exp, args: (
                    np.shape(got) == exp.shape and np.array_equal(np.asarray(got), np.argmin(args[0], axis=1))
                ),
                "the label is the index of the LARGEST score (argmax), not the smallest",
            ),
            (
                lambda got, exp, args: np.array_equal(
                    np.asarray(got), args[0].shape[1] - 1 - np.argmax(args[0][:, ::-1], axis=1)
                ),
                "on ties the FIRST (lowest) class wins, as with np.argmax; you picked the last one",
            ),
        ],
        notes=[(lambda got, exp, args: np.asarray(got).dtype.kind not in "iu", LABELS_ARE_INDICES)],
    ),
    Exercise(
        name="accuracy",
        reference=ref.accuracy,
        points=2,
        cases=[
            # N of many possible counts of right labels (N - 2 of them), each k/N a short decimal:
            # a value read off a feedback page fits a later draw of the same N only by chance.
            Case("125 labels in 0..3, some of them right", _labels_case(125, 4)),
            Case("80 labels in 0..2, some of them right", _labels_case(80, 3)),
            Case("200 labels in 0..1, some of them right", _labels_case(200, 2)),
        ],
        diagnoses=[
            (
                lambda got, exp, args: isinstance(got, np.ndarray) and got.ndim > 0,
                "return one number (the mean of the matches), not an array",
            ),
            (
                lambda got, exp, args: np.isclose(_as_float(got), 100 * exp),
                "return a fraction in [0, 1], not a percentage",
            ),
            (
                lambda got, exp, args: np.isclose(_as_float(got), exp * len(args[0])),
                "divide the number of matches by N: accuracy is a fraction in [0, 1]",
            ),
            (
                lambda got, exp, args: 0 < exp < 1 and _as_float(got) == 0.0,
                "the fraction was rounded down to 0: divide with /, not // (floor division)",
            ),
            (
                lambda got, exp, args: np.isclose(_as_float(got), 1.0 - exp),
                "that is the error rate: accuracy counts the labels that are EQUAL",
            ),
        ],
    ),
    Exercise(
        name="l2_penalty",
        reference=ref.l2_penalty,
        points=2,
        cases=[
            Case("W of shape (4, 3), reg=0.1", lambda rng: (_normal(rng, 4, 3), 0.1)),
            Case("W of shape (7, 2), reg=2.5", lambda rng: (_normal(rng, 7, 2), 2.5)),
            Case("W of shape (6, 5), reg=0.003", lambda rng: (_normal(rng, 6, 5), 0.003)),
            Case("W of shape (2, 3, 4), reg=0.05", lambda rng: (_normal(rng, 2, 3, 4), 0.05)),
            paired_case("reg=0 and reg=0.7 on the same W of shape (3, 5)", _no_penalty_and_some, ("reg=0", "reg=0.7")),
        ],
        diagnoses=[
            (each_call(predicate), hint)
            for predicate, hint in [
                (
                    lambda got, exp, args: _same_shape(got, args[0]) and np.allclose(got, 2 * args[1] * args[0]),
                    "that is the GRADIENT 2·reg·W; the penalty is the number reg * sum(W**2)",
                ),
                (
                    lambda got, exp, args: isinstance(got, np.ndarray) and got.ndim > 0,
                    "return one number: sum over all entries (no axis argument)",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), args[1] * np.sqrt(np.sum(args[0] ** 2))),
                    "the penalty is reg * sum(W**2): no square root (it is the squared norm)",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), 0.5 * exp),
                    "no factor 1/2 in this course's convention: reg * sum(W**2)",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), exp / args[0].size),
                    "sum the squares, do not average them: reg * sum(W**2)",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), np.sum(args[0] ** 2)),
                    "multiply by the strength reg",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), args[1] * np.sum(np.abs(args[0]))),
                    "that is the L1 penalty (absolute values); L2 squares the entries",
                ),
                (
                    lambda got, exp, args: np.isclose(_as_float(got), args[1] * np.sum(args[0]) ** 2),
                    "square every entry, then sum: reg * sum(W**2), not reg * sum(W)**2",
                ),
            ]
        ],
    ),
    Exercise(
        name="least_squares_loss_and_grad",
        reference=ref.least_squares_loss_and_grad,
        points=3,
        outputs=("loss", "grad"),
        cases=[
            Case("N=8, D=3", _least_squares_problem(8, 3)),
            Case("N=5, D=6", _least_squares_problem(5, 6)),
            Case("N=30, D=2", _least_squares_problem(30, 2)),
            Case("N=12, D=5", _least_squares_problem(12, 5)),
            Case("X with a bias column and targets ±1 (N=9, D=3)", _bias_problem),
        ],
        diagnoses=[
            (
                lambda got, exp, args: np.isclose(_as_float(got[0]), exp[0] * 2),
                "the loss is ||Xw − t||² / (2N): keep the factor 1/2",
            ),
            (
                lambda got, exp, args: np.isclose(_as_float(got[0]), exp[0] * len(args[2])),
                "the loss is a mean over the N samples: divide by N",
            ),
            (
                lambda got, exp, args: np.isclose(_as_float(got[0]), exp[0] * 2 * len(args[2])),
                "the loss is ||Xw − t||² / (2N): divide the sum of squares by 2N",
            ),
            (
                lambda got, exp, args: np.isclose(
                    _as_float(got[0]), np.linalg.norm(args[1] @ args[0] - args[2]) / (2 * len(args[2]))
                ),
                "square the norm: the loss is ||Xw − t||² / (2N), the SUM of squared residuals over 2N",
            ),
            (
                lambda got, exp, args: _same_shape(got[1], exp[1]) and np.allclose(got[1], -exp[1]),
                "the gradient has the wrong sign: with r = X @ w − t it is X.T @ r / N (not t − X @ w)",
            ),
            (
                lambda got, exp, args: _same_shape(got[1], exp[1]) and np.allclose(got[1], exp[1] * len(args[2])),
                "the gradient is Xᵀ(Xw − t) / N: divide by N too",
            ),
            (
                lambda got, exp, args: _same_shape(got[1], exp[1]) and np.allclose(got[1], 2 * exp[1]),
                "the 1/2 in the loss cancels the 2 from the square: grad = Xᵀ(Xw − t) / N",
            ),
            (
                lambda got, exp, args: np.shape(got[1]) == (len(args[2]),),
                "the gradient has one entry per WEIGHT (shape (D,)): X.T @ residual, not the residual",
            ),
        ],
    ),
    Exercise(
        name="gradient_descent",
        reference=ref.gradient_descent,
        points=3,
        outputs=("w", "losses"),
        cases=[
            Case("least squares N=10, D=3, lr=0.1, 25 steps", _gd_problem(10, 3, 0.1, 25)),
            Case("least squares N=6, D=4, lr=0.05, 7 steps", _gd_problem(6, 4, 0.05, 7)),
            Case("a single step, lr=0.3", _gd_problem(5, 2, 0.3, 1)),
            Case("weights that are a (3, 2) matrix, 6 steps", _gd_matrix_problem),
            paired_case(
                "num_steps=0, and 4 steps from the same w0 (lr=0.1)",
                _gd_no_steps_and_four,
                ("num_steps=0", "num_steps=4"),
                outputs=("w", "losses"),
            ),
        ],
        diagnoses=[
            (each_call(predicate), hint)
            for predicate, hint in [
                (
                    lambda got, exp, args: args[3] == 0,
                    "with num_steps=0 there is no update: return w0's values (a copy is fine) and an empty list",
                ),
                (
                    lambda got, exp, args: (
                        len(got[1]) == len(exp[1]) > 0 and np.allclose(got[1], list(exp[1][1:]) + [args[0](exp[0])[0]])
                    ),
                    "record the loss BEFORE each update: losses[0] is the loss at w0",
                ),
                (
                    lambda got, exp, args: len(got[1]) == len(exp[1]) + 1,
                    "losses has one entry per update (num_steps entries), not one more",
                ),
                (
                    lambda got, exp, args: len(got[1]) + 1 == len(exp[1]),
                    "losses has one entry per update (num_steps entries), not one fewer",
                ),
                (
                    lambda got, exp, args: (
                        np.shape(got[0]) == np.shape(exp[0]) and args[3] > 0 and np.allclose(got[0], args[1])
                    ),
                    "the weights never changed: assign the update, w = w - lr * grad",
                ),
                (
                    lambda got, exp, args: (
                        np.shape(got[0]) == np.shape(exp[0])
                        and args[3] == 1
                        and np.allclose(got[0], 2 * args[1] - exp[0])
                    ),
                    "the step goes AGAINST the gradient: w = w - lr * grad (a + climbs the loss)",
                ),
                (
                    lambda got, exp, args: len(got[1]) == len(exp[1]) > 1 and got[1][-1] > got[1][0] > exp[1][-1],
                    "the loss grows: step against the gradient, w = w - lr * grad",
                ),
                (
                    lambda got, exp, args: args[3] > 0 and np.allclose(got[0], _gd_reference(args, lr=1.0)[0]),
                    "multiply the gradient by the learning rate: w = w - lr * grad",
                ),
                (
                    lambda got, exp, args: np.shape(got[0]) != np.shape(exp[0]),
                    "return w with the same shape as w0 (here possibly a matrix): do not flatten or reshape it",
                ),
            ]
        ],
    ),
]
