"""A squeeze-excitation block as Keras and TensorFlow export it: Conv ->
Relu -> ReduceMean over H and W (keepdims) -> Conv 1x1 -> Sigmoid -> Mul
with the block's input, then ReduceMean over H and W without keepdims
(the global pooling before a classifier) -> Gemm.

Usage: make_reduce_mean_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def main():
    rng = np.random.RandomState(3)
    inits = [
        nh.from_array(rng.randn(16, 8, 3, 3).astype(np.float32) * 0.2, "w1"),
        nh.from_array(rng.randn(16).astype(np.float32) * 0.1, "b1"),
        nh.from_array(rng.randn(16, 16, 1, 1).astype(np.float32) * 0.3, "w2"),
        nh.from_array(rng.randn(16, 10).astype(np.float32) * 0.3, "w3"),
        nh.from_array(rng.randn(10).astype(np.float32) * 0.1, "b3"),
    ]
    nodes = [
        h.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        h.make_node("ReduceMean", ["r1"], ["squeezed"], axes=[2, 3], keepdims=1, name="squeeze"),
        h.make_node("Conv", ["squeezed", "w2"], ["c2"], name="excite"),
        h.make_node("Sigmoid", ["c2"], ["gate"], name="gate"),
        h.make_node("Mul", ["r1", "gate"], ["scaled"], name="scale"),
        h.make_node("ReduceMean", ["scaled"], ["pooled"], axes=[-2, -1], keepdims=0,
                    name="pool"),
        h.make_node("Gemm", ["pooled", "w3", "b3"], ["y"], name="classifier"),
    ]
    graph = h.make_graph(nodes, "se", [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 12, 12])],
                         [h.make_tensor_value_info("y", T.FLOAT, [1, 10])], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
