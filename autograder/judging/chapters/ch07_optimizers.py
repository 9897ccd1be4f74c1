"""Hidden tests for chapter 7, SGD and its variants.

The step functions are graded on scenarios, not single calls: the driver
``coursekit.drivers.run_optimizer`` runs several steps on a gradient given as
an ``Fn`` spec, handing the state each call returns (velocity, cache, m, v)
to the next call, exactly as a training loop does. A case passes when the
whole trajectory and every returned state agree with the reference. The
driver passes copies and reports, as data, a step that returned the wrong
kind of result, and the inputs a step changed in place (judged once, by the
exercise's own case for that: the run goes on with what the step returned).

``iterate_minibatches`` takes a random generator, and a correct function may
draw its numbers in any way (``rng.permutation``, ``rng.shuffle`` of an
``arange``, an ``argsort`` of uniforms, ...). It is graded by properties
(``coursekit.drivers.run_epochs``): every epoch a partition of 0 … N−1 into
batches of B with a shorter last one, shuffled, a new order every call, the
same order for the same seed and another for another seed.

The diagnoses are the catalogue of the mistakes students make here. Most are
written below as the wrong step function itself (``_wrong``): a failed case
whose run matches the run of a wrong formula gets that formula's hint. Every
case is built so that every catalogued formula fails it (no lr = 1, no
decay = 0.5, β₁ ≠ β₂, ε or gradient sizes for which the place of ε matters,
N not a multiple of B); ``tests/judging/mistakes/test_ch07_optimizers.py`` checks this.
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from coursekit import drivers, functions
from coursekit.probing import Fn, Rng
from coursekit.testing import describe_mismatch

RTOL, ATOL = 1e-6, 1e-9


# ---------------------------------------------------------------- gradients (as data)


def _bowl(rng, shape, small=0):
    """A separable bowl ½ Σ s ⊙ (w − c)² with curvatures s in [0.5, 4].

    ``small`` entries of s are tiny (1e-9 … 1e-7), so those coordinates have
    gradients far smaller than ε = 1e-8 would notice under a square root:
    there, √c + ε and √(c + ε) give visibly different steps.
    """
    scale = rng.uniform(0.5, 4.0, shape)
    if small:
        scale.flat[rng.choice(scale.size, small, replace=False)] = 10.0 ** rng.uniform(-9, -7, small)
    return Fn(functions.bowl_gradient, scale=scale, target=rng.standard_normal(shape))


def _regression(rng, n, d, k):
    """A least-squares-shaped gradient A (W − C), A = XᵀX/N, of a weight matrix W (d, k):
    every row of the gradient depends on every row of W."""
    X = rng.standard_normal((n, d))
    return Fn(functions.quadratic_gradient, A=X.T @ X / n, c=rng.standard_normal((d, k)))


ROSENBROCK = Fn(functions.rosenbrock_gradient, a=1.0, b=100.0)


def _zeros(shape, *names):
    return tuple((name, np.zeros(shape)) for name in names)


# ---------------------------------------------------------------- the check


def _compare_runs(got, args, expected):
    """Say where the student's run first leaves the reference's, or ``None``."""
    if got.get("problem"):
        return got["problem"]
    steps = expected["steps"]
    w_got, w_exp = np.asarray(got["w"]), np.asarray(expected["w"])
    if got["steps"] != steps or w_got.shape != w_exp.shape:
        return f"the run has {got['steps']} steps, expected {steps}"
    for k in range(1, steps + 1):
        right = "" if k == 1 else " (step 1 was right)" if k == 2 else f" (steps 1 to {k - 1} were right)"
        problem = describe_mismatch(w_got[k], w_exp[k], rtol=RTOL, atol=ATOL)
        if problem:
            return f"after step {k} of {steps}, w_new {problem}{right}"
        for name, values in expected["state"].items():
            problem = describe_mismatch(np.asarray(got["state"][name])[k], values[k], rtol=RTOL, atol=ATOL)
            if problem:
                return f"after step {k} of {steps}, the returned {name}_new {problem}{right}"
    return None


def _run_args(gradient, w0, num_steps, hyper, state=(), t=None):
    return gradient, w0, num_steps, hyper, state, t


def _case(label, make):
    return Case(label, make, driver=drivers.run_optimizer, check=_compare_runs)


# ---------------------------------------------------------------- the catalogue of wrong formulas


def _same_run(got, other):
    if got["steps"] != other["steps"] or got["problem"] or other["problem"]:
        return False
    if not np.allclose(got["w"], other["w"], rtol=RTOL, atol=ATOL, equal_nan=True):
        return False
    return all(
        np.allclose(got["state"][name], values, rtol=RTOL, atol=ATOL, equal_nan=True)
        for name, values in other["state"].items()
    )


def _wrong(step):
    """A diagnosis predicate: the failed run is the run of the wrong ``step``."""
    return lambda got, expected, args: _same_run(got, drivers.run_optimizer(step, *args))


def _state_not_returned(got, expected, args):
    return got["kind"] in ("not a tuple", "wrong length")


IN_PLACE = (
    "the values are right, but the function changed one of its input arrays in place (w -= ..., "
    "velocity *= ..., an augmented assignment on an argument). Build new arrays, e.g. "
    "w_new = w - lr * grad: the caller may still need the old ones"
)
RETURN_STATE = (
    "return the new state as well, as a tuple: the caller keeps it and passes it back "
    "on the next call (see the docstring's Returns)"
)


def _sgd_ascent(w, g, lr):
    return w + lr * g


def _sgd_no_lr(w, g, lr):
    return w - g


def _sgd_returns_step(w, g, lr):
    return lr * g


def _momentum_other_sign(w, g, v, lr, gamma=0.9):
    v = gamma * v - lr * g
    return w + v, v


def _momentum_lr_outside(w, g, v, lr, gamma=0.9):
    v = gamma * v + g
    return w - lr * v, v


def _momentum_average(w, g, v, lr, gamma=0.9):
    v = gamma * v + (1 - gamma) * g
    return w - lr * v, v


def _momentum_old_velocity(w, g, v, lr, gamma=0.9):
    return w - v, gamma * v + lr * g


def _nesterov_plain(w, g, v, lr, gamma=0.9):
    v = gamma * v + lr * g
    return w - v, v


def _nesterov_other_sign(w, g, v, lr, gamma=0.9):
    v = gamma * v - lr * g
    return w + gamma * v - lr * g, v


def _nesterov_no_old_term(w, g, v, lr, gamma=0.9):
    v_new = gamma * v + lr * g
    return w - (1 + gamma) * v_new, v_new


def _rmsprop_eps_inside(w, g, c, lr, decay=0.99, eps=1e-8):
    c = decay * c + (1 - decay) * g**2
    return w - lr * g / np.sqrt(c + eps), c


def _rmsprop_decay_swapped(w, g, c, lr, decay=0.99, eps=1e-8):
    c = (1 - decay) * c + decay * g**2
    return w - lr * g / (np.sqrt(c) + eps), c


def _rmsprop_no_one_minus(w, g, c, lr, decay=0.99, eps=1e-8):
    c = decay * c + g**2
    return w - lr * g / (np.sqrt(c) + eps), c


def _rmsprop_old_cache(w, g, c, lr, decay=0.99, eps=1e-8):
    return w - lr * g / (np.sqrt(c) + eps), decay * c + (1 - decay) * g**2


def _rmsprop_no_root(w, g, c, lr, decay=0.99, eps=1e-8):
    c = decay * c + (1 - decay) * g**2
    return w - lr * g / (c + eps), c


def _adam(correct_m=True, correct_v=True, shift=0, swap=False, old=False, eps_inside=False, m_swapped=False):
    """Adam with one mistake switched on (the reference when every flag is at its default)."""

    def step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
        m_new = (b1 * g + (1 - b1) * m) if m_swapped else (b1 * m + (1 - b1) * g)
        v_new = b2 * v + (1 - b2) * g**2
        m_use, v_use = (m, v) if old else (m_new, v_new)
        with np.errstate(all="ignore"):
            m_hat = m_use / (1 - b1 ** (t + shift)) if correct_m else m_use
            v_hat = v_use / (1 - b2 ** (t + shift)) if correct_v else v_use
            root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            return w - lr * m_hat / root, m_new, v_new

    return step


# ---------------------------------------------------------------- cases of the step functions


def _sgd_cases():
    return [
        _case(
            "6 steps on a bowl, w of shape (6,), lr=0.1",
            lambda rng: _run_args(_bowl(rng, 6), rng.standard_normal(6), 6, (0.1,)),
        ),
        _case(
            "5 steps of least squares on a weight matrix of shape (4, 3), lr=0.3",
            lambda rng: _run_args(_regression(rng, 7, 4, 3), rng.standard_normal((4, 3)), 5, (0.3,)),
        ),
        _case(
            "4 steps on a bowl, w of shape (2, 3, 5), lr=0.05",
            lambda rng: _run_args(_bowl(rng, (2, 3, 5)), rng.standard_normal((2, 3, 5)), 4, (0.05,)),
        ),
        _case(
            "10 steps on the Rosenbrock function from (-1.2, 1), lr=0.001",
            lambda rng: _run_args(ROSENBROCK, np.array([-1.2, 1.0]), 10, (0.001,)),
        ),
    ]


def _momentum_cases():
    """Cases shared by momentum_step and nesterov_step (same signature and state)."""

    def resumed(rng):
        return _run_args(
            _bowl(rng, 5), rng.standard_normal(5), 7, (0.02, 0.7), (("velocity", 0.3 * rng.standard_normal(5)),)
        )

    return [
        _case(
            "8 steps on a bowl from v = 0, w of shape (6,), lr=0.05, gamma=0.8",
            lambda rng: _run_args(_bowl(rng, 6), rng.standard_normal(6), 8, (0.05, 0.8), _zeros(6, "velocity")),
        ),
        _case(
            "10 steps of least squares on a (4, 3) weight matrix, lr=0.1, default gamma",
            lambda rng: _run_args(
                _regression(rng, 7, 4, 3), rng.standard_normal((4, 3)), 10, (0.1,), _zeros((4, 3), "velocity")
            ),
        ),
        _case("7 steps resuming from a saved velocity, w of shape (5,), lr=0.02, gamma=0.7", resumed),
        _case(
            "12 steps on the Rosenbrock function from (-1.2, 1), lr=0.0005, gamma=0.9",
            lambda rng: _run_args(ROSENBROCK, np.array([-1.2, 1.0]), 12, (0.0005, 0.9), _zeros(2, "velocity")),
        ),
    ]


def _rmsprop_cases():
    def resumed(rng):
        # A saved cache of earlier steps; coordinates 1 and 3 have had (and keep) tiny gradients.
        scale = rng.uniform(0.5, 4.0, 5)
        scale[[1, 3]] = 1e-8
        cache0 = rng.uniform(0.1, 2.0, 5)
        cache0[[1, 3]] = 3e-17
        gradient = Fn(functions.bowl_gradient, scale=scale, target=rng.standard_normal(5))
        return _run_args(gradient, rng.standard_normal(5), 6, (0.02, 0.8, 1e-6), (("cache", cache0),))

    return [
        _case(
            "8 steps on a bowl from c = 0, w of shape (6,), lr=0.01, decay=0.9, eps=0.001",
            lambda rng: _run_args(_bowl(rng, 6), rng.standard_normal(6), 8, (0.01, 0.9, 1e-3), _zeros(6, "cache")),
        ),
        _case(
            "6 steps of least squares on a (4, 3) weight matrix, lr=0.02, decay=0.95, eps=0.01",
            lambda rng: _run_args(
                _regression(rng, 7, 4, 3), rng.standard_normal((4, 3)), 6, (0.02, 0.95, 0.01), _zeros((4, 3), "cache")
            ),
        ),
        _case(
            "5 steps with the default decay and eps, gradients from 1e-9 to 10 in size, w of shape (2, 7)",
            lambda rng: _run_args(
                _bowl(rng, (2, 7), small=4), rng.standard_normal((2, 7)), 5, (0.01,), _zeros((2, 7), "cache")
            ),
        ),
        _case("6 steps resuming from a saved cache, w of shape (5,), lr=0.02, decay=0.8, eps=1e-6", resumed),
    ]


def _adam_cases():
    def resumed(rng):
        # Saved moments of earlier steps; coordinate 0 has had (and keeps) tiny gradients.
        scale = rng.uniform(0.5, 4.0, 5)
        scale[0] = 1e-8
        m0 = 0.5 * rng.standard_normal(5)
        v0 = m0**2 + rng.uniform(0.1, 1.0, 5)
        m0[0], v0[0] = 3e-9, 2e-17
        gradient = Fn(functions.bowl_gradient, scale=scale, target=rng.standard_normal(5))
        return _run_args(gradient, rng.standard_normal(5), 6, (0.01, 0.85, 0.99, 1e-6), (("m", m0), ("v", v0)), t=11)

    return [
        _case(
            "8 steps on a bowl from t = 1, w of shape (6,), lr=0.05, beta1=0.8, beta2=0.95, eps=0.01",
            lambda rng: _run_args(
                _bowl(rng, 6), rng.standard_normal(6), 8, (0.05, 0.8, 0.95, 0.01), _zeros(6, "m", "v"), t=1
            ),
        ),
        _case(
            "6 steps of least squares on a (4, 3) weight matrix from t = 1, lr=0.02, default betas, eps=0.05",
            lambda rng: _run_args(
                _regression(rng, 7, 4, 3),
                rng.standard_normal((4, 3)),
                6,
                (0.02, 0.9, 0.999, 0.05),
                _zeros((4, 3), "m", "v"),
                t=1,
            ),
        ),
        _case(
            "5 steps with the defaults (lr=0.001, betas, eps), gradients from 1e-9 to 10, w of shape (2, 7)",
            lambda rng: _run_args(
                _bowl(rng, (2, 7), small=4), rng.standard_normal((2, 7)), 5, (), _zeros((2, 7), "m", "v"), t=1
            ),
        ),
        _case("6 steps resuming at t = 11 from saved m and v, w of shape (5,), beta1=0.85, beta2=0.99", resumed),
    ]


# ---------------------------------------------------------------- iterate_minibatches


def _expected_sizes(n, b):
    return [b] * (n // b) + ([n % b] if n % b else [])


def _epoch_problem(batches, n, b, which):
    """What is wrong with one epoch's batches, or ``None``."""
    sizes = [len(batch) for batch in batches]
    every = np.concatenate(batches) if batches else np.array([], dtype=int)
    if len(every) != n or not np.array_equal(np.sort(every), np.arange(n)):
        missing = np.setdiff1d(np.arange(n), every).size
        repeated = len(every) - np.unique(every).size
        return (
            f"{which}: the batches hold {len(every)} indices ({missing} of 0..{n - 1} missing, "
            f"{repeated} repeated); every index must appear exactly once"
        )
    if sizes != _expected_sizes(n, b):
        return (
            f"{which}: the batch sizes are {sizes}, expected {_expected_sizes(n, b)} "
            f"(B = {b} except a shorter last batch)"
        )
    if np.array_equal(every, np.arange(n)):
        return f"{which}: the indices come in the order 0, 1, ..., {n - 1}: the epoch is not shuffled"
    return None


