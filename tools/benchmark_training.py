"""How close one epoch of ``solutions.train_mlp`` comes to this machine's matrix-product peak.

Trains a 784-512-256-10 ReLU network for one epoch on 60,000 random samples
(minibatches of 256, plain SGD, no penalty unless asked) and reports its
throughput in GFLOP/s next to the float64 matrix-product peak measured in the
same run. The FLOPs counted are those of the matrix products an epoch must
do, 2·m·k·n for an (m, k) by (k, n) product:

* per minibatch, the forward products Hₗ₋₁ Wₗ of every layer, the weight
  gradients Hₗ₋₁ᵀ dZₗ of every layer and the input gradients dZₗ Wₗᵀ of
  every layer but the first (nothing needs ∂L/∂X);
* after the epoch, the forward products of the pass over all samples that
  gives ``history["train_accuracy"]``.

Everything else (ReLU, softmax, the optimizer's elementwise updates, copying
each minibatch out of X) is overhead in this count. To show where the rest of
the time goes, the same matrix products are also timed on their own.

Each run measures the peak (the fastest of three 2048×2048 products), the
epoch and the products alone, in turn, so that a change in the machine's load
affects all of them alike; the figures are medians over the runs. On a shared
machine the timings are still noisy: compare ratios from the same run, and use
``--threads 1`` for figures that other programs disturb least.

    python tools/benchmark_training.py [--runs 5] [--optimizer sgd] [--threads N]
        [--root CHECKOUT]     # measure another checkout's solutions (before/after)
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
LAYERS = [784, 512, 256, 10]
SAMPLES, BATCH = 60_000, 256


def epoch_flops(layers=LAYERS, samples=SAMPLES, batch=BATCH):
    """Matrix-product FLOPs of one training epoch plus its accuracy pass."""
    pairs = list(zip(layers[:-1], layers[1:]))
    flops = 0
    for start in range(0, samples, batch):
        rows = min(batch, samples - start)
        for index, (fan_in, fan_out) in enumerate(pairs):
            products = 3 if index > 0 else 2  # forward, dW, and dX except for the first layer
            flops += products * 2 * rows * fan_in * fan_out
    flops += sum(2 * samples * fan_in * fan_out for fan_in, fan_out in pairs)  # train_accuracy
    return flops


def epoch_products(X, params, batch=BATCH):
    """The matrix products that ``epoch_flops`` counts, with the same shapes, and nothing else."""
    weights = [W for W, _ in params]
    for start in range(0, len(X), batch):
        hs = [X[start : start + batch]]
        for W in weights:
            hs.append(hs[-1] @ W)
        dz = hs[-1]
        for index in range(len(weights) - 1, -1, -1):
            hs[index].T @ dz
            if index > 0:
                dz = dz @ weights[index].T
    for start in range(0, len(X), 256):  # the accuracy pass, in the pieces train_mlp uses
        h = X[start : start + 256]
        for W in weights:
            h = h @ W


def seconds(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "momentum", "nesterov", "rmsprop", "adam"])
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads of the matrix library (default: as many as it uses by itself)",
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="checkout whose solutions package is measured (default: this one)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    import solutions

    rng = np.random.default_rng(1)
    X = rng.standard_normal((SAMPLES, LAYERS[0]))
    y = rng.integers(0, LAYERS[-1], SAMPLES)
    params = solutions.init_mlp(LAYERS, rng)
    lr = 1e-3 if args.optimizer in ("adam", "rmsprop") else 1e-2
    size = 2048
    A, B = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    flops = epoch_flops()

    def epoch(seed):
        solutions.train_mlp(
            params,
            X,
            y,
            epochs=1,
            batch_size=BATCH,
            lr=lr,
            optimizer=args.optimizer,
            reg=0.0,
            rng=np.random.default_rng(seed),
        )

    with threadpool_limits(args.threads):
        epoch(0)  # warm-up: threads, allocator, caches
        peaks, epochs, products, ratios = [], [], [], []
        for run in range(args.runs):
            peak = 2 * size**3 / min(seconds(lambda: A @ B) for _ in range(3)) / 1e9
            epoch_time = seconds(lambda: epoch(run + 1))
            product_time = seconds(lambda: epoch_products(X, params))
            peaks.append(peak)
            epochs.append(epoch_time)
            products.append(product_time)
            ratios.append(flops / epoch_time / 1e9 / peak)
        threads = [
            info.get("num_threads")
            for info in __import__("threadpoolctl").threadpool_info()
            if info.get("user_api") == "blas"
        ]
    epoch_time, product_time, peak = (statistics.median(v) for v in (epochs, products, peaks))
    print(f"solutions from {args.root.resolve()}; matrix library threads: {threads}")
    print(
        f"train_mlp, one epoch of {SAMPLES} samples, {'-'.join(map(str, LAYERS))}, "
        f"batch {BATCH}, {args.optimizer}: {epoch_time:.2f} s (median of {args.runs})"
    )
    print(f"  matrix-product work counted: {flops / 1e9:.1f} GFLOP")
    print(f"  throughput    {flops / epoch_time / 1e9:6.1f} GFLOP/s")
    print(f"  peak          {peak:6.1f} GFLOP/s  (float64 {size}×{size} matrix product)")
    print(f"  ratio         {statistics.median(ratios):6.1%}  (median of the per-run ratios; target ≥ 70 %)")
    print(
        f"  the same products alone: {product_time:.2f} s, {flops / product_time / 1e9:.1f} GFLOP/s "
        f"({flops / product_time / 1e9 / peak:.0%} of peak); everything else: "
        f"{epoch_time - product_time:.2f} s ({1 - product_time / epoch_time:.0%} of the epoch)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
