"""Chapter 7: momentum with gamma hard-coded to its default, and RMSProp with ε under the root."""

WRONG = {
    "momentum_step": (
        "def momentum_step(w, grad, velocity, lr, gamma=0.9):\n"
        "    velocity = 0.9 * velocity + lr * grad\n"
        "    return w - velocity, velocity\n"
    ),
    "rmsprop_step": (
        "def rmsprop_step(w, grad, cache, lr, decay=0.99, eps=1e-8):\n"
        "    cache = decay * cache + (1 - decay) * grad ** 2\n"
        "    return w - lr * grad / np.sqrt(cache + eps), cache\n"
    ),
}
# momentum_step still passes the two cases whose gamma is 0.9 (2 of 5: the case that checks
# unchanged inputs repeats the first one, gamma = 0.8): 3 × 3/5 = 1.8; rmsprop_step none.
LOST = {"momentum_step": 1.8, "rmsprop_step": 3.0}
