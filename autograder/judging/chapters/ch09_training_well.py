"""Hidden tests for chapter 9, training well.

Three rules shape these cases beyond the authors' guide:

* **Inputs never modified, checked once.** Every case but one per exercise calls
  the function on copies of its arguments (``scenarios.on_copies`` /
  ``calls_on_copies``), so a function that changes its inputs and computes the
  right values loses the one case that checks the rule, with a hint, and keeps
  the rest.
* **Composite functions are judged on their own.** Early stopping and the random
  search get their parts as data (``Fn`` specs of ``coursekit.functions``
  stand-ins whose every number is known), never the student's other
  functions: a mistake in a part costs marks in that part's exercise only.
* **Randomness is replayed.** The random search's docstring fixes how the
  settings are drawn from the given generator, so its values are compared
  exactly: drawing from NumPy's global generator (or another order) fails.

Every case's claim holds for any salt: the random parts of a case are drawn
within ranges that keep its structure (scripted runs are built to have the
bumps and the stopping point the label says; a tie is searched for until the
draw has one).
"""

import numpy as np

import solutions as ref
from autograder.judging.harness import Case, Exercise
from autograder.judging.pairs import each_call, mismatch, paired_case
from coursekit import functions, scenarios
from coursekit.probing import Fn, Rng

UNCHANGED_HINT = (
    "the function changed an argument it was given (an in-place `-=`, `*=`, "
    "`[...] =` or `.sort()` on it): compute into new arrays (e.g. "
    "`X = X - mean`, or work on `X.copy()`); the caller's data must stay as it was"
)


def _close(a, b, rtol=1e-6, atol=1e-9):
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _parts(got, n):
    """``got`` as a tuple of ``n`` items, or ``None``."""
    return tuple(got) if isinstance(got, (tuple, list)) and len(got) == n else None


def _single(label, make_args):
    """An ordinary case: the function gets copies of the arguments."""
    return Case(label, make_args, driver=scenarios.on_copies)


def _as_unchanged_case(case):
    """Mark ``case`` as the exercise's one case for unchanged inputs where the harness knows
    such a flag (``Case.unchanged``); without it, every case checks its inputs, and this one,
    unlike the others, does not run on copies."""
    if hasattr(case, "unchanged"):
        case.unchanged = True
    return case


def _unchanged(label, make_args, check=None):
    """The case that checks that the inputs are left as they were (no copies)."""
    return _as_unchanged_case(Case(f"{label}; the inputs must be left unchanged", make_args, check=check))


def _same(got, expected, args=None):
    return mismatch(got, expected) is None


# ---------------------------------------------------------------- fit_standardizer


def _features(rng, n, d, integer=False):
    """Features with their own centres and spreads (ranges wide apart, so a mix-up shows)."""
    if integer:
        return rng.integers(-5, 20, (n, d)) * rng.integers(1, 4, d)
    return rng.normal(rng.uniform(-5, 5, d), rng.uniform(0.3, 6.0, d), size=(n, d))


def _with_constant(rng, n, d, columns):
    X = _features(rng, n, d)
    for column in columns:
        X[:, column] = float(rng.integers(-3, 9))  # an exact value: its σ is exactly 0
    return X


def _fit_args(n, d, integer=False, constant=()):
    def make(rng):
        return ((_with_constant(rng, n, d, constant) if constant else _features(rng, n, d, integer)),)

    return make


def _scale_is(statistic):
    """Predicate: ``got`` is (mean, statistic(X)) with the right mean."""

    def predicate(got, expected, args):
        got = _parts(got, 2)
        X = np.asarray(args[0], dtype=float)
        return got is not None and _close(got[0], expected[0]) and _close(got[1], statistic(X))

    return predicate


def _per_sample(got, expected, args):
    got = _parts(got, 2)
    return got is not None and np.shape(got[0]) == (np.shape(args[0])[0],)


def _one_for_all(got, expected, args):
    got = _parts(got, 2)
    return got is not None and np.size(got[0]) == 1 and np.size(got[1]) == 1


def _constant_not_one(got, expected, args):
    got = _parts(got, 2)
    constant = np.ptp(np.asarray(args[0], dtype=float), axis=0) == 0
    if got is None or not constant.any() or np.shape(got[1]) != constant.shape:
        return False
    scale = np.asarray(got[1], dtype=float)
    return _close(scale[~constant], expected[1][~constant]) and not _close(scale[constant], 1.0)


def _min_and_range(got, expected, args):
    got = _parts(got, 2)
    X = np.asarray(args[0], dtype=float)
    return got is not None and (_close(got[0], X.min(axis=0)) or _close(got[1], np.ptp(X, axis=0)))


FIT_DIAGNOSES = [
    (
        _per_sample,
        "the statistics are per FEATURE: take the mean and standard deviation of every "
        "column, axis=0 (axis=1 gives one number per sample)",
    ),
    (
        _one_for_all,
        "one mean and one scale per feature (column), arrays of shape (D,): "
        "X.mean(axis=0), not X.mean() over all entries",
    ),
    (
        _constant_not_one,
        "a feature that is constant in the training set has σ = 0: its scale must be "
        "1 (not 0, a tiny ε or NaN), so that standardising never divides by 0",
    ),
    (
        _scale_is(lambda X: X.std(axis=0, ddof=1)),
        "the scale is the standard deviation with 1/N, like np.std's default (ddof=0), not the "
        "sample standard deviation with 1/(N − 1)",
    ),
    (_scale_is(lambda X: X.var(axis=0)), "the scale is the standard deviation σ, the square root of the variance"),
    (
        _min_and_range,
        "standardisation subtracts the mean and divides by the standard deviation; "
        "min-max scaling (the minimum and the range) is something else",
    ),
]


# ---------------------------------------------------------------- standardize


def _standardize_args(n, d, integer=False):
    """X of a set with other statistics than the training set's mean and scale given."""

    def make(rng):
        X = _features(rng, n, d, integer)
        mean = np.asarray(X, dtype=float).mean(axis=0) + rng.uniform(0.5, 2.0, d) * rng.choice([-1, 1], d)
        scale = rng.uniform(0.4, 3.0, d)
        return X, mean, scale

    return make


def _standardize_is(variant):
    def predicate(got, expected, args):
        X, mean, scale = (np.asarray(a, dtype=float) for a in args)
        return _close(got, variant(X, mean, scale))

    return predicate


