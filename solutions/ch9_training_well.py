"""Chapter 9 — training well: standardisation, batch normalisation, learning-rate
schedules, gradient clipping, early stopping and a random search on held-out data."""

import numpy as np

__all__ = [
    "fit_standardizer",
    "standardize",
    "batchnorm_forward",
    "batchnorm_backward",
    "lr_schedule",
    "clip_by_global_norm",
    "train_with_early_stopping",
    "random_search",
]


def fit_standardizer(X):
    """The statistics of standardisation, computed on the training set only.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Training inputs, one sample per row (possibly integers). Not modified.

    Returns
    -------
    mean : ndarray, shape (D,), float64
        μⱼ = (1/N) Σₙ Xₙⱼ, the mean of every feature (column).
    scale : ndarray, shape (D,), float64
        sⱼ = σⱼ = sqrt((1/N) Σₙ (Xₙⱼ − μⱼ)²), the standard deviation of
        every feature (divided by N, not N − 1, like np.std), except for a
        feature that is constant in the training set (σⱼ = 0): its scale is
        1, so that standardising never divides by 0.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"X must have shape (N, D) with N >= 1, got {X.shape}")
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def standardize(X, mean, scale):
    """Standardise any set (training, validation, test) with the training statistics.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Inputs of any set (possibly integers). Not modified.
    mean, scale : ndarray, shape (D,)
        From fit_standardizer on the TRAINING set (never recomputed here).

    Returns
    -------
    X_std : ndarray, shape (N, D), float64
        X_std = (X − mean) / scale, feature by feature (broadcast over rows).
    """
    X, mean, scale = (np.asarray(a, dtype=float) for a in (X, mean, scale))
    if X.ndim != 2 or mean.shape != X.shape[1:] or scale.shape != X.shape[1:]:
        raise ValueError(f"need X (N, D), mean (D,), scale (D,); "
                         f"got {X.shape}, {mean.shape}, {scale.shape}")
    return (X - mean) / scale


def batchnorm_forward(X, gamma, beta, running_mean, running_var, training,
                      momentum=0.1, eps=1e-5):
    """Batch normalisation of a layer's pre-activations, in training or test mode.

    Training mode (training=True) normalises with the statistics of the batch:
        μ_B = (1/N) Σₙ Xₙ,   σ²_B = (1/N) Σₙ (Xₙ − μ_B)²   (per feature),
        X̂ = (X − μ_B) / sqrt(σ²_B + ε),   out = γ ⊙ X̂ + β,
    and moves the running averages towards the batch's statistics:
        running_mean ← (1 − momentum)·running_mean + momentum·μ_B
        running_var  ← (1 − momentum)·running_var
                       + momentum·σ²_B·N/(N − 1)   (the unbiased variance).
    Test mode (training=False) uses the running averages instead of the
    batch's statistics and leaves them as they are:
        out = γ ⊙ (X − running_mean) / sqrt(running_var + ε) + β.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Pre-activations of a batch (possibly integers); N ≥ 2 in training mode.
    gamma, beta : ndarray, shape (D,)
        Learned scale γ and shift β of every feature.
    running_mean, running_var : ndarray, shape (D,)
        The running averages so far. Not modified: new arrays are returned.
    training : bool
        True for training mode, False for test mode.
    momentum : float
        Weight of the new batch in the running averages, 0 < momentum ≤ 1
        (PyTorch's convention; Keras's momentum is 1 minus this).
    eps : float
        ε > 0, added to the variance before the square root.

    Returns
    -------
    out : ndarray, shape (N, D), float64
    cache : tuple (X_hat, gamma, inv_std) or None
        Training mode: exactly (X̂, γ, 1 / sqrt(σ²_B + ε)), with X̂ of shape
        (N, D) and the other two of shape (D,): what batchnorm_backward
        needs. Test mode: None.
    running_mean, running_var : ndarray, shape (D,), float64
        The updated running averages (training mode), or the given ones
        unchanged (test mode).
    """
    X, gamma, beta, running_mean, running_var = (
        np.asarray(a, dtype=float) for a in (X, gamma, beta, running_mean, running_var))
    if X.ndim != 2 or any(a.shape != X.shape[1:] for a in
                          (gamma, beta, running_mean, running_var)):
        raise ValueError(f"need X (N, D) and gamma, beta, running_mean, "
                         f"running_var (D,); got {X.shape}, {gamma.shape}, "
                         f"{beta.shape}, {running_mean.shape}, {running_var.shape}")
    if not training:
        out = gamma * (X - running_mean) / np.sqrt(running_var + eps) + beta
        return out, None, running_mean.copy(), running_var.copy()
    n = X.shape[0]
    if n < 2:
        raise ValueError("training mode needs a batch of N >= 2 samples (with one "
                         "sample every X̂ is 0 and the unbiased variance is undefined)")
    mean = X.mean(axis=0)
    var = X.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    X_hat = (X - mean) * inv_std
    new_mean = (1.0 - momentum) * running_mean + momentum * mean
    new_var = (1.0 - momentum) * running_var + momentum * var * n / (n - 1)
    return gamma * X_hat + beta, (X_hat, gamma, inv_std), new_mean, new_var


def batchnorm_backward(dout, cache):
    """Backward pass of batch normalisation in training mode.

    Parameters
    ----------
    dout : ndarray, shape (N, D)
        ∂L/∂out, the upstream gradient. Not modified.
    cache : tuple (X_hat, gamma, inv_std)
        From batchnorm_forward in training mode: X̂ (N, D), γ (D,) and
        1 / sqrt(σ²_B + ε) (D,).

    Returns
    -------
    dX : ndarray, shape (N, D)
        ∂L/∂X, through X̂ and through the batch's mean and variance, which
        depend on every row of X. With the column means m(·) over the rows:
        dX = γ ⊙ inv_std ⊙ (dout − m(dout) − X̂ ⊙ m(dout ⊙ X̂))
    dgamma : ndarray, shape (D,)
        ∂L/∂γ = Σₙ doutₙ ⊙ X̂ₙ
    dbeta : ndarray, shape (D,)
        ∂L/∂β = Σₙ doutₙ
    """
    X_hat, gamma, inv_std = cache
    dout = np.asarray(dout, dtype=float)
    if dout.shape != X_hat.shape:
        raise ValueError(f"dout must have shape {X_hat.shape}, got {dout.shape}")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * X_hat).sum(axis=0)
    dX = gamma * inv_std * (dout - dout.mean(axis=0)
                            - X_hat * (dout * X_hat).mean(axis=0))
    return dX, dgamma, dbeta


def lr_schedule(step, base_lr, warmup_steps, decay_steps, decay="cosine", min_lr=0.0,
                factor=0.1):
    """The learning rate of update number `step`: linear warm-up, then decay.

    Steps count the updates from 0. With η = base_lr:

    Warm-up, step < warmup_steps:   η · (step + 1) / (warmup_steps + 1)
        (a straight line that starts above 0 and reaches η at step
        warmup_steps).
    Then, with τ = step − warmup_steps (the steps since the warm-up):
    decay="cosine":      min_lr + (η − min_lr) · (1 + cos(π τ / decay_steps)) / 2
        for τ ≤ decay_steps (from η at τ = 0 down to min_lr at
        τ = decay_steps), and min_lr for every later step;
    decay="step":        η · factor ** ⌊τ / decay_steps⌋
        (multiplied by factor every decay_steps steps; min_lr is not used).

    Parameters
    ----------
    step : int
        Update number t ≥ 0.
    base_lr : float
        Peak learning rate η > 0.
    warmup_steps : int
        ≥ 0 (0: no warm-up).
    decay_steps : int
        ≥ 1: the length of the cosine decay, or the interval between drops.
    decay : str
        "cosine" or "step".
    min_lr : float
        The floor of the cosine decay, 0 ≤ min_lr ≤ base_lr.
    factor : float
        The step decay's factor per drop, 0 < factor < 1.

    Returns
    -------
    lr : float
    """
    if decay not in ("cosine", "step"):
        raise ValueError(f"decay must be 'cosine' or 'step', got {decay!r}")
    if step < 0 or warmup_steps < 0 or decay_steps < 1:
        raise ValueError(f"need step >= 0, warmup_steps >= 0, decay_steps >= 1; "
                         f"got {step}, {warmup_steps}, {decay_steps}")
    if step < warmup_steps:
        return base_lr * (step + 1) / (warmup_steps + 1)
    tau = step - warmup_steps
    if decay == "step":
        return base_lr * factor ** (tau // decay_steps)
    if tau >= decay_steps:
        return float(min_lr)
    return min_lr + (base_lr - min_lr) * (1.0 + np.cos(np.pi * tau / decay_steps)) / 2.0


def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradients down together when their joint norm is too large.

    Parameters
    ----------
    grads : list of ndarray
        Gradient arrays of any shapes (e.g. dW1, db1, dW2, db2). Not modified.
    max_norm : float
        The largest global norm allowed, > 0.

    Returns
    -------
    clipped : list of ndarray, float64
        New arrays, same shapes as grads. With the global norm
        ‖g‖ = sqrt(Σ over all arrays and entries of g²): if ‖g‖ > max_norm
        every array is multiplied by the same factor max_norm / ‖g‖ (the
        direction is kept, the length becomes max_norm); otherwise the
        gradients are returned unchanged (also when they are all 0).
    total_norm : float
        ‖g‖ before clipping.
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    grads = [np.asarray(g, dtype=float) for g in grads]
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return [g * scale for g in grads], total_norm


def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):
    """Train epoch by epoch; keep the parameters with the lowest validation loss.

    After every epoch k = 1, 2, … the validation loss of the new parameters
    is computed. It improves when it is strictly lower than the lowest so far
    (the first epoch always does): then those parameters are the best so far.
    Training stops after `patience` epochs in a row without an improvement,
    or after max_epochs epochs, whichever comes first.

    Parameters
    ----------
    params : any
        Initial parameters (e.g. a list of (W, b)); passed to train_epoch,
        never modified here.
    train_epoch : callable
        train_epoch(params) -> (new_params, train_loss): one epoch of training.
    val_loss : callable
        val_loss(params) -> float: the loss on the validation set.
    max_epochs : int
        ≥ 1.
    patience : int
        ≥ 1: epochs without improvement tolerated before stopping.

    Returns
    -------
    best_params : any
        The parameters after the epoch with the lowest validation loss (as
        train_epoch returned them).
    history : dict
        "train_loss", "val_loss": lists of float, one entry per epoch run;
        "best_epoch": int, the epoch (counted from 1) of best_params.
    """
    if max_epochs < 1 or patience < 1:
        raise ValueError(f"need max_epochs >= 1 and patience >= 1, "
                         f"got {max_epochs}, {patience}")
    history = {"train_loss": [], "val_loss": [], "best_epoch": 0}
    best_params, best_loss, waited = params, np.inf, 0
    for epoch in range(1, max_epochs + 1):
        params, train_loss = train_epoch(params)
        loss = float(val_loss(params))
        history["train_loss"].append(float(train_loss))
        history["val_loss"].append(loss)
        if loss < best_loss:
            best_params, best_loss, waited = params, loss, 0
            history["best_epoch"] = epoch
        else:
            waited += 1
            if waited == patience:
                break
    return best_params, history


def random_search(fit, val_score, test_score, n_trials, lr_range, reg_range, rng):
    """Random search over learning rates and L2 strengths, both drawn log-uniformly.

    Draw every setting first, exactly so (in this order):
        log_lrs = rng.uniform(log10(lr_low), log10(lr_high), size=n_trials)
        log_regs = rng.uniform(log10(reg_low), log10(reg_high), size=n_trials)
        lrs, regs = 10 ** log_lrs, 10 ** log_regs
    Then for trial i = 0, 1, …: model_i = fit(lrs[i], regs[i]), scored by
    val_score(model_i). The best trial is the one with the highest
    validation score (the first of them on ties). The test set is looked at
    once, at the very end: test_score(best model), never to choose.

    Parameters
    ----------
    fit : callable
        fit(lr, reg) -> model: trains from scratch with those settings.
    val_score : callable
        val_score(model) -> float, higher is better (e.g. validation accuracy).
    test_score : callable
        test_score(model) -> float; call it exactly once.
    n_trials : int
        ≥ 1.
    lr_range, reg_range : tuple (low, high)
        Bounds of η and λ, 0 < low < high.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    result : dict
        "lrs", "regs", "val_scores": ndarray, shape (n_trials,), trial by trial;
        "best": int, the index of the chosen trial;
        "model": the chosen trial's model;
        "test_score": float, test_score of that model.
    """
    (lr_low, lr_high), (reg_low, reg_high) = lr_range, reg_range
    if n_trials < 1 or not 0 < lr_low < lr_high or not 0 < reg_low < reg_high:
        raise ValueError(f"need n_trials >= 1 and ranges 0 < low < high, "
                         f"got {n_trials}, {lr_range}, {reg_range}")
    lrs = 10.0 ** rng.uniform(np.log10(lr_low), np.log10(lr_high), size=n_trials)
    regs = 10.0 ** rng.uniform(np.log10(reg_low), np.log10(reg_high), size=n_trials)
    models, scores = [], []
    for lr, reg in zip(lrs, regs):
        models.append(fit(float(lr), float(reg)))
        scores.append(float(val_score(models[-1])))
    best = int(np.argmax(scores))
    return {"lrs": lrs, "regs": regs, "val_scores": np.array(scores), "best": best,
            "model": models[best], "test_score": float(test_score(models[best]))}
