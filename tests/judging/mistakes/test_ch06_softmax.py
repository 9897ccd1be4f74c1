"""Chapter 6: each catalogued mistake, written as a student would, scores 0 and gets its hint.

Every hint the report shows for such a submission is that mistake's hint: the
hidden cases are built so that each wrong formula fails all of them, and the
diagnoses are ordered so that none takes another's place.
"""

import pytest
from catalogue import assert_fails_only, assert_full_marks, assert_scores_zero_with_hint, unchanged_case


def _source(*lines):
    return "\n".join(lines) + "\n"


SOFTMAX = [
    (
        "no max subtraction",
        _source("def softmax(scores):", "    e = np.exp(scores)", "    return e / e.sum(axis=1, keepdims=True)"),
        "NaN or inf: e^s overflows",
    ),
    (
        "the maximum of the whole batch",
        _source(
            "def softmax(scores):",
            "    e = np.exp(scores - np.max(scores))",
            "    return e / e.sum(axis=1, keepdims=True)",
        ),
        "you subtracted the largest score of the whole batch",
    ),
    (
        "the maximum of each column",
        _source(
            "def softmax(scores):",
            "    e = np.exp(scores - scores.max(axis=0))",
            "    return e / e.sum(axis=1, keepdims=True)",
        ),
        "you subtracted each column's maximum",
    ),
    (
        "normalised over the columns",
        _source(
            "def softmax(scores):",
            "    e = np.exp(scores - scores.max(axis=1, keepdims=True))",
            "    return e / e.sum(axis=0, keepdims=True)",
        ),
        "your columns sum to 1, not your rows",
    ),
    (
        "normalised by the sum of the whole array",
        _source(
            "def softmax(scores):",
            "    e = np.exp(scores - scores.max(axis=1, keepdims=True))",
            "    return e / e.sum()",
        ),
        "the rows do not sum to 1",
    ),
    (
        "one column per sample, not transposed back",
        _source(
            "def softmax(scores):",
            "    S = np.asarray(scores, dtype=float).T",
            "    e = np.exp(S - S.max(axis=0))",
            "    return e / e.sum(axis=0)",
        ),
        "return an array shaped like scores",
    ),
]

ONE_HOT = [
    (
        "one column per sample",
        _source(
            "def one_hot(y, num_classes):",
            "    Y = np.zeros((num_classes, len(y)))",
            "    Y[y, np.arange(len(y))] = 1.0",
            "    return Y",
        ),
        "one ROW per sample",
    ),
    (
        "width from the labels",
        _source("def one_hot(y, num_classes):", "    return np.eye(y.max() + 1)[y]"),
        "the number of columns is num_classes, not y.max() + 1",
    ),
    (
        "whole columns set",
        _source(
            "def one_hot(y, num_classes):",
            "    Y = np.zeros((len(y), num_classes))",
            "    Y[:, y] = 1.0",
            "    return Y",
        ),
        "Y[:, y] = 1 sets whole columns",
    ),
]

_LOG_P = (
    "    shifted = scores - scores.max(axis=1, keepdims=True)",
    "    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
)