STANDARDIZE_DIAGNOSES = [
    (
        _standardize_is(lambda X, m, s: (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1)),
        "use the mean and scale you are given (the training set's): recomputing them from X "
        "standardises every set with its own statistics, which leaks information from the test set "
        "and makes the same input mean different things in different sets",
    ),
    (_standardize_is(lambda X, m, s: (X - m) * s), "divide by the scale, do not multiply"),
    (_standardize_is(lambda X, m, s: X / s - m), "subtract the mean first, then divide: (X − mean) / scale"),
    (_standardize_is(lambda X, m, s: X - m), "after subtracting the mean, divide by the scale"),
]


# ---------------------------------------------------------------- batch normalisation, forward


def _bn_inputs(rng, n, d, integer=False, constant=None):
    if integer:
        X = rng.integers(-6, 12, (n, d))
    else:
        X = rng.normal(rng.uniform(-3, 3, d), rng.uniform(0.3, 3.0, d), size=(n, d))
        if constant is not None:
            X[:, constant] = float(rng.integers(-4, 5))
    gamma = rng.uniform(0.5, 2.5, d) * rng.choice([-1.0, 1.0], d)
    beta = rng.uniform(-2, 2, d)
    running_mean = rng.uniform(-1, 1, d)
    running_var = rng.uniform(0.5, 3.0, d)
    return X, gamma, beta, running_mean, running_var


def _bn_calls(n, d, momentum, eps, n_test, integer=False, constant=None, defaults=False):
    """A training-mode call, then a test-mode call on other samples with the same γ, β and
    running averages (and, with ``defaults``, a training-mode call with the default momentum
    and ε)."""

    def make(rng):
        X, gamma, beta, running_mean, running_var = _bn_inputs(rng, n, d, integer, constant)
        X_test = rng.normal(0.0, 2.0, (n_test, d))
        calls = (
            (X, gamma, beta, running_mean, running_var, True, momentum, eps),
            (X_test, gamma.copy(), beta.copy(), running_mean.copy(), running_var.copy(), False, momentum, eps),
        )
        if defaults:
            calls += ((X.copy(), gamma.copy(), beta.copy(), running_mean.copy(), running_var.copy(), True),)
        return calls

    return make


def _check_bn(got, args, expected):
    """out and the running averages, and in training mode the cache (X_hat, gamma, inv_std)."""
    training = args[5]
    got = _parts(got, 4)
    if got is None:
        return "should return a tuple (out, cache, running_mean, running_var)"
    for name, index in (("out", 0), ("running_mean", 2), ("running_var", 3)):
        problem = mismatch(got[index], expected[index], name)
        if problem:
            return problem
    if training:
        cache = _parts(got[1], 3)
        if cache is None:
            return "in training mode the cache should be the tuple (X_hat, gamma, inv_std)"
        for name, g, e in zip(("X_hat", "gamma", "inv_std"), cache, expected[1]):
            problem = mismatch(g, e, f"the cache's {name}")
            if problem:
                return problem
    return None


def _bn_variant(
    args,
    ddof=0,
    running_ddof=1,
    swap_momentum=False,
    test_batch_stats=False,
    eps_outside=False,
    no_eps=False,
    no_affine=False,
    shift_then_scale=False,
    train_uses_running=False,
):
    """Our forward pass with one slip switched on: (out, running_mean, running_var)."""
    X, gamma, beta, rm, rv = (np.asarray(a, dtype=float) for a in args[:5])
    training = args[5]
    momentum = args[6] if len(args) > 6 else 0.1
    eps = args[7] if len(args) > 7 else 1e-5

    def normalise(mean, var):
        if no_eps:
            return (X - mean) / np.sqrt(var)
        if eps_outside:
            return (X - mean) / (np.sqrt(var) + eps)
        return (X - mean) / np.sqrt(var + eps)

    def affine(X_hat):
        if no_affine:
            return X_hat
        return gamma * (X_hat + beta) if shift_then_scale else gamma * X_hat + beta

    if not training:
        if test_batch_stats:
            return affine(normalise(X.mean(axis=0), X.var(axis=0, ddof=ddof))), rm, rv
        return affine(normalise(rm, rv)), rm, rv
    n, mean, var = len(X), X.mean(axis=0), X.var(axis=0)
    new = 1.0 - momentum if swap_momentum else momentum
    new_mean = (1 - new) * rm + new * mean
    new_var = (1 - new) * rv + new * (var * n / (n - 1) if running_ddof == 1 else var)
    if train_uses_running:
        return affine(normalise(new_mean, new_var)), new_mean, new_var
    return affine(normalise(mean, X.var(axis=0, ddof=ddof))), new_mean, new_var


def _bn_slip(**slip):
    """Predicate: out and the running averages are those of the slip."""

    def predicate(got, expected, args):
        got = _parts(got, 4)
        if got is None:
            return False
        want = _bn_variant(args, **slip)
        return all(_close(g, w) for g, w in zip((got[0], got[2], got[3]), want))

    return predicate


def _bn_right_but_cache(got, expected, args):
    got = _parts(got, 4)
    return got is not None and args[5] and all(_close(got[i], expected[i]) for i in (0, 2, 3))


def _bn_test_batch_stats(got, expected, args):
    got = _parts(got, 4)
    return (
        got is not None
        and not args[5]
        and len(args[0]) > 1
        and _close(got[0], _bn_variant(args, test_batch_stats=True)[0])
    )


def _bn_test_updates(got, expected, args):
    got = _parts(got, 4)
    return (
        got is not None
        and not args[5]
        and _close(got[0], expected[0])
        and not (_close(got[2], expected[2]) and _close(got[3], expected[3]))
    )


def _pair(label, make_calls, names, check, copies=True, **options):
    """A paired case (several calls, each judged by ``check``), on copies of the arguments
    unless ``copies`` is false (the case that checks that the inputs are left unchanged)."""
    case = paired_case(label, make_calls, names, check=check, **options)
    if copies:
        case.driver = scenarios.calls_on_copies
        return case
    return _as_unchanged_case(case)


def _bn_axis_1(got, expected, args):
    got = _parts(got, 4)
    if got is None or not args[5]:
        return False
    X = np.asarray(args[0], dtype=float)
    eps = args[7] if len(args) > 7 else 1e-5
    X_hat = (X - X.mean(axis=1, keepdims=True)) / np.sqrt(X.var(axis=1, keepdims=True) + eps)
    return _close(got[0], args[1] * X_hat + args[2])


