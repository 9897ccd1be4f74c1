"""Chapter 9: each catalogued mistake, written as a student would, scores 0 and gets its hint;
edge slips lose exactly their edge cases; correct code in other styles keeps full marks.

The chapter's exercises call no function of another chapter, and the composite ones
(early stopping, the random search) get their parts as data: nothing here depends on
any other exercise. Every list is also graded with a salt (other random inputs for the
same cases), since every case's claim must hold for any draw.
"""

import inspect

import pytest
from catalogue import assert_fails_only, assert_full_marks, assert_scores_zero_with_hint, uncatalogued
from grading_helpers import grade_source, max_points, points_failing


def body(text):
    return inspect.cleandoc(text) + "\n"


def template(text, **parts):
    """``text`` with each ``{NAME}`` replaced by ``parts[NAME]`` (the rest as written)."""
    source = inspect.cleandoc(text)
    for key, value in parts.items():
        assert "{" + key + "}" in source, key
        source = source.replace("{" + key + "}", value)
    return source + "\n"


# ---------------------------------------------------------------- sources


FIT = """
def fit_standardizer(X):
    X = np.asarray(X, dtype=float)
    mean = {MEAN}
    std = {STD}
    return mean, {SCALE}
"""


def fit(mean="X.mean(axis=0)", std="X.std(axis=0)", scale="np.where(std > 0, std, 1.0)"):
    return template(FIT, MEAN=mean, STD=std, SCALE=scale)


STANDARDIZE = """
def standardize(X, mean, scale):
    X = np.asarray(X, dtype=float)
    return {RESULT}
"""


def standardize(result):
    return template(STANDARDIZE, RESULT=result)


BN_FORWARD = """
def batchnorm_forward(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    if not training:
        out = {TEST_OUT}
        return out, None, {TEST_RUNNING}
    mu = {MU}
    var = {VAR}
    new_mean = {NEW_MEAN}
    new_var = {NEW_VAR}
    inv_std = {INV_STD}
    X_hat = (X - mu) * inv_std
    out = {OUT}
    return out, {CACHE}, new_mean, new_var
"""

BN_PARTS = dict(
    TEST_OUT="gamma * (X - running_mean) / np.sqrt(running_var + eps) + beta",
    TEST_RUNNING="running_mean, running_var",
    MU="X.mean(axis=0)",
    VAR="X.var(axis=0)",
    NEW_MEAN="(1 - momentum) * running_mean + momentum * mu",
    NEW_VAR="(1 - momentum) * running_var + momentum * var * n / (n - 1)",
    INV_STD="1.0 / np.sqrt(var + eps)",
    OUT="gamma * X_hat + beta",
    CACHE="(X_hat, gamma, inv_std)",
)


def bn_forward(**parts):
    return template(BN_FORWARD, **{**BN_PARTS, **parts})


BN_BACKWARD = """
def batchnorm_backward(dout, cache):
    X_hat, gamma, inv_std = cache
    n = dout.shape[0]
    dbeta = {DBETA}
    dgamma = {DGAMMA}
    dX = {DX}
    return {RETURN}
"""

BN_BACKWARD_PARTS = dict(
    DBETA="dout.sum(axis=0)",
    DGAMMA="(dout * X_hat).sum(axis=0)",
    DX="gamma * inv_std * (dout - dout.mean(axis=0) - X_hat * (dout * X_hat).mean(axis=0))",
    RETURN="dX, dgamma, dbeta",
)


def bn_backward(**parts):
    return template(BN_BACKWARD, **{**BN_BACKWARD_PARTS, **parts})


SCHEDULE = """
def lr_schedule(step, base_lr, warmup_steps, decay_steps, decay="cosine", min_lr=0.0, factor=0.1):
    if step < warmup_steps:
        return {WARM}
    tau = {TAU}
    if {IS_STEP}:
        return {STEP}
    if {END}:
        return {FLOOR}
    return {COS}
"""

SCHEDULE_PARTS = dict(
    WARM="base_lr * (step + 1) / (warmup_steps + 1)",
    TAU="step - warmup_steps",
    IS_STEP='decay == "step"',
    STEP="base_lr * factor ** (tau // decay_steps)",
    END="tau >= decay_steps",
    FLOOR="min_lr",
    COS="min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * tau / decay_steps)) / 2",
)