CROSS_ENTROPY = [
    (
        "probabilities without max subtraction",
        _source(
            "def cross_entropy(scores, y):",
            "    e = np.exp(scores)",
            "    P = e / e.sum(axis=1, keepdims=True)",
            "    return float(-np.mean(np.log(P[np.arange(len(y)), y])))",
        ),
        "the loss is NaN (or −inf)",
    ),
    (
        "log-sum-exp without max subtraction",
        _source(
            "def cross_entropy(scores, y):",
            "    lse = np.log(np.sum(np.exp(scores), axis=1))",
            "    return float(np.mean(lse - scores[np.arange(len(y)), y]))",
        ),
        "the loss is NaN (or −inf)",
    ),
    (
        "log-sum-exp with the maximum of the whole batch",
        _source(
            "def cross_entropy(scores, y):",
            "    shifted = scores - np.max(scores)",
            "    lse = np.log(np.sum(np.exp(shifted), axis=1))",
            "    return float(np.mean(lse - shifted[np.arange(len(y)), y]))",
        ),
        "the loss is NaN (or −inf)",
    ),
    (
        "log of the (stable) softmax",
        _source(
            "def cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return float(-np.mean(np.log(P[np.arange(len(y)), y])))",
        ),
        "the loss is inf: you took the log of softmax probabilities",
    ),
    (
        "a small epsilon inside the log",
        _source(
            "def cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return float(-np.mean(np.log(P[np.arange(len(y)), y] + 1e-12)))",
        ),
        "adding a small ε inside the log",
    ),
    (
        "probabilities clipped away from 0",
        _source(
            "def cross_entropy(scores, y):",
            "    P = np.clip(softmax(scores), 1e-15, 1.0)",
            "    return float(-np.mean(np.log(P[np.arange(len(y)), y])))",
        ),
        "adding a small ε inside the log",
    ),
    (
        "sum instead of mean",
        _source("def cross_entropy(scores, y):", *_LOG_P, "    return float(-np.sum(log_P[np.arange(len(y)), y]))"),
        "the loss is a mean over the N samples, not a sum",
    ),
    (
        "mean over all N×C entries",
        _source(
            "def cross_entropy(scores, y):", *_LOG_P, "    return float(-np.mean(one_hot(y, scores.shape[1]) * log_P))"
        ),
        "you averaged over all N×C entries",
    ),
    (
        "sign",
        _source("def cross_entropy(scores, y):", *_LOG_P, "    return float(np.mean(log_P[np.arange(len(y)), y]))"),
        "the loss is −(1/N) Σ log Pₙ,yₙ",
    ),
    (
        "labels indexed as columns",
        _source("def cross_entropy(scores, y):", *_LOG_P, "    return float(-np.mean(log_P[:, y]))"),
        "log_P[:, y] picks every label's column",
    ),
    (
        "per-sample losses",
        _source("def cross_entropy(scores, y):", *_LOG_P, "    return -log_P[np.arange(len(y)), y]"),
        "return one number, the mean of the N per-sample losses",
    ),
]

SOFTMAX_CROSS_ENTROPY = [
    (
        "summed loss and gradient",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    N, C = scores.shape",
            "    return N * cross_entropy(scores, y), softmax(scores) - one_hot(y, C)",
        ),
        "you summed over the samples",
    ),
    (
        "no 1/N in the gradient",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), P - one_hot(y, P.shape[1])",
        ),
        "the gradient of a MEAN loss is (P − Y) / N",
    ),
    (
        "Y − P",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), (one_hot(y, P.shape[1]) - P) / len(y)",
        ),
        "the sign is flipped",
    ),
    (
        "Y − P without 1/N",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), one_hot(y, P.shape[1]) - P",
        ),
        "two slips in dscores",
    ),
    (
        "P without the targets",
        _source(
            "def softmax_cross_entropy(scores, y):", "    return cross_entropy(scores, y), softmax(scores) / len(y)"
        ),
        "subtract the one-hot targets",
    ),
    (
        "gradient with respect to P",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), -one_hot(y, P.shape[1]) / (len(y) * P)",
        ),
        "that is the gradient with respect to the probabilities P",
    ),
    (
        "summed loss, right gradient",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    N, C = P.shape",
            "    return N * cross_entropy(scores, y), (P - one_hot(y, C)) / N",
        ),
        "the loss is a mean over the N samples, not a sum",
    ),
    (
        "gradient with one column per sample",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), ((P - one_hot(y, P.shape[1])) / len(y)).T",
        ),
        "dscores has one row per sample",
    ),
]


def _regression(
    loss="loss + reg * np.sum(W ** 2)",
    dscores="dscores",
    dW="X.T @ dscores + 2 * reg * W",
    db="np.sum(dscores, axis=0)",
):
    """softmax_regression_loss with one part written differently."""
    return _source(
        "def softmax_regression_loss(W, b, X, y, reg):",
        "    loss, dscores = softmax_cross_entropy(X @ W + b, y)",
        f"    dscores = {dscores}",
        f"    return {loss}, {dW}, {db}",
    )


