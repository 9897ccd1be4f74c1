"""Chapter 4: each catalogued mistake, written as a student would, scores 0 and gets its hint;
correct code in other styles gets full marks."""

import textwrap

import pytest
from catalogue import assert_fails_only, assert_full_marks, assert_scores_zero_with_hint, unchanged_case

from autograder.judging.chapters import CHAPTERS

SIGMOID = "def sig(z):\n    return 1 / (1 + np.exp(-z))\n\n"


def src(text):
    return SIGMOID + textwrap.dedent(text).strip() + "\n"


def function(header, body):
    """Source of a function: ``header`` and its ``body`` (any indentation)."""
    return src(header + "\n" + textwrap.indent(textwrap.dedent(body).strip(), " " * 4))


def forward_with(hidden, output="sig(np.hstack([H, ones]) @ U)", ret="H, y"):
    return function(
        "def xor_forward(X, W, U):",
        f"""
X = np.asarray(X, dtype=float)
ones = np.ones((len(X), 1))
{hidden}
y = {output}
return {ret}
""",
    )


def gradients_with(
    delta="(y - t) * y * (1 - y)",
    hidden="np.outer(d, U[:2]) * H * (1 - H)",
    dU="np.hstack([H, ones]).T @ d",
    dW="dh.T @ np.hstack([X, ones])",
    scale="",
):
    return function(
        "def xor_gradients(X, t, W, U):",
        f"""
X = np.asarray(X, dtype=float)
ones = np.ones((len(X), 1))
Z = np.hstack([X, ones]) @ W.T
H = sig(Z)
s = np.hstack([H, ones]) @ U
y = sig(s)
d = {delta}
dh = {hidden}
return {dW}{scale}, {dU}{scale}
""",
    )


def numerical_with(body):
    return function("def numerical_gradient(f, x, h=1e-5):", body)


def train_with(body):
    return function("def train_xor(X, t, W, U, lr, epochs):", body)


TRAIN_LOOP = """
    W, U = np.array(W, dtype=float), np.array(U, dtype=float)
    losses = []
    for _ in range(epochs):
        losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
        dW, dU = xor_gradients(X, t, W, U)
        W, U = W - lr * dW, U - lr * dU
    return W, U, losses
"""

MEAN_LOSS = src("""
    def half_squared_error(y, t):
        return float(0.5 * np.mean((np.asarray(t) - np.asarray(y)) ** 2))
    """)
LOSS_WITHOUT_HALF = src("""
    def half_squared_error(y, t):
        return float(np.sum((np.asarray(t, dtype=float) - y) ** 2))
    """)
MEAN_GRADIENTS = gradients_with(scale=" / len(X)")
DOUBLE_GRADIENTS = gradients_with(delta="2 * (y - t) * y * (1 - y)")

