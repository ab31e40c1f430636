"""Selections on int8: a model whose Gather, GatherElements, ReduceMax,
ReduceMin, ArgMax (first and last index) and ArgMin read the outputs of
quantized convolutions, compiled at int8 and run.

Usage: quantized_selections.py QFORGE WORK [--target T --runner CMD]

Writes WORK/selections.onnx (Conv -> Relu -> Gather of 8 of 16 channels
-> GatherElements of one pixel per channel column -> Conv 1x1 ->
ReduceMax / ReduceMin over H, W -> ArgMax, ArgMax(select_last_index),
ArgMin of the maxima), calibrates it on seeded samples and compiles it at
int8 as an executable (for TARGET, run through RUNNER). On 8 more inputs
each index output must be numpy's arg max / arg min of the model's own
maxima output (first index, or last for select_last_index): exact, since
those maxima are the int8 ones dequantized; and the maxima and minima
must be within 5% of the reduced tensor's range (onnxruntime's largest
maximum less its smallest minimum) of onnxruntime's float outputs
(quantization error).
"""

import argparse
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def make_model(path, rng):
    inits = [
        nh.from_array(rng.randn(16, 8, 3, 3).astype(np.float32) * 0.2, "w1"),
        nh.from_array(rng.randn(16).astype(np.float32) * 0.1, "b1"),
        nh.from_array(rng.randn(12, 8, 1, 1).astype(np.float32) * 0.3, "w2"),
        nh.from_array(np.array([0, 2, 4, 6, 9, 11, 13, 15], dtype=np.int64), "channels"),
        nh.from_array(rng.randint(0, 8, size=(2, 8, 8, 8)).astype(np.int64), "rows"),
    ]
    nodes = [
        h.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        h.make_node("Gather", ["r1", "channels"], ["g"], axis=1, name="gather"),
        h.make_node("GatherElements", ["g", "rows"], ["ge"], axis=2, name="gather_elements"),
        h.make_node("Conv", ["ge", "w2"], ["c2"], name="conv2"),
        h.make_node("ReduceMax", ["c2"], ["maxima"], axes=[2, 3], keepdims=0, name="rmax"),
        h.make_node("ReduceMin", ["c2"], ["minima"], axes=[2, 3], keepdims=0, name="rmin"),
        h.make_node("ArgMax", ["maxima"], ["first"], axis=1, keepdims=0, name="argmax"),
        h.make_node("ArgMax", ["maxima"], ["last"], axis=1, keepdims=0, select_last_index=1,
                    name="argmax_last"),
        h.make_node("ArgMin", ["maxima"], ["smallest"], axis=1, keepdims=0, name="argmin"),
    ]
    outputs = [h.make_tensor_value_info("maxima", T.FLOAT, [2, 12]),
               h.make_tensor_value_info("minima", T.FLOAT, [2, 12])]
    outputs += [h.make_tensor_value_info(n, T.INT64, [2]) for n in ("first", "last", "smallest")]
    graph = h.make_graph(nodes, "selections",
                         [h.make_tensor_value_info("x", T.FLOAT, [2, 8, 8, 8])], outputs, inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qforge")
    p.add_argument("work")
    p.add_argument("--target", default="host")
    p.add_argument("--runner", default="")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.RandomState(7)
    model = os.path.join(args.work, "selections.onnx")
    make_model(model, rng)
    calib = os.path.join(args.work, "calib.npy")
    np.save(calib, rng.randn(64, 2, 8, 8, 8).astype(np.float32))
    table = os.path.join(args.work, "table.json")
    subprocess.run([args.qforge, "calibrate", model, "--calib-data=" + calib, "-o", table,
                    "--quiet"], check=True)
    exe = os.path.join(args.work, "selections")
    subprocess.run([args.qforge, "compile", model, "--precision=int8", "--calib-table=" + table,
                    "--target=" + args.target, "--emit=exe", "-o", exe, "--quiet"], check=True)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    ok = True
    for i in range(8):
        x = rng.randn(2, 8, 8, 8).astype(np.float32)
        inp = os.path.join(args.work, "in%d.npy" % i)
        out = os.path.join(args.work, "out%d" % i)
        np.save(inp, x)
        subprocess.run(shlex.split(args.runner) + [exe, inp, "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
        got = [np.load(os.path.join(out, "output_%d.npy" % k)) for k in range(5)]
        want = session.run(None, {"x": x})
        maxima = got[0]
        last = maxima.shape[1] - 1 - np.argmax(maxima[:, ::-1], axis=1)
        for name, mine, theirs in (("ArgMax", got[2], np.argmax(maxima, axis=1)),
                                   ("ArgMax select_last_index", got[3], last),
                                   ("ArgMin", got[4], np.argmin(maxima, axis=1))):
            if not np.array_equal(mine, theirs):
                print("FAIL %s on sample %d: %s, the maxima's %s" % (name, i, mine, theirs))
                ok = False
        span = want[0].max() - want[1].min()  # the range of the reduced tensor
        for name, mine, theirs in (("ReduceMax", got[0], want[0]), ("ReduceMin", got[1], want[1])):
            err = np.abs(mine - theirs).max() / span
            if err > 0.05:
                print("FAIL %s on sample %d: %.1f%% of the range from onnxruntime" %
                      (name, i, 100 * err))
                ok = False
    if ok:
        print("ok   int8 selections on %s: arg max/min equal the int8 maxima's, maxima and "
              "minima within 5%% of the range of onnxruntime's" % args.target)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