def schedule(**parts):
    return template(SCHEDULE, **{**SCHEDULE_PARTS, **parts})


CLIP = """
def clip_by_global_norm(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = {NORM}
    scale = {SCALE}
    return {CLIPPED}, {RETURNED}
"""

CLIP_PARTS = dict(
    NORM="np.sqrt(sum(np.sum(g ** 2) for g in grads))",
    SCALE="max_norm / total if total > max_norm else 1.0",
    CLIPPED="[g * scale for g in grads]",
    RETURNED="float(total)",
)


def clip(**parts):
    return template(CLIP, **{**CLIP_PARTS, **parts})


STOPPING = """
def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):
    history = {"train_loss": [], "val_loss": [], "best_epoch": 0}
    best_params, best, waited = params, np.inf, 0
    for epoch in range(1, max_epochs + 1):
        params, train_loss = train_epoch(params)
        loss = {LOSS}
        history["train_loss"].append(train_loss)
        history["val_loss"].append(loss)
        if {IMPROVED}:
            best_params, best, history["best_epoch"] = params, loss, {EPOCH}
            {RESET}
        else:
            waited += 1
        if waited == {PATIENCE}:
            break
    return {RETURN}, history
"""

STOPPING_PARTS = dict(
    LOSS="val_loss(params)",
    IMPROVED="loss < best",
    EPOCH="epoch",
    RESET="waited = 0",
    PATIENCE="patience",
    RETURN="best_params",
)


def stopping(**parts):
    return template(STOPPING, **{**STOPPING_PARTS, **parts})


SEARCH = """
def random_search(fit, val_score, test_score, n_trials, lr_range, reg_range, rng):
    {DRAW}
    models = [fit(lr, reg) for lr, reg in zip(lrs, regs)]
    scores = np.array([val_score(model) for model in models])
    best = {BEST}
    return {"lrs": lrs, "regs": regs, "val_scores": scores, "best": best,
            "model": models[best], "test_score": test_score(models[best])}
"""

LOG_DRAW = (
    "lrs = 10 ** rng.uniform(np.log10(lr_range[0]), np.log10(lr_range[1]), n_trials)\n"
    "    regs = 10 ** rng.uniform(np.log10(reg_range[0]), np.log10(reg_range[1]), n_trials)"
)


def search(draw=LOG_DRAW, best="int(np.argmax(scores))"):
    return template(SEARCH, DRAW=draw, BEST=best)


# ---------------------------------------------------------------- the catalogue


