"""coursekit.drivers: scenarios of several calls, reported as plain data.

The hidden tests of chapter 7 rely on these reports: the state is carried from
call to call, a step that changes its inputs or returns the wrong kind of result
is reported (not hidden, not crashed on), and a property-graded epoch function
is called with the generators the check expects.
"""

import numpy as np
import pytest

import solutions as S
from coursekit import drivers, functions
from coursekit.probing import decode, encode


def half_square(w):
    return np.array(w, dtype=float)  # the gradient of ½ Σ w²


def test_momentum_run_by_hand():
    run = drivers.run_optimizer(
        S.momentum_step, half_square, np.array([1.0]), 3, (0.1, 0.5), (("velocity", np.zeros(1)),)
    )
    assert run["problem"] is None and run["kind"] is None and run["modified"] == []
    assert run["steps"] == 3
    np.testing.assert_allclose(run["w"][:, 0], [1.0, 0.9, 0.76, 0.614], rtol=1e-14)
    np.testing.assert_allclose(run["state"]["velocity"][:, 0], [0.0, 0.1, 0.14, 0.146], rtol=1e-14)


def test_adam_gets_the_step_counter_and_keeps_its_defaults():
    seen = []

    def spy(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        seen.append((t, lr, beta1))
        return S.adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)

    zeros = (("m", np.zeros(2)), ("v", np.zeros(2)))
    run = drivers.run_optimizer(spy, lambda w: np.array([4.0, -0.5]), np.zeros(2), 4, (0.01,), zeros, t=11)
    assert seen == [(11, 0.01, 0.9), (12, 0.01, 0.9), (13, 0.01, 0.9), (14, 0.01, 0.9)]
    np.testing.assert_allclose(
        run["w"][1],
        run["w"][0] - 0.01 * np.sign([4.0, -0.5]) * ((0.1 / (1 - 0.9**11)) / np.sqrt(0.001 / (1 - 0.999**11))),
        rtol=1e-6,
    )


def test_weight_matrices_and_the_inputs_of_the_driver_stay_unchanged():
    X, C = np.arange(12.0).reshape(4, 3) / 10, np.ones((3, 2))
    W0 = np.full((3, 2), 0.5)
    before = W0.copy()
    run = drivers.run_optimizer(S.sgd_step, functions.quadratic_gradient(X.T @ X / 4, C), W0, 2, (0.1,))
    np.testing.assert_array_equal(W0, before)
    grad = X.T @ X @ (W0 - C) / 4
    np.testing.assert_allclose(run["w"][1], W0 - 0.1 * grad, rtol=1e-14)
    assert run["w"].shape == (3, 3, 2)


def test_a_step_that_changes_its_input_in_place_is_reported_and_the_run_goes_on():
    def in_place(w, grad, velocity, lr, gamma=0.9):
        velocity *= gamma
        velocity += lr * grad
        return w - velocity, velocity

    def fresh(w, grad, velocity, lr, gamma=0.9):
        velocity = gamma * velocity + lr * grad
        return w - velocity, velocity

    start = (("velocity", np.zeros(3)),)
    run = drivers.run_optimizer(in_place, half_square, np.ones(3), 5, (0.1,), start)
    assert run["modified"] == ["velocity"] and run["kind"] is None and run["problem"] is None
    right = drivers.run_optimizer(fresh, half_square, np.ones(3), 5, (0.1,), start)
    assert run["steps"] == 5 and np.array_equal(run["w"], right["w"]) and right["modified"] == []


@pytest.mark.parametrize(
    "returned, kind",
    [
        ("w only", "not a tuple"),
        ("three items", "wrong length"),
        ("None", "not numbers"),
        ("a flat state", "wrong shape"),
    ],
)
def test_results_of_the_wrong_kind_stop_the_run_with_a_reason(returned, kind):
    def step(w, grad, velocity, lr, gamma=0.9):
        v = gamma * velocity + lr * grad
        return {
            "w only": w - v,
            "three items": (w - v, v, v),
            "None": (w - v, None),
            "a flat state": (w - v, v.ravel()),
        }[returned]

    run = drivers.run_optimizer(step, half_square, np.ones((2, 3)), 4, (0.1,), (("velocity", np.zeros((2, 3))),))
    assert run["kind"] == kind and run["steps"] == 0 and run["problem"].startswith("step 1: step ")
    assert run["w"].shape == (1, 2, 3)


def test_runs_survive_the_trip_through_the_data_layer():
    run = drivers.run_optimizer(S.rmsprop_step, half_square, np.ones(2), 2, (0.1,), (("cache", np.zeros(2)),))
    tree, arrays = encode(run)
    back = decode(tree, arrays)
    assert back["problem"] is None and back["modified"] == []
    np.testing.assert_array_equal(back["state"]["cache"], run["state"]["cache"])