def _order(batches):
    return np.concatenate(batches) if batches else np.array([], dtype=int)


def _check_epochs(got, args, expected):
    """The properties of a correct iterate_minibatches; ``None`` if they all hold."""
    if got.get("problem"):
        return got["problem"]
    n, b = int(args[0]), int(args[1])
    epochs = got["epochs"]
    for e, batches in enumerate(epochs):
        problem = _epoch_problem(batches, n, b, f"epoch {e + 1}")
        if problem:
            return problem
    for e in range(1, len(epochs)):
        if np.array_equal(_order(epochs[e]), _order(epochs[e - 1])):
            return (
                f"epochs {e} and {e + 1} (two calls with the same rng) have the same order; "
                "every call must draw a new permutation"
            )
    for key, which in (
        ("same_seed", "a fresh generator with the same seed"),
        ("other_seed", "a generator with another seed"),
    ):
        problem = _epoch_problem(got[key], n, b, f"the call with {which}")
        if problem:
            return problem
    if not np.array_equal(_order(got["same_seed"]), _order(epochs[0])):
        return "two fresh generators with the same seed gave different batches; all the randomness must come from rng"
    if np.array_equal(_order(got["other_seed"]), _order(epochs[0])):
        return "generators with different seeds gave the same batches; the order must come from rng"
    return None