MISTAKES = [
    # fit_standardizer
    (
        "fit_standardizer",
        fit(std="X.std(axis=0, ddof=1)"),
        "the scale is the standard deviation with 1/N, like np.std's default",
    ),
    ("fit_standardizer", fit(std="X.var(axis=0)"), "the scale is the standard deviation σ, the square root"),
    ("fit_standardizer", fit(mean="X.mean(axis=1)", std="X.std(axis=1)"), "the statistics are per FEATURE"),
    (
        "fit_standardizer",
        fit(mean="X.mean()", std="X.std()", scale="std"),
        "one mean and one scale per feature (column)",
    ),
    (
        "fit_standardizer",
        fit(mean="X.min(axis=0)", std="X.max(axis=0) - X.min(axis=0)"),
        "standardisation subtracts the mean and divides by the standard deviation",
    ),
    # standardize
    (
        "standardize",
        standardize("(X - X.mean(axis=0)) / X.std(axis=0)"),
        "use the mean and scale you are given (the training set's)",
    ),
    ("standardize", standardize("(X - mean) * scale"), "divide by the scale, do not multiply"),
    ("standardize", standardize("X / scale - mean"), "subtract the mean first, then divide"),
    ("standardize", standardize("X - mean"), "after subtracting the mean, divide by the scale"),
    # batchnorm_forward
    (
        "batchnorm_forward",
        bn_forward(MU="X.mean(axis=1, keepdims=True)", VAR="X.var(axis=1, keepdims=True)"),
        "batch normalisation normalises every FEATURE over the batch",
    ),
    (
        "batchnorm_forward",
        bn_forward(TEST_OUT="gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps) + beta"),
        "in test mode (training=False) normalise with the RUNNING averages",
    ),
    (
        "batchnorm_forward",
        bn_forward(
            TEST_RUNNING="(1 - momentum) * running_mean + momentum * X.mean(axis=0), "
            "(1 - momentum) * running_var + momentum * X.var(axis=0)"
        ),
        "test mode leaves the running averages as they are",
    ),
    (
        "batchnorm_forward",
        bn_forward(
            NEW_MEAN="momentum * running_mean + (1 - momentum) * mu",
            NEW_VAR="momentum * running_var + (1 - momentum) * var * n / (n - 1)",
        ),
        "momentum is the weight of the NEW batch",
    ),
    (
        "batchnorm_forward",
        bn_forward(NEW_VAR="(1 - momentum) * running_var + momentum * var"),
        "update the running variance with the unbiased variance of the batch",
    ),
    (
        "batchnorm_forward",
        bn_forward(VAR="X.var(axis=0, ddof=1)", NEW_VAR="(1 - momentum) * running_var + momentum * var"),
        "normalise with the batch's own variance",
    ),
    (
        "batchnorm_forward",
        bn_forward(
            INV_STD="1.0 / (np.sqrt(var) + eps)",
            TEST_OUT="gamma * (X - running_mean) / (np.sqrt(running_var) + eps) + beta",
        ),
        "ε goes inside the square root",
    ),
    (
        "batchnorm_forward",
        bn_forward(INV_STD="1.0 / np.sqrt(var)", TEST_OUT="gamma * (X - running_mean) / np.sqrt(running_var) + beta"),
        "add ε to the variance before the square root",
    ),
    (
        "batchnorm_forward",
        bn_forward(OUT="X_hat", TEST_OUT="(X - running_mean) / np.sqrt(running_var + eps)"),
        "after normalising, scale and shift",
    ),
    (
        "batchnorm_forward",
        bn_forward(
            OUT="gamma * (X_hat + beta)", TEST_OUT="gamma * ((X - running_mean) / np.sqrt(running_var + eps) + beta)"
        ),
        "scale first, then shift",
    ),
    (
        "batchnorm_forward",
        bn_forward(OUT="gamma * (X - new_mean) / np.sqrt(new_var + eps) + beta"),
        "in training mode normalise with the batch's own mean and variance",
    ),
    (
        "batchnorm_forward",
        bn_forward(CACHE="(X_hat, gamma, np.sqrt(var + eps))"),
        "out and the running averages are right, but the cache is not",
    ),
    (
        "batchnorm_forward",
        bn_forward(CACHE="(X, gamma, inv_std)"),
        "out and the running averages are right, but the cache is not",
    ),
    # batchnorm_backward
    ("batchnorm_backward", bn_backward(DX="gamma * inv_std * dout"), "dX is not γ ⊙ inv_std ⊙ dout"),
    (
        "batchnorm_backward",
        bn_backward(DX="gamma * inv_std * (dout - dout.mean(axis=0))"),
        "dX misses the path through the variance",
    ),
    (
        "batchnorm_backward",
        bn_backward(DX="gamma * inv_std * (dout - X_hat * (dout * X_hat).mean(axis=0))"),
        "dX misses the path through the mean",
    ),
    (
        "batchnorm_backward",
        bn_backward(DX="inv_std * (dout - dout.mean(axis=0) - X_hat * (dout * X_hat).mean(axis=0))"),
        "dX needs the factor γ",
    ),
    (
        "batchnorm_backward",
        bn_backward(DX="gamma * inv_std ** 2 * (dout - dout.mean(axis=0) - X_hat * (dout * X_hat).mean(axis=0))"),
        "dX has the factor inv_std = 1/sqrt(σ² + ε) once, not squared",
    ),
    (
        "batchnorm_backward",
        bn_backward(DX="gamma * (dout - dout.mean(axis=0) - X_hat * (dout * X_hat).mean(axis=0))"),
        "dX needs the factor inv_std",
    ),
    (
        "batchnorm_backward",
        bn_backward(
            DX="gamma * inv_std * (dout - dout.sum(axis=0) / (n - 1) - X_hat * (dout * X_hat).sum(axis=0) / (n - 1))"
        ),
        "the means over the batch divide by N",
    ),
    ("batchnorm_backward", bn_backward(RETURN="dX, dbeta, dgamma"), "dgamma and dbeta are swapped"),
    ("batchnorm_backward", bn_backward(DGAMMA="dout.sum(axis=0)"), "∂L/∂γ = Σₙ doutₙ ⊙ X̂ₙ"),
    (
        "batchnorm_backward",
        bn_backward(DBETA="dout.sum(axis=1)", DGAMMA="(dout * X_hat).sum(axis=1)"),
        "dgamma and dbeta have one entry per feature",
    ),
    (
        "batchnorm_backward",
        bn_backward(DBETA="dout.mean(axis=0)", DGAMMA="(dout * X_hat).mean(axis=0)"),
        "dgamma and dbeta are SUMS over the batch",
    ),
    # lr_schedule
    (
        "lr_schedule",
        schedule(WARM="base_lr * step / warmup_steps"),
        "the warm-up rises as η·(step + 1)/(warmup_steps + 1)",
    ),
    (
        "lr_schedule",
        schedule(WARM="base_lr * (step + 1) / warmup_steps"),
        "the warm-up is η·(step + 1)/(warmup_steps + 1)",
    ),
    ("lr_schedule", schedule(TAU="step"), "the decay starts when the warm-up ends"),
    (
        "lr_schedule",
        schedule(FLOOR="0.0", COS="base_lr * (1 + np.cos(np.pi * tau / decay_steps)) / 2"),
        "the cosine decays to min_lr, not to 0",
    ),
    ("lr_schedule", schedule(END="False"), "after decay_steps steps of decay the rate stays at min_lr"),
    (
        "lr_schedule",
        schedule(COS="min_lr + (base_lr - min_lr) * np.cos(np.pi * tau / decay_steps)"),
        "(1 + cos(π τ/decay_steps))/2 goes from 1 to 0",
    ),
    (
        "lr_schedule",
        schedule(
            END="tau >= decay_steps + warmup_steps",
            COS="min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * tau / (decay_steps + warmup_steps))) / 2",
        ),
        "the cosine runs over decay_steps steps after the warm-up",
    ),
    ("lr_schedule", schedule(IS_STEP="False"), "decay='step' is a step decay"),
    ("lr_schedule", schedule(STEP="base_lr * factor ** (tau / decay_steps)"), "step decay drops in steps"),
    (
        "lr_schedule",
        schedule(STEP="base_lr * factor ** (step // decay_steps)"),
        "the step decay counts τ = step − warmup_steps",
    ),
    (
        "lr_schedule",
        schedule(STEP="base_lr * factor ** (tau // decay_steps + 1)"),
        "the first drop comes after decay_steps steps",
    ),
    # clip_by_global_norm
    (
        "clip_by_global_norm",
        body("""
        def clip_by_global_norm(grads, max_norm):
            clipped = []
            for g in grads:
                g = np.asarray(g, dtype=float)
                norm = np.linalg.norm(g)
                clipped.append(g * max_norm / norm if norm > max_norm else g.copy())
            return clipped, float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
     """),
        "clip by the GLOBAL norm",
    ),
    ("clip_by_global_norm", clip(SCALE="max_norm / total"), "only scale DOWN"),
    (
        "clip_by_global_norm",
        clip(NORM="sum(np.sqrt(np.sum(g ** 2)) for g in grads)"),
        "the global norm is sqrt(Σ of all squared entries)",
    ),
    (
        "clip_by_global_norm",
        clip(NORM="sum(np.sum(g ** 2) for g in grads)"),
        "the global norm is the square ROOT of the sum of squares",
    ),
    (
        "clip_by_global_norm",
        clip(CLIPPED="[np.clip(g, -max_norm, max_norm) for g in grads]"),
        "clipping by norm rescales every array by one factor",
    ),
    (
        "clip_by_global_norm",
        clip(RETURNED="float(np.sqrt(sum(np.sum((g * scale) ** 2) for g in grads)))"),
        "return the norm BEFORE clipping",
    ),
    (
        "clip_by_global_norm",
        clip(RETURNED="float(total ** 2)"),
        "the clipped gradients are right but total_norm is not",
    ),
    # train_with_early_stopping
    ("train_with_early_stopping", stopping(RETURN="params"), "return the parameters of the BEST epoch"),
    ("train_with_early_stopping", stopping(RESET="pass"), "reset the patience counter to 0"),
    (
        "train_with_early_stopping",
        body("""
        def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):
            history = {"train_loss": [], "val_loss": [], "best_epoch": 0}
            best_params, best, previous, waited = params, np.inf, np.inf, 0
            for epoch in range(1, max_epochs + 1):
                params, train_loss = train_epoch(params)
                loss = val_loss(params)
                history["train_loss"].append(train_loss)
                history["val_loss"].append(loss)
                if loss < best:
                    best_params, best, history["best_epoch"] = params, loss, epoch
                waited = 0 if loss < previous else waited + 1   # since the last decrease
                previous = loss
                if waited == patience:
                    break
            return best_params, history
     """),
        "patience counts the epochs since the BEST loss",
    ),
    (
        "train_with_early_stopping",
        stopping(PATIENCE="patience + 1"),
        "stop after exactly `patience` epochs in a row without improvement (one epoch too many)",
    ),
    (
        "train_with_early_stopping",
        stopping(PATIENCE="patience - 1"),
        "stop after exactly `patience` epochs in a row without improvement (one epoch too few)",
    ),
    ("train_with_early_stopping", stopping(EPOCH="epoch - 1"), "epochs are counted from 1"),
    ("train_with_early_stopping", stopping(LOSS="train_loss"), "stop on the VALIDATION loss"),
    (
        "train_with_early_stopping",
        stopping().replace(
            '    history = {"train_loss": [], "val_loss": [], "best_epoch": 0}\n',
            '    history = {"train_loss": [np.nan], "val_loss": [val_loss(params)], "best_epoch": 0}\n',
        ),
        "history holds one entry per epoch RUN",
    ),
    # random_search
    (
        "random_search",
        search(draw="lrs = rng.uniform(*lr_range, n_trials)\n    regs = rng.uniform(*reg_range, n_trials)"),
        "draw the EXPONENTS uniformly",
    ),
    (
        "random_search",
        search(draw=LOG_DRAW.replace("10 ** ", "np.exp(").replace("n_trials)", "n_trials))")),
        "the exponents are drawn between log10(low) and log10(high), so raise 10 to them",
    ),
    (
        "random_search",
        search(
            draw="pairs = [(rng.uniform(np.log10(lr_range[0]), np.log10(lr_range[1])),\n"
            "              rng.uniform(np.log10(reg_range[0]), np.log10(reg_range[1])))\n"
            "             for _ in range(n_trials)]\n"
            "    lrs = 10 ** np.array([p[0] for p in pairs])\n"
            "    regs = 10 ** np.array([p[1] for p in pairs])"
        ),
        "draw as the docstring says: all n_trials exponents of η in one call",
    ),
    (
        "random_search",
        search(draw=LOG_DRAW.replace("rng.uniform", "np.random.uniform")),
        "draw from the generator rng you are given",
    ),
    (
        "random_search",
        search(draw="rng = np.random.default_rng(0)\n    " + LOG_DRAW),
        "draw from the generator rng you are given",
    ),
    ("random_search", search(best="int(np.argmin(scores))"), "the validation score is higher-is-better"),
    ("random_search", search(best="n_trials - 1"), "choose the trial with the highest validation score, not the last"),
    ("random_search", search(best="int(np.argmax(scores)) + 1"), "'best' is the index of the chosen trial"),
]

