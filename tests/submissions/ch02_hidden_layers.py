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
LOST = {"mlp_forward": 2.0}