BN_FORWARD_DIAGNOSES = [
    (
        each_call(_bn_axis_1, _check_bn),
        "batch normalisation normalises every FEATURE over the batch: the mean and variance of each "
        "column, axis=0 (axis=1 normalises each sample, which is layer normalisation)",
    ),
    (
        each_call(_bn_test_batch_stats, _check_bn),
        "in test mode (training=False) normalise with the RUNNING averages, not the statistics of the "
        "batch: a prediction must not depend on which other samples are in the batch (a single "
        "sample would have X̂ = 0)",
    ),
    (
        each_call(_bn_test_updates, _check_bn),
        "test mode leaves the running averages as they are: return the ones you were given",
    ),
    (
        each_call(_bn_slip(swap_momentum=True), _check_bn),
        "momentum is the weight of the NEW batch (PyTorch's convention): running ← (1 − momentum)·running "
        "+ momentum·batch statistic",
    ),
    (
        each_call(_bn_slip(running_ddof=0), _check_bn),
        "update the running variance with the unbiased variance of the batch, σ²_B·N/(N − 1) (what test "
        "mode needs: an estimate of the variance of all data); the normalisation itself uses σ²_B "
        "with 1/N",
    ),
    (
        each_call(_bn_slip(ddof=1), _check_bn),
        "normalise with the batch's own variance σ²_B = (1/N) Σ (X − μ_B)² (ddof=0); only the running "
        "variance takes the unbiased N/(N − 1) version",
    ),
    (
        each_call(_bn_slip(eps_outside=True), _check_bn),
        "ε goes inside the square root: (X − μ) / sqrt(σ² + ε), not / (sqrt(σ²) + ε)",
    ),
    (
        each_call(_bn_slip(no_eps=True), _check_bn),
        "add ε to the variance before the square root: (X − μ) / sqrt(σ² + ε)",
    ),
    (
        each_call(_bn_slip(no_affine=True), _check_bn),
        "after normalising, scale and shift: out = γ ⊙ X̂ + β (the network learns γ and β)",
    ),
    (
        each_call(_bn_slip(shift_then_scale=True), _check_bn),
        "scale first, then shift: out = γ ⊙ X̂ + β, not γ ⊙ (X̂ + β)",
    ),
    (
        each_call(_bn_slip(train_uses_running=True), _check_bn),
        "in training mode normalise with the batch's own mean and variance; the running averages are "
        "only updated (for test mode), not used",
    ),
    (
        each_call(_bn_right_but_cache, _check_bn),
        "out and the running averages are right, but the cache is not: it must be exactly the tuple "
        "(X_hat, gamma, inv_std) with inv_std = 1 / sqrt(σ²_B + ε), what batchnorm_backward expects",
    ),
]


# ---------------------------------------------------------------- batch normalisation, backward


def _bn_backward_args(n, d, eps, constant=None, gamma_scale=1.0):
    """dout and a training-mode cache (X_hat, gamma, inv_std), built as the docstring defines it."""

    def make(rng):
        X = rng.normal(rng.uniform(-2, 2, d), rng.uniform(0.3, 2.5, d), size=(n, d))
        if constant is not None:
            X[:, constant] = 1.5
        gamma = gamma_scale * rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
        inv_std = 1.0 / np.sqrt(X.var(axis=0) + eps)
        X_hat = (X - X.mean(axis=0)) * inv_std
        dout = rng.standard_normal((n, d)) + rng.uniform(-1, 1, d)
        return dout, (X_hat, gamma, inv_std)

    return make


def _bn_backward_variant(args, mean_term=True, var_term=True, use_gamma=True, n_minus_1=False, inv_std_power=1):
    dout, (X_hat, gamma, inv_std) = args
    n = dout.shape[0] - (1 if n_minus_1 else 0)
    term = dout.copy()
    if mean_term:
        term = term - dout.sum(axis=0) / n
    if var_term:
        term = term - X_hat * (dout * X_hat).sum(axis=0) / n
    return (gamma if use_gamma else 1.0) * inv_std**inv_std_power * term


def _dX_is(**variant):
    def predicate(got, expected, args):
        got = _parts(got, 3)
        return got is not None and _close(got[0], _bn_backward_variant(args, **variant))

    return predicate


def _dgamma_dbeta_swapped(got, expected, args):
    got = _parts(got, 3)
    return got is not None and _close(got[1], expected[2]) and _close(got[2], expected[1])


def _dgamma_without_x_hat(got, expected, args):
    got = _parts(got, 3)
    return got is not None and _close(got[1], expected[2]) and _close(got[2], expected[2])


def _gamma_beta_means(got, expected, args):
    got = _parts(got, 3)
    n = args[0].shape[0]
    return got is not None and (_close(got[1], expected[1] / n) or _close(got[2], expected[2] / n))


def _gamma_beta_per_sample(got, expected, args):
    got = _parts(got, 3)
    n = args[0].shape[0]
    return got is not None and (np.shape(got[1]) in ((n,), args[0].shape) or np.shape(got[2]) in ((n,), args[0].shape))


BN_BACKWARD_DIAGNOSES = [
    (
        _dX_is(mean_term=False, var_term=False),
        "dX is not γ ⊙ inv_std ⊙ dout: the batch's mean and variance depend on every row of X, so "
        "the gradient also flows through them. dX = γ ⊙ inv_std ⊙ (dout − m(dout) − X̂ ⊙ m(dout ⊙ X̂)) "
        "with m = the mean over the rows",
    ),
    (_dX_is(var_term=False), "dX misses the path through the variance: subtract X̂ ⊙ m(dout ⊙ X̂) too"),
    (_dX_is(mean_term=False), "dX misses the path through the mean: subtract m(dout), the column means of dout, too"),
    (_dX_is(use_gamma=False), "dX needs the factor γ: out = γ ⊙ X̂ + β, so ∂L/∂X̂ = γ ⊙ dout"),
    (_dX_is(inv_std_power=2), "dX has the factor inv_std = 1/sqrt(σ² + ε) once, not squared"),
    (_dX_is(inv_std_power=0), "dX needs the factor inv_std = 1/sqrt(σ² + ε) of the normalisation"),
    (
        _dX_is(n_minus_1=True),
        "the means over the batch divide by N (the variance of the forward pass has 1/N), not by N − 1",
    ),
    (_dgamma_dbeta_swapped, "dgamma and dbeta are swapped: ∂L/∂γ = Σₙ dout ⊙ X̂, ∂L/∂β = Σₙ dout"),
    (_dgamma_without_x_hat, "∂L/∂γ = Σₙ doutₙ ⊙ X̂ₙ: γ multiplies X̂, so its gradient carries X̂"),
    (_gamma_beta_per_sample, "dgamma and dbeta have one entry per feature, shape (D,): sum over the batch, axis=0"),
    (
        _gamma_beta_means,
        "dgamma and dbeta are SUMS over the batch (every sample's out used γ and β), "
        "not means: the 1/N of a mean loss is already in dout",
    ),
]


# ---------------------------------------------------------------- learning-rate schedule