# Mistakes that raise an error in every case instead of returning: the error's message says why.
RAISING = [
    (
        "random_search",
        search(best="int(np.argmax([test_score(model) for model in models]))"),
        "test_score was called 2 times, but the test set may be looked at once only",
    ),
    (
        "random_search",
        search().replace(
            "    best = int(np.argmax(scores))\n",
            "    test_scores = [test_score(model) for model in models]   # 'just to see'\n"
            "    best = int(np.argmax(scores))\n",
        ),
        "test_score was called 2 times, but the test set may be looked at once only",
    ),
]

FIT_UNCHANGED = "X of shape (8, 3); the inputs must be left unchanged"
STANDARDIZE_UNCHANGED = "X of shape (9, 2); the inputs must be left unchanged"
BN_UNCHANGED = (
    "X (10, 4), momentum=0.25, eps=0.04, then test mode; the inputs, running averages included, must be left unchanged"
)
BN_BACKWARD_UNCHANGED = "dout of shape (8, 5), eps=0.001; the inputs must be left unchanged"
CLIP_UNCHANGED = "3 arrays (3, 4), (4,), (4, 2), clipped and not; the gradients must be left unchanged"
CLIP_ZEROS = "all-zero gradients (norm 0), then a norm above max_norm, then one below"
STOPPING_UNCHANGED = "a scripted run with patience 3; the inputs must be left unchanged"
STOPPING_TIE = "a scripted run with patience 4 where an epoch ties with the best loss"
SEARCH_TIE = "10 trials whose validation scores are rounded to 1 decimal, so that the best ties"
FIT_CONSTANT = "X of shape (15, 6) with two features constant in the training set (σ = 0)"
IN_PLACE = "the function changed an argument it was given"

