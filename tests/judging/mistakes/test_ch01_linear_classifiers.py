"""Chapter 1: every catalogued wrong formula scores 0 with its hint; edge slips lose only their edge case."""

import pytest
from catalogue import (
    assert_fails_only,
    assert_full_marks,
    assert_scores_zero_with_hint,
    fn,
    uncatalogued,
    unchanged_case,
)

CHAPTER = "ch01_linear_classifiers"


BIAS = "add_bias_column(X)"
SCORES = "linear_scores(X, W, b)"
LABELS = "predict_labels(scores)"
ACC = "accuracy(y_pred, y_true)"
L2 = "l2_penalty(W, reg)"
LSQ = "least_squares_loss_and_grad(w, X, t)"
GD = "gradient_descent(loss_and_grad, w0, lr, num_steps)"


def gd(update="w = w - lr * grad", record="losses.append(float(loss))", after="", loop="range(num_steps)"):
    """gradient_descent with one line changed."""
    lines = [
        "w = np.array(w0, dtype=float)",
        "losses = []",
        f"for _ in {loop}:",
        "    loss, grad = loss_and_grad(w)",
        f"    {record}",
        f"    {update}",
    ]
    if after:
        lines.append(after)
    return fn(GD, *lines, "return w, losses")


MISTAKES = [
    # add_bias_column
    ("add_bias_column", fn(BIAS, "return np.hstack([np.ones((X.shape[0], 1)), X])"), "the column of ones goes LAST"),
    ("add_bias_column", fn(BIAS, "return np.hstack([X, np.zeros((X.shape[0], 1))])"), "the new last column holds ONES"),
    (
        "add_bias_column",
        fn(BIAS, "return np.vstack([X, np.ones((1, X.shape[1]))])"),
        "append a column (axis=1), not a row",
    ),
    (
        "add_bias_column",
        fn(BIAS, "return np.append(X, np.ones(len(X)))"),
        "keep X 2-D: np.append without an axis flattens it",
    ),
    ("add_bias_column", fn(BIAS, "return X + 1.0"), "the result needs one more column than X"),
    # linear_scores
    ("linear_scores", fn(SCORES, "return X @ W"), "the bias b is missing"),
    ("linear_scores", fn(SCORES, "return X @ W - b"), "the bias is subtracted"),
    ("linear_scores", fn(SCORES, "return (X @ W + b).T"), "the result is transposed"),
    # predict_labels
    ("predict_labels", fn(LABELS, "return np.argmax(scores, axis=0)"), "take the maximum over classes (axis=1)"),
    (
        "predict_labels",
        fn(LABELS, "return np.argmax(scores)"),
        "np.argmax without axis= gives one index into the flattened array",
    ),
    (
        "predict_labels",
        fn(LABELS, "return np.argmax(scores, axis=1, keepdims=True)"),
        "return a 1-D array of shape (N,), not (N, 1)",
    ),
    (
        "predict_labels",
        fn(LABELS, "return np.max(scores, axis=1)"),
        "return the index of the largest score (argmax), not the score itself",
    ),
    ("predict_labels", fn(LABELS, "return np.argmin(scores, axis=1)"), "the label is the index of the LARGEST score"),
    # accuracy
    ("accuracy", fn(ACC, "return y_pred == y_true"), "return one number"),
    ("accuracy", fn(ACC, "return 100 * np.mean(y_pred == y_true)"), "return a fraction in [0, 1], not a percentage"),
    ("accuracy", fn(ACC, "return float(np.sum(y_pred == y_true))"), "divide the number of matches by N"),
    (
        "accuracy",
        fn(ACC, "return np.sum(y_pred == y_true) // len(y_true)"),
        "the fraction was rounded down to 0: divide with /, not //",
    ),
    ("accuracy", fn(ACC, "return float(np.mean(y_pred != y_true))"), "that is the error rate"),
    # l2_penalty
    ("l2_penalty", fn(L2, "return 2 * reg * W"), "that is the GRADIENT 2·reg·W"),
    ("l2_penalty", fn(L2, "return reg * np.sum(W ** 2, axis=0)"), "return one number: sum over all entries"),
    ("l2_penalty", fn(L2, "return reg * np.sqrt(np.sum(W ** 2))"), "the penalty is reg * sum(W**2): no square root"),
    ("l2_penalty", fn(L2, "return reg * np.linalg.norm(W)"), "the penalty is reg * sum(W**2): no square root"),
    ("l2_penalty", fn(L2, "return 0.5 * reg * np.sum(W ** 2)"), "no factor 1/2"),
    ("l2_penalty", fn(L2, "return reg * np.mean(W ** 2)"), "sum the squares, do not average them"),
    ("l2_penalty", fn(L2, "return float(np.sum(W ** 2))"), "multiply by the strength reg"),
    ("l2_penalty", fn(L2, "return reg * np.sum(np.abs(W))"), "that is the L1 penalty"),
    ("l2_penalty", fn(L2, "return reg * np.sum(W) ** 2"), "square every entry, then sum"),
    # least_squares_loss_and_grad
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r / len(t), X.T @ r / len(t)"),
        "the loss is ||Xw − t||² / (2N): keep the factor 1/2",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return np.mean(r ** 2), 2 * X.T @ r / len(t)"),
        "the loss is ||Xw − t||² / (2N): keep the factor 1/2",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r / 2, X.T @ r / len(t)"),
        "the loss is a mean over the N samples: divide by N",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r, X.T @ r / len(t)"),
        "the loss is ||Xw − t||² / (2N): divide the sum of squares by 2N",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return np.linalg.norm(r) / (2 * len(t)), X.T @ r / len(t)"),
        "square the norm",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = t - X @ w", "return r @ r / (2 * len(t)), X.T @ r / len(t)"),
        "the gradient has the wrong sign",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r / (2 * len(t)), X.T @ r"),
        "the gradient is Xᵀ(Xw − t) / N: divide by N too",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r / (2 * len(t)), 2 * X.T @ r / len(t)"),
        "the 1/2 in the loss cancels the 2 from the square",
    ),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X @ w - t", "return r @ r / (2 * len(t)), r / len(t)"),
        "the gradient has one entry per WEIGHT",
    ),
    # gradient_descent
    (
        "gradient_descent",
        gd(record="pass", update="w = w - lr * grad; losses.append(loss_and_grad(w)[0])"),
        "record the loss BEFORE each update",
    ),
    (
        "gradient_descent",
        gd(after="losses.append(loss_and_grad(w)[0])"),
        "losses has one entry per update (num_steps entries), not one more",
    ),
    (
        "gradient_descent",
        gd(loop="range(num_steps - 1)"),
        "losses has one entry per update (num_steps entries), not one fewer",
    ),
    ("gradient_descent", gd(update="w - lr * grad"), "the weights never changed"),
    ("gradient_descent", gd(update="w = w + lr * grad"), "the step goes AGAINST the gradient"),
    ("gradient_descent", gd(update="w = w + lr * grad"), "the loss grows"),  # same mistake, longer runs
    ("gradient_descent", gd(update="w = w - grad"), "multiply the gradient by the learning rate"),
]

