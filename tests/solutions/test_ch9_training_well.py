"""Chapter 9's reference against the libraries that define these methods in practice.

Standardisation against scikit-learn's ``StandardScaler``; batch normalisation
against PyTorch's ``BatchNorm1d`` in training and evaluation mode (outputs,
running averages, and the gradients autograd computes) and against central
differences; the learning-rate schedules against ``LinearLR`` then
``CosineAnnealingLR`` or ``StepLR`` under ``SequentialLR``; gradient clipping
against ``torch.nn.utils.clip_grad_norm_``. Early stopping and the random
search are checked on runs whose answer is known.
"""

import math

import numpy as np
import pytest
import torch
from gradcheck import assert_backward
from sklearn.preprocessing import StandardScaler

from solutions import (
    batchnorm_backward,
    batchnorm_forward,
    clip_by_global_norm,
    fit_standardizer,
    lr_schedule,
    random_search,
    standardize,
    train_with_early_stopping,
)

torch.set_default_dtype(torch.float64)


# ---------------------------------------------------------------- standardisation


def test_standardizer_matches_scikit_learn_with_constant_features():
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, [0.5, 2.0, 10.0, 1.0, 4.0], size=(40, 5))
    X_train[:, 3] = -2.0  # constant in the training set
    X_train[:, 1] = rng.integers(0, 5, 40)  # integer-valued
    X_test = rng.normal(3.0, 2.0, size=(11, 5))
    scaler = StandardScaler().fit(X_train)
    mean, scale = fit_standardizer(X_train)
    np.testing.assert_allclose(mean, scaler.mean_, rtol=1e-12)
    np.testing.assert_allclose(scale, scaler.scale_, rtol=1e-12)
    assert scale[3] == 1.0
    np.testing.assert_allclose(standardize(X_test, mean, scale), scaler.transform(X_test), rtol=1e-12)
    Z = standardize(X_train, mean, scale)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), [1, 1, 1, 0, 1], atol=1e-12)


def test_standardizer_takes_integers_and_returns_floats():
    X = np.array([[0, 2, 7], [2, 2, 7], [4, 2, 7], [6, 2, 7]])
    mean, scale = fit_standardizer(X)
    assert mean.dtype == scale.dtype == np.float64
    np.testing.assert_array_equal(mean, [3, 2, 7])
    np.testing.assert_allclose(scale, [math.sqrt(5), 1, 1])
    assert standardize(X, mean, scale).dtype == np.float64


# ---------------------------------------------------------------- batch normalisation


def torch_batchnorm(X, gamma, beta, running_mean, running_var, momentum, eps):
    layer = torch.nn.BatchNorm1d(X.shape[1], momentum=momentum, eps=eps)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(gamma))
        layer.bias.copy_(torch.from_numpy(beta))
        layer.running_mean.copy_(torch.from_numpy(running_mean))
        layer.running_var.copy_(torch.from_numpy(running_var))
    return layer


