"""Chapter 1: no bias in the scores, and a count instead of a fraction."""

WRONG = {
    "linear_scores": "def linear_scores(X, W, b):\n    return X @ W\n",
    "accuracy": "def accuracy(y_pred, y_true):\n    return float(np.sum(y_pred == y_true))\n",
}
# accuracy is still right on the case "none correct" (0 of 3 cases... 1 of 3 passes).
LOST = {"linear_scores": 2.0, "accuracy": 1.33}
