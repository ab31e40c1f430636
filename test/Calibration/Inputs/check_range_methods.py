"""Checks qforge's calibration range methods against independent numpy
references on known distributions.

For each distribution a one-MatMul ONNX model is calibrated by
`qforge calibrate` on the samples; the table's ranges for the model input
are compared with what numpy computes from the raw samples:

- minmax: the exact extremes.
- percentile: np.percentile of |x| (symmetric) and of x (asymmetric tails).
- entropy: TensorRT's KL search, written here from the definition in
  docs/calibration.md on np.histogram of the raw |x|; qforge must pick a
  threshold whose KL divergence (by this reference) is within 1% of the
  reference's minimum, or the same threshold within 1% of max|x|.
- mse: the true mean squared quantization error on the raw samples, int8
  symmetric and uint8 asymmetric; qforge's choice must be within 3% of the
  best a dense brute-force search finds.

Usage: check_range_methods.py QFORGE WORKDIR
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLES, WIDTH, PERCENTILE = 256, 512, 99.9


def distributions():
    rng = np.random.default_rng(7)
    n = SAMPLES * WIDTH
    uniform = rng.uniform(-1.0, 3.0, n)
    gauss = rng.normal(0.0, 1.0, n)
    outliers = rng.choice(n, n // 2000, replace=False)
    gauss[outliers] = rng.choice([-1.0, 1.0], outliers.size) * rng.uniform(20, 40, outliers.size)
    relu = np.maximum(rng.normal(0.3, 1.0, n), 0.0)
    for name, values in [("uniform", uniform), ("gaussian_outliers", gauss), ("relu", relu)]:
        yield name, values.astype(np.float32).reshape(SAMPLES, WIDTH)


def make_model(path):
    w = np.random.default_rng(1).normal(0, 0.1, (WIDTH, 4)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, WIDTH])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return w


def entropy_reference(values):
    """KL divergence of each candidate bin count i, by the definition."""
    a = np.abs(values[values != 0]).astype(np.float64)
    amax = float(np.abs(values).max())
    hist, _ = np.histogram(a, bins=2048, range=(0.0, amax))
    hist = hist.astype(np.float64)
    total = hist.sum()
    kls = {}
    for i in range(128, 2049):
        sliced = hist[:i]
        p = sliced.copy()
        p[i - 1] += hist[i:].sum()
        merged = i // 128
        q = np.zeros(i)
        for level in range(128):
            start = level * merged
            stop = i if level == 127 else start + merged
            nonzero = p[start:stop] > 0
            if nonzero.any():
                q[start:stop][nonzero] = sliced[start:stop].sum() / nonzero.sum()
        if sliced.sum() == 0:
            continue
        pn, qn = p / total, q / sliced.sum()
        mask = pn > 0
        qn = np.where(qn > 0, qn, 1e-4)
        kls[i] = float(np.sum(pn[mask] * np.log(pn[mask] / qn[mask])))
    width = amax / 2048
    return kls, width, amax


def symmetric_mse(values, t):
    s = t / 127.0
    q = np.clip(np.round(values / s), -127, 127) * s
    return float(np.mean((values - q) ** 2))


def asymmetric_mse(values, lo, hi):
    s = (hi - lo) / 255.0
    zp = np.round(-lo / s)
    q = (np.clip(np.round(values / s) + zp, 0, 255) - zp) * s
    return float(np.mean((values - q) ** 2))


def main():
    qforge, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, "matmul.onnx")
    w = make_model(model)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    for name, data in distributions():
        data_path = os.path.join(work, name + ".npy")
        table_path = os.path.join(work, name + ".json")
        np.save(data_path, data)
        subprocess.run([qforge, "calibrate", model, "--calib-data=" + data_path,
                        "--calib-percentile=%g" % PERCENTILE, "--quiet",
                        "-o", table_path], check=True)
        table = json.load(open(table_path))
        entries = {t["name"]: t for t in table["tensors"]}
        x, ranges = data.ravel().astype(np.float64), entries["x"]["ranges"]
        amax = float(np.abs(x).max())
        check(table["samples"] == SAMPLES, f"{name}: {table['samples']} samples recorded")
        check(entries["x"]["count"] == x.size, f"{name}: all {x.size} values observed")

        # minmax: exact.
        lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
        r = ranges["minmax"]
        check(r["lo"] == lo and r["hi"] == hi and r["threshold"] == amax,
              f"{name} minmax: ({r['lo']}, {r['hi']}, {r['threshold']}) == ({lo}, {hi}, {amax})")
        y = data.astype(np.float64) @ w.astype(np.float64)
        ey = entries["y"]
        check(abs(ey["min"] - y.min()) <= 1e-5 * np.abs(y).max() and
              abs(ey["max"] - y.max()) <= 1e-5 * np.abs(y).max(),
              f"{name} y = x @ w: observed [{ey['min']:.6f}, {ey['max']:.6f}] vs numpy "
              f"[{y.min():.6f}, {y.max():.6f}]")

        # percentile: the histogram's resolution is at least span/8192.
        tol = 2 * (x.max() - x.min()) / 8192 + 1e-3 * amax
        t_ref = np.percentile(np.abs(x), PERCENTILE)
        tail = (100 - PERCENTILE) / 2
        lo_ref = min(np.percentile(x, tail), 0.0)
        hi_ref = max(np.percentile(x, 100 - tail), 0.0)
        r = ranges["percentile"]
        check(abs(r["threshold"] - t_ref) <= tol and abs(r["lo"] - lo_ref) <= tol and
              abs(r["hi"] - hi_ref) <= tol,
              f"{name} percentile {PERCENTILE}: ({r['lo']:.4f}, {r['hi']:.4f}, "
              f"{r['threshold']:.4f}) vs numpy ({lo_ref:.4f}, {hi_ref:.4f}, {t_ref:.4f}), tol {tol:.4f}")

        # entropy
        kls, width, _ = entropy_reference(x)
        best_i = min(kls, key=kls.get)
        t_ref = min(amax, (best_i + 0.5) * width)
        r = ranges["entropy"]
        ours_i = min(kls, key=lambda i: abs((i + 0.5) * width - r["threshold"]))
        close_kl = kls[ours_i] <= kls[best_i] * 1.01 + 1e-9
        close_t = abs(r["threshold"] - t_ref) <= 0.01 * amax
        check(close_kl or close_t,
              f"{name} entropy: threshold {r['threshold']:.4f} (reference KL {kls[ours_i]:.5f}) vs "
              f"reference {t_ref:.4f} (KL {kls[best_i]:.5f})")

        # mse: true error on the raw samples.
        grid = np.linspace(amax / 1000, amax, 1000)
        best_sym = min(symmetric_mse(x, t) for t in grid)
        ours_sym = symmetric_mse(x, ranges["mse"]["threshold"])
        check(ours_sym <= 1.03 * best_sym,
              f"{name} mse symmetric: t={ranges['mse']['threshold']:.4f} error {ours_sym:.3e} vs "
              f"best {best_sym:.3e}")
        lo0, hi0 = min(x.min(), 0.0), max(x.max(), 0.0)
        fractions = np.linspace(1 / 40, 1, 40)
        best_asym = min(asymmetric_mse(x, lo0 * a, hi0 * b)
                        for a in (fractions if lo0 < 0 else [1.0]) for b in fractions)
        r = ranges["mse"]
        ours_asym = asymmetric_mse(x, r["lo"], r["hi"])
        check(ours_asym <= 1.03 * best_asym,
              f"{name} mse asymmetric: [{r['lo']:.4f}, {r['hi']:.4f}] error {ours_asym:.3e} vs "
              f"best {best_asym:.3e}")

        if name == "gaussian_outliers":
            # The distribution exists to make the methods differ: percentile
            # and entropy must clip the outliers away. (mse keeps them here:
            # 0.05% of values 20-40 sigma out cost more clipped than the
            # coarser step costs the rest; the brute force above agrees.)
            for method in ("percentile", "entropy"):
                check(ranges[method]["threshold"] < 0.5 * amax,
                      f"{name} {method} clips the outliers: {ranges[method]['threshold']:.3f} "
                      f"< {0.5 * amax:.3f}")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
