"""Chapter 2: every catalogued wrong formula scores 0 with its hint."""

import pytest
from catalogue import (
    assert_fails_only,
    assert_full_marks,
    assert_scores_zero_with_hint,
    fn,
    uncatalogued,
    unchanged_case,
)

CHAPTER = "ch02_hidden_layers"


FORWARD = "mlp_forward(X, params, activation)"
COLLAPSE = "collapse_linear(params)"
COUNT = "count_parameters(layer_sizes)"
XOR = "xor_network()"


def forward(hidden="h = activation(h @ W + b)", last="return h @ W + b"):
    """mlp_forward with the hidden-layer line or the last line changed."""
    return fn(FORWARD, "h = X", "for W, b in params[:-1]:", f"    {hidden}", "W, b = params[-1]", last)


def collapse(fold="W, b = W @ W_next, b @ W_next + b_next", last="return W, b"):
    return fn(COLLAPSE, "W, b = params[0]", "for W_next, b_next in params[1:]:", f"    {fold}", last)


def pairs(expression):
    return fn(COUNT, f"return sum({expression} for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))")


def xor(W2="[[1.0], [-2.0]]", b1="[0.0, -1.0]", b2="[0.0]"):
    return fn(
        XOR,
        "W1 = np.array([[1.0, 1.0], [1.0, 1.0]])",
        f"b1 = np.array({b1})",
        f"W2 = np.array({W2})",
        f"b2 = np.array({b2})",
        "return [(W1, b1), (W2, b2)]",
    )


MISTAKES = [
    # mlp_forward
    (
        "mlp_forward",
        fn(FORWARD, "h = X", "for W, b in params:", "    h = activation(h @ W + b)", "return h"),
        "do not apply the activation after the LAST layer",
    ),
    ("mlp_forward", forward(hidden="h = h @ W + b"), "apply the activation passed in"),
    ("mlp_forward", forward(hidden="h = np.maximum(h @ W + b, 0.0)"), "call the activation passed in"),
    ("mlp_forward", forward(hidden="h = np.tanh(h @ W + b)"), "call the activation passed in"),
    ("mlp_forward", forward(hidden="h = activation(h @ W)", last="return h @ W"), "add each layer's bias"),
    (
        "mlp_forward",
        fn(FORWARD, "h = X", "for W, b in params:", "    h = activation(h) @ W + b", "return h"),
        "the activation comes AFTER each affine map",
    ),
    ("mlp_forward", forward(last="return (h @ W + b).T"), "return one row per sample"),
    # collapse_linear
    (
        "collapse_linear",
        collapse(fold="W = W @ W_next", last="return W, params[-1][1]"),
        "the earlier biases do not vanish",
    ),
    ("collapse_linear", collapse(fold="W, b = W @ W_next, b @ W_next"), "W is right; the bias is not"),
    (
        "collapse_linear",
        collapse(fold="W = W @ W_next", last="return W, np.zeros(W.shape[1])"),
        "W is right; the bias is not",
    ),
    ("collapse_linear", collapse(last="return W.T, b"), "W must have shape (D, C)"),
    # count_parameters
    ("count_parameters", pairs("n_in * n_out"), "you counted the weights only"),
    ("count_parameters", pairs("n_in * (n_out + 1)"), "the biases belong to the receiving layer"),
    ("count_parameters", pairs("(n_in * n_out + 1)"), "every unit has its own bias"),
    (
        "count_parameters",
        fn(
            COUNT,
            "weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))",
            "return weights + sum(layer_sizes)",
        ),
        "the input layer has no biases",
    ),
    ("count_parameters", fn(COUNT, "return int(np.prod(layer_sizes))"), "weights connect neighbouring layers only"),
    ("count_parameters", fn(COUNT, "return sum(layer_sizes)"), "weights connect neighbouring layers only"),
    # xor_network
    (
        "xor_network",
        fn(XOR, "return [(np.array([[1.0], [1.0]]), np.array([0.0]))]"),
        "one affine layer cannot compute XOR",
    ),
    ("xor_network", xor(W2="[[1.0], [-2.0]]) * 1.000000001 + np.array(0.0"), "almost: the outputs are off by rounding"),
    ("xor_network", xor(W2="[[0.6], [-1.2]]", b2="[0.2]"), "the outputs are on the right side of 1/2"),
    ("xor_network", xor(b1="[[0.0, -1.0]]"), "biases are 1-D in this course"),
]

EDGE_SLIPS = [
    # the right W and b, but each folded bias is accumulated into the caller's b_next
    (
        "collapse_linear",
        fn(
            COLLAPSE,
            "W, b = params[0]",
            "for W_next, b_next in params[1:]:",
            "    b_next += b @ W_next",
            "    W, b = W @ W_next, b_next",
            "return W, b",
        ),
        "inputs are never modified",
        [unchanged_case("collapse_linear")],
    ),
]

CORRECT = [
    (
        "mlp_forward",
        fn(
            FORWARD,
            "for i, (W, b) in enumerate(params):",
            "    X = np.einsum('nd,dc->nc', X, W) + b",
            "    if i < len(params) - 1:",
            "        X = activation(X)",
            "return X",
        ),
    ),
    (
        "collapse_linear",
        fn(
            COLLAPSE,
            "D = params[0][0].shape[0]",
            "W, b = np.eye(D), np.zeros(D)",
            "for W_l, b_l in params:",
            "    W, b = W @ W_l, b @ W_l + b_l",
            "return W, b",
        ),
    ),
    (
        "collapse_linear",
        fn(
            COLLAPSE,
            "W, b = params[0]",
            "for W_l, b_l in params[1:]:",
            "    W, b = np.einsum('ij,jk->ik', W, W_l), np.einsum('j,jk->k', b, W_l) + b_l",
            "return W, b",
        ),
    ),
    ("count_parameters", fn(COUNT, "s = np.array(layer_sizes)", "return np.sum((s[:-1] + 1) * s[1:])")),
    # the right number as a float: the value counts, not its type
    (
        "count_parameters",
        fn(COUNT, "sizes = np.array(layer_sizes, dtype=float)", "return np.sum((sizes[:-1] + 1) * sizes[1:])"),
    ),
    (
        "count_parameters",
        fn(
            COUNT,
            "total = 0",
            "for i in range(len(layer_sizes) - 1):",
            "    total += layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1]",
            "return total",
        ),
    ),
    (
        "mlp_forward",
        fn(
            FORWARD,
            "h = np.array(X, dtype=float)",
            "for i, (W, b) in enumerate(params):",
            "    z = np.zeros((h.shape[0], W.shape[1]))",
            "    for n in range(h.shape[0]):",
            "        z[n] = h[n] @ W + b",
            "    h = activation(z) if i < len(params) - 1 else z",
            "return h",
        ),
    ),
    # in place, on its own arrays
    (
        "mlp_forward",
        fn(
            FORWARD,
            "h = X",
            "for W, b in params[:-1]:",
            "    z = h @ W",
            "    z += b",
            "    h = activation(z)",
            "out = h @ params[-1][0]",
            "out += params[-1][1]",
            "return out",
        ),
    ),
    (
        "xor_network",
        fn(
            XOR,
            "W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])  # |x1 - x2|",
            "return [(W1, np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]",
        ),
    ),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_wrong_formula_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint)


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_case(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


def test_every_diagnosis_is_catalogued():
    assert uncatalogued(CHAPTER, MISTAKES) == []


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_answer_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)
