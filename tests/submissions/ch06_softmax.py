"""Chapter 6: an integer one-hot matrix, and two exponentials left unguarded.

- one_hot returns integers with the right 0s and 1s: full marks (values, not
  dtypes); the later functions, which use it, work with it;
- softmax_cross_entropy has the right gradient but takes log(softmax): the
  loss is inf on the 2 of 6 cases where a true class's probability rounds
  to 0 (3 × 2/6 = 1 point lost);
- softmax_regression_loss exponentiates the raw scores: right everywhere but
  on the case with scores up to ±2000, where e^s overflows (4 × 1/6 = 0.67).
"""

WRONG = {
    "one_hot": ("def one_hot(y, num_classes):\n    return np.eye(num_classes, dtype=int)[y]\n"),
    "softmax_cross_entropy": (
        "def softmax_cross_entropy(scores, y):\n"
        "    P = softmax(scores)\n"
        "    N = len(y)\n"
        "    loss = -np.mean(np.log(P[np.arange(N), y]))\n"
        "    return loss, (P - one_hot(y, P.shape[1])) / N\n"
    ),
    "softmax_regression_loss": (
        "def softmax_regression_loss(W, b, X, y, reg):\n"
        "    e = np.exp(X @ W + b)\n"
        "    P = e / e.sum(axis=1, keepdims=True)\n"
        "    N = X.shape[0]\n"
        "    loss = -np.mean(np.log(P[np.arange(N), y])) + reg * np.sum(W ** 2)\n"
        "    dS = (P - one_hot(y, W.shape[1])) / N\n"
        "    return loss, X.T @ dS + 2 * reg * W, dS.sum(axis=0)\n"
    ),
}
LOST = {"softmax_cross_entropy": 1.0, "softmax_regression_loss": 0.67}