EDGE_SLIPS = [
    (
        "gradient_descent",
        gd().replace("return w, losses", "return w.ravel(), losses"),
        "return w with the same shape as w0",
        ["weights that are a (3, 2) matrix, 6 steps"],
    ),
    (
        "predict_labels",
        fn(LABELS, "return scores.shape[1] - 1 - np.argmax(scores[:, ::-1], axis=1)"),
        "on ties the FIRST (lowest) class wins",
        ["ties within a row"],
    ),
    (
        "gradient_descent",
        gd(update="w -= lr * grad").replace("w = np.array(w0, dtype=float)", "w = w0"),
        "inputs are never modified",
        [unchanged_case("gradient_descent")],
    ),
    (
        "add_bias_column",
        fn(
            BIAS,
            "X1 = np.ones((X.shape[0], X.shape[1] + 1))",
            "X1[:, :-1] = X",
            "X[:] = 0  # a scratch use of the caller's array",
            "return X1",
        ),
        "inputs are never modified",
        [unchanged_case("add_bias_column")],
    ),
    (
        "gradient_descent",
        fn(
            GD,
            "w = np.array(w0, dtype=float)",
            "loss, grad = loss_and_grad(w)  # the first step ...",
            "losses = [float(loss)]",
            "w = w - lr * grad",
            "for _ in range(num_steps - 1):  # ... then the rest",
            "    loss, grad = loss_and_grad(w)",
            "    losses.append(float(loss))",
            "    w = w - lr * grad",
            "return w, losses",
        ),
        "with num_steps=0 there is no update",
        ["num_steps=0, and 4 steps from the same w0 (lr=0.1)"],
    ),
]