def _schedule_plan(warmups, decay_steps, defaults=False, cosine_extra=4, step_drops=3):
    """(step, warmup, decay, with defaults?) of every call of a case: each step of the warm-up,
    of the cosine decay and a few after it, then of the step decay over ``step_drops`` drops,
    for each warm-up length in ``warmups``; with ``defaults`` each call also without the
    optional arguments."""
    plan = []
    for warmup in warmups:
        for decay, last in (
            ("cosine", warmup + decay_steps + cosine_extra),
            ("step", warmup + step_drops * decay_steps + 1),
        ):
            for step in range(last):
                plan.append((step, warmup, decay, False))
                if defaults:
                    plan.append((step, warmup, decay, True))
    return plan


def _schedule_calls(warmups, decay_steps, defaults=False):
    def make(rng):
        base_lr = float(rng.uniform(0.05, 0.8))
        min_lr = float(base_lr * rng.uniform(0.05, 0.3))
        factor = float(rng.uniform(0.2, 0.7))
        calls = []
        for step, warmup, decay, default in _schedule_plan(warmups, decay_steps, defaults):
            if not default:
                calls.append((step, base_lr, warmup, decay_steps, decay, min_lr, factor))
            elif decay == "cosine":
                calls.append((step, base_lr, warmup, decay_steps))
            else:
                calls.append((step, base_lr, warmup, decay_steps, "step"))
        return tuple(calls)

    return make


def _schedule_names(warmups, decay_steps, defaults=False):
    return [
        f"step={step}, warmup_steps={warmup}, decay={decay!r}"
        + (" and the default min_lr and factor" if default else "")
        for step, warmup, decay, default in _schedule_plan(warmups, decay_steps, defaults)
    ]


def _schedule_variant(
    args,
    warmup_from_zero=False,
    warmup_by_w=False,
    ignore_min=False,
    no_offset=False,
    periodic=False,
    no_floor=False,
    step_from_zero=False,
    cos_only=False,
    extra_drop=False,
    always_cosine=False,
    over_total=False,
):
    step, base_lr, warmup, decay_steps = args[:4]
    decay = args[4] if len(args) > 4 else "cosine"
    min_lr = args[5] if len(args) > 5 else 0.0
    factor = args[6] if len(args) > 6 else 0.1
    if always_cosine:
        decay = "cosine"
    if ignore_min:
        min_lr = 0.0
    if step < warmup:
        if warmup_from_zero:
            return base_lr * step / warmup
        if warmup_by_w:
            return base_lr * (step + 1) / warmup
        return base_lr * (step + 1) / (warmup + 1)
    tau = step if no_offset else step - warmup
    if decay == "step":
        tau = step if step_from_zero else step - warmup
        drops = tau / decay_steps if no_floor else tau // decay_steps + (1 if extra_drop else 0)
        return base_lr * factor**drops
    length = decay_steps + warmup if over_total else decay_steps
    if tau >= length and not periodic:
        return min_lr
    if cos_only:
        return min_lr + (base_lr - min_lr) * np.cos(np.pi * tau / length)
    return min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * tau / length)) / 2


def _schedule_slip(**slip):
    def predicate(got, expected, args):
        try:
            return _close(float(got), _schedule_variant(args, **slip))
        except (TypeError, ValueError):
            return False

    return predicate


SCHEDULE_DIAGNOSES = [
    (
        each_call(_schedule_slip(warmup_from_zero=True)),
        "the warm-up rises as η·(step + 1)/(warmup_steps + 1): step 0 already takes a small step; "
        "η·step/warmup_steps would make the first update a step of size 0",
    ),
    (
        each_call(_schedule_slip(warmup_by_w=True)),
        "the warm-up is η·(step + 1)/(warmup_steps + 1), reaching η at step warmup_steps, where the "
        "decay starts; η·(step + 1)/warmup_steps reaches η one step early",
    ),
    (
        each_call(_schedule_slip(no_offset=True)),
        "the decay starts when the warm-up ends: use τ = step − warmup_steps, the steps since the "
        "warm-up, not the step itself",
    ),
    (
        each_call(_schedule_slip(ignore_min=True)),
        "the cosine decays to min_lr, not to 0: min_lr + (η − min_lr)·(1 + cos(π τ/decay_steps))/2",
    ),
    (
        each_call(_schedule_slip(periodic=True)),
        "after decay_steps steps of decay the rate stays at min_lr; the cosine formula would rise "
        "again after τ = decay_steps",
    ),
    (
        each_call(_schedule_slip(cos_only=True)),
        "(1 + cos(π τ/decay_steps))/2 goes from 1 to 0; cos alone goes from 1 to −1 (negative learning rates)",
    ),
    (
        each_call(_schedule_slip(over_total=True)),
        "the cosine runs over decay_steps steps after the warm-up, not over warmup_steps + decay_steps",
    ),
    (
        each_call(_schedule_slip(always_cosine=True)),
        "decay='step' is a step decay: η·factor^⌊τ/decay_steps⌋, not the cosine",
    ),
    (
        each_call(_schedule_slip(no_floor=True)),
        "step decay drops in steps: η·factor^⌊τ/decay_steps⌋ with the floor (τ // decay_steps), constant between drops",
    ),
    (
        each_call(_schedule_slip(step_from_zero=True)),
        "the step decay counts τ = step − warmup_steps, from the end of the warm-up",
    ),
    (
        each_call(_schedule_slip(extra_drop=True)),
        "the first drop comes after decay_steps steps: η·factor^⌊τ/decay_steps⌋ is η for τ < decay_steps",
    ),
]


# ---------------------------------------------------------------- gradient clipping


def _gradient_list(rng, shapes, scale, integer=None):
    grads = [scale * rng.uniform(0.3, 1.5) * rng.standard_normal(shape) for shape in shapes]
    if integer is not None:
        grads[integer] = rng.integers(-4, 5, shapes[integer])
    return grads


def _norm(grads):
    return float(np.sqrt(sum(np.sum(np.asarray(g, dtype=float) ** 2) for g in grads)))


def _clip_calls(shapes, integer=None, zeros=False):
    """Gradients above max_norm (clipped), then others below it (left as they are); with
    ``zeros``, all-zero gradients first."""

    def make(rng):
        above = _gradient_list(rng, shapes, 3.0, integer)
        below = _gradient_list(rng, shapes[::-1], 0.2)
        big, small = _norm(above), _norm(below)
        calls = ((above, float(big * rng.uniform(0.2, 0.6))), (below, float(small * rng.uniform(1.5, 3.0))))
        if zeros:
            calls = (([np.zeros(s) for s in shapes], float(rng.uniform(0.5, 2.0))),) + calls
        return calls

    return make


