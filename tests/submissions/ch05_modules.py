"""Chapter 5: a relu_backward that lets the gradient through at exactly Z = 0, and an
affine_forward that keeps integer inputs integer.

relu_backward fails all 5 cases (each has exact zeros): it loses 3 points. The
student's two_layer_loss calls it, so two_layer_loss fails its kink case (1 of 5):
3 × 1/5 = 0.6. affine_forward fails only its integer case (1 of 5): 2 × 1/5 = 0.4.
"""

WRONG = {
    "affine_forward": "def affine_forward(X, W, b):\n    return X @ W + b, (X, W)\n",
    "relu_backward": "def relu_backward(dout, cache):\n    return dout * (cache >= 0)\n",
}
LOST = {"affine_forward": 0.4, "relu_backward": 3.0, "two_layer_loss": 0.6}
