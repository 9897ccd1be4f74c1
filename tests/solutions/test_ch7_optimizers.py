import numpy as np
import pytest

from solutions import (
    adam_step,
    iterate_minibatches,
    momentum_step,
    nesterov_step,
    rmsprop_step,
    sgd_step,
)

W0 = np.array([1.0, 2.0])
G = np.array([0.5, -1.0])


def test_minibatches_partition_the_samples():
    batches = iterate_minibatches(50, 16, np.random.default_rng(0))
    assert isinstance(batches, list)
    assert [len(batch) for batch in batches] == [16, 16, 16, 2]
    assert all(np.issubdtype(batch.dtype, np.integer) for batch in batches)
    everything = np.concatenate(batches)
    np.testing.assert_array_equal(np.sort(everything), np.arange(50))
    assert not np.array_equal(everything, np.arange(50))  # shuffled


def test_minibatches_exact_division_and_reproducibility():
    assert [len(b) for b in iterate_minibatches(48, 16, np.random.default_rng(1))] == [16, 16, 16]
    first = iterate_minibatches(30, 7, np.random.default_rng(2))
    again = iterate_minibatches(30, 7, np.random.default_rng(2))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    rng = np.random.default_rng(3)
    epoch1, epoch2 = iterate_minibatches(30, 30, rng), iterate_minibatches(30, 30, rng)
    assert not np.array_equal(epoch1[0], epoch2[0])  # a new order every epoch
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        iterate_minibatches(10, 0, rng)


def test_sgd_step_by_hand():
    np.testing.assert_allclose(sgd_step(W0, G, 0.1), [0.95, 2.1], rtol=1e-15)
    with pytest.raises(ValueError, match="lr must be > 0"):
        sgd_step(W0, G, 0.0)


def test_momentum_step_by_hand():
    w, v = momentum_step(W0, G, np.array([0.1, 0.2]), lr=0.1)
    np.testing.assert_allclose(v, [0.14, 0.08], rtol=1e-14)  # 0.9·(0.1, 0.2) + 0.1·(0.5, −1)
    np.testing.assert_allclose(w, [0.86, 1.92], rtol=1e-14)  # w − v
    w, v = momentum_step(W0, G, np.zeros(2), lr=0.5, gamma=0.5)
    np.testing.assert_array_equal(v, [0.25, -0.5])
    np.testing.assert_array_equal(w, [0.75, 2.5])
    with pytest.raises(ValueError, match="gamma in"):
        momentum_step(W0, G, np.zeros(2), lr=0.1, gamma=1.0)


def test_nesterov_step_by_hand():
    w, v = nesterov_step(W0, G, np.array([0.1, 0.2]), lr=0.1)
    np.testing.assert_allclose(v, [0.14, 0.08], rtol=1e-14)
    # step = 0.9·v_new + 0.1·g = (0.126 + 0.05, 0.072 − 0.1)
    np.testing.assert_allclose(w, [1.0 - 0.176, 2.0 + 0.028], rtol=1e-14)


def test_rmsprop_step_by_hand():
    # c = 0.5·(7, 4) + 0.5·(1, 4) = (4, 4), √c = 2, step = 0.1·g / 2
    w, c = rmsprop_step(W0, np.array([1.0, -2.0]), np.array([7.0, 4.0]), lr=0.1, decay=0.5, eps=0.0)
    np.testing.assert_array_equal(c, [4.0, 4.0])
    np.testing.assert_allclose(w, [0.95, 2.1], rtol=1e-15)
    w, c = rmsprop_step(W0, G, np.zeros(2), lr=0.01)  # defaults: decay 0.99, eps 1e-8
    np.testing.assert_allclose(c, 0.01 * G**2, rtol=1e-15)
    np.testing.assert_allclose(w, W0 - 0.01 * G / (0.1 * np.abs(G) + 1e-8), rtol=1e-15)


def test_adam_first_step_moves_each_coordinate_by_lr():
    w0, g = np.array([1.0, -2.0, 3.0, 0.0]), np.array([0.3, -40.0, 1e-2, -2.0])
    w, m, v = adam_step(w0, g, np.zeros(4), np.zeros(4), t=1, lr=1e-3)
    np.testing.assert_allclose(m, 0.1 * g, rtol=1e-14)
    np.testing.assert_allclose(v, 0.001 * g**2, rtol=1e-12)
    np.testing.assert_allclose(w, w0 - 1e-3 * np.sign(g), rtol=0, atol=1e-9)


def test_adam_bias_correction_keeps_steps_at_lr_for_a_constant_gradient():
    w, m, v = np.array([0.0]), np.zeros(1), np.zeros(1)
    for t in range(1, 6):
        w_new, m, v = adam_step(w, np.array([4.0]), m, v, t, lr=0.01)
        np.testing.assert_allclose(w - w_new, [0.01], rtol=1e-8)  # m̂ = g, v̂ = g² at every t
        w = w_new


def test_adam_rejects_bad_arguments():
    with pytest.raises(ValueError, match="t must be >= 1"):
        adam_step(W0, G, np.zeros(2), np.zeros(2), t=0)
    with pytest.raises(ValueError, match="lr > 0"):
        adam_step(W0, G, np.zeros(2), np.zeros(2), t=1, lr=-1e-3)
