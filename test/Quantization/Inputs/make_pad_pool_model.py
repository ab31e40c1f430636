"""Writes a small float model whose quantization needs every padding form.

Conv -> Relu -> Pad (constant 0) -> Conv -> AveragePool 3x3 padded
(count_include_pad = 0) -> AveragePool 3x3 padded (count_include_pad = 1)
-> Pad (reflect) -> Pad (edge) -> Conv -> GlobalAveragePool -> Flatten ->
Gemm, random weights (seeded). Usage: make_pad_pool_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(1)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def ints(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    inits = [
        weight("w1", 8, 3, 3, 3), weight("w2", 8, 8, 3, 3), weight("w3", 8, 8, 3, 3),
        weight("wf", 8, 10), numpy_helper.from_array(np.zeros(10, np.float32), "bf"),
        ints("pad1", [0, 0, 1, 2, 0, 0, 2, 1]), ints("pad2", [0, 0, 1, 1, 0, 0, 1, 1]),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Pad", ["r1", "pad1"], ["p1"], name="pad_zero", mode="constant"),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], name="conv2"),
        helper.make_node("AveragePool", ["c2"], ["a1"], name="avg_exclude_pad",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("AveragePool", ["a1"], ["a2"], name="avg_include_pad",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2],
                         count_include_pad=1),
        helper.make_node("Pad", ["a2", "pad2"], ["p2"], name="pad_reflect", mode="reflect"),
        helper.make_node("Pad", ["p2", "pad2"], ["p3"], name="pad_edge", mode="edge"),
        helper.make_node("Conv", ["p3", "w3"], ["c3"], name="conv3"),
        helper.make_node("GlobalAveragePool", ["c3"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc"),
    ]
    graph = helper.make_graph(
        nodes, "pad_pool",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
