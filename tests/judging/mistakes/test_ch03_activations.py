"""Chapter 3: every catalogued wrong formula scores 0 with its hint; edge slips lose only their edge cases."""

import pytest
from catalogue import (
    assert_fails_only,
    assert_full_marks,
    assert_scores_zero_with_hint,
    fn,
    uncatalogued,
    unchanged_case,
)

CHAPTER = "ch03_activations"


SIG, DSIG, DTANH = "sigmoid(z)", "sigmoid_grad(z)", "tanh_grad(z)"
RELU, DRELU = "relu(z)", "relu_grad(z)"
LEAKY, DLEAKY = "leaky_relu(z, alpha=0.01)", "leaky_relu_grad(z, alpha=0.01)"
INTERP = "relu_interpolant(xs, ys)"
S = "s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))"
OVERFLOW_CASES = [
    "z = ±1e4, ±800, ±40, ±1, 0 (exp overflows for the large ones)",
    "6000 entries of both signs with |z| up to 1e4, shape (40, 150)",
]
ZEROS_RELU_GRAD = [
    "z of shape (9,) with exact zeros",
    "z of shape (4, 5) with exact zeros",
    "tiny values ±1e-300 and zeros",
]
ZEROS_LEAKY_GRAD = [
    "default alpha (0.01) and alpha=0.3, the same z of shape (9,) with exact zeros",
    "alpha=0.2, z of shape (4, 6) with exact zeros",
    "alpha=0 (plain ReLU) and alpha=0.25, the same z of shape (5, 2) with exact zeros",
]


def interpolant(sort=True, W2="np.diff(slopes)[:, None]", b2="np.array([y[0]])"):
    """relu_interpolant built as the chapter explains, with one step changed."""
    order = "order = np.argsort(xs)" if sort else "order = np.arange(len(xs))"
    return fn(
        INTERP,
        "xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)",
        order,
        "x, y = xs[order], ys[order]",
        "slopes = np.concatenate([[0.0], np.diff(y) / np.diff(x), [0.0]])",
        f"return [(np.ones((1, x.size)), -x), ({W2}, {b2})]",
    )


