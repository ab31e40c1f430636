"""Accuracy of qforge's quantization methods on trained models, against
their fp32 selves, measured on held-apart data: the table of
docs/accuracy.md.

Models: the MNIST example's CNN and a small MobileNetV2-style network
(depthwise-separable, ReLU6) trained on the same digits by
bench/train_mobile_mnist.py (Debian's /usr/bin/python3 with python3-torch;
about 35 s). Both are calibrated on the example's 500 calibration digits;
--precision=auto searches and --bias-correction-data measures on the first
500 test digits (the latter on 100 of them), and every row is measured on
the other 500 (held apart): top-1 accuracy, agreement with
fp32's top class, cosine of the logits to onnxruntime's fp32 logits, and
weight bytes. Names the CPU. A measurement, never a test.

Usage: python3 bench/accuracy.py --qforge build/bin/qforge [--workdir DIR]
"""
import argparse
import collections
import json
import os
import subprocess
import tempfile

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "examples", "mnist", "data")

# Flags starting with "calibrate:" go to `qforge calibrate` (one table per
# distinct set); the others to `qforge compile`.
CLE = "calibrate:--cross-layer-equalization=exact"
CLE6 = "calibrate:--cross-layer-equalization=relu6-to-relu"
VARIANTS = [
    ("fp32 after CLE (ReLU6 lifted)", [CLE6, "--precision=int8", "--keep-float=Conv,Gemm"]),
    ("int8, per-tensor weights", ["--precision=int8", "--weight-scales=tensor"]),
    ("int8, per-tensor weights, CLE", [CLE, "--precision=int8", "--weight-scales=tensor"]),
    ("int8, per-tensor weights, CLE (ReLU6 lifted)", [CLE6, "--precision=int8",
                                                      "--weight-scales=tensor"]),
    ("int8", ["--precision=int8"]),
    ("int8, CLE (ReLU6 lifted)", [CLE6, "--precision=int8"]),
    ("int8, bias correction", ["--precision=int8", "--bias-correction"]),
    ("int8, bias correction on data", ["--precision=int8", "--bias-correction-data={eval}"]),
    ("int4 (blocks of 32)", ["--precision=int4"]),
    ("int4 (blocks of 32), bias correction", ["--precision=int4", "--bias-correction"]),
    ("int4 (blocks of 32), bias correction on data", ["--precision=int4",
                                                      "--bias-correction-data={eval}"]),
    ("int4 (per channel)", ["--precision=int4", "--group-size=0"]),
    ("int4 (per channel), bias correction", ["--precision=int4", "--group-size=0",
                                             "--bias-correction"]),
    ("int4 (per channel), bias correction on data", ["--precision=int4", "--group-size=0",
                                                     "--bias-correction-data={eval}"]),
    ("int4 (blocks of 32), CLE (ReLU6 lifted)", [CLE6, "--precision=int4"]),
    ("int4 (blocks of 32), scale search", ["--precision=int4", "--int4-scale-search"]),
    ("int4 (per channel), scale search", ["--precision=int4", "--group-size=0",
                                          "--int4-scale-search"]),
    ("auto, size first, top-1 drop <= 0.5%", ["--precision=auto", "--optimize-for=size",
                                              "--eval-labels={labels}", "--max-drop=0.5%"]),
    ("auto, size first, cosine drop <= 0.1%", ["--precision=auto", "--optimize-for=size",
                                               "--max-drop=0.1%"]),
    ("auto, speed first, top-1 drop <= 0.5%", ["--precision=auto", "--eval-labels={labels}",
                                               "--max-drop=0.5%"]),
]


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def run_exe(exe, images, work):
    out = os.path.join(work, "out")
    subprocess.run([exe, images, "-o", out], check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(out, "output_0.npy"))


def scores(q, f, labels):
    cos = np.mean([np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)) for a, b in zip(q, f)])
    return (100 * np.mean(q.argmax(1) == labels), 100 * np.mean(q.argmax(1) == f.argmax(1)), cos)