EDGE_SLIPS = [
    ("fit_standardizer", fit(scale="std"), "a feature that is constant in the training set has σ = 0", [FIT_CONSTANT]),
    (
        "fit_standardizer",
        fit(scale="std + 1e-8"),
        "a feature that is constant in the training set has σ = 0",
        [FIT_CONSTANT],
    ),
    (
        "fit_standardizer",
        body("""
        def fit_standardizer(X):
            X = np.asarray(X, dtype=float)      # the caller's own array when X is float64
            mean = X.mean(axis=0)
            X -= mean                           # centred in place
            std = np.sqrt((X ** 2).mean(axis=0))
            return mean, np.where(std > 0, std, 1.0)
     """),
        IN_PLACE,
        [FIT_UNCHANGED],
    ),
    (
        "standardize",
        body("""
        def standardize(X, mean, scale):
            X = np.asarray(X, dtype=float)      # no copy for float64 input
            X -= mean
            X /= scale
            return X
     """),
        IN_PLACE,
        [STANDARDIZE_UNCHANGED],
    ),
    (
        "batchnorm_forward",
        bn_forward(NEW_MEAN="running_mean", NEW_VAR="running_var").replace(
            "    inv_std = ",
            "    running_mean *= 1 - momentum\n"
            "    running_mean += momentum * mu\n"
            "    running_var *= 1 - momentum\n"
            "    running_var += momentum * var * n / (n - 1)\n"
            "    inv_std = ",
        ),
        IN_PLACE,
        [BN_UNCHANGED],
    ),
    (
        "batchnorm_backward",
        bn_backward(DX="dX_in_place(dout, X_hat, gamma, inv_std)")
        + body("""
        def dX_in_place(dout, X_hat, gamma, inv_std):
            dout *= gamma * inv_std             # scales the caller's dout
            return dout - dout.mean(axis=0) - X_hat * (dout * X_hat).mean(axis=0)
     """),
        IN_PLACE,
        [BN_BACKWARD_UNCHANGED],
    ),
    (
        "clip_by_global_norm",
        clip(SCALE="1.0", CLIPPED="[g / total * min(total, max_norm) for g in grads]"),
        "all-zero gradients have norm 0",
        [CLIP_ZEROS],
    ),
    (
        "clip_by_global_norm",
        body("""
        def clip_by_global_norm(grads, max_norm):
            grads = [np.asarray(g, dtype=float) for g in grads]   # the same arrays for float input
            total = np.sqrt(sum(np.sum(g * g) for g in grads))
            if total > max_norm:
                for g in grads:
                    g *= max_norm / total
            return grads, float(total)
     """),
        IN_PLACE,
        [CLIP_UNCHANGED],
    ),
    (
        "train_with_early_stopping",
        stopping(IMPROVED="loss <= best"),
        "an epoch improves only if its validation loss is strictly LOWER",
        [STOPPING_TIE],
    ),
    (
        "train_with_early_stopping",
        stopping()
        .replace(
            'best_params, best, history["best_epoch"] = params, loss, epoch',
            "best_params[...] = params                # keep a copy of the best values\n"
            '            best, history["best_epoch"] = loss, epoch',
        )
        .replace(
            "best_params, best, waited = params, np.inf, 0",
            "best_params, best, waited = params, np.inf, 0   # the initial array",
        ),
        IN_PLACE,
        [STOPPING_UNCHANGED],
    ),
    (
        "random_search",
        search(best="len(scores) - 1 - int(np.argmax(scores[::-1]))"),
        "on ties the FIRST best trial wins",
        [SEARCH_TIE],
    ),
]

