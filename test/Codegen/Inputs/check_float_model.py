"""A float model compiled for several targets, each against onnxruntime.

Compiles MODEL at fp32 to an executable for each TARGET (host: this CPU's
kernels; x86_64: TOSA's reference loops), runs each on one random input
(seeded) and checks that its output is within TOL of the largest
magnitude of onnxruntime's output (float rounding, not a wrong answer: the
kernels sum in another order and with fused multiply-adds).

Usage: check_float_model.py QFORGE MODEL WORKDIR [--target T]... [--tol 1e-5]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qforge")
    p.add_argument("model")
    p.add_argument("work")
    p.add_argument("--target", action="append", default=[])
    p.add_argument("--tol", type=float, default=1e-5)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)

    model = onnx.load(args.model)
    inp = model.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = np.random.default_rng(0).normal(0, 1, dims).astype(np.float32)
    x_path = os.path.join(args.work, "x.npy")
    np.save(x_path, x)
    ref = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"]).run(
        None, {inp.name: x})[0].astype(np.float64)
    span = float(np.abs(ref).max())

    ok = True
    name = os.path.basename(args.model)
    for target in args.target or ["host"]:
        exe = os.path.join(args.work, "fp32-" + target)
        subprocess.run([args.qforge, "compile", args.model, "--emit=exe", "--target=" + target,
                        "-o", exe, "--quiet"], check=True)
        out = os.path.join(args.work, "out-" + target)
        subprocess.run([exe, x_path, "-o", out], check=True)
        y = np.load(os.path.join(out, "output_0.npy"))
        if y.shape != ref.shape:
            print(f"FAIL {name} fp32 for {target}: shape {y.shape}, onnxruntime {ref.shape}")
            ok = False
            continue
        err = float(np.abs(y - ref).max())
        good = err <= args.tol * span
        ok = ok and good
        print(("ok   " if good else "FAIL ") + f"{name} fp32 for {target} vs onnxruntime: max abs "
              f"error {err:.3g} of largest magnitude {span:.3g} (tolerance {args.tol:g} of it)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
