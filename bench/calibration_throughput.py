"""Calibration throughput against the compiled float model's own speed.

Calibrates MODEL on N random samples (the statistics do not matter here,
only the time) and benchmarks the float executable on one sample; prints
both rates and their ratio, measured in the same run. Never a test: timing
depends on the machine.

Usage: bench/calibration_throughput.py --qforge build/bin/qforge MODEL.onnx
       [--samples 20] [--runs 5]
"""

import argparse
import os
import re
import subprocess
import tempfile

import numpy as np
import onnx


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("model")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    model = onnx.load(args.model)
    inputs = [i for i in model.graph.input
              if i.name not in {t.name for t in model.graph.initializer}]
    if len(inputs) != 1:
        raise SystemExit("this benchmark takes one-input float models")
    dims = [d.dim_value if d.dim_value > 0 else 1
            for d in inputs[0].type.tensor_type.shape.dim]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(inputs[0].type.tensor_type.elem_type)
    rng = np.random.default_rng(0)

    def random(shape):
        if np.issubdtype(dtype, np.integer):
            return rng.integers(0, 256, shape).astype(dtype)
        return rng.normal(0, 1, shape).astype(dtype)

    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "calib.npy")
        np.save(data, random([args.samples] + dims[1:]))
        one = os.path.join(work, "one.npy")
        np.save(one, random(dims))
        calib = subprocess.run(
            [args.qforge, "calibrate", args.model, "--calib-data=" + data,
             "-o", os.path.join(work, "table.json")],
            check=True, capture_output=True, text=True).stdout
        calib_rate = float(re.search(r"\(([0-9.]+) samples/s\)", calib).group(1))
        exe = os.path.join(work, "model")
        subprocess.run([args.qforge, "compile", args.model, "--emit=exe", "-o", exe,
                        "--quiet"], check=True)
        bench = subprocess.run([exe, one, "-o", os.path.join(work, "out"),
                                "--bench", str(args.runs)],
                               check=True, capture_output=True, text=True).stdout
        median_ms = float(re.search(r"median ([0-9.]+) ms", bench).group(1))
    infer_rate = 1000.0 / median_ms
    print(f"{os.path.basename(args.model)}: calibration {calib_rate:.2f} samples/s, "
          f"float executable {infer_rate:.2f} inferences/s (median of {args.runs}); "
          f"calibration is {infer_rate / calib_rate:.2f}x slower")


if __name__ == "__main__":
    main()
