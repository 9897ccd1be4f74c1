"""Chapter 3: ReLU's derivative taken as 1 at exactly 0."""

WRONG = {
    "relu_grad": "def relu_grad(z):\n    return (np.asarray(z) >= 0).astype(float)\n",
}
# An edge slip: it fails the three hidden cases with exact zeros and passes the two without
# (the ordinary case, and the case that checks that z is left unchanged): 2 × 3/5 = 1.2.
LOST = {"relu_grad": 1.2}
