"""qforge's compile time and memory per model, precision and stage.

For each model and precision: `qforge compile` (an object file) pinned to
one core (`taskset -c CORE`), once plain for the wall time and peak
resident memory, once with `--time-passes --mem-report` for the time per
stage (import, quantize, lower, LLVM -O3, LLVM code generation; the timed
run is a little slower than the plain one). int8 and int4 are calibrated
first on random samples (calibration is not counted). Prints a markdown
table with the CPU it ran on. Measured in one run; a benchmark, never a test.

Usage: bench/compile_time.py --qforge build/bin/qforge MODEL.onnx...
       [--precision fp32,int8,int4] [--core 0]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import cpu_name, model_input  # noqa: E402

import numpy as np  # noqa: E402

STAGES = ["import", "quantize", "lower", "LLVM -O3", "LLVM code generation"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--precision", default="fp32,int8,int4")
    parser.add_argument("--core", default="0", help="the core to pin qforge to")
    args = parser.parse_args()
    print(f"CPU: {cpu_name()}; qforge pinned to core {args.core}; seconds, MiB\n")
    print("| model | precision | wall s | " + " | ".join(STAGES) +
          " | peak MiB | weights MiB |")
    print("| --- " * (len(STAGES) + 5) + "|")
    with tempfile.TemporaryDirectory() as work:
        for path in args.models:
            name = os.path.splitext(os.path.basename(path))[0]
            table = calibrate(args, path, os.path.join(work, name))
            for precision in args.precision.split(","):
                row = measure(args, path, precision, table, os.path.join(work, name))
                print(f"| {name} | {precision} | " + " | ".join(row) + " |", flush=True)


def calibrate(args, path, base):
    _, _, calib = model_input(path)
    np.save(base + ".calib.npy", calib)
    table = base + ".table.json"
    subprocess.run([args.qforge, "calibrate", path, f"--calib-data={base}.calib.npy",
                    "-o", table, "--quiet"], check=True)
    return table


def compile_command(args, path, precision, table, out):
    cmd = ["taskset", "-c", args.core, args.qforge, "compile", path, "-o", out, "--quiet",
           f"--precision={precision}"]
    if precision in ("int8", "int4"):
        cmd.append(f"--calib-table={table}")
    return cmd


def measure(args, path, precision, table, base):
    out = f"{base}.{precision}.o"
    start = time.perf_counter()
    subprocess.run(compile_command(args, path, precision, table, out), check=True)
    wall = time.perf_counter() - start
    # The peak comes from qforge's own --mem-report (getrusage of the
    # children here would keep the largest of all runs so far).
    timed = subprocess.run(compile_command(args, path, precision, table, out) +
                           ["--time-passes", "--mem-report"],
                           check=True, capture_output=True, text=True).stderr
    stages = []
    for stage in STAGES:
        m = re.search(r"^\s+([0-9.]+) \(\s*[0-9.]+%\)\s+" + re.escape(stage) + r"$", timed,
                      re.MULTILINE)
        stages.append(f"{float(m.group(1)):.2f}" if m else "-")
    rss = [float(x) for x in re.findall(r"after \S+\s+([0-9.]+)", timed)]
    weights = re.search(r"model weights ([0-9.]+) MiB", timed)
    return ([f"{wall:.2f}"] + stages +
            [f"{max(rss):.0f}" if rss else "-", weights.group(1) if weights else "-"])


if __name__ == "__main__":
    main()
