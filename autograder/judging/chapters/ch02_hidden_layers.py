"""Hidden tests for chapter 2, hidden layers and the forward pass."""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from autograder.judging.pairs import each_call, paired_case
from coursekit import functions
from coursekit.data import XOR_INPUTS, XOR_TARGETS
from coursekit.probing import Fn
from coursekit.testing import expected_text


def _identity(z):
    return z


# Activations passed to the student's mlp_forward: described by data, built in coursekit.
# (The ReLU is an exercise of chapter 3, so the other activation here is a softsign.)
SOFTSIGN, TANH = Fn(functions.softsign), Fn(functions.hyperbolic_tangent)


def _params(rng, sizes, scale=1.0):
    """Random layers for the given sizes (input first), biases non-zero."""
    return [
        (scale * rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


def _forward_calls(n, sizes, first):
    """The same inputs through the network ``sizes`` with softsign and with tanh (``first`` first).

    Every case calls both activations, so an activation written into the
    function instead of the one passed in (relu, tanh) fails every case.
    """
    second = TANH if first is SOFTSIGN else SOFTSIGN

    def make(rng):
        X = rng.standard_normal((n, sizes[0]))
        params = _params(rng, sizes)
        return (X, params, first), (X.copy(), params, second)

    return make


def _names(first):
    return (first, "tanh" if first == "softsign" else "softsign")


def _one_layer_calls(rng):
    # One layer has no hidden layer, so no activation is applied at all: a forward pass
    # that never calls the activation gets it right. Pair it with a hidden layer, run
    # with softsign and with tanh.
    X = rng.standard_normal((5, 3))
    one, two = _params(rng, [3, 4]), _params(rng, [3, 6, 4])
    return (X, one, SOFTSIGN), (X.copy(), two, SOFTSIGN), (X.copy(), two, TANH)


def _collapse_case(sizes):
    return lambda rng: (_params(rng, sizes),)


def _collapse_one_and_three(rng):
    # A single layer is its own collapse, whatever is done with the biases: pair it.
    return (_params(rng, [4, 3]),), (_params(rng, [4, 6, 2, 3]),)


# ------------------------------------------------------------ mlp_forward


def _wrong_but_shaped(got, exp):
    """``got`` has the expected shape but other values (so a diagnosis can name why)."""
    return isinstance(got, np.ndarray) and got.shape == exp.shape and not np.allclose(got, exp)


def _hard_coded_activation(got, exp, args):
    X, params, activation = args
    return _wrong_but_shaped(got, exp) and any(
        np.allclose(got, ref.mlp_forward(X, params, fixed)) for fixed in (_relu, np.tanh)
    )


def _activation_on_last_layer(got, exp, args):
    return _wrong_but_shaped(got, exp) and np.allclose(got, args[2](exp))


def _no_activation(got, exp, args):
    X, params, _ = args
    return _wrong_but_shaped(got, exp) and np.allclose(got, ref.mlp_forward(X, params, _identity))


def _no_biases(got, exp, args):
    X, params, activation = args
    zero_b = [(W, np.zeros_like(b)) for W, b in params]
    return _wrong_but_shaped(got, exp) and np.allclose(got, ref.mlp_forward(X, zero_b, activation))


def _activation_on_input(got, exp, args):
    X, params, activation = args
    h = X
    for W, b in params:
        h = activation(h) @ W + b
    return _wrong_but_shaped(got, exp) and np.allclose(got, h)


def _transposed(got, exp, args):
    return np.ndim(got) == 2 and np.shape(got) == exp.shape[::-1] and exp.shape[0] != exp.shape[1]


_forward = Exercise(
    name="mlp_forward",
    reference=ref.mlp_forward,
    points=3,
    cases=[
        paired_case(
            "one layer (N=5, D=3, C=4): no activation at all; and layers 3-6-4 with softsign and tanh",
            _one_layer_calls,
            ("one layer", "layers 3-6-4 and softsign", "layers 3-6-4 and tanh"),
        ),
        paired_case(
            "two layers 4-6-3, N=7, with softsign and with tanh",
            _forward_calls(7, [4, 6, 3], SOFTSIGN),
            _names("softsign"),
        ),
        paired_case(
            "three layers 5-8-3-2, N=6, with tanh and with softsign",
            _forward_calls(6, [5, 8, 3, 2], TANH),
            _names("tanh"),
        ),
        paired_case(
            "four layers 3-7-5-9-4, N=11, with softsign and with tanh",
            _forward_calls(11, [3, 7, 5, 9, 4], SOFTSIGN),
            _names("softsign"),
        ),
        paired_case(
            "a single sample (N=1), layers 6-2-5, with tanh and with softsign",
            _forward_calls(1, [6, 2, 5], TANH),
            _names("tanh"),
        ),
        paired_case(
            "two layers 2-9-1 (one output), N=8, with tanh and with relu",
            _forward_calls(8, [2, 9, 1], TANH),
            _names("tanh"),
        ),
    ],
    diagnoses=[
        (each_call(predicate), hint)
        for predicate, hint in [
            (_transposed, "return one row per sample: scores of shape (N, C), computed as h @ W + b (not W @ h)"),
            (
                _activation_on_last_layer,
                "do not apply the activation after the LAST layer: the scores are h_{L-1} @ W_L + b_L, "
                "free to be negative",
            ),
            (
                _no_activation,
                "apply the activation passed in (the third argument) after every hidden layer; "
                "without it the network is a single affine map",
            ),
            (
                _hard_coded_activation,
                "call the activation passed in as the third argument; do not write relu or tanh into the function",
            ),
            (_no_biases, "add each layer's bias: h @ W + b"),
            (
                _activation_on_input,
                "the activation comes AFTER each affine map: h = f(h @ W + b), and never on the input X",
            ),
        ]
    ],
)


# ------------------------------------------------------------ collapse_linear


def _w_right_b_wrong(got, exp, args):
    return (
        isinstance(got, (tuple, list))
        and len(got) == 2
        and np.shape(got[0]) == exp[0].shape
        and np.allclose(got[0], exp[0])
        and not np.allclose(np.ravel(got[1]), exp[1])
    )


def _only_last_bias(got, exp, args):
    params = args[0]
    return (
        isinstance(got, (tuple, list))
        and len(got) == 2
        and np.shape(got[1]) == exp[1].shape
        and len(params) > 1
        and np.allclose(got[1], params[-1][1])
    )


def _collapsed_w_transposed(got, exp, args):
    return (
        isinstance(got, (tuple, list))
        and len(got) == 2
        and np.ndim(got[0]) == 2
        and np.shape(got[0]) == exp[0].shape[::-1]
        and exp[0].shape[0] != exp[0].shape[1]
    )


_collapse = Exercise(
    name="collapse_linear",
    reference=ref.collapse_linear,
    points=3,
    outputs=("W", "b"),
    cases=[
        paired_case(
            "one layer 4-3 (the layer itself), and three layers 4-6-2-3",
            _collapse_one_and_three,
            ("one layer 4-3", "three layers 4-6-2-3"),
            outputs=("W", "b"),
        ),
        Case("three layers 3-5-2-4", _collapse_case([3, 5, 2, 4])),
        Case("three layers 4-6-3-7", _collapse_case([4, 6, 3, 7])),
        Case("four layers 2-5-3-6-4", _collapse_case([2, 5, 3, 6, 4])),
        Case("a one-unit bottleneck 5-1-3-2", _collapse_case([5, 1, 3, 2])),
    ],
    diagnoses=[
        (each_call(predicate), hint)
        for predicate, hint in [
            (
                _collapsed_w_transposed,
                "W must have shape (D, C), one row per input: multiply first layer first, W1 @ W2 @ ... @ WL",
            ),
            (
                _only_last_bias,
                "the earlier biases do not vanish: b1 passes through W2, so b = b1 @ W2 + b2 for two layers",
            ),
            (
                _w_right_b_wrong,
                "W is right; the bias is not. Fold one layer at a time: (X @ W + b) @ Wn + bn = "
                "X @ (W @ Wn) + (b @ Wn + bn), so every earlier bias is multiplied by all later weights",
            ),
        ]
    ],
)


# ------------------------------------------------------------ count_parameters


def _count_check(got, args, expected):
    """The count's value: 42, 42.0 and np.int64(42) are all 42 (a bool or an array is not a count)."""
    number = isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, (bool, np.bool_))
    if not number:
        kind = (
            f"a {type(got).__name__} ({got!r})" if not isinstance(got, np.ndarray) else f"an array of shape {got.shape}"
        )
        return f"the result should be a number, {expected_text(expected)}, but is {kind}"
    if got != expected:
        return f"the result is {got!r}, expected {expected_text(expected)}"
    return None


def _sizes(args):
    return [int(n) for n in args[0]]


def _pairs(args):
    sizes = _sizes(args)
    return list(zip(sizes[:-1], sizes[1:]))


_count = Exercise(
    name="count_parameters",
    reference=ref.count_parameters,
    points=2,
    cases=[
        Case("layer_sizes [5, 3] (one layer)", lambda rng: ([5, 3],), check=_count_check),
        Case("layer_sizes [7, 4, 2]", lambda rng: ([7, 4, 2],), check=_count_check),
        Case("layer_sizes [3, 11, 6, 2]", lambda rng: ([3, 11, 6, 2],), check=_count_check),
        Case("layer_sizes (64, 30, 10) given as a tuple", lambda rng: ((64, 30, 10),), check=_count_check),
        Case("layer_sizes [9, 8, 7, 6, 5, 1]", lambda rng: ([9, 8, 7, 6, 5, 1],), check=_count_check),
        Case("layer_sizes [2, 7]", lambda rng: ([2, 7],), check=_count_check),
    ],
    diagnoses=[
        (
            lambda got, exp, args: got != exp and got == sum(a * b for a, b in _pairs(args)),
            "you counted the weights only: every unit after the input also has a bias, (n_in + 1) * n_out per layer",
        ),
        (
            lambda got, exp, args: got != exp and (got == sum(a * (b + 1) for a, b in _pairs(args))),
            "the biases belong to the receiving layer: n_out of them per layer, (n_in + 1) * n_out in all",
        ),
        (
            lambda got, exp, args: got != exp and (got == sum(a * b + 1 for a, b in _pairs(args))),
            "every unit has its own bias: n_out biases per layer, not one per layer",
        ),
        (
            lambda got, exp, args: got != exp and (got == sum(a * b for a, b in _pairs(args)) + sum(_sizes(args))),
            "the input layer has no biases: count n_out biases per layer, not one per unit of every layer",
        ),
        (
            lambda got, exp, args: got != exp and (got == int(np.prod(_sizes(args))) or got == sum(_sizes(args))),
            "weights connect neighbouring layers only: add up (n_in + 1) * n_out over consecutive pairs",
        ),
    ],
)


# ------------------------------------------------------------ xor_network


def _relu(z):
    return np.maximum(z, 0.0)


def _structure_problem(params):
    """A sentence saying why ``params`` is not a list of (W, b) layers for 2 inputs, or None."""
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        return f"xor_network() should return a non-empty list of (W, b) pairs but returned {type(params).__name__}"
    fan_in = 2
    for number, layer in enumerate(params, start=1):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            return f"layer {number} should be a pair (W, b) but is {type(layer).__name__}"
        W, b = layer
        if not isinstance(W, np.ndarray) or not isinstance(b, np.ndarray):
            return f"layer {number}: W and b should be NumPy arrays (got {type(W).__name__} and {type(b).__name__})"
        if not (np.issubdtype(W.dtype, np.number) and np.issubdtype(b.dtype, np.number)):
            return f"layer {number}: W and b should hold numbers (dtypes {W.dtype} and {b.dtype})"
        if W.ndim != 2 or b.ndim != 1:
            return f"layer {number}: W should be 2-D and b 1-D, got W of shape {W.shape} and b of shape {b.shape}"
        if W.shape[0] != fan_in:
            return (
                f"layer {number}: W has {W.shape[0]} rows but its input has {fan_in} "
                f"{'features' if number == 1 else 'units'} (W is (fan_in, fan_out))"
            )
        if b.shape[0] != W.shape[1]:
            return f"layer {number}: b has shape {b.shape} but W has {W.shape[1]} columns (b must be (fan_out,))"
        fan_in = W.shape[1]
    if fan_in != 1:
        return f"the last layer has {fan_in} outputs; the XOR network has one output unit (last W of shape (H, 1))"
    return None


def _xor_outputs(params, X):
    try:
        return ref.mlp_forward(X, params, _relu), None
    except Exception as error:  # pragma: no cover - structure is checked first
        return None, f"mlp_forward(X, xor_network(), relu) raised {type(error).__name__}: {error}"


# The corners in another order, each twice: the network must compute XOR row by row.
_SHUFFLED = np.array([3, 0, 2, 1, 1, 3, 0, 2])


def _xor_check(which):
    def check(got, args, expected):
        problem = _structure_problem(got)
        if problem:
            return problem
        if which == "single":  # each corner alone, as a batch of one row
            for x, t in zip(XOR_INPUTS, XOR_TARGETS):
                out, problem = _xor_outputs(got, x[None, :])
                if problem:
                    return problem
                if out.shape != (1, 1) or out[0, 0] != t:
                    return (
                        f"for the single input {x.tolist()} (a batch of one row) the network gives "
                        f"{out.ravel().tolist()}, expected exactly [{float(t)}]"
                    )
            return None
        if which == "corners":
            X, targets, what = XOR_INPUTS, XOR_TARGETS, "on XOR_INPUTS (0,0), (0,1), (1,0), (1,1)"
        else:
            X, targets = XOR_INPUTS[_SHUFFLED], XOR_TARGETS[_SHUFFLED]
            what = f"on the rows {X.astype(int).tolist()}"
        out, problem = _xor_outputs(got, X)
        if problem:
            return problem
        if out.shape != (len(X), 1):
            return f"mlp_forward(X, xor_network(), relu) has shape {out.shape}, expected ({len(X)}, 1)"
        want = targets.astype(np.float64)
        if not np.array_equal(out[:, 0], want):
            values = ", ".join(repr(float(v)) for v in out[:, 0])
            return f"{what} the network outputs [{values}], expected exactly {want.tolist()}"
        return None

    return check


def _not_exact_but_close(got, exp, args):
    try:
        out = ref.mlp_forward(XOR_INPUTS, got, _relu)
        return (
            out.shape == (4, 1)
            and not np.array_equal(out[:, 0], XOR_TARGETS)
            and np.allclose(out[:, 0], XOR_TARGETS, atol=1e-6)
        )
    except Exception:
        return False


def _thresholded_only(got, exp, args):
    try:
        out = ref.mlp_forward(XOR_INPUTS, got, _relu)
        return (
            out.shape == (4, 1)
            and np.array_equal(out[:, 0] > 0.5, XOR_TARGETS.astype(bool))
            and not np.allclose(out[:, 0], XOR_TARGETS, atol=1e-6)
        )
    except Exception:
        return False


_xor = Exercise(
    name="xor_network",
    reference=ref.xor_network,
    points=3,
    cases=[
        Case(
            "mlp_forward(XOR_INPUTS, params, relu) is exactly [[0], [1], [1], [0]]",
            lambda rng: (),
            check=_xor_check("corners"),
        ),
        Case(
            "each corner as a batch of one row gives exactly its XOR value", lambda rng: (), check=_xor_check("single")
        ),
        Case(
            "the corners in another order, each twice (a batch of 8 rows), give exactly their XOR values",
            lambda rng: (),
            check=_xor_check("shuffled"),
        ),
    ],
    diagnoses=[
        (
            lambda got, exp, args: isinstance(got, (list, tuple)) and len(got) == 1,
            "one affine layer cannot compute XOR (no line separates the corners): put a hidden layer "
            "before the output, e.g. [(W1 (2, 2), b1 (2,)), (W2 (2, 1), b2 (1,))]",
        ),
        (
            _not_exact_but_close,
            "almost: the outputs are off by rounding. Use weights that are small integers (or halves) "
            "so every product and sum is exact in floating point",
        ),
        (
            _thresholded_only,
            "the outputs are on the right side of 1/2 but the exercise asks for exactly 0 and 1: "
            "rescale the output layer (and its bias) so the two classes land on 0 and 1",
        ),
        (
            lambda got, exp, args: (
                _structure_problem(got) is not None
                and isinstance(got, (list, tuple))
                and len(got) > 0
                and isinstance(got[0], (list, tuple))
                and len(got[0]) == 2
                and np.ndim(got[0][1]) == 2
            ),
            "biases are 1-D in this course: b of shape (fan_out,), e.g. np.array([0.0, -1.0]), not [[0.0, -1.0]]",
        ),
    ],
)


EXERCISES = [_forward, _count, _collapse, _xor]
