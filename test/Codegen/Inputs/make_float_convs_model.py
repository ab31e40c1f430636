"""Writes a float model whose convolutions take every path of the float
FMA kernels (qf-lower-to-kernels: fma_product, fma_depthwise).

x [2, 19, 17, 17] (two images; 19 channels, not a multiple of the 16-lane
vector) -> dw_a (depthwise 3x3, pad 1: a full block of 16 channels and a
masked tail of 3) -> pw_b (1x1 conv 19 -> 40: the input read as a matrix)
-> Relu -> dw_c (depthwise 5x5, stride 2, pad 2: 9x9, pixel tiles of 8
and a tail of 1) -> dw_d (depthwise 3x3, dilation 2, pads top/left 2,
bottom/right 1: 8x8) -> conv_e (3x3 conv 40 -> 24, pad 1: windows read in
place, padding taps skipped) -> Relu -> conv_f (3x3 conv 24 -> 33, stride
2, no padding: 3x3, tiles across image rows) -> dw_g (depthwise 2x2 with
channel multiplier 2, 33 -> 66: not a kernel's; TOSA's loops). Random
weights (seeded).
Usage: make_float_convs_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(rng.normal(0, 0.1, n).astype(np.float32), name)

    inits = [
        weight("wa", 19, 1, 3, 3), bias("ba", 19),
        weight("wb", 40, 19, 1, 1), bias("bb", 40),
        weight("wc", 40, 1, 5, 5), bias("bc", 40),
        weight("wd", 40, 1, 3, 3), bias("bd", 40),
        weight("we", 24, 40, 3, 3), bias("be", 24),
        weight("wf", 33, 24, 3, 3), bias("bf", 33),
        weight("wg", 66, 1, 2, 2), bias("bg", 66),
    ]
    conv = helper.make_node
    nodes = [
        conv("Conv", ["x", "wa", "ba"], ["a"], name="dw_a", pads=[1, 1, 1, 1], group=19),
        conv("Conv", ["a", "wb", "bb"], ["b"], name="pw_b"),
        conv("Relu", ["b"], ["rb"], name="relu_b"),
        conv("Conv", ["rb", "wc", "bc"], ["c"], name="dw_c", pads=[2, 2, 2, 2],
             strides=[2, 2], group=40),
        conv("Conv", ["c", "wd", "bd"], ["d"], name="dw_d", pads=[2, 2, 1, 1],
             dilations=[2, 2], group=40),
        conv("Conv", ["d", "we", "be"], ["e"], name="conv_e", pads=[1, 1, 1, 1]),
        conv("Relu", ["e"], ["re"], name="relu_e"),
        conv("Conv", ["re", "wf", "bf"], ["f"], name="conv_f", strides=[2, 2]),
        conv("Conv", ["f", "wg", "bg"], ["y"], name="dw_g", group=33),
    ]
    graph = helper.make_graph(
        nodes, "float_convs",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 19, 17, 17])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 66, 2, 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
