#!/usr/bin/env python3
"""Runs an ONNX model through qforge and onnxruntime on the same seeded
random inputs and compares every output.

By default qforge runs the model in-process (`qforge run`, JIT). With
--exe it compiles a standalone executable (`qforge compile --emit=exe`,
for --target) and runs that, through --runner when given (e.g. qemu for an
AArch64 executable).

An output matches when its max abs error is at most --tolerance times the
range (max - min) of onnxruntime's output (absolute for a constant output).
Prints one line per output and exits non-zero on any mismatch.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

ONNX_TO_NUMPY = {
    onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.INT64: np.int64, onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT8: np.int8, onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.INT16: np.int16, onnx.TensorProto.UINT16: np.uint16,
    onnx.TensorProto.UINT32: np.uint32, onnx.TensorProto.UINT64: np.uint64,
    onnx.TensorProto.BOOL: np.bool_,
}


def parse_shapes(items):
    shapes = {}
    for item in items or []:
        name, _, dims = item.rpartition(":")
        shapes[name] = tuple(int(d) for d in dims.split("x"))
    return shapes


def make_inputs(model, shapes, rng, data):
    init = {t.name for t in model.graph.initializer}
    feeds = {}
    for i, vi in enumerate(x for x in model.graph.input if x.name not in init):
        tt = vi.type.tensor_type
        dtype = ONNX_TO_NUMPY[tt.elem_type]
        if vi.name in shapes:
            shape = shapes[vi.name]
        else:
            shape = tuple(d.dim_value if d.HasField("dim_value") and d.dim_value > 0
                          else 1 for d in tt.shape.dim)
        if data and i < len(data):
            feeds[vi.name] = np.load(data[i]).astype(dtype).reshape(shape)
        elif np.issubdtype(dtype, np.floating):
            feeds[vi.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[vi.name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            feeds[vi.name] = rng.integers(0, 10, shape).astype(dtype)
    return feeds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qforge", required=True)
    p.add_argument("model")
    p.add_argument("--input-shape", action="append", help="NAME:DIMS, as for qforge")
    p.add_argument("--data", action="append", help=".npy input (in input order) "
                   "instead of random data")
    p.add_argument("--tolerance", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--exe", action="store_true",
                   help="compile a standalone executable and run it")
    p.add_argument("--target", default="host", help="with --exe: qforge's --target")
    p.add_argument("--runner", default="",
                   help="with --exe: command prefix that runs the executable")
    args = p.parse_args()

    model = onnx.load(args.model)
    feeds = make_inputs(model, parse_shapes(args.input_shape),
                        np.random.default_rng(args.seed), args.data)
    with tempfile.TemporaryDirectory() as work:
        paths = []
        for i, value in enumerate(feeds.values()):
            paths.append(os.path.join(work, "in_%d.npy" % i))
            np.save(paths[-1], value)
        shapes = ["--input-shape=" + s for s in args.input_shape or []]
        out = os.path.join(work, "out")
        if args.exe:
            exe = os.path.join(work, "model")
            build = subprocess.run([args.qforge, "compile", args.model, "--emit=exe",
                                    "--target=" + args.target, "--quiet", "-o", exe, *shapes],
                                   capture_output=True, text=True)
            if build.returncode != 0:
                sys.stderr.write(build.stderr)
                print("FAIL: qforge compile failed")
                return 1
            cmd = args.runner.split() + [exe, *paths, "-o", out]
        else:
            cmd = [args.qforge, "run", args.model, *paths, "-o", out, *shapes]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            print("FAIL: running the model failed")
            return 1
        ours = [np.load(os.path.join(work, "out", "output_%d.npy" % i))
                for i in range(len(model.graph.output))]
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    theirs = session.run(None, feeds)
    ok = True
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a.shape != b.shape:
            print("output %d: shape %s, onnxruntime %s: FAIL" % (i, a.shape, b.shape))
            ok = False
            continue
        if b.dtype.kind in "fc":
            span = float(np.max(b) - np.min(b)) if b.size else 0.0
            err = float(np.max(np.abs(a.astype(np.float64) - b))) if b.size else 0.0
            good = err <= args.tolerance * (span if span > 0 else 1.0)
            print("output %d: shape %s, max abs error %.3g, range %.3g: %s"
                  % (i, a.shape, err, span, "OK" if good else "FAIL"))
        else:
            good = np.array_equal(a, b)
            print("output %d: shape %s, exact: %s" % (i, a.shape, "OK" if good else "FAIL"))
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
