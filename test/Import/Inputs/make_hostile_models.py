#!/usr/bin/env python3
"""Writes malformed ONNX models, one per kind of hostile input, into OUTDIR
(test/Import/hostile-models.test): each must get one clear error.

usage: make_hostile_models.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    # Written without onnx.checker: these models are malformed on purpose.
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


x, y = vi("x", [1, 4]), vi("y", [1, 4])
# Two nodes, each consuming the other's output.
save("cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
               helper.make_node("Relu", ["a"], ["b"], name="second"),
               helper.make_node("Identity", ["a"], ["y"], name="out")], [x], [y])
# A node input that no node, initializer or graph input provides.
save("missing_initializer", [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y])
# A negative dimension.
save("negative_dim", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [vi("x", [1, -3])], [vi("y", [1, -3])])
# An element count beyond int64 (2^63 and more).
huge = [1 << 31, 1 << 31, 1 << 31]
save("overflowing_shape", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [vi("x", huge)], [vi("y", huge)])
# Element types qforge does not take: strings, complex numbers.
save("string_input", [helper.make_node("Identity", ["x"], ["y"], name="id")],
     [vi("x", [2], TensorProto.STRING)], [vi("y", [2], TensorProto.STRING)])
save("complex_initializer", [helper.make_node("Add", ["x", "c"], ["y"], name="add")],
     [vi("x", [2], TensorProto.COMPLEX64)], [vi("y", [2], TensorProto.COMPLEX64)],
     [numpy_helper.from_array(np.array([1 + 2j, 3], np.complex64), "c")])
# Weights in an external file: present (external_ok, whose weights start
# at byte 8 of weights.bin), missing, shorter than declared, or outside the
# model's directory.
weights = np.arange(4, dtype=np.float32).reshape(1, 4) + 0.5
with open(os.path.join(out, "weights.bin"), "wb") as f:
    f.write(b"\xff" * 8 + weights.tobytes())
for name, location, offset in (("external_ok", "weights.bin", 8),
                               ("external_missing", "absent.bin", 0),
                               ("external_short", "weights.bin", 16),
                               ("external_outside", "../weights.bin", 0)):
    w = numpy_helper.from_array(weights, "w")
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)), ("length", "16")):
        w.external_data.add(key=key, value=value)
    save(name, [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y], [w])
# An initializer whose element count overflows.
big = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 40, 1 << 40])
save("overflowing_initializer", [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
     [x], [y], [big])
# An operator set from the future.
save("future_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu")], [x], [y], opset=99)
# Two nodes writing the same tensor.
save("duplicate_output", [helper.make_node("Relu", ["x"], ["t"], name="one"),
                          helper.make_node("Neg", ["x"], ["t"], name="two"),
                          helper.make_node("Identity", ["t"], ["y"], name="out")], [x], [y])
# A graph output no node produces.
save("unproduced_output", [helper.make_node("Relu", ["x"], ["t"], name="relu")], [x], [y])
# Axes out of range (found by qforge-fuzz-onnx-import: Softmax wrote past
# its shape's end).
save("softmax_axis", [helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=5)],
     [x], [y])
save("layernorm_axis", [helper.make_node("LayerNormalization", ["x", "g"], ["y"], name="norm",
                                         axis=-3)],
     [x], [y], [numpy_helper.from_array(np.ones(4, np.float32), "g")], opset=17)
# Window attributes of the wrong length or value (a stride list too short
# was read past its end; a zero stride divided by zero).
x4, y4 = vi("x4", [1, 1, 4, 4]), vi("y4", [1, 1, 2, 2])
save("pool_strides", [helper.make_node("MaxPool", ["x4"], ["y4"], name="pool",
                                       kernel_shape=[2, 2], strides=[2])], [x4], [y4])
save("pool_zero_stride", [helper.make_node("AveragePool", ["x4"], ["y4"], name="pool",
                                           kernel_shape=[2, 2], strides=[0, 2])], [x4], [y4])
# A required input left off (found by qforge-fuzz-onnx-import: the importer
# read input 1 of an Xor that had one).
xb, yb = vi("xb", [4], TensorProto.BOOL), vi("yb", [4], TensorProto.BOOL)
save("missing_input", [helper.make_node("Xor", ["xb"], ["yb"], name="xor")], [xb], [yb])
# A node with no outputs at all (found by qforge-fuzz-onnx-import: the
# importer read output 0 of an Xor that had none and crashed).
save("no_outputs", [helper.make_node("Xor", ["x", "x"], [], name="xor"),
                    helper.make_node("Relu", ["x"], ["y"], name="relu")], [x], [y])
