"""Writes a small float model whose convolutions take every way the
dot-product kernels read windows in place (an implicit im2col).

x [1, 32, 21, 21] -> conv a (3x3, pad 1; input not after a ReLU, so its
zero point is not 0 and padding taps are computed) -> Relu -> conv a2
(3x3, pad 1: three 7-row tiles per image row, the first, middle and last
skipping different padding taps) -> Relu -> conv b (5x5, stride 3, pad 2:
7x7, one register tile per image row, padding taps skipped) -> Relu ->
conv c (3x3, dilation 2, pads top/left 2, bottom/right
1: 6x6) -> Relu -> conv d (2x2, stride 2: 3x3, tiles across image rows)
-> conv e (3x3, pad 1, 48 channels: blocks of 32 weights straddle taps, so
it is unfolded instead). Random weights (seeded).
Usage: make_conv_windows_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(7)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(rng.normal(0, 0.1, n).astype(np.float32), name)

    inits = [
        weight("wa", 32, 32, 3, 3), bias("ba", 32),
        weight("wa2", 32, 32, 3, 3), bias("ba2", 32),
        weight("wb", 32, 32, 5, 5), bias("bb", 32),
        weight("wc", 48, 32, 3, 3), bias("bc", 48),
        weight("wd", 48, 48, 2, 2), bias("bd", 48),
        weight("we", 16, 48, 3, 3), bias("be", 16),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "wa", "ba"], ["a"], name="conv_a", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["ra"], name="relu_a"),
        helper.make_node("Conv", ["ra", "wa2", "ba2"], ["a2"], name="conv_a2",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a2"], ["ra2"], name="relu_a2"),
        helper.make_node("Conv", ["ra2", "wb", "bb"], ["b"], name="conv_b", pads=[2, 2, 2, 2],
                         strides=[3, 3]),
        helper.make_node("Relu", ["b"], ["rb"], name="relu_b"),
        helper.make_node("Conv", ["rb", "wc", "bc"], ["c"], name="conv_c", pads=[2, 2, 1, 1],
                         dilations=[2, 2]),
        helper.make_node("Relu", ["c"], ["rc"], name="relu_c"),
        helper.make_node("Conv", ["rc", "wd", "bd"], ["d"], name="conv_d", strides=[2, 2]),
        helper.make_node("Conv", ["d", "we", "be"], ["y"], name="conv_e", pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(
        nodes, "conv_windows",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 21, 21])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 3, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