def _clip_variant(
    args, per_array=False, always=False, sum_of_norms=False, squared=False, by_value=False, norm_after=False
):
    grads, max_norm = [np.asarray(g, dtype=float) for g in args[0]], args[1]
    norms = [float(np.sqrt(np.sum(g * g))) for g in grads]
    total = sum(norms) if sum_of_norms else sum(n * n for n in norms) if squared else _norm(grads)
    if by_value:
        return [np.clip(g, -max_norm, max_norm) for g in grads], _norm(grads)
    if per_array:
        clipped = [g * (max_norm / n if n > max_norm else 1.0) for g, n in zip(grads, norms)]
        return clipped, _norm(grads)
    scale = max_norm / total if (always or total > max_norm) and total > 0 else 1.0
    clipped = [g * scale for g in grads]
    return clipped, (_norm(clipped) if norm_after else total)


def _clip_slip(**slip):
    def predicate(got, expected, args):
        got = _parts(got, 2)
        if got is None or not isinstance(got[0], (list, tuple)):
            return False
        want = _clip_variant(args, **slip)
        return (
            len(got[0]) == len(want[0])
            and all(_close(g, w) for g, w in zip(got[0], want[0]))
            and _close(got[1], want[1])
        )

    return predicate


def _clip_nan_on_zeros(got, expected, args):
    got = _parts(got, 2)
    return (
        got is not None
        and _norm(args[0]) == 0
        and isinstance(got[0], (list, tuple))
        and any(np.any(np.isnan(np.asarray(g, dtype=float))) for g in got[0])
    )


def _clip_right_but_norm(got, expected, args):
    got = _parts(got, 2)
    return (
        got is not None
        and isinstance(got[0], (list, tuple))
        and len(got[0]) == len(expected[0])
        and all(_close(g, e) for g, e in zip(got[0], expected[0]))
        and not _close(got[1], expected[1])
    )


CLIP_DIAGNOSES = [
    (
        each_call(_clip_nan_on_zeros),
        "all-zero gradients have norm 0 and are below any max_norm: return them unchanged, without "
        "dividing by the norm (0/0 is NaN)",
    ),
    (
        each_call(_clip_slip(per_array=True)),
        "clip by the GLOBAL norm: one norm sqrt(Σ over all arrays of Σ g²) and one factor for every "
        "array, so that the direction of the whole gradient is kept; clipping each array by its own "
        "norm changes the direction",
    ),
    (
        each_call(_clip_slip(always=True)),
        "only scale DOWN: when the norm is at most max_norm, return the gradients unchanged (max_norm "
        "/ ‖g‖ > 1 would make small gradients larger)",
    ),
    (
        each_call(_clip_slip(sum_of_norms=True)),
        "the global norm is sqrt(Σ of all squared entries) = sqrt(Σₖ ‖gₖ‖²), not the sum of the arrays' norms Σₖ ‖gₖ‖",
    ),
    (each_call(_clip_slip(squared=True)), "the global norm is the square ROOT of the sum of squares"),
    (
        each_call(_clip_slip(by_value=True)),
        "clipping by norm rescales every array by one factor; np.clip cuts each entry separately "
        "(clipping by value), which changes the gradient's direction",
    ),
    (each_call(_clip_slip(norm_after=True)), "return the norm BEFORE clipping (it tells how large the gradient was)"),
    (
        each_call(_clip_right_but_norm),
        "the clipped gradients are right but total_norm is not: return ‖g‖ = sqrt(Σ over all arrays "
        "and entries of g²), before clipping, as a number",
    ),
]


# ---------------------------------------------------------------- early stopping


def _scripted_run(rng, patience, tie=False, stop_at_max=False):
    """Validation losses of a run with the structure every early-stopping case needs.

    Before the best epoch: a bump of patience − 1 epochs without improvement, an improvement,
    then one more epoch without improvement before improving again (a counter that is not
    reset, or that counts the epochs since the last decrease, stops elsewhere). After the best:
    ``patience`` epochs above it, falling but never below it. ``tie``: the first epoch after the
    best equals it exactly. Returns (values for k = 0 … K, best epoch, epochs run).
    """
    level = float(rng.uniform(1.5, 2.5))
    values = [level + 0.5]  # k = 0, the initial parameters (never a candidate)

    def down():
        return values[-1] - float(rng.uniform(0.05, 0.2))

    def best_so_far():
        return min(values[1:])

    values.append(level)  # epoch 1
    values.append(down())
    values += [best_so_far() + float(rng.uniform(0.05, 0.3)) for _ in range(patience - 1)]
    values.append(best_so_far() - float(rng.uniform(0.05, 0.2)))
    values.append(best_so_far() + float(rng.uniform(0.05, 0.3)))
    values.append(best_so_far() - float(rng.uniform(0.05, 0.2)))
    values.append(best_so_far() - float(rng.uniform(0.02, 0.1)))
    best_epoch, best = len(values) - 1, values[-1]
    after = sorted(best + rng.uniform(0.05, 0.5, patience), reverse=True)  # falling, above the best
    if tie:
        after[0] = best
    values += [float(v) for v in after]
    stop = best_epoch + patience
    # Too late: one better loss, then rising ones. A run that goes on after `stop` finds the
    # better loss, and stops where its rule says (patience + 1: p + 1 epochs later; counting
    # from the last decrease: p epochs later).
    later = best - float(rng.uniform(0.1, 0.3))
    values += [later] + [float(v) for v in np.sort(later + rng.uniform(0.05, 1.0, patience + 3))]
    if stop_at_max:  # cut while the patience has not run out
        stop = best_epoch + patience - 1
    return values, best_epoch, stop


def _stopping_args(rng, dims, patience, tie=False, stop_at_max=False):
    values, best_epoch, stop = _scripted_run(rng, patience, tie, stop_at_max)
    start = np.concatenate([[0.0], rng.standard_normal(dims - 1)])
    step = np.concatenate([[1.0], rng.standard_normal(dims - 1)])
    train = np.sort(rng.uniform(0.1, 2.0, len(values)))[::-1]
    max_epochs = stop if stop_at_max else len(values) - 1
    return (
        start,
        Fn(functions.scripted_epoch, step=step, train_losses=train),
        Fn(functions.scripted_loss, values=values),
        max_epochs,
        patience,
    )


def _stopping_case(dims, patience, tie=False):
    return lambda rng: _stopping_args(rng, dims, patience, tie)


def _stopping_pair(dims, patience):
    return lambda rng: (
        _stopping_args(rng, dims, patience, stop_at_max=True),
        _stopping_args(rng, dims + 1, patience + 1),
    )


def _stopping_parts(got):
    got = _parts(got, 2)
    if got is None or not isinstance(got[1], dict):
        return None
    return got


def _epochs_of(params):
    try:
        return int(round(float(np.asarray(params, dtype=float).reshape(-1)[0])))
    except (TypeError, ValueError, IndexError):
        return None


