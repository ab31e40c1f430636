"""Writes a small float model of MobileNetV3-style blocks whose channel
counts are not multiples of 16 (the depthwise kernels' vector width).

x [1, 24, 20, 20] -> conv 1x1 (24 -> 72) -> HardSwish -> depthwise 3x3,
stride 2 (72 channels: the vpdpbusd row kernel) -> HardSwish ->
squeeze-excitation (GlobalAveragePool -> conv 1x1 72 -> 24 -> Relu ->
conv 1x1 24 -> 72 -> HardSigmoid -> Mul with the block's activations) ->
depthwise 5x5, pad 2 (72 channels: the per-tap vector kernel) -> Relu ->
conv 1x1 (72 -> 40) -> y [1, 40, 10, 10]. Random weights (seeded).
Usage: make_mobile_block_model.py OUT.onnx
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
        weight("w_expand", 72, 24, 1, 1), bias("b_expand", 72),
        weight("w_dw3", 72, 1, 3, 3), bias("b_dw3", 72),
        weight("w_se1", 24, 72, 1, 1), bias("b_se1", 24),
        weight("w_se2", 72, 24, 1, 1), bias("b_se2", 72),
        weight("w_dw5", 72, 1, 5, 5), bias("b_dw5", 72),
        weight("w_project", 40, 72, 1, 1), bias("b_project", 40),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w_expand", "b_expand"], ["e"], name="expand"),
        helper.make_node("HardSwish", ["e"], ["he"], name="hswish_expand"),
        helper.make_node("Conv", ["he", "w_dw3", "b_dw3"], ["d3"], name="depthwise3x3",
                         group=72, pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("HardSwish", ["d3"], ["hd3"], name="hswish_dw"),
        helper.make_node("GlobalAveragePool", ["hd3"], ["pooled"], name="se_pool"),
        helper.make_node("Conv", ["pooled", "w_se1", "b_se1"], ["s1"], name="se_reduce"),
        helper.make_node("Relu", ["s1"], ["rs1"], name="se_relu"),
        helper.make_node("Conv", ["rs1", "w_se2", "b_se2"], ["s2"], name="se_expand"),
        helper.make_node("HardSigmoid", ["s2"], ["scale"], name="se_gate", alpha=1.0 / 6),
        helper.make_node("Mul", ["hd3", "scale"], ["excited"], name="se_scale"),
        helper.make_node("Conv", ["excited", "w_dw5", "b_dw5"], ["d5"], name="depthwise5x5",
                         group=72, pads=[2, 2, 2, 2]),
        helper.make_node("Relu", ["d5"], ["rd5"], name="relu_dw5"),
        helper.make_node("Conv", ["rd5", "w_project", "b_project"], ["y"], name="project"),
    ]
    graph = helper.make_graph(
        nodes, "mobile_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 24, 20, 20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 40, 10, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
