#!/usr/bin/env python3
"""Writes two MatMul models and their calibration samples into OUTDIR for
accumulator-bound.test, and prints the int32 accumulator bound of the first
computed here in float64 from its weights: 255 x the largest sum over
output channels of |round(w / (max|w_c| / 127))| (no bias).

bound.onnx: K = 9, two output channels. overflow.onnx: K = 66400 weights of
1.0 in one channel, whose bound 255 * 127 * 66400 exceeds 2^31 - 1.

usage: make_accumulator_models.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(3)


def matmul_model(name, w):
    k, n = w.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])],
        [numpy_helper.from_array(w.astype(np.float32), "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))
    np.save(os.path.join(out, name + ".calib.npy"),
            rng.uniform(-1, 1, (8, 1, k)).astype(np.float32))


w = rng.normal(0, 1, (9, 2))
matmul_model("bound", w)
matmul_model("overflow", np.ones((66400, 1)))

scales = np.abs(w.astype(np.float32)).max(axis=0) / 127.0
q = np.clip(np.rint(w.astype(np.float32) / scales), -127, 127)
print("expected bound", int(255 * np.abs(q).sum(axis=0).max()))