def bn_problem(seed, n=9, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(rng.normal(0, 3, d), rng.uniform(0.2, 4.0, d), size=(n, d))
    return (X, rng.uniform(0.5, 2.0, d), rng.normal(0, 1, d), rng.normal(0, 1, d), rng.uniform(0.5, 3.0, d))


@pytest.mark.parametrize("momentum, eps", [(0.1, 1e-5), (0.3, 0.01), (1.0, 0.5)])
def test_batchnorm_training_mode_matches_pytorch(momentum, eps):
    X, gamma, beta, rmean, rvar = bn_problem(1)
    layer = torch_batchnorm(X, gamma, beta, rmean, rvar, momentum, eps).train()
    X_t = torch.from_numpy(X).requires_grad_(True)
    out_t = layer(X_t)
    dout = np.random.default_rng(2).standard_normal(X.shape)
    out_t.backward(torch.from_numpy(dout))

    out, cache, new_mean, new_var = batchnorm_forward(X, gamma, beta, rmean, rvar, True, momentum, eps)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(new_mean, layer.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(new_var, layer.running_var.numpy(), rtol=1e-12)  # unbiased update
    dX, dgamma, dbeta = batchnorm_backward(dout, cache)
    np.testing.assert_allclose(dX, X_t.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, layer.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dbeta, layer.bias.grad.numpy(), rtol=1e-10)


def test_batchnorm_test_mode_matches_pytorch_and_keeps_running_averages():
    X, gamma, beta, rmean, rvar = bn_problem(3)
    layer = torch_batchnorm(X, gamma, beta, rmean, rvar, 0.1, 1e-3).eval()
    with torch.no_grad():
        want = layer(torch.from_numpy(X)).numpy()
    out, cache, new_mean, new_var = batchnorm_forward(X, gamma, beta, rmean, rvar, False, 0.1, 1e-3)
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)
    assert cache is None
    np.testing.assert_array_equal(new_mean, rmean)
    np.testing.assert_array_equal(new_var, rvar)
    # One sample at a time gives the same rows: test mode does not depend on the batch.
    rows = [batchnorm_forward(X[i : i + 1], gamma, beta, rmean, rvar, False, 0.1, 1e-3)[0] for i in range(len(X))]
    np.testing.assert_allclose(np.concatenate(rows), out, rtol=1e-14)


def test_batchnorm_cache_is_x_hat_gamma_inv_std():
    X, gamma, beta, rmean, rvar = bn_problem(4, n=6, d=3)
    _, (X_hat, g, inv_std), _, _ = batchnorm_forward(X, gamma, beta, rmean, rvar, True, 0.1, 0.01)
    np.testing.assert_allclose(inv_std, 1 / np.sqrt(X.var(axis=0) + 0.01))
    np.testing.assert_allclose(X_hat, (X - X.mean(axis=0)) * inv_std)
    np.testing.assert_array_equal(g, gamma)


def test_batchnorm_with_a_constant_feature_and_integer_input():
    X = np.array([[1, 5, 2], [3, 5, 0], [8, 5, 1], [4, 5, 7]])
    gamma, beta = np.array([2.0, 3.0, 0.5]), np.array([0.0, -1.0, 1.0])
    out, cache, new_mean, new_var = batchnorm_forward(X, gamma, beta, np.zeros(3), np.ones(3), True)
    np.testing.assert_allclose(out[:, 1], -1.0)  # X̂ = 0 for a constant feature: out = β
    np.testing.assert_allclose(new_var[1], 0.9)
    layer = torch_batchnorm(X, gamma, beta, np.zeros(3), np.ones(3), 0.1, 1e-5).train()
    np.testing.assert_allclose(out, layer(torch.from_numpy(X.astype(float))).detach().numpy(), rtol=1e-10, atol=1e-12)


def test_batchnorm_backward_against_central_differences():
    X, gamma, beta, rmean, rvar = bn_problem(5, n=7, d=3)
    dout = np.random.default_rng(6).standard_normal(X.shape)

    def forward(X, gamma, beta):
        return batchnorm_forward(X, gamma, beta, rmean, rvar, True, 0.1, 0.01)[0]

    cache = batchnorm_forward(X, gamma, beta, rmean, rvar, True, 0.1, 0.01)[1]
    assert_backward(forward, (X, gamma, beta), dout, batchnorm_backward(dout, cache))


def test_batchnorm_gradient_sums_to_zero_over_the_batch():
    # Adding a constant to a column of X changes nothing after normalisation.
    X, gamma, beta, rmean, rvar = bn_problem(7)
    cache = batchnorm_forward(X, gamma, beta, rmean, rvar, True)[1]
    dX, _, _ = batchnorm_backward(np.random.default_rng(8).standard_normal(X.shape), cache)
    np.testing.assert_allclose(dX.sum(axis=0), 0.0, atol=1e-12)


def test_batchnorm_training_mode_needs_two_samples():
    with pytest.raises(ValueError, match="N >= 2"):
        batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), True)


# ---------------------------------------------------------------- learning-rate schedules


def torch_rates(base_lr, warmup, second, steps):
    """The learning rates PyTorch's schedulers give for updates 0 … steps−1."""
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=base_lr)
    decay = second(optimizer)
    if warmup:
        linear = torch.optim.lr_scheduler.LinearLR(
            optimizer, start_factor=1 / (warmup + 1), end_factor=1.0, total_iters=warmup
        )
        scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [linear, decay], milestones=[warmup])
    else:
        scheduler = decay
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(rates)


@pytest.mark.parametrize("warmup, decay_steps, min_lr", [(5, 20, 0.0), (3, 12, 0.002), (0, 9, 0.01)])
def test_warmup_then_cosine_matches_pytorch(warmup, decay_steps, min_lr):
    steps = warmup + decay_steps + 1
    want = torch_rates(
        0.3,
        warmup,
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=decay_steps, eta_min=min_lr),
        steps,
    )
    got = [lr_schedule(t, 0.3, warmup, decay_steps, "cosine", min_lr) for t in range(steps)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # After the decay the rate stays at min_lr (PyTorch's cosine would rise again).
    assert lr_schedule(steps + 7, 0.3, warmup, decay_steps, "cosine", min_lr) == min_lr


@pytest.mark.parametrize("warmup, step_size, factor", [(4, 6, 0.5), (0, 3, 0.1), (2, 1, 0.9)])
def test_warmup_then_step_decay_matches_pytorch(warmup, step_size, factor):
    steps = warmup + 5 * step_size
    want = torch_rates(
        0.05, warmup, lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=factor), steps
    )
    got = [lr_schedule(t, 0.05, warmup, step_size, "step", factor=factor) for t in range(steps)]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_schedule_hand_values():
    assert [lr_schedule(t, 1.0, 3, 4) for t in range(3)] == [0.25, 0.5, 0.75]
    assert lr_schedule(3, 1.0, 3, 4) == 1.0
    assert lr_schedule(5, 1.0, 3, 4) == pytest.approx(0.5)  # halfway down the cosine
    assert lr_schedule(7, 1.0, 3, 4) == 0.0
    assert lr_schedule(3 + 8, 2.0, 3, 4, "step", factor=0.5) == 0.5
    with pytest.raises(ValueError, match="decay"):
        lr_schedule(0, 1.0, 0, 4, "linear")


