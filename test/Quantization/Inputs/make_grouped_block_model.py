"""Writes a small float model of RegNet/ResNeXt-style blocks: grouped
convolutions with several input channels per group.

x [1, 16, 16, 16] -> conv 1x1 (16 -> 48) -> Relu -> grouped conv 3x3,
stride 2, 6 groups of 8 channels, with bias (grouped_a) -> Relu -> grouped
conv 3x3, 3 groups of 16 channels, no bias (grouped_b) -> conv 1x1
(48 -> 24) -> y [1, 24, 8, 8]. Random weights (seeded).
Usage: make_grouped_block_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(5)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(rng.normal(0, 0.1, n).astype(np.float32), name)

    inits = [
        weight("w_in", 48, 16, 1, 1), bias("b_in", 48),
        weight("w_a", 48, 8, 3, 3), bias("b_a", 48),
        weight("w_b", 48, 16, 3, 3),
        weight("w_out", 24, 48, 1, 1), bias("b_out", 24),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w_in", "b_in"], ["a"], name="conv_in"),
        helper.make_node("Relu", ["a"], ["ra"], name="relu_in"),
        helper.make_node("Conv", ["ra", "w_a", "b_a"], ["g"], name="grouped_a",
                         group=6, pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["g"], ["rg"], name="relu_a"),
        helper.make_node("Conv", ["rg", "w_b"], ["h"], name="grouped_b",
                         group=3, pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["h", "w_out", "b_out"], ["y"], name="conv_out"),
    ]
    graph = helper.make_graph(
        nodes, "grouped_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 24, 8, 8])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
