"""Pools that TOSA's 2-D pooling ops do not take, written to OUTDIR: 3-D
max and average pools with strides, padding, count_include_pad and
ceil_mode (a partial last window counts only what it covers), dilated 2-D
max and average pools with strides and padding, and MaxPool with its
Indices output (1-D to 3-D, padded, ceil_mode, dilated, column-major
storage_order; once followed by MaxUnpool).

Usage: make_pool_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator


def save(outdir, name, op, shape, opset=19, **attrs):
    node = helper.make_node(op, ["x"], ["y"], name="pool", **attrs)
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 9
    # The output's shape, from ONNX's reference evaluator.
    y = ReferenceEvaluator(model).run(None, {"x": np.zeros(shape, np.float32)})[0]
    model.graph.output[0].CopyFrom(
        helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape)))
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def save_with_indices(outdir, name, shape, unpool=False, opset=19, **attrs):
    """MaxPool with its Indices output (and, with `unpool`, MaxUnpool of its
    maxima back to the input's shape by those indices, as SegNet-style
    decoders do)."""
    nodes = [helper.make_node("MaxPool", ["x"], ["y", "indices"], name="pool", **attrs)]
    outputs = ["y", "indices"]
    if unpool:
        nodes.append(helper.make_node("MaxUnpool", ["y", "indices", "shape"], ["unpooled"],
                                      name="unpool", kernel_shape=attrs["kernel_shape"],
                                      strides=attrs.get("strides", [1] * len(shape[2:]))))
        outputs.append("unpooled")
    inits = [onnx.numpy_helper.from_array(np.array(shape, dtype=np.int64), "shape")] if unpool else []
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None)
                               for o in outputs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 9
    values = ReferenceEvaluator(model).run(None, {"x": np.zeros(shape, np.float32)})
    for i, (o, v) in enumerate(zip(outputs, values)):
        element = TensorProto.INT64 if v.dtype == np.int64 else TensorProto.FLOAT
        model.graph.output[i].CopyFrom(helper.make_tensor_value_info(o, element, list(v.shape)))
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def main():
    out = sys.argv[1]
    save(out, "maxpool_3d_strided_padded", "MaxPool", [1, 2, 7, 8, 9],
         kernel_shape=[3, 2, 3], strides=[2, 1, 2], pads=[1, 0, 1, 1, 1, 0])
    save(out, "avgpool_3d_include_pad_ceil", "AveragePool", [2, 3, 7, 7, 5],
         kernel_shape=[2, 3, 2], strides=[2, 2, 2], pads=[0, 1, 1, 1, 1, 0],
         count_include_pad=1, ceil_mode=1)
    save(out, "avgpool_3d_ceil_partial_window", "AveragePool", [1, 2, 6, 6, 6],
         kernel_shape=[3, 3, 3], strides=[2, 2, 2], ceil_mode=1, count_include_pad=1)
    save(out, "avgpool_3d_exclude_pad", "AveragePool", [1, 2, 5, 5, 5],
         kernel_shape=[3, 3, 3], pads=[1, 1, 1, 1, 1, 1])
    save(out, "maxpool_2d_dilated_strided", "MaxPool", [1, 3, 11, 10],
         kernel_shape=[3, 2], strides=[2, 3], dilations=[2, 3], pads=[1, 1, 2, 1])
    save(out, "avgpool_2d_dilated", "AveragePool", [2, 2, 9, 9],
         kernel_shape=[2, 3], strides=[1, 2], dilations=[3, 2], pads=[1, 1, 0, 1])
    save_with_indices(out, "maxpool_indices_2x2", [2, 3, 8, 10], unpool=True,
                      kernel_shape=[2, 2], strides=[2, 2])
    save_with_indices(out, "maxpool_indices_padded_ceil", [1, 2, 9, 7],
                      kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 1, 1], ceil_mode=1)
    save_with_indices(out, "maxpool_indices_column_major", [2, 2, 6, 5],
                      kernel_shape=[2, 3], strides=[2, 1], storage_order=1)
    save_with_indices(out, "maxpool_indices_dilated", [1, 2, 10, 9],
                      kernel_shape=[2, 2], dilations=[2, 3], strides=[1, 2])
    save_with_indices(out, "maxpool_indices_1d", [2, 3, 11], kernel_shape=[3], strides=[2],
                      pads=[1, 1])
    save_with_indices(out, "maxpool_indices_3d", [1, 2, 5, 6, 4], kernel_shape=[2, 3, 2],
                      strides=[2, 2, 1])


if __name__ == "__main__":
    main()
