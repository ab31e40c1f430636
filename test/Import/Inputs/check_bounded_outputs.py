"""Operators whose output size depends on the data, against onnxruntime.
qforge's output is a bounded buffer: its first entries along the bounded
axis must equal onnxruntime's output and every entry after them be -1.
NonMaxSuppression on random boxes (two batches, three classes, 40 boxes in
corner (some flipped) and center formats, with and without a score
threshold); NonZero on float, int32 and bool tensors of ranks 1-3; Unique
(its four outputs) sorted and not, flattened and along an axis, where Y and
counts pad with 0, indices with -1 and inverse_indices is exact. Prints one
line per case.

With --exe, each model is compiled to a standalone executable for
--target and run through --runner (e.g. qemu for AArch64) instead of
`qforge run`.

Usage: check_bounded_outputs.py QFORGE WORKDIR [--exe [--target T] [--runner CMD]]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def model(path, center, per_class, iou, score):
    inputs = ["boxes", "scores", "k", "iou"] + (["score"] if score is not None else [])
    init = [numpy_helper.from_array(np.int64([per_class]), "k"),
            numpy_helper.from_array(np.float32([iou]), "iou")]
    if score is not None:
        init.append(numpy_helper.from_array(np.float32([score]), "score"))
    node = helper.make_node("NonMaxSuppression", inputs, ["selected"], center_point_box=center)
    graph = helper.make_graph(
        [node], "nms",
        [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [2, 40, 4]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [2, 3, 40])],
        [helper.make_tensor_value_info("selected", TensorProto.INT64, [None, 3])], init)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, path)


EXE = {"enabled": False, "target": "host", "runner": []}


def run_qforge(qforge, path, arrays, out):
    files = []
    for i, a in enumerate(arrays):
        files.append(os.path.join(os.path.dirname(out), "in_%d.npy" % i))
        np.save(files[-1], a)
    if EXE["enabled"]:
        exe = path + ".exe"
        subprocess.run([qforge, "compile", path, "--emit=exe", "--quiet",
                        "--target=" + EXE["target"], "-o", exe], check=True)
        subprocess.run(EXE["runner"] + [exe, *files, "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
    else:
        subprocess.run([qforge, "run", path, *files, "-o", out], check=True)
    return np.load(os.path.join(out, "output_0.npy"))


def check_nonzero(qforge, work):
    failures = 0
    rng = np.random.default_rng(9)
    for name, elem, data in (
            ("float_3d", TensorProto.FLOAT,
             np.where(rng.uniform(size=(3, 4, 5)) < 0.6, 0, rng.standard_normal((3, 4, 5)))
             .astype(np.float32)),
            ("int32_1d", TensorProto.INT32, rng.integers(-1, 2, 17).astype(np.int32)),
            ("bool_2d", TensorProto.BOOL, rng.uniform(size=(6, 7)) < 0.3)):
        path = os.path.join(work, "nonzero_%s.onnx" % name)
        graph = helper.make_graph(
            [helper.make_node("NonZero", ["x"], ["y"])], "nonzero",
            [helper.make_tensor_value_info("x", elem, list(data.shape))],
            [helper.make_tensor_value_info("y", TensorProto.INT64, [data.ndim, None])])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        onnx.save(m, path)
        expected = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
            None, {"x": data})[0]
        got = run_qforge(qforge, path, [data], os.path.join(work, "out_nonzero_" + name))
        n = expected.shape[1]
        ok = (got.shape == (data.ndim, data.size) and np.array_equal(got[:, :n], expected)
              and np.all(got[:, n:] == -1))
        failures += not ok
        print("%s nonzero %s: %d of %d elements non-zero" % ("ok  " if ok else "FAIL", name, n,
                                                             data.size))
    return failures


def check_unique(qforge, work):
    failures = 0
    rng = np.random.default_rng(11)
    for name, data, attrs in (
            ("sorted_flat", rng.integers(0, 6, (4, 5)).astype(np.float32), {}),
            ("unsorted_flat", rng.integers(-3, 3, 15).astype(np.int64), {"sorted": 0}),
            ("sorted_axis0", rng.integers(0, 2, (6, 3)).astype(np.float32), {"axis": 0}),
            ("sorted_axis1_3d", rng.integers(0, 2, (2, 5, 2)).astype(np.float32), {"axis": 1})):
        path = os.path.join(work, "unique_%s.onnx" % name)
        elem = helper.np_dtype_to_tensor_dtype(data.dtype)
        outs = ["y", "indices", "inverse", "counts"]
        graph = helper.make_graph(
            [helper.make_node("Unique", ["x"], outs, **attrs)], "unique",
            [helper.make_tensor_value_info("x", elem, list(data.shape))],
            [helper.make_tensor_value_info("y", elem, None)] +
            [helper.make_tensor_value_info(o, TensorProto.INT64, None) for o in outs[1:]])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        onnx.save(m, path)
        expected = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
            None, {"x": data})
        out = os.path.join(work, "out_unique_" + name)
        run_qforge(qforge, path, [data], out)
        got = [np.load(os.path.join(out, "output_%d.npy" % i)) for i in range(4)]
        axis = attrs.get("axis", 0)
        k = expected[3].shape[0]
        y_head, y_tail = np.split(got[0], [k], axis=axis)
        ok = (np.array_equal(y_head, expected[0]) and np.all(y_tail == 0)
              and np.array_equal(got[1][:k], expected[1]) and np.all(got[1][k:] == -1)
              and np.array_equal(got[2], expected[2])
              and np.array_equal(got[3][:k], expected[3]) and np.all(got[3][k:] == 0))
        failures += not ok
        print("%s unique %s: %d of %d unique" % ("ok  " if ok else "FAIL", name, k,
                                                 got[3].shape[0]))
    return failures


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("qforge")
    p.add_argument("work")
    p.add_argument("--exe", action="store_true")
    p.add_argument("--target", default="host")
    p.add_argument("--runner", default="")
    args = p.parse_args()
    qforge, work = args.qforge, args.work
    EXE.update(enabled=args.exe, target=args.target, runner=args.runner.split())
    rng = np.random.default_rng(5)
    corner = rng.uniform(0, 10, (2, 40, 2)).astype(np.float32)
    size = rng.uniform(0.5, 4, (2, 40, 2)).astype(np.float32)
    boxes = np.concatenate([corner, corner + size], axis=2)
    boxes[:, ::3] = boxes[:, ::3][:, :, [2, 3, 0, 1]]  # flipped corners
    centered = np.concatenate([corner + size / 2, size], axis=2)[:, :, [1, 0, 3, 2]]
    scores = rng.uniform(0, 1, (2, 3, 40)).astype(np.float32)
    failures = 0
    for name, center, data, per_class, iou, score in (
            ("corners", 0, boxes, 8, 0.3, None), ("corners_scored", 0, boxes, 40, 0.5, 0.6),
            ("centered", 1, centered, 5, 0.2, 0.1)):
        path = os.path.join(work, "nms_%s.onnx" % name)
        model(path, center, per_class, iou, score)
        expected = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
            None, {"boxes": data, "scores": scores})[0]
        got = run_qforge(qforge, path, [data, scores], os.path.join(work, "out_" + name))
        rows = expected.shape[0]
        ok = (got.shape == (2 * 3 * per_class, 3) and np.array_equal(got[:rows], expected)
              and np.all(got[rows:] == -1))
        failures += not ok
        print("%s nms %s: %d of %d rows selected" % ("ok  " if ok else "FAIL", name, rows,
                                                    got.shape[0]))
    failures += check_nonzero(qforge, work)
    failures += check_unique(qforge, work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