CORRECT = [
    ("add_bias_column", fn(BIAS, "return np.c_[X, np.ones(len(X))]")),
    # integer-preserving: an integer X gives an integer result with the right values
    ("add_bias_column", fn(BIAS, "return np.insert(X, X.shape[1], 1, axis=1)")),
    ("add_bias_column", fn(BIAS, "return np.column_stack([X, np.ones_like(X[:, 0])])")),
    (
        "add_bias_column",
        fn(BIAS, "X1 = np.ones((X.shape[0], X.shape[1] + 1), dtype=X.dtype)", "X1[:, :-1] = X", "return X1"),
    ),
    ("linear_scores", fn(SCORES, "return np.array([x @ W + b for x in X])")),
    ("linear_scores", fn(SCORES, "return np.einsum('nd,dc->nc', X, W) + b")),
    (
        "linear_scores",
        fn(
            SCORES,
            "out = np.zeros((X.shape[0], W.shape[1]))",
            "for n in range(X.shape[0]):",
            "    for c in range(W.shape[1]):",
            "        out[n, c] = sum(X[n, d] * W[d, c] for d in range(X.shape[1])) + b[c]",
            "return out",
        ),
    ),
    ("predict_labels", fn(LABELS, "return [int(np.argmax(row)) for row in scores]")),
    # labels as floats have the right values: full marks, and a note that labels index arrays later
    ("predict_labels", fn(LABELS, "return np.argmax(scores, axis=1).astype(float)")),
    ("predict_labels", fn(LABELS, "return (scores == scores.max(axis=1, keepdims=True)).argmax(axis=1)")),
    ("accuracy", fn(ACC, "return (y_pred == y_true).sum() / y_true.size")),
    (
        "accuracy",
        fn(ACC, "hits = 0", "for p, t in zip(y_pred, y_true):", "    hits += int(p == t)", "return hits / len(y_true)"),
    ),
    ("l2_penalty", fn(L2, "return reg * np.linalg.norm(W) ** 2")),
    ("l2_penalty", fn(L2, "w = np.ravel(W)", "return reg * np.einsum('i,i->', w, w)")),
    ("l2_penalty", fn(L2, "total = 0.0", "for w in np.ravel(W):", "    total += w * w", "return reg * total")),
    (
        "least_squares_loss_and_grad",
        fn(LSQ, "r = X.dot(w) - t", "return 0.5 * np.mean(r ** 2), np.mean(X * r[:, None], axis=0)"),
    ),
    (
        "least_squares_loss_and_grad",
        fn(
            LSQ,
            "r = np.einsum('nd,d->n', X, w) - t",
            "return r @ r / (2 * len(t)), np.einsum('nd,n->d', X, r) / len(t)",
        ),
    ),
    (
        "gradient_descent",
        fn(
            GD,
            "if num_steps == 0:",
            "    return w0, np.array([])",
            "w, losses, k = w0.astype(float), [], 0",
            "while k < num_steps:",
            "    loss, grad = loss_and_grad(w)",
            "    losses.append(loss)",
            "    w, k = w - lr * grad, k + 1",
            "return w, np.array(losses)",
        ),
    ),
    # in place, but on a copy
    (
        "gradient_descent",
        gd(update="w -= lr * grad").replace(
            "w = np.array(w0, dtype=float)", "w = np.array(w0, dtype=float, copy=True)"
        ),
    ),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_wrong_formula_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint)


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_edge_case(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


def test_every_diagnosis_is_catalogued():
    assert uncatalogued(CHAPTER, MISTAKES + EDGE_SLIPS) == []


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_answer_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)


def test_no_salt_lets_a_constant_label_or_a_replayed_accuracy_pass_by_chance():
    """Every salt draws score cases whose maxima are not all in one column (so predicting one
    label everywhere fails them all), and accuracy's count of right labels ranges over N - 2
    values, so a value replayed from another submission's feedback fits only by chance."""
    import numpy as np

    from autograder.judging.chapters import EXERCISES
    from autograder.judging.harness import arguments

    labels = EXERCISES["predict_labels"]
    drawn = [i for i, case in enumerate(labels.cases) if "scores of shape" in case.label]
    assert len(drawn) == 4  # (8, 3), (5, 10), (7, 2), and the harness's case for unchanged inputs
    for salt in range(300):
        for index in drawn:
            (scores,) = arguments(labels, index, str(salt))
            assert len(set(scores.argmax(axis=1).tolist())) > 1, (salt, labels.cases[index].label)
    accuracy = EXERCISES["accuracy"]
    for index, case in enumerate(accuracy.cases):
        n = int(case.label.split()[0])
        counts = set()
        for salt in range(300):
            y_pred, y_true = arguments(accuracy, index, str(salt))
            counts.add(int(np.sum(y_pred == y_true)))
        assert 0 not in counts and n not in counts and n / 2 not in counts
        assert len(counts) > n // 3, (case.label, len(counts))  # spread over the range, not a few values