MISTAKES = [
    # ---- xor_forward
    ("xor_forward", forward_with("H = np.maximum(np.hstack([X, ones]) @ W.T, 0)"), "your hidden units use ReLU"),
    ("xor_forward", forward_with("H = sig(X @ W[:, :2].T)", output="sig(H @ U[:2])"), "the biases are missing"),
    (
        "xor_forward",
        forward_with("H = sig(np.hstack([X, ones]) @ W.T)", output="sig(H @ U[:2])"),
        "the biases are missing",
    ),
    (
        "xor_forward",
        forward_with("H = sig(np.hstack([ones, X]) @ W.T)", output="sig(np.hstack([ones, H]) @ U)"),
        "the bias is the LAST entry of each row",
    ),
    ("xor_forward", forward_with("H = sig(X @ W[:, :2] + W[:, 2])"), "each ROW of W is one hidden unit"),
    (
        "xor_forward",
        forward_with("H = sig(np.hstack([X, ones]) @ W.T)", output="np.hstack([H, ones]) @ U"),
        "the output unit is a sigmoid too",
    ),
    (
        "xor_forward",
        forward_with("Z = np.hstack([X, ones]) @ W.T\nH = sig(Z)", ret="Z, y"),
        "return the hidden ACTIVATIONS",
    ),
    (
        "xor_forward",
        forward_with("H = sig(np.hstack([X, ones]) @ W.T)", output="sig(np.hstack([H, ones]) @ U.reshape(3, 1))"),
        "y should have shape (N,)",
    ),
    # ---- half_squared_error
    (
        "half_squared_error",
        src("""
        def half_squared_error(y, t):
            return 0.5 * (np.asarray(t) - np.asarray(y)) ** 2
        """),
        "return one number, the SUM",
    ),
    (
        "half_squared_error",
        src("""
        def half_squared_error(y, t):
            return float(np.mean((np.asarray(t) - np.asarray(y)) ** 2))
        """),
        "that is the mean squared error",
    ),
    ("half_squared_error", MEAN_LOSS, "E is a SUM over the samples, not a mean"),
    ("half_squared_error", LOSS_WITHOUT_HALF, "keep the factor ½"),
    # ---- xor_gradients
    ("xor_gradients", gradients_with(delta="(t - y) * y * (1 - y)"), "the gradients have the wrong sign"),
    ("xor_gradients", MEAN_GRADIENTS, "E is a SUM over the samples, so its gradients"),
    ("xor_gradients", DOUBLE_GRADIENTS, "the gradients are twice too large"),
    (
        "xor_gradients",
        gradients_with(delta="(y - t) * s * (1 - s)", hidden="np.outer(d, U[:2]) * Z * (1 - Z)"),
        "apply the pattern to the ACTIVATIONS",
    ),
    (
        "xor_gradients",
        gradients_with(hidden="np.outer(d, U[:2]) * Z * (1 - Z)"),
        "apply the pattern to the ACTIVATIONS",
    ),
    (
        "xor_gradients",
        gradients_with(hidden="np.outer(d, U[:2])"),
        "the hidden deltas need the hidden units' slope too",
    ),
    ("xor_gradients", gradients_with(delta="y - t"), "the output delta needs the output unit's slope"),
    (
        "xor_gradients",
        gradients_with(dU="np.hstack([ones, H]).T @ d", dW="dh.T @ np.hstack([ones, X])"),
        "the bias is LAST in W's rows and in U",
    ),
    ("xor_gradients", gradients_with(dU="H.T @ d", dW="dh.T @ X"), "the biases have gradients too"),
    (
        "xor_gradients",
        gradients_with(dU="np.append(H.T @ d, 0.0)", dW="np.hstack([dh.T @ X, np.zeros((2, 1))])"),
        "the biases have gradients too",
    ),
    # ---- numerical_gradient
    (
        "numerical_gradient",
        numerical_with("""
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        fx = f(x)
        for i in np.ndindex(x.shape):
            x[i] += h
            grad[i] = (f(x) - fx) / h
            x[i] -= h
        return grad
        """),
        "that is a one-sided difference",
    ),
    (
        "numerical_gradient",
        numerical_with("""
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        fx = f(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old - h
            grad[i] = (fx - f(x)) / h
            x[i] = old
        return grad
        """),
        "that is a one-sided difference",
    ),
    (
        "numerical_gradient",
        numerical_with("""
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            fp = f(x)
            x[i] = old - h
            fm = f(x)
            x[i] = old
            grad[i] = (fp - fm) / h
        return grad
        """),
        "divide f(x + h) − f(x − h) by 2h",
    ),
    (
        "numerical_gradient",
        numerical_with("""
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        for i in range(len(x)):
            old = x[i].copy()
            x[i] = old + h
            fp = f(x)
            x[i] = old - h
            fm = f(x)
            x[i] = old
            grad[i] = (fp - fm) / (2 * h)
        return grad
        """),
        "perturb ONE ENTRY at a time",
    ),
    # ---- train_xor
    (
        "train_xor",
        train_with(TRAIN_LOOP.replace("W - lr * dW, U - lr * dU", "W + lr * dW, U + lr * dU")),
        "the weights climb the loss",
    ),
    (
        "train_xor",
        train_with("""
        W, U = np.array(W, dtype=float), np.array(U, dtype=float)
        losses = []
        for _ in range(epochs):
            dW, dU = xor_gradients(X, t, W, U)
            W, U = W - lr * dW, U - lr * dU
            losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
        return W, U, losses
        """),
        "record the loss BEFORE each update",
    ),
    (
        "train_xor",
        train_with("""
        X = np.asarray(X, dtype=float)
        W, U = np.array(W, dtype=float), np.array(U, dtype=float)
        Xb = np.hstack([X, np.ones((len(X), 1))])
        losses = []
        for _ in range(epochs):
            H, y = xor_forward(X, W, U)
            losses.append(half_squared_error(y, t))
            d = (y - t) * y * (1 - y)
            U = U - lr * np.hstack([H, np.ones((len(X), 1))]).T @ d
            dh = np.outer(d, U[:2]) * H * (1 - H)
            W = W - lr * dh.T @ Xb
        return W, U, losses
        """),
        "take both gradients at the SAME (old) weights",
    ),
    (
        "train_xor",
        train_with("""
        W, U = np.array(W, dtype=float), np.array(U, dtype=float)
        losses = []
        for _ in range(epochs):
            losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
            dW, dU = xor_gradients(X, t, W, U)
            W, U = W - lr * dW, U - lr * dU
        losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
        return W, U, losses
        """),
        "losses has one entry per update",
    ),
]

