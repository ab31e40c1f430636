"""NonMaxSuppression against onnxruntime on random boxes: two batches, three
classes, 40 boxes in corner (some flipped) and center formats, with and
without a score threshold. qforge's output is a bounded buffer: its first
rows must equal onnxruntime's selection and every row after them be -1.
Prints one line per case.

Usage: check_nms.py QFORGE WORKDIR
"""

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


def main():
    qforge, work = sys.argv[1], sys.argv[2]
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
        np.save(os.path.join(work, "boxes.npy"), data)
        np.save(os.path.join(work, "scores.npy"), scores)
        out = os.path.join(work, "out_" + name)
        subprocess.run([qforge, "run", path, os.path.join(work, "boxes.npy"),
                        os.path.join(work, "scores.npy"), "-o", out], check=True)
        got = np.load(os.path.join(out, "output_0.npy"))
        rows = expected.shape[0]
        ok = (got.shape == (2 * 3 * per_class, 3) and np.array_equal(got[:rows], expected)
              and np.all(got[rows:] == -1))
        failures += not ok
        print("%s %s: %d of %d rows selected, bound %d" % ("ok  " if ok else "FAIL", name, rows,
                                                          got.shape[0], 2 * 3 * per_class))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