def test_epochs_from_the_same_rng_and_from_fresh_generators():
    run = drivers.run_epochs(
        S.iterate_minibatches, 11, 4, np.random.default_rng(5), np.random.default_rng(5), np.random.default_rng(6), 3
    )
    assert run["problem"] is None
    assert [[len(b) for b in epoch] for epoch in run["epochs"]] == [[4, 4, 3]] * 3
    for epoch in run["epochs"]:
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(11))
    first = np.concatenate(run["epochs"][0])
    np.testing.assert_array_equal(np.concatenate(run["same_seed"]), first)
    assert not np.array_equal(np.concatenate(run["other_seed"]), first)
    assert not np.array_equal(np.concatenate(run["epochs"][1]), first)


def test_an_epoch_that_is_not_a_list_of_index_arrays_is_reported():
    run = drivers.run_epochs(lambda n, b, rng: rng.permutation(n), 10, 3, *(np.random.default_rng(0),) * 3, 2)
    assert run["epochs"] == [] and "one flat array" in run["problem"]
    run = drivers.run_epochs(lambda n, b, rng: [["a", "b"]], 10, 3, *(np.random.default_rng(0),) * 3, 2)
    assert "not a 1-D array of indices" in run["problem"]


def test_the_quadratic_of_a_weight_matrix_has_the_gradient_central_differences_give():
    rng = np.random.default_rng(0)
    X, C, W = rng.standard_normal((7, 4)), rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    loss_and_grad = functions.quadratic(X.T @ X / 7, C)
    loss, grad = loss_and_grad(W)
    assert loss == pytest.approx(0.5 * np.sum((X @ (W - C)) ** 2) / 7, rel=1e-12)
    numeric = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[i] = 1e-6
        numeric[i] = (loss_and_grad(W + step)[0] - loss_and_grad(W - step)[0]) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(functions.quadratic_gradient(X.T @ X / 7, C)(W), grad)


# ---------------------------------------------------------------- chapter 9's stand-ins and copies


def test_calls_on_copies_leave_the_callers_arguments_alone():
    from coursekit import scenarios

    def scale_in_place(g, factor):
        g *= factor
        return g

    g = np.array([1.0, 2.0])
    assert np.array_equal(scenarios.on_copies(scale_in_place, g, 3.0), [3.0, 6.0])
    both = scenarios.calls_on_copies(scale_in_place, (g, 2.0), (g, 5.0))
    assert np.array_equal(both[0], [2.0, 4.0]) and np.array_equal(both[1], [5.0, 10.0])
    assert np.array_equal(g, [1.0, 2.0])
    assert np.array_equal(scenarios.calls(scale_in_place, (g, 2.0))[0], [2.0, 4.0])
    assert np.array_equal(g, [2.0, 4.0])  # without copies the caller's array changes


def test_a_scripted_run_counts_its_epochs_in_the_parameters():
    train_epoch = functions.scripted_epoch(step=[1.0, 0.5], train_losses=[3.0, 2.0, 1.0])
    val_loss = functions.scripted_loss(values=[9.0, 0.4, 0.3, 0.5])
    start = np.array([0.0, 7.0])
    params, loss = train_epoch(start)
    assert np.array_equal(params, [1.0, 7.5]) and loss == 3.0 and np.array_equal(start, [0.0, 7.0])
    assert val_loss(start) == 9.0 and val_loss(params) == 0.4
    params, loss = train_epoch(params)
    assert loss == 2.0 and val_loss(params) == 0.3
    best, history = S.train_with_early_stopping(start, train_epoch, val_loss, 3, 1)
    assert np.array_equal(best, [2.0, 8.0]) and history["val_loss"] == [0.4, 0.3, 0.5]


def test_a_score_with_a_known_peak_and_a_test_set_looked_at_once():
    score = functions.peak_score(center=[-2.0, -4.0], width=[1.0, 2.0])
    assert score(np.array([1e-2, 1e-4])) == 1.0
    assert score(np.array([1e-1, 1e-4])) == pytest.approx(np.exp(-1.0))
    rounded = functions.peak_score(center=[-2.0, -4.0], width=[1.0, 2.0], decimals=1)
    assert rounded(np.array([1e-1, 1e-4])) == 0.4
    once = functions.peak_score(center=[-2.0, -4.0], width=[1.0, 2.0], calls=1)
    once(np.array([1e-2, 1e-4]))
    with pytest.raises(RuntimeError, match="the test set may be looked at once only"):
        once(np.array([1e-2, 1e-4]))
    assert np.array_equal(functions.settings_model()(0.1, 0.01), [0.1, 0.01])
