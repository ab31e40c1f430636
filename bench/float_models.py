"""qforge's float executables against onnxruntime's float CPU path.

For each model and each thread count T: compiles a standalone executable
(`qforge compile --emit=exe --threads=T`), times it with its own
`--bench N` (median), times onnxruntime on the same input with T intra-op
threads, checks the outputs agree, and prints the ratio. Names the CPU it
ran on. Measured in one run; a benchmark, never a test.

Usage: bench/float_models.py --qforge build/bin/qforge MODEL.onnx... [--runs 20]
       [--threads 1,2]
"""

import argparse
import os
import re
import subprocess
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort


def model_input(model_path):
    model = onnx.load(model_path)
    init = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in init]
    if len(inputs) != 1:
        raise SystemExit(f"{model_path}: this benchmark takes one-input models")
    tensor_type = inputs[0].type.tensor_type
    dims = [d.dim_value if d.dim_value > 0 else 1 for d in tensor_type.shape.dim]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor_type.elem_type)
    rng = np.random.default_rng(0)
    if np.issubdtype(dtype, np.integer):
        return inputs[0].name, rng.integers(0, 256, dims).astype(dtype)
    return inputs[0].name, rng.normal(0, 1, dims).astype(dtype)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", default="1",
                        help="comma-separated thread counts, the same for both (default 1)")
    args = parser.parse_args()
    print(f"CPU: {cpu_name()}; onnxruntime {ort.__version__}")
    print(f"{'model':32} {'threads':>7} {'qforge ms':>10} {'ort ms':>10} {'qforge/ort':>11}"
          "  max |diff|")
    for path in args.models:
        for threads in (int(t) for t in args.threads.split(",")):
            measure(args, path, threads)


def cpu_name():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def measure(args, path, threads):
    name, x = model_input(path)
    with tempfile.TemporaryDirectory() as work:
        exe, inp, out = (os.path.join(work, n) for n in ("model", "in.npy", "out"))
        np.save(inp, x)
        subprocess.run([args.qforge, "compile", path, "--emit=exe", f"--threads={threads}",
                        "-o", exe, "--quiet"], check=True)
        bench = subprocess.run([exe, inp, "-o", out, "--bench", str(args.runs)],
                               check=True, capture_output=True, text=True).stdout
        ours_ms = float(re.search(r"median ([0-9.]+) ms", bench).group(1))
        ours = np.load(os.path.join(out, "output_0.npy"))
    ort_ms, ref = onnxruntime_time(path, name, x, threads, args.runs)
    diff = float(np.abs(ours.astype(np.float64) - ref).max())
    print(f"{os.path.basename(path):32} {threads:7d} {ours_ms:10.3f} {ort_ms:10.3f} "
          f"{ours_ms / ort_ms:10.2f}x  {diff:.2e}")


def onnxruntime_time(path, name, x, threads, runs):
    """Median ms per run with `threads` intra-op threads, and the output."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for _ in range(3):
        ref = session.run(None, {name: x})[0]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {name: x})
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), ref

if __name__ == "__main__":
    main()