SOFTMAX_REGRESSION_LOSS = [
    (
        "bias regularised",
        _regression(loss="loss + reg * (np.sum(W ** 2) + np.sum(b ** 2))", db="np.sum(dscores, axis=0) + 2 * reg * b"),
        "the L2 penalty is on the weights only",
    ),
    (
        "bias regularised in the gradient only",
        _regression(db="np.sum(dscores, axis=0) + 2 * reg * b"),
        "the L2 penalty is on the weights only",
    ),
    ("λW instead of 2λW", _regression(dW="X.T @ dscores + reg * W"), "the derivative of λ Σ W² is 2λW"),
    (
        "the λ/2 convention",
        _regression(loss="loss + 0.5 * reg * np.sum(W ** 2)", dW="X.T @ dscores + reg * W"),
        "the derivative of λ Σ W² is 2λW",
    ),
    (
        "λ‖W‖ without the square",
        _regression(loss="loss + reg * np.linalg.norm(W)"),
        "the penalty is λ times the SQUARED norm",
    ),
    ("mean of the squares", _regression(loss="loss + reg * np.mean(W ** 2)"), "the penalty sums the squares"),
    (
        "no 1/N in the gradients",
        _regression(dscores="dscores * len(y)"),
        "the data term is a mean, so its gradients carry 1/N",
    ),
    ("Y − P", _regression(dscores="-dscores"), "the sign of the data gradient is flipped"),
    (
        "summed data loss",
        _regression(loss="len(y) * loss + reg * np.sum(W ** 2)"),
        "the loss is a mean over the N samples, not a sum",
    ),
    ("no penalty in the loss", _regression(loss="loss"), "add the penalty to the loss"),
    ("no penalty in the gradient", _regression(dW="X.T @ dscores"), "the penalty has a gradient too"),
    ("db summed over the classes", _regression(db="np.sum(dscores, axis=1)"), "db has one entry per class"),
]

MISTAKES = (
    [("softmax", *m) for m in SOFTMAX]
    + [("one_hot", *m) for m in ONE_HOT]
    + [("cross_entropy", *m) for m in CROSS_ENTROPY]
    + [("softmax_cross_entropy", *m) for m in SOFTMAX_CROSS_ENTROPY]
    + [("softmax_regression_loss", *m) for m in SOFTMAX_REGRESSION_LOSS]
)


@pytest.mark.parametrize("name, mistake, source, hint", MISTAKES, ids=[f"{m[0]}: {m[1]}" for m in MISTAKES])
def test_mistake_scores_zero_with_its_hint(name, mistake, source, hint):
    assert_scores_zero_with_hint(name, source, hint, only_this_hint=True)