MISTAKES = [
    # sigmoid
    ("sigmoid", fn(SIG, "return 1.0 / (1.0 + np.exp(z))"), "you computed 1 − σ(z) = σ(−z)"),
    ("sigmoid", fn(SIG, "return np.exp(-z) / (1.0 + np.exp(-z))"), "you computed 1 − σ(z) = σ(−z)"),
    ("sigmoid", fn(SIG, "e = np.exp(-np.abs(z))", "return e / (1.0 + e)"), "you return e/(1+e) for every z"),
    ("sigmoid", fn(SIG, "e = np.exp(-np.abs(z))", "return 1.0 / (1.0 + e)"), "you return 1/(1+e) for every z"),
    ("sigmoid", fn(SIG, "return np.sum(1.0 / (1.0 + np.exp(-z)))"), "return an array of the same shape as z"),
    # sigmoid_grad
    ("sigmoid_grad", fn(DSIG, "return z * (1.0 - z)"), "apply the sigmoid first"),
    ("sigmoid_grad", fn(DSIG, S, "return s"), "you returned σ(z) itself"),
    ("sigmoid_grad", fn(DSIG, S, "return 1.0 - s ** 2"), "1 − s² is tanh's derivative pattern"),
    ("sigmoid_grad", fn(DSIG, S, "return np.sum(s * (1.0 - s))"), "return an array of the same shape as z"),
    # tanh_grad
    ("tanh_grad", fn(DTANH, "return 1.0 - z ** 2"), "apply tanh first"),
    ("tanh_grad", fn(DTANH, "return 1.0 - np.tanh(z)"), "square the tanh"),
    ("tanh_grad", fn(DTANH, "return np.tanh(z) ** 2 - 1.0"), "the sign is flipped"),
    ("tanh_grad", fn(DTANH, "return (1.0 - np.tanh(z)) ** 2"), "square tanh(z) alone"),
    ("tanh_grad", fn(DTANH, "return np.tanh(z)"), "you returned tanh(z) itself"),
    ("tanh_grad", fn(DTANH, "return np.sum(1.0 - np.tanh(z) ** 2)"), "return an array of the same shape as z"),
    # relu
    ("relu", fn(RELU, "return (z > 0).astype(float)"), "you returned the 0/1 slope"),
    ("relu", fn(RELU, "return np.minimum(z, 0.0)"), "keep the positive part"),
    ("relu", fn(RELU, "return np.abs(z)"), "negative inputs become 0, not |z|"),
    ("relu", fn(RELU, "return np.where(z > 0, z, 0.01 * z)"), "that is the leaky ReLU"),
    ("relu", fn(RELU, "return np.max(z, 0)"), "return an array of the same shape as z"),
    # relu_grad
    ("relu_grad", fn(DRELU, "return np.maximum(z, 0.0)"), "you returned relu(z)"),
    ("relu_grad", fn(DRELU, "return (z <= 0).astype(float)"), "the 1s and 0s are swapped"),
    ("relu_grad", fn(DRELU, "return np.sign(z)"), "the slope for z < 0 is 0, not −1"),
    ("relu_grad", fn(DRELU, "return np.sum(z > 0) * 1.0"), "return an array of the same shape as z"),
    # leaky_relu
    ("leaky_relu", fn(LEAKY, "return np.maximum(z, 0.0)"), "negative inputs give α·z, not 0"),
    ("leaky_relu", fn(LEAKY, "return np.where(z > 0, z, alpha)"), "for z ≤ 0 return α·z"),
    ("leaky_relu", fn(LEAKY, "return np.where(z > 0, z, 0.01 * z)"), "use the alpha argument"),
    ("leaky_relu", fn(LEAKY, "return np.sum(np.where(z > 0, z, alpha * z))"), "return an array of the same shape as z"),
    # leaky_relu_grad
    ("leaky_relu_grad", fn(DLEAKY, "return np.where(z > 0, 1.0, alpha * z)"), "the slope for z ≤ 0 is the constant α"),
    ("leaky_relu_grad", fn(DLEAKY, "return np.where(z > 0, z, alpha * z)"), "you returned leaky_relu(z)"),
    ("leaky_relu_grad", fn(DLEAKY, "return np.where(z > 0, 1.0, 0.01)"), "use the alpha argument"),
    ("leaky_relu_grad", fn(DLEAKY, "return (z > 0).astype(float)"), "for z ≤ 0 the slope is α, not 0"),
    (
        "leaky_relu_grad",
        fn(DLEAKY, "return np.sum(np.where(z > 0, 1.0, alpha))"),
        "return an array of the same shape as z",
    ),
    # relu_interpolant
    ("relu_interpolant", interpolant(sort=False), "sort the points by x first"),
    ("relu_interpolant", interpolant(b2="np.zeros(1)"), "the curve has the right shape but is shifted"),
    ("relu_interpolant", interpolant(W2="slopes[1:, None]"), "the output weights are the CHANGES of slope"),
]

