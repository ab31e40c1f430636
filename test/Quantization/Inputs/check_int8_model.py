"""A float model compiled at int8 on x86-64 and (with --runner) AArch64.

Calibrates MODEL on random samples (seeded), compiles int8 executables for
the host and, with --runner, for AArch64, runs both on one more random
input and checks: the int8 output is within TOL of the output range of
onnxruntime's float output (quantization error, not a wrong answer), and
the AArch64 output equals the x86-64 output bit for bit.

Usage: check_int8_model.py QFORGE MODEL WORKDIR [--runner CMD] [--tol 0.05]
"""

import argparse
import os
import shlex
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
    p.add_argument("--runner")
    p.add_argument("--tol", type=float, default=0.05)
    p.add_argument("--samples", type=int, default=8)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)

    model = onnx.load(args.model)
    init = {t.name for t in model.graph.initializer}
    inp = [i for i in model.graph.input if i.name not in init][0]
    dims = [d.dim_value if d.dim_value > 0 else 1 for d in inp.type.tensor_type.shape.dim]
    rng = np.random.default_rng(0)
    calib = os.path.join(args.work, "calib.npy")
    np.save(calib, rng.normal(0, 1, [args.samples] + dims[1:]).astype(np.float32))
    x = rng.normal(0, 1, dims).astype(np.float32)
    x_path = os.path.join(args.work, "x.npy")
    np.save(x_path, x)

    table = os.path.join(args.work, "table.json")
    subprocess.run([args.qforge, "calibrate", args.model, "--calib-data=" + calib,
                    "-o", table, "--quiet"], check=True)
    outputs = {}
    targets = [("host", [])] + ([("aarch64", shlex.split(args.runner))] if args.runner else [])
    for target, runner in targets:
        exe = os.path.join(args.work, "int8-" + target)
        subprocess.run([args.qforge, "compile", args.model, "--emit=exe", "--precision=int8",
                        "--calib-table=" + table, "--target=" + target, "-o", exe, "--quiet"],
                       check=True)
        out = os.path.join(args.work, "out-" + target)
        subprocess.run(runner + [exe, x_path, "-o", out], check=True)
        outputs[target] = np.load(os.path.join(out, "output_0.npy"))

    ref = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"]).run(
        None, {inp.name: x})[0]
    rng_ = float(np.abs(ref).max())
    err = float(np.abs(outputs["host"].astype(np.float64) - ref).max())
    ok = err <= args.tol * rng_
    name = os.path.basename(args.model)
    print(("ok   " if ok else "FAIL ") + f"{name} int8 vs onnxruntime float: max abs error "
          f"{err:.4f} of output range {rng_:.4f} ({100 * err / rng_:.2f}%, tolerance "
          f"{100 * args.tol:.0f}%)")
    if args.runner:
        same = np.array_equal(outputs["host"], outputs["aarch64"])
        print(("ok   " if same else "FAIL ") + f"{name} int8 on AArch64 equals x86-64 bit for bit")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
