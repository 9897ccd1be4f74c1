"""Chapter 2: the activation applied after the last layer as well."""

WRONG = {
    "mlp_forward": (
        "def mlp_forward(X, params, activation):\n"
        "    h = X\n"
        "    for W, b in params:\n"
        "        h = activation(h @ W + b)\n"
        "    return h\n"
    ),
}
# Every hidden case runs a network with a hidden layer (a one-layer network, which has no
# activation at all, is paired with one), so the mistake fails all of them.
LOST = {"mlp_forward": 3.0}
