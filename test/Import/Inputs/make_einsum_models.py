"""Einsum models beyond ONNX's five node tests, written to OUTDIR: attention
scores, a shared weight, an outer product, implicit outputs, diagonals, a
trace, an ellipsis, full sums and a permutation; and two that qforge
rejects (three inputs; a character that is not a label).

Usage: make_einsum_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

CASES = {
    "attention": ("bhqd,bhkd->bhqk", [[2, 3, 4, 5], [2, 3, 6, 5]]),
    "shared_weight": ("bij,jk->bik", [[2, 3, 4], [4, 5]]),
    "outer": ("i,j->ij", [[3], [4]]),
    "implicit_matmul": ("ij,jk", [[3, 4], [4, 5]]),
    "diagonal": ("ii->i", [[4, 4]]),
    "trace": ("ii", [[4, 4]]),
    "ellipsis_matmul": ("...ij,...jk->...ik", [[2, 3, 4], [2, 4, 5]]),
    "sum_all": ("ijk->", [[2, 3, 4]]),
    "permute": ("ijk->kij", [[2, 3, 4]]),
    "three_inputs": ("i,i,i->i", [[3], [3], [3]]),
    "bad_label": ("i1,i->i", [[3, 3], [3]]),
}


def main():
    for name, (equation, shapes) in CASES.items():
        inputs = [helper.make_tensor_value_info("x%d" % i, TensorProto.FLOAT, s)
                  for i, s in enumerate(shapes)]
        try:
            out = list(np.einsum(equation, *[np.zeros(s, np.float32) for s in shapes]).shape)
        except ValueError:  # not an equation numpy takes either
            out = [3]
        node = helper.make_node("Einsum", ["x%d" % i for i in range(len(shapes))], ["y"],
                                name="einsum", equation=equation)
        graph = helper.make_graph([node], name, inputs,
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, out)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.save(model, "%s/einsum_%s.onnx" % (sys.argv[1], name))


if __name__ == "__main__":
    main()