EDGE_SLIPS = [
    (
        "sigmoid",
        fn(SIG, "return np.exp(z) / (1.0 + np.exp(z))"),
        "your sigmoid returns NaN for huge |z|",
        OVERFLOW_CASES,
    ),
    # floats written into an integer array are cut to integers: an integer z gives wrong values
    (
        "sigmoid",
        fn(
            SIG,
            "out = np.empty_like(z)",
            "positive = z >= 0",
            "out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))",
            "e = np.exp(z[~positive])",
            "out[~positive] = e / (1.0 + e)",
            "return out",
        ),
        "the values were cut to integers",
        ["integer-valued z (dtype int64) of shape (3, 4)"],
    ),
    (
        "sigmoid_grad",
        fn(DSIG, "return np.exp(-z) / (1.0 + np.exp(-z)) ** 2"),
        "NaN for huge |z|",
        ["z = ±1e4, ±800, ±40, ±1, 0 (σ' is exactly 0 at ±1e4, 1/4 at 0)"],
    ),
    (
        "tanh_grad",
        fn(DTANH, "t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))", "return 1.0 - t ** 2"),
        "NaN for huge |z|",
        ["z = ±1e4, ±800, ±40, ±1, 0 (tanh' is exactly 0 at ±1e4, 1 at 0)"],
    ),
    # the right values, but written into the caller's z
    ("relu", fn(RELU, "z[z < 0] = 0", "return z"), "inputs are never modified", [unchanged_case("relu")]),
    (
        "leaky_relu",
        fn(LEAKY, "z *= np.where(z > 0, 1.0, alpha)", "return z"),
        "inputs are never modified",
        [unchanged_case("leaky_relu")],
    ),
    (
        "relu_interpolant",
        fn(
            INTERP,
            "order = np.argsort(xs)",
            "xs[:], ys[:] = xs[order], ys[order]  # sorted in place",
            "slopes = np.concatenate([[0.0], np.diff(ys) / np.diff(xs), [0.0]])",
            "return [(np.ones((1, xs.size)), -xs.copy()), (np.diff(slopes)[:, None], ys[:1].copy())]",
        ),
        "inputs are never modified",
        [unchanged_case("relu_interpolant")],
    ),
    (
        "relu_grad",
        fn(DRELU, "return (z >= 0).astype(float)"),
        "at exactly z = 0 this course uses the derivative 0",
        ZEROS_RELU_GRAD,
    ),
    (
        "leaky_relu_grad",
        fn(DLEAKY, "return np.where(z >= 0, 1.0, alpha)"),
        "at exactly z = 0 use the left slope α",
        ZEROS_LEAKY_GRAD,
    ),
]

CORRECT = [
    ("sigmoid", fn(SIG, "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))")),
    (
        "sigmoid",
        fn(
            SIG,
            "z = np.array(z, dtype=float)",
            "out = np.empty_like(z)",
            "pos = z >= 0",
            "out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))",
            "e = np.exp(z[~pos])",
            "out[~pos] = e / (1.0 + e)",
            "return out",
        ),
    ),
    # the popular one-liners: an integer z gives an integer result with the right values
    ("relu", fn(RELU, "return np.maximum(0, z)")),
    ("relu", fn(RELU, "return np.maximum(z, 0)")),
    ("relu", fn(RELU, "return z * (z > 0)")),
    ("relu", fn(RELU, "out = z.copy()", "out[out < 0] = 0", "return out")),
    ("relu", fn(RELU, "return np.where(z > 0, z, 0)")),
    ("relu_grad", fn(DRELU, "return (z > 0).astype(int)")),
    ("relu_grad", fn(DRELU, "return np.greater(z, 0) * 1.0")),
    ("leaky_relu", fn(LEAKY, "out = np.array(z, dtype=float)", "out[out < 0] *= alpha", "return out")),
    ("sigmoid_grad", fn(DSIG, S, "return s - s * s")),
    ("tanh_grad", fn(DTANH, "return 1.0 / np.cosh(z) ** 2")),
    ("relu", fn(RELU, "return np.clip(np.asarray(z, dtype=float), 0.0, None)")),
    ("relu_grad", fn(DRELU, "return np.heaviside(z, 0.0)")),
    ("leaky_relu", fn(LEAKY, "return np.maximum(z, alpha * z)")),
    ("leaky_relu_grad", fn(DLEAKY, "g = np.ones_like(z, dtype=float)", "g[z <= 0] = alpha", "return g")),
    (
        "relu_interpolant",
        fn(
            INTERP,
            "order = np.argsort(xs)",
            "x, y = xs[order], ys[order]",
            "change = np.diff(np.concatenate([[0.0], np.diff(y) / np.diff(x)]))",
            "return [(np.ones((1, len(change))), -x[:-1]), (change[:, None], y[:1])]",
        ),
    ),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_wrong_formula_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint)


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_edge_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


def test_every_diagnosis_is_catalogued():
    assert uncatalogued(CHAPTER, MISTAKES + EDGE_SLIPS) == []


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_answer_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)
