"""qforge's executables against onnxruntime on whole models, fp32 and integer.

For each model, precision and thread count T: compiles a standalone
executable (`qforge compile --emit=exe --threads=T`, int8 and int4
calibrated on the same samples onnxruntime's quantizer sees), times it
with its own `--bench N` (median), times onnxruntime on the same input with
T intra-op threads and prints the ratio. onnxruntime's int8 is its best of
two: quant_pre_process then quantize_static (QDQ, per-channel int8
weights, uint8 activations), and quantize_dynamic; qforge's int8-dynamic is
compared with quantize_dynamic alone, its int4 with the best int8 (no
4-bit form of these operators to compare with). fp32 rows also check that
the outputs agree; integer rows show how far each output is from the float
one. Names the CPU it ran on. Measured in one run; a benchmark, never a
test.

Usage: bench/models.py --qforge build/bin/qforge MODEL.onnx... [--runs 20]
       [--threads 1,2] [--precision fp32,int8,int8-dynamic,int4]
"""

import argparse
import contextlib
import os
import re
import subprocess
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort

CALIBRATION_SAMPLES = 8


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
    shape = [CALIBRATION_SAMPLES + 1] + dims
    if np.issubdtype(dtype, np.integer):  # images as bytes (the MNIST example)
        samples = rng.integers(0, 256, shape).astype(dtype)
    else:
        samples = rng.normal(0, 1, shape).astype(dtype)
    return inputs[0].name, samples[0], samples[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", default="1",
                        help="comma-separated thread counts, the same for both (default 1)")
    parser.add_argument("--precision", default="fp32",
                        help="comma-separated: fp32, int8, int8-dynamic, int4 (default fp32)")
    args = parser.parse_args()
    print(f"CPU: {cpu_name()}; onnxruntime {ort.__version__}")
    print(f"{'model':32} {'prec':>12} {'threads':>7} {'qforge ms':>10} {'ort ms':>10}"
          f" {'qforge/ort':>11}  {'ort kind':>13}  max |diff|")
    with tempfile.TemporaryDirectory() as work:
        for path in args.models:
            measure_model(args, path, work)


def cpu_name():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def measure_model(args, path, work):
    name, x, calib = model_input(path)
    base = os.path.join(work, os.path.basename(path).replace(".onnx", ""))
    np.save(base + ".x.npy", x)
    np.save(base + ".calib.npy", calib.reshape((-1,) + x.shape[1:]))
    float_ref = None
    for precision in args.precision.split(","):
        ort_models = reference_models(precision, path, name, calib, base)
        for threads in (int(t) for t in args.threads.split(",")):
            ours_ms, ours = qforge_time(args, path, precision, threads, base)
            kind, ort_ms, ref = min(
                ((kind, *onnxruntime_time(model, name, x, threads, args.runs))
                 for kind, model in ort_models.items()), key=lambda r: r[1])
            if precision == "fp32":
                float_ref = ref
            against = ref if precision == "fp32" or float_ref is None else float_ref
            diff = float(np.abs(ours.astype(np.float64) - against).max())
            print(f"{os.path.basename(path):32} {precision:>12} {threads:7d} {ours_ms:10.3f}"
                  f" {ort_ms:10.3f} {ours_ms / ort_ms:10.2f}x  {kind:>13}  {diff:.2e}",
                  flush=True)


def qforge_time(args, path, precision, threads, base):
    exe = f"{base}.{precision}.t{threads}"
    cmd = [args.qforge, "compile", path, "--emit=exe", f"--threads={threads}", "-o", exe,
           "--quiet"]
    if precision != "fp32":
        cmd.append(f"--precision={precision}")
    if precision in ("int8", "int4"):
        table = base + ".table.json"
        if not os.path.exists(table):
            subprocess.run([args.qforge, "calibrate", path, f"--calib-data={base}.calib.npy",
                            "-o", table, "--quiet"], check=True)
        cmd.append(f"--calib-table={table}")
    subprocess.run(cmd, check=True)
    out = exe + ".out"
    bench = subprocess.run([exe, base + ".x.npy", "-o", out, "--bench", str(args.runs)],
                           check=True, capture_output=True, text=True).stdout
    ours_ms = float(re.search(r"median ([0-9.]+) ms", bench).group(1))
    return ours_ms, np.load(os.path.join(out, "output_0.npy"))


def reference_models(precision, path, name, calib, base):
    """What qforge at PRECISION is timed against: onnxruntime's fp32 for
    fp32, its dynamic int8 for int8-dynamic, its best int8 otherwise (int4
    too: onnxruntime has no 4-bit form of these operators to compare with)."""
    if precision == "fp32":
        return {"fp32": path}
    int8 = ort_int8_models(path, name, calib, base)
    if precision == "int8-dynamic":
        return {"dynamic": int8["dynamic"]}
    return int8


def ort_int8_models(path, name, calib, base):
    """onnxruntime's two int8 forms of PATH: static QDQ and dynamic."""
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_dynamic, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    pre, static, dynamic = (base + suffix for suffix in ("-pre.onnx", "-qdq.onnx",
                                                         "-dynamic.onnx"))
    # Its temporary files (sym_shape_infer_temp.onnx and external data) go
    # to the working directory: the run's own.
    path, pre = os.path.abspath(path), os.path.abspath(pre)
    with contextlib.chdir(os.path.dirname(pre)):
        try:
            quant_pre_process(path, pre)
        except Exception:  # symbolic shape inference gives up on some graphs
            quant_pre_process(path, pre, skip_symbolic_shape=True)

    class Samples(CalibrationDataReader):
        def __init__(self):
            self.samples = iter(calib)

        def get_next(self):
            sample = next(self.samples, None)
            return None if sample is None else {name: sample}

    quantize_static(pre, static, Samples(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    per_channel=True)
    quantize_dynamic(pre, dynamic, weight_type=QuantType.QInt8, per_channel=True)
    return {"static QDQ": static, "dynamic": dynamic}


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