def _stopping_variant(args, ties_improve=False, no_reset=False, since_decrease=False, extra=0, returns_last=False):
    """(epoch of the params returned, epochs run) of a slip, on the scripted run of ``args``."""
    max_epochs, patience = args[3], args[4]
    val = args[2]
    start = args[0]
    best_loss, best_epoch, waited, previous = np.inf, 0, 0, np.inf
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        loss = val(np.concatenate([[float(epoch)], start[1:]]))
        improved = loss <= best_loss if ties_improve else loss < best_loss
        if improved:
            best_loss, best_epoch = loss, epoch
        if since_decrease:
            waited = 0 if loss < previous else waited + 1
        elif improved and not no_reset:
            waited = 0
        elif not improved:
            waited += 1
        previous = loss
        if waited == patience + extra:
            break
    return (epoch if returns_last else best_epoch), epoch


def _stopping_slip(**slip):
    def predicate(got, expected, args):
        got = _stopping_parts(got)
        if got is None:
            return False
        returned, run = _stopping_variant(args, **slip)
        return _epochs_of(got[0]) == returned and len(got[1].get("val_loss", [])) == run

    return predicate


def _stopping_returns_last(got, expected, args):
    got = _stopping_parts(got)
    return (
        got is not None
        and len(got[1].get("val_loss", [])) == len(expected[1]["val_loss"])
        and _epochs_of(got[0]) == len(expected[1]["val_loss"])
        and _epochs_of(expected[0]) != len(expected[1]["val_loss"])
    )


def _stopping_best_epoch_from_zero(got, expected, args):
    got = _stopping_parts(got)
    return got is not None and _close(got[0], expected[0]) and got[1].get("best_epoch") == expected[1]["best_epoch"] - 1


def _stopping_counts_initial(got, expected, args):
    got = _stopping_parts(got)
    return got is not None and len(got[1].get("val_loss", [])) == len(expected[1]["val_loss"]) + 1


def _stopping_train_for_val(got, expected, args):
    got = _stopping_parts(got)
    return got is not None and _close(got[1].get("val_loss", []), expected[1]["train_loss"])


def _check_stopping(got, args, expected):
    got = _stopping_parts(got)
    if got is None:
        return "should return (best_params, history), history a dict"
    problem = mismatch(got[0], expected[0], "best_params")
    if problem:
        return problem
    for key in ("train_loss", "val_loss", "best_epoch"):
        if key not in got[1]:
            return f"history has no key {key!r}"
        problem = mismatch(
            np.asarray(got[1][key], dtype=float) if key != "best_epoch" else got[1][key],
            np.asarray(expected[1][key], dtype=float) if key != "best_epoch" else expected[1][key],
            f"history[{key!r}]",
        )
        if problem:
            return problem
    return None


STOPPING_DIAGNOSES = [
    (
        each_call(_stopping_train_for_val, _check_stopping),
        "stop on the VALIDATION loss: val_loss(params) after every epoch; the training loss keeps "
        "falling while the network over-fits",
    ),
    (
        each_call(_stopping_counts_initial, _check_stopping),
        "history holds one entry per epoch RUN (epochs 1, 2, …): do not record the initial parameters",
    ),
    (
        each_call(_stopping_returns_last, _check_stopping),
        "return the parameters of the BEST epoch (lowest validation loss), kept when it happened, not "
        "those of the last epoch",
    ),
    (
        each_call(_stopping_slip(ties_improve=True), _check_stopping),
        "an epoch improves only if its validation loss is strictly LOWER than the best so far; an "
        "equal loss is not an improvement (keep the earlier parameters)",
    ),
    (
        each_call(_stopping_slip(no_reset=True), _check_stopping),
        "reset the patience counter to 0 whenever the validation loss improves: patience counts the "
        "epochs IN A ROW without improvement",
    ),
    (
        each_call(_stopping_slip(since_decrease=True), _check_stopping),
        "patience counts the epochs since the BEST loss, not since the last decrease: a loss lower than "
        "the previous epoch's but above the best is no improvement",
    ),
    (
        each_call(_stopping_slip(extra=1), _check_stopping),
        "stop after exactly `patience` epochs in a row without improvement (one epoch too many)",
    ),
    (
        each_call(_stopping_slip(extra=-1), _check_stopping),
        "stop after exactly `patience` epochs in a row without improvement (one epoch too few)",
    ),
    (
        each_call(_stopping_best_epoch_from_zero, _check_stopping),
        "epochs are counted from 1: the first epoch of training is epoch 1, so best_epoch = "
        "its index in the history + 1",
    ),
]


# ---------------------------------------------------------------- random search


def _search_args(n_trials, lr_range, reg_range, decimals=None):
    def make(rng):
        lows = np.log10([lr_range[0], reg_range[0]])
        highs = np.log10([lr_range[1], reg_range[1]])
        val_center = lows + (highs - lows) * rng.uniform(0.3, 0.7, 2)
        test_center = lows + (highs - lows) * rng.uniform(0.1, 0.9, 2)
        width = (highs - lows) * rng.uniform(0.3, 0.6, 2)
        for _ in range(1000):
            seed = int(rng.integers(2**31))
            args = (
                Fn(functions.settings_model),
                Fn(functions.peak_score, center=val_center, width=width, decimals=decimals),
                Fn(functions.peak_score, center=test_center, width=width, calls=1),
                n_trials,
                lr_range,
                reg_range,
                Rng(seed),
            )
            if _search_shows_everything(args, tie=decimals is not None):
                return args
        raise RuntimeError("no draw with the properties this case needs")

    return make


def _search_shows_everything(args, tie):
    """Whether the draw separates every catalogued slip: the best trial is not the worst, not the
    last, not the best by the test score, and (for ``tie``) shares its score with a later trial."""
    from coursekit.probing import materialize

    fit, val, test, n, lr_range, reg_range, rng = materialize(args)
    result = ref.random_search(fit, val, test, n, lr_range, reg_range, rng)
    scores, best = result["val_scores"], result["best"]
    test_scores = [
        functions.peak_score(args[2].params["center"], args[2].params["width"])(fit(lr, reg))
        for lr, reg in zip(result["lrs"], result["regs"])
    ]
    distinct = best not in (int(np.argmin(scores)), n - 1, int(np.argmax(test_scores)))
    tied = np.flatnonzero(scores == scores[best])
    return distinct and ((len(tied) > 1) == tie) and (not tie or tied[-1] != n - 1)


