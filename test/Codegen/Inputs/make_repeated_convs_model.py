"""Writes a float model with layers of the same shape, for the shared
chunk bodies (qf-share-chunk-bodies), and calibration samples for it.

x [1, 32, 20, 20] -> conv_a, conv_b, conv_c (3x3, 32 -> 32, pad 1, each
with its own random weights and bias, each followed by Relu) -> conv_d (1x1,
32 -> 48: another shape) -> y [1, 48, 20, 20]. Each 3x3 layer is 3.7M
multiply-adds, enough to be split over threads. Random weights and samples
(seeded).
Usage: make_repeated_convs_model.py OUT.onnx CALIB.npy
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(26)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) * np.sqrt(2.0 / fan_in)).astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(rng.normal(0, 0.1, n).astype(np.float32), name)

    inits, nodes, last = [], [], "x"
    for name in ["a", "b", "c"]:
        inits += [weight("w" + name, 32, 32, 3, 3), bias("b" + name, 32)]
        nodes += [
            helper.make_node("Conv", [last, "w" + name, "b" + name], ["c" + name],
                             name="conv_" + name, pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c" + name], ["r" + name], name="relu_" + name),
        ]
        last = "r" + name
    inits += [weight("wd", 48, 32, 1, 1), bias("bd", 48)]
    nodes.append(helper.make_node("Conv", [last, "wd", "bd"], ["y"], name="conv_d"))
    graph = helper.make_graph(
        nodes, "repeated_convs",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 20, 20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 48, 20, 20])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])
    np.save(sys.argv[2], rng.normal(0, 1, (8, 1, 32, 20, 20)).astype(np.float32))


if __name__ == "__main__":
    main()
