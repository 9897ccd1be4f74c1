"""Chapter 1: no bias in the scores, and a count instead of a fraction."""

WRONG = {
    "linear_scores": "def linear_scores(X, W, b):\n    return X @ W\n",
    "accuracy": "def accuracy(y_pred, y_true):\n    return float(np.sum(y_pred == y_true))\n",
}
# Both are wrong formulas, so they fail every hidden case (no degenerate case such as
# "none correct", where a count equals the fraction, gives them points).
LOST = {"linear_scores": 2.0, "accuracy": 2.0}
