"""Chapter 7: each catalogued mistake, written as a student would, scores 0 and gets its hint.

Scoring 0 means the wrong code fails every hidden case: no case is degenerate
for it. Correct implementations in other styles get full marks, and every
hint of the chapter's hidden tests is reached by at least one mistake here.
"""

import pytest
from catalogue import SALTS, assert_fails_only, assert_full_marks, assert_scores_zero_with_hint, unchanged_case
from grading_helpers import grade_source, max_points

from autograder.judging.chapters import CHAPTERS

CHAPTER = "ch07_optimizers"

# ---------------------------------------------------------------- iterate_minibatches

DROPS_LAST = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = rng.permutation(num_samples)
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(num_samples // batch_size)]
"""
ARRAY_SPLIT = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = rng.permutation(num_samples)
    return np.array_split(order, int(np.ceil(num_samples / batch_size)))
"""
SHUFFLE_PER_BATCH = """
def iterate_minibatches(num_samples, batch_size, rng):
    batches = []
    for start in range(0, num_samples, batch_size):
        size = min(batch_size, num_samples - start)
        batches.append(rng.permutation(num_samples)[:size])
    return batches
"""
WITH_REPLACEMENT = """
def iterate_minibatches(num_samples, batch_size, rng):
    batches = []
    for start in range(0, num_samples, batch_size):
        size = min(batch_size, num_samples - start)
        batches.append(rng.integers(0, num_samples, size))
    return batches
"""
NOT_SHUFFLED = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = np.arange(num_samples)
    return [order[s:s + batch_size] for s in range(0, num_samples, batch_size)]
"""
FIXED_SEED = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = np.random.default_rng(0).permutation(num_samples)
    return [order[s:s + batch_size] for s in range(0, num_samples, batch_size)]
"""
CACHED_PERMUTATION = """
_orders = {}

def iterate_minibatches(num_samples, batch_size, rng):
    if num_samples not in _orders:
        _orders[num_samples] = rng.permutation(num_samples)
    order = _orders[num_samples]
    return [order[s:s + batch_size] for s in range(0, num_samples, batch_size)]
"""
GLOBAL_RNG = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = np.random.permutation(num_samples)
    return [order[s:s + batch_size] for s in range(0, num_samples, batch_size)]
"""

# ---------------------------------------------------------------- sgd_step

SGD_ASCENT = "def sgd_step(w, grad, lr):\n    return w + lr * grad\n"
SGD_NO_LR = "def sgd_step(w, grad, lr):\n    return w - grad\n"
SGD_IN_PLACE = "def sgd_step(w, grad, lr):\n    w -= lr * grad\n    return w\n"
SGD_STEP_ONLY = "def sgd_step(w, grad, lr):\n    step = lr * grad\n    return step\n"

# ---------------------------------------------------------------- momentum_step

MOMENTUM_OTHER_SIGN = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity - lr * grad
    return w + v, v
"""
MOMENTUM_LR_OUTSIDE = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + grad
    return w - lr * v, v
"""
MOMENTUM_AVERAGE = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + (1 - gamma) * grad
    return w - lr * v, v
"""
MOMENTUM_OLD_VELOCITY = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    w_new = w - velocity
    velocity_new = gamma * velocity + lr * grad
    return w_new, velocity_new
"""
MOMENTUM_NO_STATE = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    velocity = gamma * velocity + lr * grad
    return w - velocity
"""
MOMENTUM_IN_PLACE = """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    velocity *= gamma
    velocity += lr * grad
    return w - velocity, velocity
"""

# ---------------------------------------------------------------- nesterov_step

NESTEROV_PLAIN = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + lr * grad
    return w - v, v
"""
NESTEROV_OLD_LOOKAHEAD = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    step = gamma * velocity + lr * grad      # look-ahead with the old velocity
    return w - step, gamma * velocity + lr * grad
"""
NESTEROV_OTHER_SIGN = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity - lr * grad
    return w + gamma * v - lr * grad, v
"""
NESTEROV_NO_OLD_TERM = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + lr * grad
    return w - (1 + gamma) * v, v
"""
NESTEROV_NO_STATE = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + lr * grad
    return (w - (gamma * v + lr * grad),)
"""
NESTEROV_IN_PLACE = """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v = gamma * velocity + lr * grad
    w -= gamma * v + lr * grad
    return w, v
"""

# ---------------------------------------------------------------- rmsprop_step

RMSPROP_EPS_INSIDE = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache = decay * cache + (1 - decay) * grad ** 2
    return w - lr * grad / np.sqrt(cache + eps), cache
"""
RMSPROP_DECAY_SWAPPED = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache = (1 - decay) * cache + decay * grad ** 2
    return w - lr * grad / (np.sqrt(cache) + eps), cache
"""
RMSPROP_SUM = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache = decay * cache + grad * grad
    return w - lr * grad / (np.sqrt(cache) + eps), cache
"""
RMSPROP_OLD_CACHE = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    w_new = w - lr * grad / (np.sqrt(cache) + eps)
    return w_new, decay * cache + (1 - decay) * grad ** 2
"""
RMSPROP_NO_ROOT = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache = decay * cache + (1 - decay) * grad ** 2
    return w - lr * grad / (cache + eps), cache
"""
RMSPROP_NO_STATE = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache = decay * cache + (1 - decay) * grad ** 2
    return w - lr * grad / (np.sqrt(cache) + eps)
"""
RMSPROP_IN_PLACE = """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    cache *= decay
    cache += (1 - decay) * grad ** 2
    return w - lr * grad / (np.sqrt(cache) + eps), cache
"""

# ---------------------------------------------------------------- adam_step


def adam(
    m_line="m = beta1 * m + (1 - beta1) * grad",
    v_line="v = beta2 * v + (1 - beta2) * grad ** 2",
    hat_lines="m_hat = m / (1 - beta1 ** t)\n    v_hat = v / (1 - beta2 ** t)",
    step_line="w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)",
    return_line="return w_new, m, v",
):
    return (
        "def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        f"    {m_line}\n    {v_line}\n    {hat_lines}\n    {step_line}\n    {return_line}\n"
    )


ADAM_NO_CORRECTION = adam(hat_lines="m_hat, v_hat = m, v")
ADAM_M_ONLY = adam(hat_lines="m_hat = m / (1 - beta1 ** t)\n    v_hat = v")
ADAM_V_ONLY = adam(hat_lines="m_hat = m\n    v_hat = v / (1 - beta2 ** t)")
ADAM_T_FROM_ZERO = adam(hat_lines="m_hat = m / (1 - beta1 ** (t + 1))\n    v_hat = v / (1 - beta2 ** (t + 1))")
ADAM_T_MINUS_ONE = adam(hat_lines="m_hat = m / (1 - beta1 ** (t - 1))\n    v_hat = v / (1 - beta2 ** (t - 1))")
ADAM_BETAS_SWAPPED = adam(
    m_line="m = beta2 * m + (1 - beta2) * grad",
    v_line="v = beta1 * v + (1 - beta1) * grad ** 2",
    hat_lines="m_hat = m / (1 - beta2 ** t)\n    v_hat = v / (1 - beta1 ** t)",
)
ADAM_OLD_MOMENTS = """
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w_new, m, v
"""
ADAM_EPS_INSIDE = adam(step_line="w_new = w - lr * m_hat / np.sqrt(v_hat + eps)")
ADAM_M_DECAY_SWAPPED = adam(m_line="m = (1 - beta1) * m + beta1 * grad")
ADAM_NO_STATE = adam(return_line="return w_new")
ADAM_RETURNS_HALF = adam(return_line="return w_new, m")
ADAM_IN_PLACE = """
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
"""

# The right indices as floats (np.arange(N, dtype=float) shuffled): right values, and a note that
# X[batch] needs integers.
FLOAT_BATCHES = """
def iterate_minibatches(num_samples, batch_size, rng):
    order = rng.permutation(np.arange(num_samples, dtype=float))
    return [order[i:i + batch_size] for i in range(0, num_samples, batch_size)]
"""

MISTAKES = [
    ("iterate_minibatches", DROPS_LAST, "keep the last, shorter batch"),
    ("iterate_minibatches", ARRAY_SPLIT, "np.array_split(order, k) spreads the remainder"),
    ("iterate_minibatches", SHUFFLE_PER_BATCH, "shuffle ONCE per call (one epoch)"),
    ("iterate_minibatches", WITH_REPLACEMENT, "shuffle ONCE per call (one epoch)"),
    ("iterate_minibatches", NOT_SHUFFLED, "the batches must be shuffled"),
    ("iterate_minibatches", FIXED_SEED, "must draw a NEW permutation from the rng it is given"),
    ("iterate_minibatches", CACHED_PERMUTATION, "must draw a NEW permutation from the rng it is given"),
    ("iterate_minibatches", GLOBAL_RNG, "not from np.random's global functions"),
    ("sgd_step", SGD_ASCENT, "step AGAINST the gradient"),
    ("sgd_step", SGD_NO_LR, "multiply the gradient by the learning rate"),
    ("sgd_step", SGD_STEP_ONLY, "not the step lr · grad"),
    ("momentum_step", MOMENTUM_OTHER_SIGN, "your velocity has the opposite sign"),
    ("momentum_step", MOMENTUM_LR_OUTSIDE, "the learning rate belongs INSIDE the velocity"),
    ("momentum_step", MOMENTUM_AVERAGE, "that is an exponential average"),
    ("momentum_step", MOMENTUM_OLD_VELOCITY, "move w with the NEW velocity"),
    ("momentum_step", MOMENTUM_NO_STATE, "return the new state as well"),
    ("nesterov_step", NESTEROV_PLAIN, "that is plain momentum"),
    ("nesterov_step", NESTEROV_OLD_LOOKAHEAD, "that is plain momentum"),
    ("nesterov_step", NESTEROV_OTHER_SIGN, "your velocity has the opposite sign"),
    ("nesterov_step", NESTEROV_NO_OLD_TERM, "misses a term"),
    ("nesterov_step", NESTEROV_NO_STATE, "return the new state as well"),
    ("rmsprop_step", RMSPROP_EPS_INSIDE, "ε goes OUTSIDE the square root"),
    ("rmsprop_step", RMSPROP_DECAY_SWAPPED, "ρ multiplies the OLD cache"),
    ("rmsprop_step", RMSPROP_SUM, "a running average, not a sum"),
    ("rmsprop_step", RMSPROP_OLD_CACHE, "divide by the root of the NEW cache"),
    ("rmsprop_step", RMSPROP_NO_ROOT, "divide by the square ROOT of the cache"),
    ("rmsprop_step", RMSPROP_NO_STATE, "return the new state as well"),
    ("adam_step", ADAM_NO_CORRECTION, "the bias correction is missing"),
    ("adam_step", ADAM_M_ONLY, "correct v as well"),
    ("adam_step", ADAM_V_ONLY, "correct m as well"),
    ("adam_step", ADAM_T_FROM_ZERO, "as if t counted from 0"),
    ("adam_step", ADAM_T_MINUS_ONE, "which divides by 0 on step 1"),
    ("adam_step", ADAM_BETAS_SWAPPED, "β₁ and β₂ are swapped"),
    ("adam_step", ADAM_OLD_MOMENTS, "then step with the NEW ones"),
    ("adam_step", ADAM_EPS_INSIDE, "ε goes OUTSIDE the square root"),
    ("adam_step", ADAM_M_DECAY_SWAPPED, "β₁ multiplies the OLD m"),
    ("adam_step", ADAM_NO_STATE, "return the new state as well"),
    ("adam_step", ADAM_RETURNS_HALF, "return the new state as well"),
]


# The right steps, written into the caller's arrays: only the case for that fails.
EDGE_SLIPS = [
    ("sgd_step", SGD_IN_PLACE, "changed one of its input arrays in place", [unchanged_case("sgd_step")]),
    ("momentum_step", MOMENTUM_IN_PLACE, "changed one of its input arrays in place", [unchanged_case("momentum_step")]),
    ("nesterov_step", NESTEROV_IN_PLACE, "changed one of its input arrays in place", [unchanged_case("nesterov_step")]),
    ("rmsprop_step", RMSPROP_IN_PLACE, "changed one of its input arrays in place", [unchanged_case("rmsprop_step")]),
    ("adam_step", ADAM_IN_PLACE, "changed one of its input arrays in place", [unchanged_case("adam_step")]),
    ("iterate_minibatches", FLOAT_BATCHES, None, []),
]


@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint):
    assert_scores_zero_with_hint(name, source, hint, only_this_hint=True)


@pytest.mark.parametrize(
    "name, source, hint, labels",
    [e for e in EDGE_SLIPS if e[2]],
    ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS) if m[2]],
)
def test_edge_slip_loses_only_its_cases(name, source, hint, labels):
    assert_fails_only(name, source, hint, labels)


def test_float_batches_with_the_right_indices_get_full_marks_and_a_note():
    for score, report in grade_source("iterate_minibatches", FLOAT_BATCHES, salts=SALTS):
        assert score == max_points("iterate_minibatches"), report
        assert "Note (no points lost): your batches hold the right indices, but as floats" in report, report


def test_every_hint_is_reached_by_a_catalogued_mistake():
    reached = {(name, hint) for name, _, hint in MISTAKES} | {(name, hint) for name, _, hint, _ in EDGE_SLIPS if hint}
    for exercise in CHAPTERS[CHAPTER]:
        for _, text in exercise.diagnoses:
            assert any(name == exercise.name and hint in text for name, hint in reached), (exercise.name, text)


# ---------------------------------------------------------------- correct code in other styles

CORRECT = [
    (
        "iterate_minibatches",
        """
def iterate_minibatches(num_samples, batch_size, rng):
    order = np.arange(num_samples)
    rng.shuffle(order)
    return [order[s:s + batch_size] for s in range(0, num_samples, batch_size)]
""",
    ),
    (
        "iterate_minibatches",
        """
def iterate_minibatches(num_samples, batch_size, rng):
    order = np.argsort(rng.random(num_samples))
    return np.split(order, np.arange(batch_size, num_samples, batch_size))
""",
    ),
    (
        "iterate_minibatches",
        """
def iterate_minibatches(num_samples, batch_size, rng):
    order = rng.choice(num_samples, size=num_samples, replace=False)
    batches, start = [], 0
    while start < num_samples:
        batches.append(order[start:start + batch_size])
        start += batch_size
    return batches
""",
    ),
    (
        "iterate_minibatches",
        """
def iterate_minibatches(num_samples, batch_size, rng):
    order = rng.permuted(np.arange(num_samples))
    for start in range(0, num_samples, batch_size):
        yield order[start:start + batch_size]
""",
    ),
    ("sgd_step", "def sgd_step(w, grad, lr):\n    w = np.array(w, dtype=float)\n    w -= lr * grad\n    return w\n"),
    ("sgd_step", "def sgd_step(w, grad, lr):\n    return np.subtract(w, np.multiply(lr, grad))\n"),
    (
        "momentum_step",
        """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    v = np.empty(np.shape(w))
    for i in np.ndindex(v.shape):
        v[i] = gamma * velocity[i] + lr * grad[i]
    return w - v, v
""",
    ),
    (
        "adam_step",
        """
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, w = m.copy(), v.copy(), w.copy()       # in place, on copies
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v
""",
    ),
    (
        "momentum_step",
        """
def momentum_step(w, grad, velocity, lr, gamma=0.9):
    velocity = velocity.copy()
    velocity *= gamma
    velocity += lr * grad
    return np.subtract(w, velocity), velocity
""",
    ),
    (
        "nesterov_step",
        """
def nesterov_step(w, grad, velocity, lr, gamma=0.9):
    v_new = gamma * velocity + lr * grad
    return w - (1 + gamma) * v_new + gamma * velocity, v_new
""",
    ),
    (
        "rmsprop_step",
        """
def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):
    new_cache = np.empty_like(cache, dtype=float)
    new_w = np.empty_like(w, dtype=float)
    for i in np.ndindex(w.shape):
        new_cache[i] = decay * cache[i] + (1 - decay) * grad[i] * grad[i]
        new_w[i] = w[i] - lr * grad[i] / (new_cache[i] ** 0.5 + eps)
    return new_w, new_cache
""",
    ),
    (
        "adam_step",
        """
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    denominator = np.sqrt(v / (1 - beta2 ** t)) + eps
    return w - lr / (1 - beta1 ** t) * m / denominator, m, v
""",
    ),
]


@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_code_in_another_style_gets_full_marks(name, source):
    assert_full_marks(name, source)
