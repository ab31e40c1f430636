"""Threaded kernels compute what sequential ones do, for any thread count.

Builds a small ONNX network whose layers are big enough for qforge to split
across threads (a 3x3 convolution: rows; a depthwise convolution: output
rows; a fully connected layer of one row: column tiles), compiles it at
PRECISION with --threads=1 and --threads=2 and runs the threaded executable
with 1, 2 and 3 threads (QFORGE_NUM_THREADS and the executable's --threads
flag). Every output must equal the sequential build's bit for bit, and that
must be within TOL of onnxruntime's float output (relative to its range).
With --expect-pool, the threaded object must contain the chunk functions
and the sequential one must not call the thread pool.

Usage: check_threads.py QFORGE WORKDIR [--precision fp32|int8] [--tol T]
       [--expect-pool]
"""

import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def build_model(path, rng):
    def weight(name, shape):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]))).astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv3x3", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="depthwise", group=64,
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("AveragePool", ["r2"], ["p"], name="pool", kernel_shape=[8, 8],
                         strides=[8, 8]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="fc", transB=1),
    ]
    inits = [weight("w1", (64, 32, 3, 3)),
             numpy_helper.from_array(rng.standard_normal(64).astype(np.float32) * 0.1, "b1"),
             weight("w2", (64, 1, 3, 3)),
             weight("w3", (256, 64 * 7 * 7)),
             numpy_helper.from_array(rng.standard_normal(256).astype(np.float32) * 0.1, "b3")]
    graph = helper.make_graph(
        nodes, "threads",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 56, 56])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 256])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qforge")
    parser.add_argument("workdir")
    parser.add_argument("--precision", default="int8")
    parser.add_argument("--tol", type=float, default=0.05)
    parser.add_argument("--expect-pool", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(7)
    model = os.path.join(args.workdir, "threads.onnx")
    build_model(model, rng)
    x = rng.random((1, 32, 56, 56), dtype=np.float32)
    x_path = os.path.join(args.workdir, "x.npy")
    np.save(x_path, x)

    quant = []
    if args.precision != "fp32":
        calib = os.path.join(args.workdir, "calib.npy")
        np.save(calib, rng.random((8, 32, 56, 56), dtype=np.float32))
        table = os.path.join(args.workdir, "table.json")
        subprocess.run([args.qforge, "calibrate", model, "--calib-data=" + calib, "-o", table,
                        "--quiet"], check=True)
        quant = ["--precision=" + args.precision, "--calib-table=" + table]

    def compile_model(threads, emit, out):
        subprocess.run([args.qforge, "compile", model, "--emit=" + emit, "-o", out,
                        "--threads=%d" % threads, "--quiet"] + quant, check=True)

    def run(exe, name, extra=(), env_threads=None):
        out = os.path.join(args.workdir, name)
        env = dict(os.environ)
        env.pop("QFORGE_NUM_THREADS", None)
        if env_threads is not None:
            env["QFORGE_NUM_THREADS"] = str(env_threads)
        subprocess.run([exe, x_path, "-o", out] + list(extra), check=True, env=env)
        return np.load(os.path.join(out, "output_0.npy"))

    sequential = os.path.join(args.workdir, "sequential")
    threaded = os.path.join(args.workdir, "threaded")
    compile_model(1, "exe", sequential)
    compile_model(2, "exe", threaded)
    failures = 0
    expected = run(sequential, "out-sequential")
    runs = [("2 threads (compiled in)", {}),
            ("QFORGE_NUM_THREADS=1", {"env_threads": 1}),
            ("QFORGE_NUM_THREADS=3", {"env_threads": 3}),
            ("--threads 3", {"extra": ["--threads", "3"]}),
            ("--threads 1 over QFORGE_NUM_THREADS=2", {"extra": ["--threads", "1"],
                                                      "env_threads": 2})]
    for i, (what, how) in enumerate(runs):
        got = run(threaded, "out-%d" % i, **how)
        same = got.dtype == expected.dtype and np.array_equal(got, expected)
        failures += not same
        print("%s %s equals --threads=1 bit for bit" % ("ok  " if same else "FAIL", what))

    reference = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
        None, {"x": x})[0]
    error = np.abs(expected - reference).max() / (reference.max() - reference.min())
    close = error <= args.tol
    failures += not close
    print("%s %s vs onnxruntime float: max error %.2g of the output range (tolerance %g)"
          % ("ok  " if close else "FAIL", args.precision, error, args.tol))

    if args.expect_pool:
        # The IR of each build: the threaded one calls the pool with its
        # chunk functions, the sequential one has neither.
        for threads, want in ((2, True), (1, False)):
            ir = os.path.join(args.workdir, "threads-%d.ll" % threads)
            compile_model(threads, "llvm", ir)
            text = open(ir).read()
            has = (re.search(r"define internal .*@qforge_parallel_for\(", text) is not None
                   and re.search(r"_chunk(_[0-9]+)?\(", text) is not None)
            ok = has == want
            failures += not ok
            print("%s --threads=%d %s" % ("ok  " if ok else "FAIL", threads,
                                          "links the thread pool" if want else "has no thread pool"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
