#!/usr/bin/env python3
"""The main job on the bundled example: compile the trained MNIST CNN with
qforge into a standalone executable, run it on the 1,000 held-out test
digits, then do the same with onnxruntime and compare; then calibrate on the
500-image calibration split, compile at int8 and compare that too.

The executables take the whole test set in one call (they run the digits in
turn and stack the outputs). Prints accuracy, agreement, the largest logit
difference, executable sizes and latencies.
usage: evaluate.py --qforge build/bin/qforge [--min-accuracy 0.95]
"""
import argparse
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
        exe8 = os.path.join(work, "mnist_cnn_int8")
        print("$ %s compile %s --emit=exe --precision=int8 --calib-table=mnist.calib.json "
              "-o mnist_cnn_int8" % (os.path.relpath(args.qforge), os.path.relpath(model)))
        subprocess.run([args.qforge, "compile", model, "--emit=exe", "--precision=int8",
                        "--calib-table=" + table, "-o", exe8, "--quiet"], check=True)
        out8 = os.path.join(work, "out8")
        bench8 = subprocess.run([exe8, images_path, "-o", out8, "--bench", "20"],
                                check=True, capture_output=True, text=True).stdout.strip()
        ours8 = np.load(os.path.join(out8, "output_0.npy"))
        exe8_size = os.path.getsize(exe8)

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

    acc8 = (ours8.argmax(1) == labels).mean()
    agree8 = int((ours8.argmax(1) == ours_pred).sum())
    median = lambda text: text.split("median ")[-1]
    print("\n%-14s %9s %17s %11s %14s" % ("", "accuracy", "agrees with fp32",
                                          "executable", "latency/digit"))
    print("%-14s %8.2f%% %17s %7d KiB %14s" % ("qforge fp32", 100 * rows[0][1], "-",
                                               exe_size // 1024, median(bench)))
    print("%-14s %8.2f%% %12d/%d %7d KiB %14s" % ("qforge int8", 100 * acc8, agree8, n,
                                                  exe8_size // 1024, median(bench8)))
    print("(int8: convolutions and matmuls in integers, the rest float with quantize/"
          "dequantize\n at their edges; plain vectorized integer loops, no VNNI/dot-product "
          "kernels yet)")
    ok = (rows[0][1] >= args.min_accuracy and agree == n
          and acc8 >= rows[0][1] - 0.003)
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
