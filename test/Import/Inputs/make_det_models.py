"""Det models beyond ONNX's node tests (2x2 only), written to OUTDIR: a
batch of 3x3 matrices and a 1x1 matrix.

Usage: make_det_models.py OUTDIR
"""

import sys

import onnx
from onnx import TensorProto, helper


def main():
    for name, shape in (("det_3x3", [4, 3, 3]), ("det_1x1", [1, 1])):
        graph = helper.make_graph(
            [helper.make_node("Det", ["x"], ["y"], name="det")], name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape[:-2])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.save(model, "%s/%s.onnx" % (sys.argv[1], name))


if __name__ == "__main__":
    main()
