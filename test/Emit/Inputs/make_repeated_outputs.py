"""Writes models whose outputs repeat one value: two identical Relu nodes
(one value after CSE), one graph output listed twice, and the graph input
returned through two Identity nodes."""
import sys

import onnx
from onnx import TensorProto, helper


def info(name):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [2, 3])


def save(path, nodes, outputs):
    graph = helper.make_graph(nodes, "repeated", [info("x")], [info(o) for o in outputs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


out = sys.argv[1]
save(f"{out}/two_relus.onnx",
     [helper.make_node("Relu", ["x"], ["a"], name="relu_a"),
      helper.make_node("Relu", ["x"], ["b"], name="relu_b"),
      helper.make_node("Neg", ["x"], ["c"], name="neg")],
     ["a", "b", "c"])
save(f"{out}/two_identities.onnx",
     [helper.make_node("Identity", ["x"], ["a"], name="id_a"),
      helper.make_node("Identity", ["x"], ["b"], name="id_b")],
     ["a", "b"])