def _all_epochs(got):
    return got["epochs"] + [got["same_seed"], got["other_seed"]]


def _drops_last(got, expected, args):
    n, b = int(args[0]), int(args[1])
    return any(
        len(batches) > 0 and all(len(x) == b for x in batches) and sum(len(x) for x in batches) == n - n % b
        for batches in _all_epochs(got)
    )


def _uneven_split(got, expected, args):
    n, b = int(args[0]), int(args[1])
    return any(
        sum(len(x) for x in batches) == n and [len(x) for x in batches] != _expected_sizes(n, b)
        for batches in _all_epochs(got)
    )


def _not_a_partition(got, expected, args):
    n = int(args[0])
    return any(len(_order(batches)) == n and np.unique(_order(batches)).size < n for batches in _all_epochs(got))


def _unshuffled(got, expected, args):
    return any(np.array_equal(_order(batches), np.arange(int(args[0]))) for batches in _all_epochs(got))


def _same_every_call(got, expected, args):
    orders = [_order(batches) for batches in _all_epochs(got)]
    return all(np.array_equal(order, orders[0]) for order in orders[1:])


def _not_reproducible(got, expected, args):
    return not np.array_equal(_order(got["same_seed"]), _order(got["epochs"][0]))


def _float_indices(got, expected, args):
    return any(np.asarray(batch).dtype.kind not in "iu" for batches in _all_epochs(got) for batch in batches)


