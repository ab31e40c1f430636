"""The bundled MNIST model at int8 and int4 against fp32.

Calibrates on the calibration split, compiles fp32, int8 and int4
executables (x86-64 here; optionally AArch64, run under RUNNER), runs the
held-out test split and checks: int8 accuracy within 0.3 points of fp32,
int4 within 1.0 point (the labels are the reference); the weight bytes of
the compiler's report, int8 at most 26% and int4 at most 15% of fp32, and
recomputes the report's fp32 byte count from the ONNX file itself and its
SQNR of the last layer (the model's output) from onnxruntime's float
logits and the executable's on the same 100 images; with
--aarch64, that the AArch64 executables' outputs equal the x86-64 ones bit
for bit (integer-only requantization).

Usage: check_mnist_quantized.py QFORGE EXAMPLE_DIR WORKDIR [--aarch64 RUNNER]
"""

import json
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

LIMITS = {"int8": (0.3, 0.26), "int4": (1.0, 0.15)}  # accuracy points, weight ratio


def run(cmd):
    subprocess.run(cmd, check=True)


def float_weight_bytes(model):
    """f32 bytes of every Conv/Gemm weight and bias, from the model."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type in ("Conv", "Gemm", "MatMul"):
            total += sum(inits[i].size * 4 for i in node.input[1:] if i in inits)
    return total


def main():
    qforge, example, work = sys.argv[1:4]
    runner = shlex.split(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--aarch64" else None
    os.makedirs(work, exist_ok=True)
    model = os.path.join(example, "mnist_cnn.onnx")
    data = os.path.join(example, "data")
    images = os.path.join(data, "test_images.npy")
    labels = np.load(os.path.join(data, "test_labels.npy"))
    table = os.path.join(work, "table.json")
    calib = os.path.join(data, "calib_images.npy")
    run([qforge, "calibrate", model, "--calib-data=" + calib, "-o", table, "--quiet"])
    # The report measures SQNR on the first 100 calibration images; the
    # last layer's output is the model's output, so its SQNR can be
    # recomputed here from onnxruntime's float logits and the executable's.
    first100 = os.path.join(work, "calib100.npy")
    np.save(first100, np.load(calib)[:100])
    float_logits = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
        None, {onnx.load(model).graph.input[0].name: np.load(first100)})[0].astype(np.float64)

    outputs, reports = {}, {}
    builds = [("fp32", "host")] + [(p, "host") for p in LIMITS]
    if runner:
        builds += [(p, "aarch64") for p in LIMITS]
    for precision, target in builds:
        name = precision + ("-aarch64" if target == "aarch64" else "")
        exe = os.path.join(work, name)
        flags = []
        if precision != "fp32":
            flags = ["--precision=" + precision, "--calib-table=" + table,
                     "--report=" + os.path.join(work, name + ".json"),
                     "--report-data=" + calib]
        run([qforge, "compile", model, "--emit=exe", "--target=" + target, "-o", exe, "--quiet"]
            + flags)
        out = os.path.join(work, name + "-out")
        run((runner if target == "aarch64" else []) + [exe, images, "-o", out])
        outputs[name] = np.load(os.path.join(out, "output_0.npy"))
        if flags:
            with open(os.path.join(work, name + ".json")) as f:
                reports[name] = json.load(f)

    fp32_bytes = float_weight_bytes(onnx.load(model))
    acc = {k: float((v.argmax(1) == labels).mean()) * 100 for k, v in outputs.items()}
    ok = True
    print(f"fp32 accuracy {acc['fp32']:.2f}%, weights {fp32_bytes} bytes")
    for p, (points, max_ratio) in LIMITS.items():
        agree = int((outputs[p].argmax(1) == outputs["fp32"].argmax(1)).sum())
        totals = reports[p]["totals"]
        ratio = totals["weight_bytes"] / fp32_bytes
        print(f"{p} accuracy {acc[p]:.2f}%, agrees with fp32 on {agree} of {len(labels)} digits, "
              f"weights {totals['weight_bytes']} bytes ({100 * ratio:.1f}% of fp32)")
        checks = [
            (acc[p] >= acc["fp32"] - points, f"{p} accuracy within {points} points of fp32"),
            (ratio <= max_ratio, f"{p} weight bytes at most {100 * max_ratio:.0f}% of fp32"),
            (totals["weight_bytes_fp32"] == fp32_bytes,
             f"{p} report counts the model's {fp32_bytes} fp32 weight bytes"),
            (all(l["precision"] == p for l in reports[p]["layers"] if l["op"] != "add"),
             f"{p} every convolution and matmul quantized"),
        ]
        exe_out = os.path.join(work, p + "-calib100")
        run([os.path.join(work, p), first100, "-o", exe_out])
        q = np.load(os.path.join(exe_out, "output_0.npy")).astype(np.float64)
        expected = 10 * np.log10((float_logits ** 2).sum() / ((float_logits - q) ** 2).sum())
        output = onnx.load(model).graph.output[0].name
        last = next(l for l in reports[p]["layers"] if l.get("output") == output)
        print(f"{p} report: output layer {last['node']} SQNR {last['sqnr_db']:.2f} dB, "
              f"recomputed from onnxruntime {expected:.2f} dB")
        checks.append((reports[p]["sqnr_samples"] == 100 and
                       abs(last["sqnr_db"] - expected) < 0.05,
                       f"{p} report's SQNR of the output layer matches onnxruntime's within 0.05 dB"))
        if runner:
            checks.append((np.array_equal(outputs[p], outputs[p + "-aarch64"]),
                           f"AArch64 {p} outputs equal x86-64 {p} outputs bit for bit"))
        for good, what in checks:
            print(("ok   " if good else "FAIL ") + what)
            ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
