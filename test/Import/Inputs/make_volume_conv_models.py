"""3-D Conv and ConvTranspose models (and one 2-D ConvTranspose), written to
OUTDIR, their output shapes from onnxruntime (ONNX's reference evaluator
fails on grouped 3-D ConvTranspose): strides, padding, dilations, groups,
SAME auto_pad, output_padding, output_shape (odd total padding, which
ONNX puts at the beginning unless auto_pad is SAME_UPPER), and padding
larger than the kernel's extent (the result cropped).

Usage: make_volume_conv_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

RNG = np.random.RandomState(5)


def save(out, name, op, xshape, wshape, bias, **attrs):
    inits = [nh.from_array(RNG.randn(*wshape).astype(np.float32) * 0.3, "w")]
    inputs = ["x", "w"]
    if bias:
        channels = wshape[0] if op == "Conv" else wshape[1] * attrs.get("group", 1)
        inits.append(nh.from_array(RNG.randn(channels).astype(np.float32) * 0.1, "b"))
        inputs.append("b")
    graph = h.make_graph([h.make_node(op, inputs, ["y"], name="volume", **attrs)], name,
                         [h.make_tensor_value_info("x", T.FLOAT, xshape)],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    y = session.run(None, {"x": np.zeros(xshape, np.float32)})[0]
    model.graph.output[0].CopyFrom(h.make_tensor_value_info("y", T.FLOAT, list(y.shape)))
    onnx.save(model, "%s/%s.onnx" % (out, name))


def main():
    out = sys.argv[1]
    save(out, "conv3d_strided_padded", "Conv", [1, 4, 7, 8, 9], [6, 4, 3, 3, 2], True,
         strides=[2, 1, 2], pads=[1, 0, 1, 1, 1, 0])
    save(out, "conv3d_dilated_groups", "Conv", [2, 4, 6, 7, 8], [6, 2, 2, 3, 2], False,
         group=2, dilations=[2, 1, 2])
    save(out, "conv3d_same", "Conv", [1, 3, 5, 6, 7], [4, 3, 3, 3, 3], True,
         auto_pad="SAME_UPPER", strides=[2, 2, 1])
    save(out, "convtranspose3d_strided", "ConvTranspose", [1, 4, 3, 4, 5], [4, 3, 3, 3, 2],
         True, strides=[2, 2, 1], pads=[1, 0, 1, 1, 1, 0], output_padding=[1, 0, 0])
    save(out, "convtranspose3d_groups_dilated", "ConvTranspose", [2, 4, 3, 3, 4],
         [4, 2, 2, 3, 2], False, group=2, dilations=[2, 1, 2], strides=[1, 2, 2])
    save(out, "convtranspose3d_output_shape", "ConvTranspose", [1, 2, 3, 4, 4],
         [2, 3, 3, 3, 3], True, strides=[2, 2, 2], output_shape=[6, 8, 8])
    save(out, "convtranspose3d_cropping", "ConvTranspose", [1, 2, 4, 4, 4], [2, 2, 2, 2, 2],
         False, strides=[2, 2, 2], pads=[2, 2, 2, 1, 1, 1])
    save(out, "convtranspose2d_output_shape", "ConvTranspose", [1, 2, 4, 4], [2, 3, 3, 3],
         True, strides=[2, 2], output_shape=[8, 8])


if __name__ == "__main__":
    main()
