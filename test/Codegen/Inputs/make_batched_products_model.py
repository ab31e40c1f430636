"""Writes a float model whose MatMuls multiply two tensors computed at run
time (fma_product packing its right operand at run time, per batch):
attention without projections.

q [2, 3, 10, 24] (batch 2, 3 heads, 10 rows: not a multiple of the 4-row
tile; 24 columns) -> s = q x q^T [2, 3, 10, 10] (10 columns: padded to the
tile) -> Softmax -> o = s x q [2, 3, 10, 24] -> y = o + q (an element-wise
consumer of a batched product, not fused into its stores);
k [4, 64, 32] -> z = k x k^T [4, 64, 64] (rows and columns whole tiles:
stored into the result directly; enough work for threads to split the
batches) -> z * 0.125.
Usage: make_batched_products_model.py OUT.onnx
"""

import sys

import onnx
from onnx import TensorProto, helper


def main():
    node = helper.make_node
    nodes = [
        node("Transpose", ["q"], ["qt"], name="qt", perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "qt"], ["s"], name="scores"),
        node("Softmax", ["s"], ["p"], name="softmax", axis=-1),
        node("MatMul", ["p", "q"], ["o"], name="mix"),
        node("Add", ["o", "q"], ["y"], name="residual"),
        node("Transpose", ["k"], ["kt"], name="kt", perm=[0, 2, 1]),
        node("MatMul", ["k", "kt"], ["g"], name="gram"),
        node("Mul", ["g", "eighth"], ["z"], name="scale"),
    ]
    eighth = helper.make_tensor("eighth", TensorProto.FLOAT, [], [0.125])
    graph = helper.make_graph(
        nodes, "batched_products",
        [helper.make_tensor_value_info("q", TensorProto.FLOAT, [2, 3, 10, 24]),
         helper.make_tensor_value_info("k", TensorProto.FLOAT, [4, 64, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 10, 24]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [4, 64, 64])], [eighth])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