def _check_search(got, args, expected):
    if not isinstance(got, dict):
        return f"should return a dict, not {type(got).__name__}"
    for key in ("lrs", "regs", "val_scores", "best", "model", "test_score"):
        if key not in got:
            return f"the result has no key {key!r}"
        problem = mismatch(got[key], expected[key], f"result[{key!r}]", rtol=1e-9)
        if problem:
            return problem
    return None


def _draws(args, kind):
    """The learning rates and L2 strengths of a slip in drawing, replayed from the case's generator."""
    import copy

    _, _, _, n, (lr_low, lr_high), (reg_low, reg_high), rng = args
    rng = copy.deepcopy(rng)  # the same state; the case's own generator is left alone
    if kind == "uniform":
        return rng.uniform(lr_low, lr_high, n), rng.uniform(reg_low, reg_high, n)
    if kind == "interleaved":
        pairs = np.array(
            [
                (rng.uniform(np.log10(lr_low), np.log10(lr_high)), rng.uniform(np.log10(reg_low), np.log10(reg_high)))
                for _ in range(n)
            ]
        )
        return 10.0 ** pairs[:, 0], 10.0 ** pairs[:, 1]
    return (
        np.exp(rng.uniform(np.log10(lr_low), np.log10(lr_high), n)),
        np.exp(rng.uniform(np.log10(reg_low), np.log10(reg_high), n)),
    )


def _drawn(kind):
    def predicate(got, expected, args):
        if not isinstance(got, dict):
            return False
        lrs, regs = _draws(args, kind)
        return _close(got.get("lrs"), lrs, rtol=1e-9) and _close(got.get("regs"), regs, rtol=1e-9)

    return predicate


def _other_generator(got, expected, args):
    """In range and log-uniform-looking, but not the given generator's draws."""
    if not isinstance(got, dict):
        return False
    _, _, _, n, lr_range, reg_range, _ = args
    try:
        lrs, regs = np.asarray(got["lrs"], dtype=float), np.asarray(got["regs"], dtype=float)
    except (KeyError, TypeError, ValueError):
        return False
    inside = (
        lrs.shape == regs.shape == (n,)
        and np.all((lr_range[0] <= lrs) & (lrs <= lr_range[1]))
        and np.all((reg_range[0] <= regs) & (regs <= reg_range[1]))
    )
    return bool(inside) and not _close(lrs, expected["lrs"], rtol=1e-9)


def _chose(which):
    def predicate(got, expected, args):
        if not isinstance(got, dict) or not _close(got.get("val_scores"), expected["val_scores"]):
            return False
        return got.get("best") == which(np.asarray(expected["val_scores"]))

    return predicate


def _last_of_ties(got, expected, args):
    if not isinstance(got, dict) or not _close(got.get("val_scores"), expected["val_scores"]):
        return False
    scores = np.asarray(expected["val_scores"])
    tied = np.flatnonzero(scores == scores.max())
    return len(tied) > 1 and got.get("best") == tied[-1]


def _best_from_one(got, expected, args):
    return isinstance(got, dict) and got.get("best") == expected["best"] + 1


SEARCH_DIAGNOSES = [
    (
        _drawn("uniform"),
        "draw the EXPONENTS uniformly (log-uniform settings): 10 ** rng.uniform("
        "log10(low), log10(high), size=n_trials); rng.uniform(low, high) puts almost "
        "every draw in the top decade",
    ),
    (
        _drawn("natural"),
        "the exponents are drawn between log10(low) and log10(high), so raise 10 to them (10 ** x), not e (np.exp)",
    ),
    (
        _drawn("interleaved"),
        "draw as the docstring says: all n_trials exponents of η in one call, "
        "then all those of λ (not η and λ alternately, trial by trial)",
    ),
    (
        _other_generator,
        "draw from the generator rng you are given (rng.uniform(...)), in the order "
        "the docstring gives: np.random.* or a new default_rng draws other numbers, "
        "and the search cannot be reproduced",
    ),
    (
        _last_of_ties,
        "on ties the FIRST best trial wins (np.argmax): keep a trial only if its score "
        "is strictly higher than the best so far",
    ),
    (
        _chose(np.argmin),
        "the validation score is higher-is-better (an accuracy): choose the trial with the HIGHEST score",
    ),
    (_chose(lambda s: len(s) - 1), "choose the trial with the highest validation score, not the last one"),
    (_best_from_one, "'best' is the index of the chosen trial in lrs, counted from 0"),
]


# ---------------------------------------------------------------- exercises


def _schedule_case(label, warmups, decay_steps, defaults=False):
    return paired_case(
        label,
        _schedule_calls(warmups, decay_steps, defaults),
        _schedule_names(warmups, decay_steps, defaults),
        atol=1e-12,
    )


def _check_clip(got, args, expected):
    got = _parts(got, 2)
    if got is None:
        return "should return a tuple (clipped, total_norm)"
    return mismatch(got[0], expected[0], "clipped") or mismatch(got[1], expected[1], "total_norm")


def _clip_names(zeros=False):
    return (["all-zero gradients"] if zeros else []) + ["a norm above max_norm", "a norm below max_norm"]