CORRECT = [
    # loops, np.eye, logaddexp
    (
        "softmax",
        _source(
            "def softmax(scores):",
            "    out = np.empty(np.shape(scores))",
            "    for n, row in enumerate(np.asarray(scores, dtype=float)):",
            "        e = np.exp(row - row.max())",
            "        out[n] = e / e.sum()",
            "    return out",
        ),
    ),
    # in place, on a copy
    (
        "softmax",
        _source(
            "def softmax(scores):",
            "    s = np.array(scores, dtype=float)",
            "    s -= s.max(axis=1, keepdims=True)",
            "    np.exp(s, out=s)",
            "    s /= s.sum(axis=1, keepdims=True)",
            "    return s",
        ),
    ),
    ("one_hot", _source("def one_hot(y, num_classes):", "    return np.eye(num_classes)[y]")),
    # other dtypes with the right 0s and 1s
    (
        "one_hot",
        _source(
            "def one_hot(y, num_classes):",
            "    Y = np.zeros((len(y), num_classes), dtype=int)",
            "    Y[np.arange(len(y)), y] = 1",
            "    return Y",
        ),
    ),
    ("one_hot", _source("def one_hot(y, num_classes):", "    return y[:, None] == np.arange(num_classes)")),
    (
        "cross_entropy",
        _source(
            "def cross_entropy(scores, y):",
            "    scores = np.asarray(scores, dtype=float)",
            "    lse = np.logaddexp.reduce(scores, axis=1)",
            "    return float(np.mean(lse - scores[np.arange(len(y)), y]))",
        ),
    ),
    (
        "cross_entropy",
        _source(
            "def cross_entropy(scores, y):",
            "    total = 0.0",
            "    for row, label in zip(np.asarray(scores, dtype=float), y):",
            "        m = row.max()",
            "        total += m + np.log(np.sum(np.exp(row - m))) - row[label]",
            "    return total / len(y)",
        ),
    ),
    (
        "softmax_cross_entropy",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    P[np.arange(len(y)), y] -= 1.0",
            "    return cross_entropy(scores, y), P / len(y)",
        ),
    ),
    (
        "softmax_regression_loss",
        _source(
            "def softmax_regression_loss(W, b, X, y, reg):",
            "    X = np.asarray(X, dtype=float)",
            "    S = np.einsum('nd,dc->nc', X, W) + b",
            "    loss, dS = softmax_cross_entropy(S, y)",
            "    dW = np.einsum('nd,nc->dc', X, dS) + 2.0 * reg * W",
            "    return loss + reg * float(np.sum(W * W)), dW, dS.sum(axis=0)",
        ),
    ),
    # integer X kept as it is
    (
        "softmax_regression_loss",
        _source(
            "def softmax_regression_loss(W, b, X, y, reg):",
            "    loss, dS = softmax_cross_entropy(X @ W + b, y)",
            "    return loss + reg * np.sum(W ** 2), X.T @ dS + 2 * reg * W, dS.sum(axis=0)",
        ),
    ),
]


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_the_reference_written_differently_gets_full_marks(name, source):
    """Any correct implementation earns every point."""
    assert_full_marks(name, source)


EDGE_SLIPS = [
    # the row maximum subtracted from the caller's array: right values, modified input
    (
        "softmax",
        _source(
            "def softmax(scores):",
            "    scores -= scores.max(axis=1, keepdims=True)",
            "    e = np.exp(scores)",
            "    return e / e.sum(axis=1, keepdims=True)",
        ),
        "inputs are never modified",
        [unchanged_case("softmax")],
    ),
    (
        "softmax_cross_entropy",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    loss = cross_entropy(scores, y)",
            "    scores -= scores.max(axis=1, keepdims=True)",
            "    P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)",
            "    P[np.arange(len(y)), y] -= 1.0",
            "    return loss, P / len(y)",
        ),
        "inputs are never modified",
        [unchanged_case("softmax_cross_entropy")],
    ),
]


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


# Exercises built on the student's own softmax, one_hot, cross_entropy and softmax_cross_entropy
# are graded on how they use them: a wrong part costs points in its own exercise only.
WRONG_PARTS = [
    (
        "softmax",
        _source("def softmax(scores):", "    e = np.exp(scores)", "    return e / e.sum(axis=1, keepdims=True)"),
    ),
    (
        "one_hot",
        _source(
            "def one_hot(y, num_classes):",
            "    Y = np.zeros((len(y), num_classes))",
            "    Y[:, y] = 1.0",
            "    return Y",
        ),
    ),
    (
        "cross_entropy",
        _source(
            "def cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return float(-np.sum(np.log(P[np.arange(len(y)), y])))",
        ),
    ),
    (
        "softmax_cross_entropy",
        _source(
            "def softmax_cross_entropy(scores, y):",
            "    P = softmax(scores)",
            "    return cross_entropy(scores, y), P - one_hot(y, P.shape[1])",
        ),
    ),
]


@pytest.mark.parametrize("part, source", WRONG_PARTS, ids=[f"{p[0]}-{i}" for i, p in enumerate(WRONG_PARTS)])
def test_a_wrong_part_costs_the_exercises_built_on_it_nothing(part, source):
    for name in ("cross_entropy", "softmax_cross_entropy", "softmax_regression_loss"):
        if name != part:
            assert_full_marks(name, None, others={part: source})
