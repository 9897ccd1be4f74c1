"""Chapter 9: a partly correct submission.

- ``fit_standardizer`` divides by N − 1 (``ddof=1``): every case has a handful of
  samples, so the scale is off everywhere (2 points lost);
- ``batchnorm_backward`` forgets the path through the variance: every case has a
  gradient with a component along X̂ (4 points lost);
- ``train_with_early_stopping`` counts an equal validation loss as an improvement:
  only the case with a tie loses (3 × 1/5 = 0.6 points lost);
- ``clip_by_global_norm`` scales the caller's arrays in place: right values, so only
  the case that checks the inputs are left unchanged loses (3 × 1/4 = 0.75 points lost).
"""

WRONG = {
    "fit_standardizer": (
        "def fit_standardizer(X):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    std = X.std(axis=0, ddof=1)\n"
        "    return X.mean(axis=0), np.where(std > 0, std, 1.0)\n"
    ),
    "batchnorm_backward": (
        "def batchnorm_backward(dout, cache):\n"
        "    X_hat, gamma, inv_std = cache\n"
        "    dX = gamma * inv_std * (dout - dout.mean(axis=0))\n"
        "    return dX, (dout * X_hat).sum(axis=0), dout.sum(axis=0)\n"
    ),
    "train_with_early_stopping": (
        "def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):\n"
        "    history = {'train_loss': [], 'val_loss': [], 'best_epoch': 0}\n"
        "    best_params, best, waited = params, float('inf'), 0\n"
        "    for epoch in range(1, max_epochs + 1):\n"
        "        params, train_loss = train_epoch(params)\n"
        "        loss = val_loss(params)\n"
        "        history['train_loss'].append(train_loss)\n"
        "        history['val_loss'].append(loss)\n"
        "        if loss <= best:\n"
        "            best_params, best, waited = params, loss, 0\n"
        "            history['best_epoch'] = epoch\n"
        "        else:\n"
        "            waited += 1\n"
        "            if waited == patience:\n"
        "                break\n"
        "    return best_params, history\n"
    ),
    "clip_by_global_norm": (
        "def clip_by_global_norm(grads, max_norm):\n"
        "    grads = [np.asarray(g, dtype=float) for g in grads]\n"
        "    total = np.sqrt(sum(np.sum(g * g) for g in grads))\n"
        "    if total > max_norm:\n"
        "        for g in grads:\n"
        "            g *= max_norm / total\n"
        "    return grads, float(total)\n"
    ),
}
LOST = {
    "fit_standardizer": 2.0,
    "batchnorm_backward": 4.0,
    "train_with_early_stopping": 0.6,
    "clip_by_global_norm": 0.75,
}
