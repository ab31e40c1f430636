"""Writes a small float CNN whose activations are the transcendental ones
detectors, classifiers and encoders use: SiLU (Sigmoid then Mul), Tanh,
GELU (erf and tanh forms), Mish, Elu, Softplus, HardSwish, Exp, Log,
Softmax and LogSoftmax. Random weights (seeded).
Usage: make_activations_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)
    w = numpy_helper.from_array(rng.normal(0, 0.2, (16, 8, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.normal(0, 0.1, 16).astype(np.float32), "b")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Sigmoid", ["c"], ["s"], name="sigmoid"),
        helper.make_node("Mul", ["c", "s"], ["silu"], name="silu"),
        helper.make_node("Tanh", ["silu"], ["t"], name="tanh"),
        helper.make_node("Gelu", ["t"], ["g"], name="gelu"),
        helper.make_node("Gelu", ["g"], ["gt"], approximate="tanh", name="gelu_tanh"),
        helper.make_node("Mish", ["gt"], ["m"], name="mish"),
        helper.make_node("Elu", ["m"], ["e"], name="elu"),
        helper.make_node("Softplus", ["e"], ["sp"], name="softplus"),
        helper.make_node("HardSwish", ["sp"], ["hs"], name="hardswish"),
        helper.make_node("Exp", ["hs"], ["ex"], name="exp"),
        helper.make_node("Log", ["ex"], ["lg"], name="log"),
        helper.make_node("Softmax", ["lg"], ["sm"], axis=1, name="softmax"),
        helper.make_node("LogSoftmax", ["sm"], ["y"], axis=1, name="logsoftmax"),
    ]
    graph = helper.make_graph(
        nodes, "activations",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 16, 16])], [w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
