"""Chapter 5: a relu_backward that lets the gradient through at exactly Z = 0, and an
affine_forward that keeps integer inputs integer.

relu_backward fails all 6 cases (each has exact zeros): it loses 3 points. The
student's two_layer_loss calls it and composes it right, so two_layer_loss loses
nothing: the mistake costs points once, in relu_backward. affine_forward gives
the right values (an integer out for integer inputs): full marks.
"""

WRONG = {
    "affine_forward": "def affine_forward(X, W, b):\n    return X @ W + b, (X, W)\n",
    "relu_backward": "def relu_backward(dout, cache):\n    return dout * (cache >= 0)\n",
}
LOST = {"relu_backward": 3.0}