CORRECT = [
    (
        "fit_standardizer",
        body("""
        def fit_standardizer(X):
            X = np.array(X, dtype=float)
            n, d = X.shape
            mean, scale = np.zeros(d), np.ones(d)
            for j in range(d):
                mean[j] = sum(X[:, j]) / n
                s = np.sqrt(sum((X[:, j] - mean[j]) ** 2) / n)
                if s != 0:
                    scale[j] = s
            return mean, scale
     """),
    ),
    (
        "fit_standardizer",
        body("""
        def fit_standardizer(X):
            X = np.asarray(X)                   # integers stay integers until the mean
            mean = X.mean(axis=0)
            scale = np.sqrt(np.einsum("nd,nd->d", X - mean, X - mean) / len(X))
            scale[scale == 0] = 1
            return mean, scale
     """),
    ),
    (
        "standardize",
        body("""
        def standardize(X, mean, scale):
            out = np.array(X, dtype=float)      # a copy: changed in place below
            out -= mean
            out *= 1.0 / scale
            return out
     """),
    ),
    (
        "standardize",
        body("""
        def standardize(X, mean, scale):
            return np.stack([(np.asarray(X)[:, j] - mean[j]) / scale[j] for j in range(len(mean))], axis=1)
     """),
    ),
    (
        "batchnorm_forward",
        body("""
        def batchnorm_forward(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
            X = np.array(X, dtype=float)
            if training:
                n = len(X)
                mu = np.mean(X, axis=0)
                centred = X - mu
                var = np.mean(centred ** 2, axis=0)
                inv_std = (var + eps) ** -0.5
                X_hat = centred * inv_std
                new_mean = running_mean + momentum * (mu - running_mean)
                new_var = running_var + momentum * (np.var(X, axis=0, ddof=1) - running_var)
                return X_hat * gamma + beta, (X_hat, gamma, inv_std), new_mean, new_var
            X -= running_mean                   # in place on the copy made above
            X /= np.sqrt(running_var + eps)
            return gamma * X + beta, None, running_mean.copy(), running_var.copy()
     """),
    ),
    (
        "batchnorm_backward",
        body("""
        def batchnorm_backward(dout, cache):
            # The long way, node by node of the computation graph.
            X_hat, gamma, inv_std = cache
            n = dout.shape[0]
            dbeta = np.sum(dout, axis=0)
            dgamma = np.sum(dout * X_hat, axis=0)
            dX_hat = dout * gamma
            centred = X_hat / inv_std                      # X − μ
            dvar = np.sum(dX_hat * centred, axis=0) * -0.5 * inv_std ** 3
            dmu = -np.sum(dX_hat * inv_std, axis=0) + dvar * np.mean(-2.0 * centred, axis=0)
            dX = dX_hat * inv_std + dvar * 2.0 * centred / n + dmu / n
            return dX, dgamma, dbeta
     """),
    ),
    (
        "batchnorm_backward",
        body("""
        def batchnorm_backward(dout, cache):
            X_hat, gamma, inv_std = cache
            n = len(dout)
            dbeta = np.einsum("nd->d", dout)
            dgamma = np.einsum("nd,nd->d", dout, X_hat)
            dX = gamma * inv_std / n * (n * dout - dbeta - X_hat * dgamma)
            return dX, dgamma, dbeta
     """),
    ),
    (
        "lr_schedule",
        body("""
        import math

        def lr_schedule(step, base_lr, warmup_steps, decay_steps, decay="cosine", min_lr=0.0, factor=0.1):
            if step < warmup_steps:
                return base_lr * (step + 1) / (warmup_steps + 1)
            progress = (step - warmup_steps) / decay_steps
            if decay == "step":
                return base_lr * factor ** math.floor(progress)
            progress = min(progress, 1.0)
            return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))
     """),
    ),
    (
        "clip_by_global_norm",
        body("""
        def clip_by_global_norm(grads, max_norm):
            flat = np.concatenate([np.ravel(g) for g in grads]).astype(float)
            total = np.linalg.norm(flat)
            factor = min(1.0, max_norm / total) if total > 0 else 1.0
            return [np.asarray(g) * factor for g in grads], total
     """),
    ),
    (
        "train_with_early_stopping",
        body("""
        import copy

        def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):
            history = {"train_loss": [], "val_loss": []}
            best_epoch, best_params = 0, None
            epoch = 0
            while epoch < max_epochs and (best_epoch == 0 or epoch - best_epoch < patience):
                params, train_loss = train_epoch(params)
                epoch += 1
                history["train_loss"].append(train_loss)
                history["val_loss"].append(val_loss(params))
                if best_epoch == 0 or history["val_loss"][-1] < history["val_loss"][best_epoch - 1]:
                    best_epoch, best_params = epoch, copy.deepcopy(params)
            history["best_epoch"] = best_epoch
            return best_params, history
     """),
    ),
    (
        "random_search",
        body("""
        def random_search(fit, val_score, test_score, n_trials, lr_range, reg_range, rng):
            # Natural logarithms and one draw at a time: the same numbers as the docstring's.
            lrs = np.array([np.exp(rng.uniform(np.log(lr_range[0]), np.log(lr_range[1])))
                            for _ in range(n_trials)])
            regs = np.array([np.exp(rng.uniform(np.log(reg_range[0]), np.log(reg_range[1])))
                             for _ in range(n_trials)])
            best, best_score, best_model, scores = None, -np.inf, None, []
            for i in range(n_trials):
                model = fit(lrs[i], regs[i])
                scores.append(val_score(model))
                if scores[-1] > best_score:
                    best, best_score, best_model = i, scores[-1], model
            return {"lrs": lrs, "regs": regs, "val_scores": scores, "best": best,
                    "model": best_model, "test_score": test_score(best_model)}
     """),
    ),
]

