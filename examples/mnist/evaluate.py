#!/usr/bin/env python3
"""The main job on the bundled example: compile the trained MNIST CNN with
qforge into a standalone executable, run it on the 1,000 held-out test
digits, then do the same with onnxruntime and compare.

The executable takes the whole test set in one call (it runs the digits in
turn and stacks the outputs). Prints accuracy for both, how many predictions
agree, the largest logit difference, and the executable's latency.
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
    ok = rows[0][1] >= args.min_accuracy and agree == n
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
