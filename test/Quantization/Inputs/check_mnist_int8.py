"""The bundled MNIST model at int8 against fp32.

Calibrates on the calibration split, compiles fp32 and int8 executables
(x86-64 here; optionally AArch64, run under RUNNER), runs the held-out test
split and checks: int8 accuracy within 0.3 points of fp32 (the labels are
the reference), and, with --aarch64, that the AArch64 int8 executable's
outputs equal the x86-64 ones bit for bit (integer-only requantization).

Usage: check_mnist_int8.py QFORGE EXAMPLE_DIR WORKDIR [--aarch64 RUNNER]
"""

import os
import shlex
import subprocess
import sys

import numpy as np


def run(cmd):
    subprocess.run(cmd, check=True)


def main():
    qforge, example, work = sys.argv[1:4]
    runner = shlex.split(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--aarch64" else None
    os.makedirs(work, exist_ok=True)
    model = os.path.join(example, "mnist_cnn.onnx")
    data = os.path.join(example, "data")
    images = os.path.join(data, "test_images.npy")
    labels = np.load(os.path.join(data, "test_labels.npy"))
    table = os.path.join(work, "table.json")
    run([qforge, "calibrate", model, "--calib-data=" + os.path.join(data, "calib_images.npy"),
         "-o", table, "--quiet"])

    outputs = {}
    builds = [("fp32", "host", []), ("int8", "host", ["--precision=int8", "--calib-table=" + table])]
    if runner:
        builds.append(("int8-aarch64", "aarch64", ["--precision=int8", "--calib-table=" + table]))
    for name, target, flags in builds:
        exe = os.path.join(work, name)
        run([qforge, "compile", model, "--emit=exe", "--target=" + target, "-o", exe, "--quiet"] + flags)
        out = os.path.join(work, name + "-out")
        run((runner if target == "aarch64" else []) + [exe, images, "-o", out])
        outputs[name] = np.load(os.path.join(out, "output_0.npy"))

    acc = {k: float((v.argmax(1) == labels).mean()) * 100 for k, v in outputs.items()}
    agree = int((outputs["int8"].argmax(1) == outputs["fp32"].argmax(1)).sum())
    print(f"fp32 accuracy {acc['fp32']:.2f}%, int8 accuracy {acc['int8']:.2f}%, "
          f"int8 agrees with fp32 on {agree} of {len(labels)} digits")
    ok = acc["int8"] >= acc["fp32"] - 0.3
    print(("ok   " if ok else "FAIL ") + "int8 accuracy within 0.3 points of fp32")
    if runner:
        same = np.array_equal(outputs["int8"], outputs["int8-aarch64"])
        print(("ok   " if same else "FAIL ") + "AArch64 int8 outputs equal x86-64 int8 outputs bit for bit")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