EXERCISES = [
    Exercise(
        name="fit_standardizer",
        reference=ref.fit_standardizer,
        points=2,
        outputs=("mean", "scale"),
        cases=[
            _single("X of shape (12, 5), features of different centres and spreads", _fit_args(12, 5)),
            _single("integer X of shape (9, 4)", _fit_args(9, 4, integer=True)),
            _single(
                "X of shape (15, 6) with two features constant in the training set (σ = 0)",
                _fit_args(15, 6, constant=(1, 4)),
            ),
            _unchanged("X of shape (8, 3)", _fit_args(8, 3)),
        ],
        diagnoses=FIT_DIAGNOSES,
        unchanged_hint=UNCHANGED_HINT,
    ),
    Exercise(
        name="standardize",
        reference=ref.standardize,
        points=2,
        cases=[
            _single("X of shape (10, 4), the training set's mean and scale", _standardize_args(10, 4)),
            _single("integer X of shape (7, 5)", _standardize_args(7, 5, integer=True)),
            _single("X of shape (3, 6)", _standardize_args(3, 6)),
            _unchanged("X of shape (9, 2)", _standardize_args(9, 2)),
        ],
        diagnoses=STANDARDIZE_DIAGNOSES,
        unchanged_hint=UNCHANGED_HINT,
    ),
    Exercise(
        name="batchnorm_forward",
        reference=ref.batchnorm_forward,
        points=4,
        cases=[
            _pair(
                "training mode on X (8, 5), momentum=0.3, eps=0.01, then test mode on 6 other samples",
                _bn_calls(8, 5, 0.3, 0.01, 6),
                ["training mode", "test mode"],
                _check_bn,
            ),
            _pair(
                "training mode on X (13, 3), momentum=0.05, eps=0.1, then test mode on a single sample",
                _bn_calls(13, 3, 0.05, 0.1, 1),
                ["training mode", "test mode (one sample)"],
                _check_bn,
            ),
            _pair(
                "integer X (9, 4), momentum=0.2, eps=0.05, then test mode on 5 samples",
                _bn_calls(9, 4, 0.2, 0.05, 5, integer=True),
                ["training mode", "test mode"],
                _check_bn,
            ),
            _pair(
                "X (7, 6) with a feature constant in the batch (σ²_B = 0), momentum=0.4, eps=0.02, "
                "then test mode on 4 samples",
                _bn_calls(7, 6, 0.4, 0.02, 4, constant=2),
                ["training mode", "test mode"],
                _check_bn,
            ),
            _pair(
                "X (11, 2), momentum=0.15, eps=0.03, test mode, and the default momentum and eps",
                _bn_calls(11, 2, 0.15, 0.03, 3, defaults=True),
                ["training mode", "test mode", "training mode with the defaults"],
                _check_bn,
            ),
            _pair(
                "X (10, 4), momentum=0.25, eps=0.04, then test mode; the inputs, running averages "
                "included, must be left unchanged",
                _bn_calls(10, 4, 0.25, 0.04, 5),
                ["training mode", "test mode"],
                _check_bn,
                copies=False,
            ),
        ],
        diagnoses=BN_FORWARD_DIAGNOSES,
        unchanged_hint=(
            UNCHANGED_HINT + ". Here: return new running averages, never update running_mean or running_var in place"
        ),
    ),
    Exercise(
        name="batchnorm_backward",
        reference=ref.batchnorm_backward,
        points=4,
        outputs=("dX", "dgamma", "dbeta"),
        cases=[
            _single("dout of shape (9, 4), eps=0.01", _bn_backward_args(9, 4, 0.01)),
            _single(
                "dout of shape (6, 7), a feature constant in the batch (X̂ = 0 there), eps=0.1",
                _bn_backward_args(6, 7, 0.1, constant=3),
            ),
            _single(
                "dout of shape (15, 3), large γ of both signs, eps=1e-5",
                _bn_backward_args(15, 3, 1e-5, gamma_scale=4.0),
            ),
            _unchanged("dout of shape (8, 5), eps=0.001", _bn_backward_args(8, 5, 0.001)),
        ],
        diagnoses=BN_BACKWARD_DIAGNOSES,
        unchanged_hint=UNCHANGED_HINT,
    ),
    Exercise(
        name="lr_schedule",
        reference=ref.lr_schedule,
        points=3,
        cases=[
            _schedule_case(
                "warm-up of 4 steps, then cosine decay over 10 steps (and 4 steps after "
                "it), or step decay every 10 steps",
                [4],
                10,
            ),
            _schedule_case("warm-up of 7 steps, decay over 20 steps", [7], 20),
            _schedule_case("no warm-up (warmup_steps=0), and a warm-up of 3 steps; decay over 6 steps", [0, 3], 6),
            _schedule_case(
                "warm-up of 5 steps, decay over 8 steps, also with the default decay, min_lr and factor",
                [5],
                8,
                defaults=True,
            ),
        ],
        diagnoses=SCHEDULE_DIAGNOSES,
    ),
    Exercise(
        name="clip_by_global_norm",
        reference=ref.clip_by_global_norm,
        points=3,
        cases=[
            _pair(
                "3 arrays (4, 3), (3,), (2, 5): a norm above max_norm, then one below",
                _clip_calls([(4, 3), (3,), (2, 5)]),
                _clip_names(),
                _check_clip,
            ),
            _pair(
                "5 arrays, one of integers: a norm above max_norm, then one below",
                _clip_calls([(2, 6), (6,), (6, 4), (4,), (3, 2)], integer=2),
                _clip_names(),
                _check_clip,
            ),
            _pair(
                "all-zero gradients (norm 0), then a norm above max_norm, then one below",
                _clip_calls([(5, 2), (2,)], zeros=True),
                _clip_names(zeros=True),
                _check_clip,
            ),
            _pair(
                "3 arrays (3, 4), (4,), (4, 2), clipped and not; the gradients must be left unchanged",
                _clip_calls([(3, 4), (4,), (4, 2)]),
                _clip_names(),
                _check_clip,
                copies=False,
            ),
        ],
        diagnoses=CLIP_DIAGNOSES,
        unchanged_hint=(
            UNCHANGED_HINT + ". Here: g * scale makes a new array; g *= scale changes the caller's gradient"
        ),
    ),
    Exercise(
        name="train_with_early_stopping",
        reference=ref.train_with_early_stopping,
        points=3,
        cases=[
            Case(
                "a scripted run with patience 3 (bumps before the best epoch)",
                _stopping_case(4, 3),
                check=_check_stopping,
                driver=scenarios.on_copies,
            ),
            Case(
                "a scripted run with patience 2",
                _stopping_case(3, 2),
                check=_check_stopping,
                driver=scenarios.on_copies,
            ),
            Case(
                "a scripted run with patience 4 where an epoch ties with the best loss",
                _stopping_case(5, 4, tie=True),
                check=_check_stopping,
                driver=scenarios.on_copies,
            ),
            _pair(
                "a run cut by max_epochs before its patience runs out, then a run with patience 3",
                _stopping_pair(3, 2),
                ["the run cut by max_epochs", "the run with patience 3"],
                _check_stopping,
            ),
            _unchanged("a scripted run with patience 3", _stopping_case(4, 3), check=_check_stopping),
        ],
        diagnoses=STOPPING_DIAGNOSES,
        unchanged_hint=UNCHANGED_HINT,
    ),
    Exercise(
        name="random_search",
        reference=ref.random_search,
        points=3,
        cases=[
            Case(
                "8 trials, η in [1e-4, 1], λ in [1e-6, 0.1]",
                _search_args(8, (1e-4, 1.0), (1e-6, 0.1)),
                check=_check_search,
            ),
            Case(
                "13 trials, η in [0.001, 0.3], λ in [1e-5, 0.01]",
                _search_args(13, (1e-3, 0.3), (1e-5, 1e-2)),
                check=_check_search,
            ),
            Case(
                "6 trials, η in [0.01, 10], λ in [0.001, 1]",
                _search_args(6, (1e-2, 10.0), (1e-3, 1.0)),
                check=_check_search,
            ),
            Case(
                "10 trials whose validation scores are rounded to 1 decimal, so that the best ties",
                _search_args(10, (1e-4, 1.0), (1e-6, 0.1), decimals=1),
                check=_check_search,
            ),
        ],
        diagnoses=SEARCH_DIAGNOSES,
    ),
]