INTEGER_X = "x with integer dtype, shape (4, 3), h=1e-3"

EDGE_SLIPS = [
    # x perturbed in place: an integer x cannot hold x + h (wrong values there), and x is left changed
    (
        "numerical_gradient",
        numerical_with("""
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x[i] += h
            fp = f(x)
            x[i] -= 2 * h
            fm = f(x)
            grad[i] = (fp - fm) / (2 * h)
        return grad
        """),
        "the gradient is right, but x was changed",
        [INTEGER_X, unchanged_case("numerical_gradient")],
    ),
    (
        "numerical_gradient",
        numerical_with("""
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x[i] += h
            fp = f(x)
            x[i] -= 2 * h
            fm = f(x)
            x[i] += h
            grad[i] = (fp - fm) / (2 * h)
        return grad
        """),
        "the gradient is right, but x was changed",
        [INTEGER_X, unchanged_case("numerical_gradient")],
    ),
    # the right run, written into the caller's arrays
    (
        "train_xor",
        train_with("""
        W, U = np.asarray(W, dtype=float), np.asarray(U, dtype=float)
        losses = []
        for _ in range(epochs):
            losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
            dW, dU = xor_gradients(X, t, W, U)
            W -= lr * dW
            U -= lr * dU
        return W, U, losses
        """),
        "W or U was changed in place",
        [unchanged_case("train_xor")],
    ),
]

# train_xor written correctly on top of a wrong helper, and xor_gradients on a wrong xor_forward:
# they compose the student's own parts right, so they get full marks (the helper loses its own).
INHERITED = [
    ("half_squared_error", MEAN_LOSS),
    ("half_squared_error", LOSS_WITHOUT_HALF),
    ("xor_gradients", MEAN_GRADIENTS),
    ("xor_gradients", DOUBLE_GRADIENTS),
]

# A wrong xor_forward that still returns H (N, 2) and y (N,): the student's xor_gradients and
# train_xor built on it are right compositions of their own parts.
WRONG_FORWARDS = [
    forward_with("H = sig(np.hstack([ones, X]) @ W.T)", output="sig(np.hstack([ones, H]) @ U)"),
    forward_with("H = np.maximum(np.hstack([X, ones]) @ W.T, 0)"),
]

# xor_gradients as many students write it: the forward pass through xor_forward, then the deltas.
GRADIENTS_ON_FORWARD = src("""
    def xor_gradients(X, t, W, U):
        H, y = xor_forward(X, W, U)
        ones = np.ones((len(H), 1))
        d = (y - t) * y * (1 - y)
        dh = np.outer(d, U[:2]) * H * (1 - H)
        return dh.T @ np.hstack([np.asarray(X, dtype=float), ones]), np.hstack([H, ones]).T @ d
    """)

