"""Chapter 4: an integer x perturbed in an integer copy, and losses recorded after each update."""

WRONG = {
    # Right for float x; for an integer x, x.copy() stays integer and x[i] = old + h is cut
    # back to an integer: 1 of the 6 hidden cases fails (3 × 1/6 = 0.5).
    "numerical_gradient": (
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    x = x.copy()\n"
        "    grad = np.zeros_like(x)\n"
        "    for i in np.ndindex(x.shape):\n"
        "        old = x[i]\n"
        "        x[i] = old + h\n"
        "        fp = f(x)\n"
        "        x[i] = old - h\n"
        "        fm = f(x)\n"
        "        x[i] = old\n"
        "        grad[i] = (fp - fm) / (2 * h)\n"
        "    return grad\n"
    ),
    # A catalogued mistake: every case fails.
    "train_xor": (
        "def train_xor(X, t, W, U, lr, epochs):\n"
        "    W, U = np.array(W, dtype=float), np.array(U, dtype=float)\n"
        "    losses = []\n"
        "    for _ in range(epochs):\n"
        "        dW, dU = xor_gradients(X, t, W, U)\n"
        "        W, U = W - lr * dW, U - lr * dU\n"
        "        losses.append(half_squared_error(xor_forward(X, W, U)[1], t))\n"
        "    return W, U, losses\n"
    ),
}
LOST = {"numerical_gradient": 0.5, "train_xor": 3.0}
