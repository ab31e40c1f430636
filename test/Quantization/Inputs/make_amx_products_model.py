"""Writes a small float model whose products take every path of the AMX
kernel (tiles of 16 x 64 bytes, blocks of 2 tiles of rows by 32 columns).

x [1, 32, 13, 13] -> conv0 (2x2, pads 0 top/left and 1 bottom/right, 32
-> 64: 32 channels are no whole 64-byte step, so the windows are unfolded
into a matrix, whose rows of 128 bytes are two steps; 169 rows pad to 192)
-> Relu -> conv1 (3x3, pad 1, 64 -> 64: read in place, tiles of 13
pixels, 169 rows in blocks of 26: the last block's second tile lies past
the image and reads the last real one's pixels) -> Relu -> conv2 (3x3,
stride 2, pad 1 -> 7x7: tiles of 7 pixels, rows sw C bytes apart) -> conv3
(3x3, dilation 2, pad 2, 64 -> 40 channels: columns pad to 64) -> Relu ->
conv4 (1x1, 40 -> 96: a matrix of 49 rows with a 40-byte reduction, which
pads to one 64-byte step) -> Reshape [96, 49] -> MatMul [49, 72] + bias
-> y [96, 72] (3 x 3 blocks: an odd count, whose last pair computes its
block twice). Random weights (seeded).

With QDQ.onnx, also writes the model quantized by onnxruntime
(quantize_static, QDQ, uint8 activations, per-channel int8 weights, on
random inputs): unsigned activation bytes, which the tiles multiply with
tdpbusd (qforge's own int8 activations are signed: tdpbssd).
Usage: make_amx_products_model.py OUT.onnx [QDQ.onnx]
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(rng.normal(0, 0.1, n).astype(np.float32), name)

    inits = [
        weight("w0", 64, 32, 2, 2), bias("b0", 64),
        weight("w1", 64, 64, 3, 3), bias("b1", 64),
        weight("w2", 64, 64, 3, 3), bias("b2", 64),
        weight("w3", 40, 64, 3, 3), bias("b3", 40),
        weight("w4", 96, 40, 1, 1), bias("b4", 96),
        numpy_helper.from_array(
            (rng.normal(0, 1, (49, 72)) / np.sqrt(49)).astype(np.float32), "wm"),
        bias("bm", 72),
        numpy_helper.from_array(np.array([96, 49], dtype=np.int64), "rows"),
    ]
    conv = lambda x, w, b, y, **kw: helper.make_node(
        "Conv", [x, w, b], [y], name="conv_" + y, **kw)
    nodes = [
        conv("x", "w0", "b0", "c0", pads=[0, 0, 1, 1]),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu_0"),
        conv("r0", "w1", "b1", "c1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu_1"),
        conv("r1", "w2", "b2", "c2", pads=[1, 1, 1, 1], strides=[2, 2]),
        conv("c2", "w3", "b3", "c3", pads=[2, 2, 2, 2], dilations=[2, 2]),
        helper.make_node("Relu", ["c3"], ["r3"], name="relu_3"),
        conv("r3", "w4", "b4", "c4"),
        helper.make_node("Reshape", ["c4", "rows"], ["flat"], name="reshape"),
        helper.make_node("MatMul", ["flat", "wm"], ["m"], name="matmul"),
        helper.make_node("Add", ["m", "bm"], ["y"], name="bias"),
    ]
    graph = helper.make_graph(
        nodes, "amx_products",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 13, 13])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [96, 72])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])
    if len(sys.argv) > 2:
        quantize(sys.argv[1], sys.argv[2], rng)


def quantize(model, out, rng):
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    class Samples(CalibrationDataReader):
        def __init__(self):
            self.left = [{"x": rng.normal(0, 1, (1, 32, 13, 13)).astype(np.float32)}
                         for _ in range(8)]

        def get_next(self):
            return self.left.pop() if self.left else None

    quantize_static(model, out, Samples(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


if __name__ == "__main__":
    main()