CORRECT = [
    (
        "xor_forward",
        src("""
        def xor_forward(X, W, U):
            X = np.asarray(X, dtype=float)
            H = np.empty((len(X), 2))
            y = np.empty(len(X))
            for n in range(len(X)):
                for j in range(2):
                    H[n, j] = sig(W[j, 0] * X[n, 0] + W[j, 1] * X[n, 1] + W[j, 2])
                y[n] = sig(U[0] * H[n, 0] + U[1] * H[n, 1] + U[2])
            return H, y
        """),
    ),
    (
        "xor_forward",
        src("""
        def xor_forward(X, W, U):
            W1, b1 = np.asarray(W, dtype=float)[:, :2].T, W[:, 2]
            H = sig(np.einsum("nd,dm->nm", X, W1) + b1)
            return H, sig(H @ U[:2] + U[2])
        """),
    ),
    (
        "half_squared_error",
        src("""
        def half_squared_error(y, t):
            r = np.ravel(y) - np.ravel(t)
            return np.dot(r, r) / 2
        """),
    ),
    (
        "xor_gradients",
        src("""
        def xor_gradients(X, t, W, U):
            dW, dU = np.zeros((2, 3)), np.zeros(3)
            for x, target in zip(np.asarray(X, dtype=float), t):
                xb = np.append(x, 1.0)
                h = sig(W @ xb)
                hb = np.append(h, 1.0)
                y = sig(U @ hb)
                delta = (y - target) * y * (1 - y)
                dU += delta * hb
                dW += np.outer(delta * U[:2] * h * (1 - h), xb)
            return dW, dU
        """),
    ),
    (
        "xor_gradients",
        src("""
        def xor_gradients(X, t, W, U):
            H, y = xor_forward(X, W, U)
            Xb = np.c_[X, np.ones(len(X))]
            Hb = np.c_[H, np.ones(len(X))]
            d = (y - t) * y * (1 - y)
            dh = np.einsum("n,j,nj->nj", d, U[:2], H * (1 - H))
            return np.einsum("nj,nk->jk", dh, Xb), np.einsum("n,nk->k", d, Hb)
        """),
    ),
    (
        "numerical_gradient",
        numerical_with("""
        x = np.array(x, dtype=float)
        flat = x.reshape(-1)
        grad = np.empty(flat.size)
        for i in range(flat.size):
            e = np.zeros(flat.size)
            e[i] = h
            grad[i] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * h)
        return grad.reshape(x.shape)
        """),
    ),
    (
        "numerical_gradient",
        numerical_with("""
        x = np.asarray(x, dtype=float)
        grad = np.zeros(x.shape)
        it = np.nditer(x, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] -= h
            grad[i] = 0.5 * (f(xp) - f(xm)) / h
        return grad
        """),
    ),
    (
        "train_xor",
        train_with("""
        W, U = np.array(W, dtype=float), np.array(U, dtype=float)
        losses = []
        for _ in range(epochs):
            H, y = xor_forward(X, W, U)
            losses.append(0.5 * float(np.sum((t - y) ** 2)))
            dW, dU = xor_gradients(X, t, W, U)
            W -= lr * dW
            U -= lr * dU
        return W, U, np.array(losses)
        """),
    ),
    (
        "train_xor",
        train_with("""
        W, U = W.copy(), U.copy()           # in place on copies
        losses = []
        for _ in range(epochs):
            dW, dU = xor_gradients(X, t, W, U)
            losses.append(half_squared_error(xor_forward(X, W, U)[1], t))
            W -= lr * dW
            U -= lr * dU
        return W, U, losses
        """),
    ),
    (
        "half_squared_error",
        src("""
        def half_squared_error(y, t):
            total = 0
            for a, b in zip(y, t):           # integers stay integers until the halving
                total += (a - b) ** 2
            return total / 2
        """),
    ),
    (
        "half_squared_error",
        src("""
        def half_squared_error(y, t):
            r = np.subtract(t, y)
            return 0.5 * np.einsum("n,n->", r, r)
        """),
    ),
    ("xor_gradients", GRADIENTS_ON_FORWARD),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint, only_this_hint=True)  # its hint, and never another


@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


@pytest.mark.parametrize("helper, source", INHERITED, ids=[f"{h}-{i}" for i, (h, _) in enumerate(INHERITED)])
def test_train_xor_on_a_wrong_helper_gets_full_marks(helper, source):
    assert_full_marks("train_xor", None, others={helper: source})


@pytest.mark.parametrize("source", WRONG_FORWARDS, ids=[f"forward-{i}" for i in range(len(WRONG_FORWARDS))])
def test_xor_gradients_on_a_wrong_forward_pass_gets_full_marks(source):
    assert_full_marks("xor_gradients", GRADIENTS_ON_FORWARD, others={"xor_forward": source})
    assert_full_marks("train_xor", None, others={"xor_forward": source})


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_code_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)


def test_every_diagnosis_is_exercised_by_a_mistake():
    hints = {hint for _, _, hint in MISTAKES} | {hint for _, _, hint, _ in EDGE_SLIPS}
    for exercise in CHAPTERS["ch04_xor_backprop"]:
        for _, text in exercise.diagnoses:
            assert any(h in text for h in hints), f"{exercise.name}: no mistake for {text!r}"