FLOAT_INDICES = (
    "your batches hold the right indices, but as floats (or booleans): X[batch] needs an integer "
    "array (floats raise IndexError), as train_mlp will in chapter 8. Slices of rng.permutation(N) "
    "are integers already"
)


def _minibatch_case(n, b, epochs):
    def make(rng):
        seed = int(rng.integers(2**31))
        return n, b, Rng(seed), Rng(seed), Rng(seed + 1), epochs

    return Case(
        f"N={n}, B={b}, {epochs} epochs with one rng, then fresh generators",
        make,
        driver=drivers.run_epochs,
        check=_check_epochs,
    )


# ---------------------------------------------------------------- the exercises


EXERCISES = [
    Exercise(
        name="iterate_minibatches",
        reference=ref.iterate_minibatches,
        points=3,
        cases=[
            _minibatch_case(23, 5, 3),
            _minibatch_case(50, 16, 3),
            _minibatch_case(10, 3, 4),
            _minibatch_case(101, 10, 2),
        ],
        diagnoses=[
            (
                _drops_last,
                "keep the last, shorter batch when B does not divide N (range(0, N, B) gives the start "
                "of every batch, the last one included): dropping it means some samples are never used "
                "in that epoch",
            ),
            (
                _uneven_split,
                "every batch but the last must hold exactly B indices; np.array_split(order, k) spreads "
                "the remainder over several batches instead. Slice order[start:start + B]",
            ),
            (
                _not_a_partition,
                "shuffle ONCE per call (one epoch), then cut that one permutation into batches: a new "
                "permutation or new random indices for every batch repeat some samples and skip others",
            ),
            (
                _unshuffled,
                "the batches must be shuffled: draw a random permutation of 0 … N−1 from rng "
                "(e.g. rng.permutation(N)) and cut that, not np.arange(N)",
            ),
            (
                _same_every_call,
                "every call is a new epoch and must draw a NEW permutation from the rng it is given: do "
                "not create a generator with a fixed seed inside the function, and do not keep or reuse "
                "the permutation of an earlier call",
            ),
            (
                _not_reproducible,
                "draw the random numbers from the rng argument (rng.permutation(N)), not from np.random's "
                "global functions: the same seed must give the same batches",
            ),
        ],
        notes=[(_float_indices, FLOAT_INDICES)],
    ),
    Exercise(
        name="sgd_step",
        reference=ref.sgd_step,
        unchanged_hint=IN_PLACE,
        points=2,
        cases=_sgd_cases(),
        diagnoses=[
            (_wrong(_sgd_ascent), "step AGAINST the gradient: w_new = w − lr · grad (a + climbs the loss)"),
            (_wrong(_sgd_no_lr), "multiply the gradient by the learning rate: w_new = w − lr · grad"),
            (_wrong(_sgd_returns_step), "return the new weights w − lr · grad, not the step lr · grad"),
        ],
    ),
    Exercise(
        name="momentum_step",
        reference=ref.momentum_step,
        unchanged_hint=IN_PLACE,
        points=3,
        cases=_momentum_cases(),
        diagnoses=[
            (_state_not_returned, RETURN_STATE + ": (w_new, velocity_new)"),
            (
                _wrong(_momentum_other_sign),
                "your velocity has the opposite sign (v ← γv − ηg, w ← w + v, another common convention). "
                "In this course the velocity points uphill like the gradient: v ← γv + ηg, then w ← w − v. "
                "The convention matters because the velocity you return is handed back to you",
            ),
            (
                _wrong(_momentum_lr_outside),
                "the learning rate belongs INSIDE the velocity: v ← γv + η·grad, then w ← w − v "
                "(your velocity is v ← γv + grad with η applied afterwards, another convention)",
            ),
            (
                _wrong(_momentum_average),
                "that is an exponential average v ← γv + (1 − γ)·grad; this course's momentum adds the "
                "full step: v ← γv + η·grad, w ← w − v",
            ),
            (
                _wrong(_momentum_old_velocity),
                "update the velocity first, then move w with the NEW velocity: w_new = w − v_new",
            ),
        ],
    ),
    Exercise(
        name="nesterov_step",
        reference=ref.nesterov_step,
        unchanged_hint=IN_PLACE,
        points=3,
        cases=_momentum_cases(),
        diagnoses=[
            (_state_not_returned, RETURN_STATE + ": (w_new, velocity_new)"),
            (
                _wrong(_nesterov_plain),
                "that is plain momentum (w − v_new). Nesterov looks one momentum step further ahead: "
                "v_new = γv + η·grad and w_new = w − (γ·v_new + η·grad)",
            ),
            (
                _wrong(_nesterov_other_sign),
                "your velocity has the opposite sign (another common convention). In this course "
                "v_new = γv + η·grad points uphill, and w_new = w − (γ·v_new + η·grad)",
            ),
            (
                _wrong(_nesterov_no_old_term),
                "w − (1 + γ)·v_new misses a term: the equivalent form is w − (1 + γ)·v_new + γ·v_old, "
                "or simply w − (γ·v_new + η·grad)",
            ),
        ],
    ),
    Exercise(
        name="rmsprop_step",
        reference=ref.rmsprop_step,
        unchanged_hint=IN_PLACE,
        points=3,
        cases=_rmsprop_cases(),
        diagnoses=[
            (_state_not_returned, RETURN_STATE + ": (w_new, cache_new)"),
            (
                _wrong(_rmsprop_eps_inside),
                "ε goes OUTSIDE the square root: divide by (√c + ε), not √(c + ε). The two differ "
                "where the gradient is tiny (√(c + ε) is then about √ε, not ε)",
            ),
            (
                _wrong(_rmsprop_decay_swapped),
                "ρ multiplies the OLD cache: c ← ρ·c + (1 − ρ)·grad² (you swapped ρ and 1 − ρ)",
            ),
            (
                _wrong(_rmsprop_no_one_minus),
                "the new square enters with weight (1 − ρ): c ← ρ·c + (1 − ρ)·grad², a running average, not a sum",
            ),
            (
                _wrong(_rmsprop_old_cache),
                "update the cache first and divide by the root of the NEW cache (on the first step the "
                "old cache is 0 and the step explodes)",
            ),
            (_wrong(_rmsprop_no_root), "divide by the square ROOT of the cache, √c + ε: c holds squared gradients"),
        ],
    ),
    Exercise(
        name="adam_step",
        reference=ref.adam_step,
        unchanged_hint=IN_PLACE,
        points=4,
        cases=_adam_cases(),
        diagnoses=[
            (_state_not_returned, RETURN_STATE + ": (w_new, m_new, v_new)"),
            (
                _wrong(_adam(correct_m=False, correct_v=False)),
                "the bias correction is missing: use m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ) in the step "
                "(m and v start at 0 and are too small in the first steps)",
            ),
            (
                _wrong(_adam(correct_v=False)),
                "correct v as well: v̂ = v / (1 − β₂ᵗ). Correcting only m makes the first steps "
                "up to 1/√(1 − β₂) times too long",
            ),
            (
                _wrong(_adam(correct_m=False)),
                "correct m as well: m̂ = m / (1 − β₁ᵗ). Correcting only v makes the first steps too short",
            ),
            (
                _wrong(_adam(shift=1)),
                "t is the number of THIS step and starts at 1: the first step divides by 1 − β₁¹. "
                "Your correction uses t + 1, as if t counted from 0",
            ),
            (
                _wrong(_adam(shift=-1)),
                "t is the number of THIS step (1 on the first): use β₁ᵗ, not β₁^(t−1), which divides by 0 on step 1",
            ),
            (
                _wrong(_adam(swap=True)),
                "β₁ and β₂ are swapped: β₁ (0.9 by default) averages the gradients in m, β₂ (0.999) their squares in v",
            ),
            (
                _wrong(_adam(old=True)),
                "update m and v first, then step with the NEW ones: w ← w − η·m̂/(√v̂ + ε) with m̂, v̂ from m_new, v_new",
            ),
            (_wrong(_adam(eps_inside=True)), "ε goes OUTSIDE the square root: divide by (√v̂ + ε), not √(v̂ + ε)"),
            (
                _wrong(_adam(m_swapped=True)),
                "β₁ multiplies the OLD m: m ← β₁·m + (1 − β₁)·grad (you swapped β₁ and 1 − β₁)",
            ),
        ],
    ),
]
