"""qforge's x86 target families on this CPU (a benchmark, never a test).

For each x86 target this CPU can run -- x86_64-avx2 (AVX2: the float
kernel on ymm registers, int8 on vpmaddwd), x86_64-avxvnni (AVX2 and
AVX-VNNI: vpdpbusd kernels on ymm registers) where the CPU has AVX-VNNI,
x86_64-avx512vnni (vpdpbusd on zmm) where it has AVX-512 VNNI, x86_64-amx
(int8 on AMX tiles) where it has AMX-INT8 -- measures, in this one run at
one thread:

  - the 1024^3 int8 GEMM (a QDQ MatMul: u8 x s8 -> requantized u8) and the
    fp32 one, in GOPS, as a fraction of the peak of the instruction the
    target's int8 kernel uses (bench/vnni_peak.c: vpdpbusd on zmm or ymm,
    vpmaddwd on ymm; for AVX2 also of the vpmaddubsw peak, the ceiling of
    the saturating form oneDNN uses; fp32: of the FMA peak on the float
    kernel's registers), beside oneDNN limited to the same instruction set
    (ONEDNN_MAX_CPU_ISA=AVX2, AVX2_VNNI, AVX512_CORE_VNNI, AVX512_CORE_AMX;
    no probe measures AMX's peak, so that row has no fraction);
  - ResNet-18 and MobileNetV2 (torchvision, opset 13) at fp32 and int8,
    median ms, and int8's speed-up over the same target's fp32 and over
    the AVX2 target's fp32.

Needs what bench/run.py needs (scripts/bench installs it: oneDNN's
development package, the torchvision models in BUILD/test-models).

Usage: bench/targets.py [--build build] [--runs 20]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: the shared measuring helpers)

# (target, oneDNN's ISA limit, the int8 kernel's instruction peak, the
# float kernel's FMA registers)
# and the /proc/cpuinfo flag the target needs)
TARGETS = [("x86_64-avx2", "AVX2", "maddwd-ymm", "fma-ymm", "avx2"),
           ("x86_64-avxvnni", "AVX2_VNNI", "ymm", "fma-ymm", "avx_vnni"),
           ("x86_64-avx512vnni", "AVX512_CORE_VNNI", "zmm", "fma-zmm", "avx512_vnni"),
           ("x86_64-amx", "AVX512_CORE_AMX", "amx", "fma-zmm", "amx_int8")]


def cpu_facts():
    name, flags = "unknown CPU", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and name == "unknown CPU":
                name = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
    return name, flags


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(run.ROOT, "build"))
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    args.threads = [1]
    b = run.Bench(args)
    b.build_tools()
    name, flags = cpu_facts()
    targets = [t[:4] for t in TARGETS if t[4] in flags]
    peaks = {kind: b.peak(kind)
             for kind in ("zmm", "ymm", "maddwd-ymm", "maddubs-ymm", "fma-zmm", "fma-ymm")}
    print("# x86 targets on this CPU\n")
    shown = lambda kind, unit: "%.0f %s" % (peaks[kind], unit) if peaks[kind] else "n/a"
    print("Machine: %s (AVX-512 VNNI: %s, AVX-VNNI: %s, AMX-INT8: %s), one thread;"
          " `bench/targets.py`, one"
          " run. Peaks (bench/vnni_peak.c): vpdpbusd zmm %s, ymm %s; vpmaddwd ymm %s,"
          " vpmaddubsw ymm %s; FMA zmm %s, ymm %s.\n" % (
              name, "yes" if "avx512_vnni" in flags else "no",
              "yes" if "avx_vnni" in flags else "no",
              "yes" if "amx_int8" in flags else "no", shown("zmm", "GOPS"),
              shown("ymm", "GOPS"), shown("maddwd-ymm", "GOPS"), shown("maddubs-ymm", "GOPS"),
              shown("fma-zmm", "GFLOPS"), shown("fma-ymm", "GFLOPS")))

    mm = b.path("matmul1024.onnx")
    run.sh([sys.executable, os.path.join(run.HERE, "layers.py"), "matmul", "1024", "1024",
            "1024", mm])
    qmm = b.path("qdq-matmul1024.onnx")
    run.sh([sys.executable, os.path.join(run.HERE, "layers.py"), "qdq-matmul", "1024", "1024",
            "1024", qmm])
    calib, x = run.inputs_for(b, mm, [1024, 1024])
    xu = b.path("qdq-matmul1024.x.npy")
    np.save(xu, np.random.default_rng(0).integers(0, 256, (1024, 1024)).astype(np.uint8))
    gops = lambda ms: 2 * 1024 ** 3 / ms / 1e6
    print("## GEMM 1024^3\n")
    print("| target | qforge int8 | of its instruction's peak | oneDNN int8 (same ISA) |"
          " qforge vs oneDNN | qforge fp32 | of its FMA peak | oneDNN f32 (same ISA) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    fraction = lambda value, peak: "%.0f%%" % (100 * value / peak) if peak else "-"
    for target, isa, registers, fma in targets:
        flag = ("--target=" + target,)
        q8 = b.qforge_ms(qmm, "fp32", None, xu, args.runs, extra=flag)
        f32 = b.qforge_ms(mm, "fp32", None, x, max(3, args.runs // 4), extra=flag)
        d8 = b.onednn("matmul", 1024, 1024, 1024, "int8", isa=isa)
        d32 = b.onednn("matmul", 1024, 1024, 1024, "f32", isa=isa)
        print("| %s | %.0f GOPS | %s | %.0f GOPS | %.2fx | %.0f GFLOPS | %s | %.0f GFLOPS |" % (
            target, gops(q8), fraction(gops(q8), peaks.get(registers)) + (
                " (%s of vpmaddubsw's)" % fraction(gops(q8), peaks["maddubs-ymm"])
                if registers == "maddwd-ymm" else ""), gops(d8), d8 / q8,
            gops(f32), fraction(gops(f32), peaks[fma]), gops(d32)))

    print("\n## Whole models, batch 1 (median ms)\n")
    print("| model | target | fp32 | int8 | int8 vs its fp32 | int8 vs AVX2 fp32 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for model in ("resnet18", "mobilenet_v2"):
        path = os.path.join(b.build, "test-models", model + "-opset13.onnx")
        calib, x = run.inputs_for(b, path, [1, 3, 224, 224])
        avx2_fp32 = None
        for target, *_ in targets:
            flag = ("--target=" + target,)
            f32 = b.qforge_ms(path, "fp32", calib, x, args.runs, extra=flag)
            q8 = b.qforge_ms(path, "int8", calib, x, args.runs, extra=flag)
            avx2_fp32 = avx2_fp32 or f32
            print("| %s | %s | %.2f | %.2f | %.2fx | %.2fx |" % (
                model, target, f32, q8, f32 / q8, avx2_fp32 / q8))
    return 0


if __name__ == "__main__":
    sys.exit(main())