# ---------------------------------------------------------------- gradient clipping


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_by_global_norm_matches_pytorch(max_norm):
    rng = np.random.default_rng(9)
    grads = [rng.standard_normal((4, 3)), rng.standard_normal(3), 2 * rng.standard_normal((3, 2, 2))]
    tensors = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for tensor, g in zip(tensors, grads):
        tensor.grad = torch.from_numpy(g.copy())
    norm_t = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    clipped, norm = clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(float(norm_t), rel=1e-12)
    # PyTorch divides by norm + 1e-6: the same up to that relative difference.
    for got, tensor in zip(clipped, tensors):
        np.testing.assert_allclose(got, tensor.grad.numpy(), rtol=1e-6 / max_norm + 1e-12)
    if norm > max_norm:
        assert np.sqrt(sum(np.sum(g**2) for g in clipped)) == pytest.approx(max_norm, rel=1e-12)


def test_clip_by_global_norm_hand_values_and_zero_gradients():
    clipped, norm = clip_by_global_norm([np.array([3.0, 0.0]), np.array([[0, 4]])], 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped[0], [0.6, 0.0])
    np.testing.assert_allclose(clipped[1], [[0.0, 0.8]])
    clipped, norm = clip_by_global_norm([np.zeros(3), np.zeros((2, 2))], 1.0)
    assert norm == 0.0 and all(not np.any(g) for g in clipped)


# ---------------------------------------------------------------- early stopping


def scripted(val_losses):
    """params is the number of epochs done; the losses are read from a table."""
    return (lambda k: (k + 1, 10.0 - k)), (lambda k: val_losses[k - 1])


def test_early_stopping_keeps_the_best_and_stops_after_patience():
    train_epoch, val_loss = scripted([0.9, 0.7, 0.75, 0.6, 0.65, 0.62, 0.61, 0.7, 0.1])
    best, history = train_with_early_stopping(0, train_epoch, val_loss, max_epochs=20, patience=3)
    assert best == 4 and history["best_epoch"] == 4
    assert history["val_loss"] == [0.9, 0.7, 0.75, 0.6, 0.65, 0.62, 0.61]
    assert history["train_loss"] == [10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0]


def test_early_stopping_ties_do_not_improve_and_max_epochs_ends_a_run():
    train_epoch, val_loss = scripted([0.5, 0.4, 0.4, 0.3, 0.3, 0.3])
    best, history = train_with_early_stopping(0, train_epoch, val_loss, max_epochs=6, patience=2)
    assert best == 4 and len(history["val_loss"]) == 6
    best, history = train_with_early_stopping(0, train_epoch, val_loss, max_epochs=3, patience=5)
    assert best == 2 and history["best_epoch"] == 2 and len(history["val_loss"]) == 3


# ---------------------------------------------------------------- random search


def test_random_search_draws_log_uniformly_and_tests_once():
    calls = []

    def test_score(model):
        calls.append(model)
        return -1.0

    def val_score(model):  # best near lr = 1e-2, reg = 1e-4
        return -((np.log10(model[0]) + 2) ** 2) - (np.log10(model[1]) + 4) ** 2

    result = random_search(
        lambda lr, reg: (lr, reg), val_score, test_score, 200, (1e-4, 1.0), (1e-6, 1e-2), np.random.default_rng(10)
    )
    lrs, regs = result["lrs"], result["regs"]
    replay = np.random.default_rng(10)
    np.testing.assert_allclose(np.log10(lrs), replay.uniform(-4, 0, 200), rtol=1e-12)
    np.testing.assert_allclose(np.log10(regs), replay.uniform(-6, -2, 200), rtol=1e-12)
    # log-uniform: each decade of the range holds about a quarter of the draws
    counts = np.histogram(np.log10(lrs), bins=[-4, -3, -2, -1, 0])[0]
    assert counts.min() > 30
    best = result["best"]
    assert result["val_scores"][best] == result["val_scores"].max()
    assert result["model"] == (lrs[best], regs[best])
    assert calls == [result["model"]] and result["test_score"] == -1.0


def test_random_search_first_of_tied_trials_wins():
    result = random_search(
        lambda lr, reg: lr, lambda model: 1.0, lambda model: 0.5, 5, (0.1, 1.0), (0.1, 1.0), np.random.default_rng(11)
    )
    assert result["best"] == 0 and result["model"] == result["lrs"][0]