SALTS = ["", "another draw"]


@pytest.mark.parametrize("salt", SALTS)
@pytest.mark.parametrize("name, source, hint", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_mistake_scores_zero_with_its_hint(name, source, hint, salt):
    score, report = grade_source(name, source, salt=salt)
    assert score == 0.0, report
    assert f"Hint: {hint}" in report, report


@pytest.mark.parametrize("salt", SALTS)
@pytest.mark.parametrize("name, source, message", RAISING, ids=[f"{m[0]}-{i}" for i, m in enumerate(RAISING)])
def test_looking_at_the_test_set_twice_scores_zero_and_says_why(name, source, message, salt):
    score, report = grade_source(name, source, salt=salt)
    assert score == 0.0, report
    assert report.count(f"raised RuntimeError: {message}") == len(report.splitlines()) - 1, report


@pytest.mark.parametrize("salt", SALTS)
@pytest.mark.parametrize(
    "name, source, hint, labels", EDGE_SLIPS, ids=[f"{m[0]}-{i}" for i, m in enumerate(EDGE_SLIPS)]
)
def test_edge_slip_loses_only_its_edge_cases(name, source, hint, labels, salt):
    score, report = grade_source(name, source, salt=salt)
    assert score == points_failing(name, labels), report
    for label in labels:
        assert label in report, report
    assert f"Hint: {hint}" in report, report


@pytest.mark.parametrize("salt", SALTS)
@pytest.mark.parametrize("name, source", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_code_in_another_style_gets_full_marks(name, source, salt):
    score, report = grade_source(name, source, salt=salt)
    assert score == max_points(name), report


def test_every_hint_is_reached_by_a_catalogued_mistake():
    assert uncatalogued("ch09_training_well", MISTAKES + [slip[:3] for slip in EDGE_SLIPS]) == []


# Unused helpers of the shared catalogue, imported for the same interface as other chapters.
_ = (assert_fails_only, assert_full_marks, assert_scores_zero_with_hint)
