"""qforge's benchmark suite (never a test: it prints, it does not judge).

Builds the peak probe and the oneDNN driver, then measures on this machine,
each figure as the best or median of repeated calls in this one run:

  (a) the vpdpbusd peak, and a 1024^3 int8 GEMM compiled by qforge as a
      fraction of it, beside oneDNN's int8 and f32 matmul;
  (b) layer shapes (ResNet-18's 3x3 stages, MobileNetV2's 1x1 and
      depthwise 3x3): qforge int8 and fp32 vs oneDNN int8 and f32;
  (c) whole models at batch 1 (the MNIST example, ResNet-18, MobileNetV2,
      SqueezeNet): qforge fp32/int8/int4 vs onnxruntime fp32 and int8 (QDQ
      from quantize_static).

(a) and (b) run at the first thread count of --threads (default 1,2),
(c) at each; qforge compiles with --threads=N and onnxruntime and oneDNN
get the same count. Writes a Markdown report to stdout
(docs/performance.md holds one).

(c) measures in interleaved rounds (--rounds, default 3) and reports each
figure's best round, so that a busy stretch on a shared machine slows one
round of every tool rather than all of one tool's calls.

Usage: bench/run.py [--build build] [--threads 1,2] [--quick] [--rounds N]
"""

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def sh(cmd, env=None, capture=True):
    r = subprocess.run(cmd, check=True, text=True, env=env,
                       stdout=subprocess.PIPE if capture else None)
    return r.stdout if capture else ""


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.qforge = os.path.join(self.build, "bin", "qforge")
        self.work = tempfile.mkdtemp(prefix="qforge-bench-")
        self.env = dict(os.environ, OMP_NUM_THREADS=str(args.threads[0]))
        self.tools = os.path.join(self.build, "bench")
        os.makedirs(self.tools, exist_ok=True)

    def path(self, name):
        return os.path.join(self.work, name)

    # --- tools --------------------------------------------------------------
    def build_tools(self):
        # clang: gcc 12 copies every accumulator twice per iteration of the
        # probe's loop, which caps it below the instruction's throughput on
        # CPUs that run vpdpbusd at full width (AMD Zen 5: 728 vs 1010 GOPS).
        sh(["clang-22", "-O2", "-o", os.path.join(self.tools, "vnni_peak"),
            os.path.join(HERE, "vnni_peak.c")])
        sh(["g++", "-O2", "-std=c++17", "-o", os.path.join(self.tools, "onednn_bench"),
            os.path.join(HERE, "onednn_bench.cpp"), "-ldnnl"])

    def peak(self, registers="zmm"):
        """The vpdpbusd peak in GOPS on zmm (AVX-512 VNNI) or ymm (AVX-VNNI)
        registers, AVX2's int8 peaks ("maddwd-ymm", "maddubs-ymm"), or the
        FMA peak in GFLOPS ("fma-zmm", "fma-ymm"); None where this CPU has
        no such instruction."""
        out = sh([os.path.join(self.tools, "vnni_peak")] + ([] if registers == "zmm" else [registers]))
        m = re.search(r"([\d.]+) G(?:OPS|FLOPS)", out)
        return float(m.group(1)) if m else None

    def onednn(self, *argv, isa=None):
        """oneDNN's time in ms; with ISA (e.g. AVX2, AVX2_VNNI) limited to
        that instruction set (ONEDNN_MAX_CPU_ISA)."""
        env = dict(self.env, ONEDNN_MAX_CPU_ISA=isa) if isa else self.env
        return float(sh([os.path.join(self.tools, "onednn_bench")] + [str(a) for a in argv],
                        env=env))

    # --- qforge ---------------------------------------------------------------
    def qforge_ms(self, model, precision, calib, x, runs, threads=None, extra=()):
        """Median ms per call of MODEL compiled at PRECISION for this CPU
        with THREADS (default: the first count asked for; "fp32" compiles
        as given: a QDQ model keeps its own integers) and EXTRA compile
        flags."""
        threads = threads or self.args.threads[0]
        tag = "%s-%s-t%d%s" % (os.path.basename(model).replace(".onnx", ""), precision, threads,
                               "".join(f.replace("=", "").replace("-", "") for f in extra))
        exe = self.path(tag)
        cmd = [self.qforge, "compile", model, "--emit=exe", "-o", exe, "--quiet",
               "--threads=%d" % threads] + list(extra)
        if precision != "fp32":
            table = self.path(os.path.basename(model) + ".table.json")
            if not os.path.exists(table):
                sh([self.qforge, "calibrate", model, "--calib-data=" + calib, "-o", table,
                    "--quiet"])
            cmd += ["--precision=" + precision, "--calib-table=" + table]
        if not os.path.exists(exe):  # measured again in a later round
            sh(cmd)
        out = sh([exe, x, "-o", self.path(tag + "-out"), "--bench", str(runs)])
        return float(re.search(r"median ([\d.]+) ms", out).group(1))

    # --- onnxruntime ------------------------------------------------------------
    def ort_ms(self, model, x, runs, threads):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
        name = sess.get_inputs()[0].name
        feed = {name: np.load(x)}
        sess.run(None, feed)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            sess.run(None, feed)
            times.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(times)

    def ort_qdq(self, model, calib, x):
        from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                              QuantType, quantize_static)
        from onnxruntime.quantization.shape_inference import quant_pre_process
        import onnx
        out = self.path(os.path.basename(model).replace(".onnx", "-qdq.onnx"))
        if os.path.exists(out):
            return out
        pre = self.path(os.path.basename(model).replace(".onnx", "-pre.onnx"))
        # Its temporary files go to the working directory: the bench's own.
        model = os.path.abspath(model)
        with contextlib.chdir(self.work):
            quant_pre_process(model, pre)
        m = onnx.load(pre)
        init = {t.name for t in m.graph.initializer}
        name = [i.name for i in m.graph.input if i.name not in init][0]
        # The calibration samples in batches of the model's input shape (x's).
        shape = np.load(x).shape
        samples = np.load(calib).reshape((-1,) + shape)

        class Reader(CalibrationDataReader):
            def __init__(self):
                self.it = iter(samples)

            def get_next(self):
                s = next(self.it, None)
                return None if s is None else {name: s}

        quantize_static(pre, out, Reader(), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        per_channel=True)
        return out


