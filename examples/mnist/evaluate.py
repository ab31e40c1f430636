#!/usr/bin/env python3
"""The main job on the bundled example: compile the trained MNIST CNN with
qforge into a standalone executable, run it on the 1,000 held-out test
digits, then do the same with onnxruntime and compare; then calibrate on the
500-image calibration split, compile at int8 and int4 and compare those too.

The executables take the whole test set in one call (they run the digits in
turn and stack the outputs). Prints accuracy, agreement, the largest logit
difference, executable sizes and latencies.
usage: evaluate.py --qforge build/bin/qforge [--min-accuracy 0.95]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qforge", required=True)
    p.add_argument("--min-accuracy", type=float, default=0.95)
    args = p.parse_args()

    model = os.path.join(HERE, "mnist_cnn.onnx")
    images_path = os.path.join(HERE, "data", "test_images.npy")
    images = np.load(images_path)
    labels = np.load(os.path.join(HERE, "data", "test_labels.npy"))
    n = len(images)

    with tempfile.TemporaryDirectory() as work:
        exe = os.path.join(work, "mnist_cnn")
        out = os.path.join(work, "out")
        compile_cmd = [args.qforge, "compile", model, "--emit=exe", "-o", exe]
        print("$", " ".join(os.path.relpath(c) if os.path.isfile(c) else c
                            for c in compile_cmd[:-1]), "mnist_cnn")
        start = time.perf_counter()
        subprocess.run(compile_cmd, check=True)
        compile_seconds = time.perf_counter() - start
        print("$ ./mnist_cnn %s -o OUTDIR --bench 20" % os.path.relpath(images_path))
        bench = subprocess.run([exe, images_path, "-o", out, "--bench", "20"],
                               check=True, capture_output=True, text=True).stdout.strip()
        ours = np.load(os.path.join(out, "output_0.npy"))
        exe_size = os.path.getsize(exe)

        # int8: calibrate on the calibration split, compile with the table.
        table = os.path.join(work, "mnist.calib.json")
        calib_images = os.path.join(HERE, "data", "calib_images.npy")
        print("$ %s calibrate %s --calib-data=%s -o mnist.calib.json"
              % (os.path.relpath(args.qforge), os.path.relpath(model),
                 os.path.relpath(calib_images)))
        subprocess.run([args.qforge, "calibrate", model, "--calib-data=" + calib_images,
                        "-o", table], check=True)
        quantized = {}
        for precision in ("int8", "int4"):
            exe_q = os.path.join(work, "mnist_cnn_" + precision)
            report = os.path.join(work, precision + ".report.json")
            print("$ %s compile %s --emit=exe --precision=%s --calib-table=mnist.calib.json "
                  "--report=%s.report.json -o mnist_cnn_%s"
                  % (os.path.relpath(args.qforge), os.path.relpath(model), precision,
                     precision, precision))
            subprocess.run([args.qforge, "compile", model, "--emit=exe",
                            "--precision=" + precision, "--calib-table=" + table,
                            "--report=" + report, "-o", exe_q, "--quiet"], check=True)
            out_q = os.path.join(work, "out-" + precision)
            bench_q = subprocess.run([exe_q, images_path, "-o", out_q, "--bench", "20"],
                                     check=True, capture_output=True, text=True).stdout.strip()
            with open(report) as f:
                totals = json.load(f)["totals"]
            quantized[precision] = (np.load(os.path.join(out_q, "output_0.npy")), bench_q,
                                    os.path.getsize(exe_q), totals)

    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    theirs = session.run(None, {"images": images})[0]

    ours_pred, theirs_pred = ours.argmax(1), theirs.argmax(1)
    rows = [("qforge (float, exe)", (ours_pred == labels).mean()),
            ("onnxruntime", (theirs_pred == labels).mean())]
    print("\n%-22s %s" % ("", "test accuracy (%d digits)" % n))
    for name, acc in rows:
        print("%-22s %.2f%%" % (name, 100 * acc))
    agree = int((ours_pred == theirs_pred).sum())
    print("\npredictions agree on %d of %d digits; max |logit difference| %.2e"
          % (agree, n, float(np.abs(ours - theirs).max())))
    print("qforge compile: %.2f s; executable %d KiB, needs only libc and libm"
          % (compile_seconds, exe_size // 1024))
    print("latency per digit: %s" % bench)

    median = lambda text: text.split("median ")[-1]
    fp32_bytes = quantized["int8"][3]["weight_bytes_fp32"]
    print("\n%-12s %9s %17s %21s %11s %14s" % ("", "accuracy", "agrees with fp32",
                                               "weight bytes", "executable",
                                               "latency/digit"))
    print("%-12s %8.2f%% %17s %13d (100%%) %7d KiB %14s"
          % ("qforge fp32", 100 * rows[0][1], "-", fp32_bytes, exe_size // 1024,
             median(bench)))
    ok = rows[0][1] >= args.min_accuracy and agree == n
    for precision, limit in (("int8", 0.003), ("int4", 0.010)):
        outputs, bench_q, size, totals = quantized[precision]
        acc_q = (outputs.argmax(1) == labels).mean()
        agree_q = int((outputs.argmax(1) == ours_pred).sum())
        print("%-12s %8.2f%% %12d/%d %13d (%3.0f%%) %7d KiB %14s"
              % ("qforge " + precision, 100 * acc_q, agree_q, n, totals["weight_bytes"],
                 100 * totals["weight_ratio"], size // 1024, median(bench_q)))
        ok = ok and acc_q >= rows[0][1] - limit
    print("(int8/int4: convolutions and matmuls in integers (int4: 4-bit weights, 32 per "
          "scale,\n packed two per byte), the rest float with quantize/dequantize at their "
          "edges.\n Compiled for this CPU: with AVX-512 VNNI, int8 and int4 run qforge's "
          "vpdpbusd kernels\n (int4 weights unpacked in registers), without it the "
          "reference integer loops.\n Weight bytes count weights, biases and scales of the "
          "convolutions and matmuls.)")
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
