"""AArch64 kernel speed estimated with llvm-mca (a benchmark, never a test).

No AArch64 machine here: correctness runs under qemu in the tests, and
speed is estimated. For each layer (the 1024^3 GEMM at fp32 and as a QDQ
int8 MatMul, and ResNet-18's 56x56x64 3x3 convolution at both) and each
AArch64 target that has a kernel for it (fp32: fmla on every target;
int8: smull for aarch64, sdot for aarch64-dotprod, smmla for
aarch64-i8mm), this compiles
the layer with qforge, takes from the assembly the loop with the most
multiply-accumulate instructions (the kernel's inner loop), and runs
llvm-mca on it for the cores that have the instruction: fmla on
Cortex-A53, Cortex-A72, Cortex-A76 and Neoverse N1; smull (Armv8.0,
with sadalp: what Cortex-A53 and A72 have for int8) on the same four; sdot (Armv8.2
dotprod) on Cortex-A55, Cortex-A76 and Neoverse N1; smmla (Armv8.6 i8mm)
on Neoverse N2 and V1.

It prints the cycles per iteration and the fraction of the multiply-
accumulate peak: (multiply-accumulate instructions x the instruction's
reciprocal throughput in that CPU's model) / cycles, 100% when the loop
issues one every cycle it could. An estimate: llvm-mca models neither
caches nor the front end beyond dispatch width, and LLVM 22 schedules
Cortex-A76 with the Cortex-A57 tables (the same figures as Cortex-A72);
Neoverse N1, the A76's server sibling, has its own.

Usage: bench/aarch64_mca.py [--build build]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MCA = "/usr/lib/llvm-22/bin/llvm-mca"
CPUS = {"fmla": ["cortex-a53", "cortex-a72", "cortex-a76", "neoverse-n1"],
        "smull": ["cortex-a53", "cortex-a72", "cortex-a76", "neoverse-n1"],
        "sdot": ["cortex-a55", "cortex-a76", "neoverse-n1"],
        "smmla": ["neoverse-n2", "neoverse-v1"]}
MAC = re.compile(r"^\s*(fmla|smull|smlal|sdot|smmla)\s")

# (layer, its bench/layers.py arguments, precision, [(target, instruction)])
LAYERS = [
    ("GEMM 1024^3", ["matmul", "1024", "1024", "1024"], "fp32",
     [("aarch64", "fmla")]),
    ("GEMM 1024^3", ["qdq-matmul", "1024", "1024", "1024"], "int8",
     [("aarch64", "smull"), ("aarch64-dotprod", "sdot"), ("aarch64-i8mm", "smmla")]),
    ("3x3 conv 56x56x64", ["conv", "1", "64", "56", "56", "64", "3", "3", "1", "1", "1"],
     "fp32", [("aarch64", "fmla")]),
    ("3x3 conv 56x56x64", ["qdq-conv", "1", "64", "56", "56", "64", "3", "3", "1", "1", "1"],
     "int8", [("aarch64", "smull"), ("aarch64-dotprod", "sdot"), ("aarch64-i8mm", "smmla")]),
]


def sh(cmd):
    return subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout


def hottest_loop(asm):
    """The body of the loop (a label whose block branches back to it) with
    the most multiply-accumulate instructions, without directives."""
    best, label, body = None, None, []
    for line in asm.splitlines():
        m = re.match(r"^(\.LBB\d+_\d+):", line)
        if m:
            label, body = m.group(1), []
            continue
        if label is None:
            continue
        text = line.strip()
        if text and not text.startswith(("//", ".")):
            body.append(text)
        if re.match(r"^b(\.\w+)?\s+" + re.escape(label) + "$", text):
            macs = sum(bool(MAC.match(i)) for i in body)
            if macs and (best is None or macs > best[0]):
                best = (macs, list(body))
            label = None
    return best


def estimate(loop_file, cpu, instruction):
    out = sh([MCA, "-mtriple=aarch64", "-mcpu=" + cpu, "-mattr=+dotprod,+i8mm", "-iterations=300",
              "-instruction-info", loop_file])
    iterations = int(re.search(r"^Iterations:\s+(\d+)", out, re.M).group(1))
    cycles = int(re.search(r"^Total Cycles:\s+(\d+)", out, re.M).group(1)) / iterations
    # Instruction info rows: uOps, latency, reciprocal throughput, flags, text.
    rthroughput = None
    for line in out.splitlines():
        m = re.match(r"^\s*\d+\s+\d+\s+([\d.]+)\s.*?\b" + instruction + r"\s", line)
        if m:
            rthroughput = float(m.group(1))
            break
    return cycles, rthroughput


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    qforge = os.path.join(args.build, "bin", "qforge")
    work = tempfile.mkdtemp(prefix="qforge-mca-")
    print("# AArch64 kernels under llvm-mca (estimates)\n")
    print("`bench/aarch64_mca.py`: each kernel's inner loop as qforge compiles it, "
          "cycles per iteration and the fraction of the multiply-accumulate peak in "
          "each CPU's LLVM scheduling model.\n")
    print("| layer | precision | target | loop: MACs / instructions | per core: cycles per"
          " iteration, share of the peak |")
    print("| --- | --- | --- | --- | --- |")
    for name, layer_args, precision, targets in LAYERS:
        model = os.path.join(work, "_".join(layer_args) + ".onnx")
        sh([sys.executable, os.path.join(HERE, "layers.py")] + layer_args + [model])
        for target, instruction in targets:
            asm_file = os.path.join(work, "%s-%s.s" % (layer_args[0], target))
            sh([qforge, "compile", model, "--target=" + target, "--emit=asm", "-o", asm_file,
                "--threads=1", "--quiet"])
            with open(asm_file) as f:
                found = hottest_loop(f.read())
            if not found:
                print("| %s | %s | %s | no %s loop | - |" % (name, precision, target, instruction))
                continue
            macs, body = found
            loop_file = asm_file + ".loop.s"
            with open(loop_file, "w") as f:
                f.write("\n".join(body) + "\n")
            cells = []
            for cpu in CPUS[instruction]:
                cycles, rthroughput = estimate(loop_file, cpu, instruction)
                share = macs * rthroughput / cycles if rthroughput else None
                cells.append("%s %.1f, %s" % (
                    cpu, cycles, "%.0f%%" % (100 * share) if share else "?"))
            print("| %s | %s | %s (%s) | %d / %d | %s |" % (
                name, precision, target, instruction, macs, len(body), "; ".join(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