def inputs_for(bench, model, shape, calib_from=None):
    """Calibration samples and one input (random unless given) for MODEL."""
    rng = np.random.default_rng(0)
    base = os.path.basename(model)
    calib = bench.path(base + ".calib.npy")
    x = bench.path(base + ".x.npy")
    if calib_from:
        data = np.load(calib_from)
        np.save(calib, data[:16])
        np.save(x, data[16:17])
    else:
        # Samples along the leading dimension, in batches of the model's.
        batches = max(1, 8 // shape[0])
        np.save(calib, rng.normal(0, 1, [batches * shape[0]] + shape[1:]).astype(np.float32))
        np.save(x, rng.normal(0, 1, shape).astype(np.float32))
    return calib, x


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--threads", default="1,2",
                   type=lambda text: [int(t) for t in text.split(",")],
                   help="thread counts, comma-separated (default 1,2)")
    p.add_argument("--quick", action="store_true", help="fewer runs, fewer layers")
    p.add_argument("--rounds", type=int, default=3,
                   help="interleaved rounds of the whole-model measurements (c), the best"
                        " round's median reported (default 3)")
    args = p.parse_args()
    b = Bench(args)
    runs = 5 if args.quick else 20
    b.build_tools()
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("# qforge benchmarks\n")
    print("Machine: %s, %d cores. Command: `bench/run.py%s`. Median ms per call, batch 1"
          " (in (c), the best of %d interleaved rounds' medians); every ratio is between"
          " figures of this one run. qforge compiles for `--target=host`. Sections (a) and"
          " (b) at %d thread(s), (c) at %s.\n"
          % (cpu, os.cpu_count(), " --quick" if args.quick else "", args.rounds,
             args.threads[0], " and ".join(map(str, args.threads))))

    # (a) peak and GEMM
    peak = b.peak()
    print("## (a) int8 GEMM against the vpdpbusd peak\n")
    print("vpdpbusd peak (bench/vnni_peak.c): %s\n" % ("%.1f GOPS" % peak if peak else "n/a"))
    mm = b.path("matmul1024.onnx")
    sh([sys.executable, os.path.join(HERE, "layers.py"), "matmul", "1024", "1024", "1024", mm])
    calib, x = inputs_for(b, mm, [1024, 1024])
    ops = 2 * 1024 ** 3
    qmm = b.path("qdq-matmul1024.onnx")
    sh([sys.executable, os.path.join(HERE, "layers.py"), "qdq-matmul", "1024", "1024", "1024", qmm])
    xu = b.path("qdq-matmul1024.x.npy")
    np.save(xu, np.random.default_rng(0).integers(0, 256, (1024, 1024)).astype(np.uint8))
    rows = [("qforge int8 GEMM (QDQ layer: u8 x s8 -> requantized u8, as oneDNN)",
             b.qforge_ms(qmm, "fp32", None, xu, runs)),
            ("qforge int8, float model (adds quantize and dequantize of the f32 edges)",
             b.qforge_ms(mm, "int8", calib, x, runs)),
            ("qforge fp32", b.qforge_ms(mm, "fp32", calib, x, max(3, runs // 4))),
            ("oneDNN int8 (u8 x s8 -> u8)", b.onednn("matmul", 1024, 1024, 1024, "int8")),
            ("oneDNN f32", b.onednn("matmul", 1024, 1024, 1024, "f32"))]
    print("| M=N=K=1024 | ms | GOPS | of peak |\n| --- | --- | --- | --- |")
    for name, ms in rows:
        gops = ops / ms / 1e6
        print("| %s | %.2f | %.0f | %s |" % (name, ms, gops,
                                           "%.0f%%" % (100 * gops / peak) if peak else "-"))
    print("\nqforge int8 GEMM vs oneDNN int8: %.2fx the speed\n" % (rows[3][1] / rows[0][1]))

    # (b) layers
    print("## (b) layer shapes\n")
    print("| layer (N C H W -> O, KHxKW/stride, groups) | qforge int8 | qforge fp32 | "
          "oneDNN int8 | oneDNN f32 | int8 vs qforge fp32 | int8 vs oneDNN int8 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    layers = [
        ("ResNet-18 stage 1 3x3", (1, 64, 56, 56, 64, 3, 3, 1, 1, 1)),
        ("ResNet-18 stage 2 3x3", (1, 128, 28, 28, 128, 3, 3, 1, 1, 1)),
        ("ResNet-18 stage 3 3x3", (1, 256, 14, 14, 256, 3, 3, 1, 1, 1)),
        ("ResNet-18 stage 4 3x3", (1, 512, 7, 7, 512, 3, 3, 1, 1, 1)),
        ("MobileNetV2 1x1 expand", (1, 24, 56, 56, 144, 1, 1, 1, 0, 1)),
        ("MobileNetV2 1x1 project", (1, 960, 7, 7, 160, 1, 1, 1, 0, 1)),
        ("MobileNetV2 depthwise 3x3", (1, 144, 56, 56, 144, 3, 3, 1, 1, 144)),
        ("MobileNetV2 depthwise 3x3 (7x7)", (1, 960, 7, 7, 960, 3, 3, 1, 1, 960)),
    ]
    if args.quick:
        layers = layers[1:2] + layers[4:5] + layers[6:7]
    int4_rows = []
    for name, shape in layers:
        # int8: the QDQ layer (u8 in, u8 out, as oneDNN's); fp32: the float
        # layer. Both NHWC, the compiler's own layout.
        tag = "-".join(map(str, shape))
        model = b.path("conv-%s.onnx" % tag)
        qmodel = b.path("qdq-conv-%s.onnx" % tag)
        for kind, path in (("conv", model), ("qdq-conv", qmodel)):
            sh([sys.executable, os.path.join(HERE, "layers.py"), kind] + [str(v) for v in shape]
               + [path])
        nhwc = [shape[0], shape[2], shape[3], shape[1]]
        calib, x = inputs_for(b, model, nhwc)
        xu = b.path("qdq-conv-%s.x.npy" % tag)
        np.save(xu, np.random.default_rng(0).integers(0, 256, nhwc).astype(np.uint8))
        q8 = b.qforge_ms(qmodel, "fp32", None, xu, runs)
        f32 = b.qforge_ms(model, "fp32", None, x, runs)
        d8 = b.onednn("conv", *shape, "int8")
        d32 = b.onednn("conv", *shape, "f32")
        label = "%s %s" % (name, "%d %d %d %d -> %d, %dx%d/%d, g%d" % (shape[:8] + shape[9:]))
        print("| %s | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx |" %
              (label, q8, f32, d8, d32, f32 / q8, d8 / q8))
        if name.startswith("ResNet"):
            # int4 against int8 on the same float layer, both calibrated.
            # int4 against int8 on the same float layer, both calibrated:
            # blocks of 32 (the default) and one scale per channel.
            int4_rows.append((label, b.qforge_ms(model, "int8", calib, x, runs),
                              b.qforge_ms(model, "int4", calib, x, runs),
                              b.qforge_ms(model, "int4", calib, x, runs,
                                          extra=["--group-size=0"])))
    if int4_rows:
        print("\nint4 weights (unpacked in registers) against int8, the same float layer"
              " quantized each way: scales per block of 32 (the default) and per channel"
              " (`--group-size=0`):\n")
        print("| layer | qforge int8 | int4 blocks of 32 | int4 per channel | time / int8: "
              "blocks | per channel |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, q8, q4, q4c in int4_rows:
            print("| %s | %.3f | %.3f | %.3f | %.2fx | %.2fx |" %
                  (label, q8, q4, q4c, q4 / q8, q4c / q8))

    # (c) whole models
    print("\n## (c) whole models, batch 1\n")
    print("| model | threads | qforge fp32 | qforge int8 | qforge int4 | ORT fp32 | "
          "ORT int8 (QDQ) | int8 vs qforge fp32 | int8 vs ORT int8 | qforge fp32 vs ORT fp32 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    models_dir = os.path.join(b.build, "test-models")
    models = [("MNIST example", os.path.join(ROOT, "examples", "mnist", "mnist_cnn.onnx"), None,
               os.path.join(ROOT, "examples", "mnist", "data", "calib_images.npy"))]
    for name, f in [("ResNet-18", "resnet18-opset13.onnx"),
                    ("MobileNetV2", "mobilenet_v2-opset13.onnx"),
                    ("SqueezeNet 1.0", "squeezenet1_0-opset13.onnx")]:
        path = os.path.join(models_dir, f)
        if os.path.exists(path):
            models.append((name, path, [1, 3, 224, 224], None))
        else:
            print("| %s | (not exported: run scripts/export_torchvision_models.py %s) |"
                  % (name, models_dir))
    if args.quick:
        models = models[:2]
    for name, path, shape, calib_from in models:
        if calib_from:
            # The example takes uint8 images: calibrate on real digits, time one.
            calib = calib_from
            x = b.path("mnist-x.npy")
            np.save(x, np.load(os.path.join(ROOT, "examples", "mnist", "data", "test_images.npy"))[:1])
        else:
            calib, x = inputs_for(b, path, shape)
        mruns = max(5, runs // 2)
        qdq = b.ort_qdq(path, calib, x)
        for threads in args.threads:
            # Rounds interleave the five measurements, and each figure is
            # the best round's median: a stretch when this machine's other
            # core is busy (it is a VM) then slows one round of every tool,
            # not all of one tool's calls.
            rounds = {"f32": [], "q8": [], "q4": [], "o32": [], "o8": []}
            for _ in range(args.rounds):
                rounds["f32"].append(b.qforge_ms(path, "fp32", calib, x, mruns, threads))
                rounds["q8"].append(b.qforge_ms(path, "int8", calib, x, mruns, threads))
                rounds["q4"].append(b.qforge_ms(path, "int4", calib, x, mruns, threads))
                rounds["o32"].append(b.ort_ms(path, x, mruns, threads))
                rounds["o8"].append(b.ort_ms(qdq, x, mruns, threads))
            f32, q8, q4, o32, o8 = (min(rounds[k]) for k in ("f32", "q8", "q4", "o32", "o8"))
            print("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx | %.2fx |" %
                  (name, threads, f32, q8, q4, o32, o8, f32 / q8, o8 / q8, o32 / f32))
    shutil.rmtree(b.work, ignore_errors=True)


if __name__ == "__main__":
    main()
