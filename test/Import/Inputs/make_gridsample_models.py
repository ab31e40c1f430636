"""GridSample models for every mode, padding mode and align_corners, on
two images of three channels (5x7) with grid positions reaching past the
image (so that the padding modes matter), written to OUTDIR; the grid is
a constant (seeded).

Usage: make_gridsample_models.py OUTDIR
"""

import itertools
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(0)
    grid = rng.uniform(-1.3, 1.3, (2, 4, 6, 2)).astype(np.float32)
    for mode, padding, align in itertools.product(["bilinear", "nearest", "bicubic"],
                                                  ["zeros", "border", "reflection"], [0, 1]):
        name = "gridsample_%s_%s_%d" % (mode, padding, align)
        node = helper.make_node("GridSample", ["x", "grid"], ["y"], name="sample", mode=mode,
                                padding_mode=padding, align_corners=align)
        graph = helper.make_graph(
            [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 5, 7])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 4, 6])],
            [numpy_helper.from_array(grid, "grid")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])
        model.ir_version = 8
        onnx.save(model, "%s/%s.onnx" % (sys.argv[1], name))


if __name__ == "__main__":
    main()
