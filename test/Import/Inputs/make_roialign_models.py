"""RoiAlign models beyond ONNX's two node tests, written to OUTDIR: average
and maximum pooling over a batch of two images with three channels,
regions partly outside the image, a spatial scale and both coordinate
transformations; and one that qforge rejects (sampling_ratio 0).

Usage: make_roialign_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROIS = np.float32([[1, 1, 12, 9], [-3, 2, 6, 15], [4.5, 0.5, 18, 7], [0, 0, 3, 3]])


def save(outdir, name, **attrs):
    node = helper.make_node("RoiAlign", ["x", "rois", "batch"], ["y"], name="align", **attrs)
    oh, ow = attrs.get("output_height", 1), attrs.get("output_width", 1)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 3, oh, ow])],
        [numpy_helper.from_array(ROIS, "rois"),
         numpy_helper.from_array(np.int64([0, 1, 1, 0]), "batch")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])
    model.ir_version = 8
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def main():
    out = sys.argv[1]
    save(out, "roialign_avg_half_pixel", output_height=3, output_width=4, sampling_ratio=2,
         spatial_scale=0.5)
    save(out, "roialign_max_legacy", mode="max", output_height=2, output_width=2,
         sampling_ratio=3, spatial_scale=0.6, coordinate_transformation_mode="output_half_pixel")
    save(out, "roialign_adaptive", output_height=2, output_width=2)


if __name__ == "__main__":
    main()