TABLES = {}


def calibrate(qforge, model, key, work, files, flags):
    """The table for these calibrate flags (made once per run)."""
    table = os.path.join(work, key + "".join("_" + f.split("=")[-1] for f in flags) + ".json")
    if table not in TABLES:
        subprocess.run([qforge, "calibrate", model, "--calib-data=" + files["calib"], "-o",
                        table, "--quiet"] + flags, check=True)
        TABLES[table] = True
    return table


def bench_model(qforge, name, model, work, files):
    key = os.path.splitext(os.path.basename(model))[0]
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    f = session.run(None, {session.get_inputs()[0].name: np.load(files["held"])})[0]
    labels = np.load(files["held_labels"]).astype(np.int64)
    exe = os.path.join(work, key + "_exe")
    subprocess.run([qforge, "compile", model, "--emit=exe", "--quiet", "-o", exe], check=True)
    top1, agree, cos = scores(run_exe(exe, files["held"], work), f, labels)
    floats = None
    print(f"\n{name}\n")
    print("| build | weight bytes | top-1 | agreement with fp32 | cosine to fp32 | layers |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = []
    for label, flags in VARIANTS:
        report = os.path.join(work, key + "_report.json")
        table = calibrate(qforge, model, key, work, files,
                          [f[len("calibrate:"):] for f in flags if f.startswith("calibrate:")])
        flags = [flag.format(labels=files["eval_labels"], eval=files["eval"]) for flag in flags
                 if not flag.startswith("calibrate:")]
        if flags[0] == "--precision=auto":
            flags.append("--eval-data=" + files["eval"])
        subprocess.run([qforge, "compile", model, "--calib-table=" + table, "--emit=exe",
                        "--quiet", "--report=" + report, "-o", exe] + flags, check=True,
                       stderr=subprocess.DEVNULL)
        r = json.load(open(report))
        floats = floats or r["totals"]["weight_bytes_fp32"]
        mix = collections.Counter(l["precision"] for l in r["layers"] if l["weight_bytes_fp32"])
        rows.append((label, r["totals"]["weight_bytes"],
                     scores(run_exe(exe, files["held"], work), f, labels),
                     ", ".join(f"{n} {p}" for p, n in sorted(mix.items()))))
    print(f"| fp32 | {floats} | {top1:.1f}% | {agree:.1f}% | {cos:.5f} | all fp32 |")
    for label, size, (t, a, c), mix in rows:
        print(f"| {label} | {size} ({100 * size / floats:.1f}%) | {t:.1f}% | {a:.1f}% | "
              f"{c:.5f} | {mix} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix="qforge-accuracy-")
    os.makedirs(work, exist_ok=True)
    images = np.load(os.path.join(DATA, "test_images.npy"))
    labels = np.load(os.path.join(DATA, "test_labels.npy"))
    files = {"calib": os.path.join(DATA, "calib_images.npy")}
    for key, array in [("eval", images[:500]), ("eval_labels", labels[:500]),
                       ("held", images[500:]), ("held_labels", labels[500:])]:
        files[key] = os.path.join(work, key + ".npy")
        np.save(files[key], array)
    mobile = os.path.join(work, "mobile_mnist.onnx")
    if not os.path.exists(mobile):
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "train_mobile_mnist.py"), mobile],
                       check=True, stdout=subprocess.DEVNULL)
    print(f"CPU: {cpu_name()}; search on test digits 0-499, measured on 500-999 (held apart)")
    bench_model(args.qforge, "MNIST CNN (examples/mnist)",
                os.path.join(HERE, "..", "examples", "mnist", "mnist_cnn.onnx"), work, files)
    bench_model(args.qforge, "MobileNetV2-style MNIST CNN (bench/train_mobile_mnist.py)",
                mobile, work, files)


if __name__ == "__main__":
    main()
