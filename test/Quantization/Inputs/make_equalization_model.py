"""Writes a float model whose convolutions have badly balanced channels,
as folding batch normalizations can leave them: across each ReLU, the
first convolution's output channel c is scaled by a factor f_c from 0.01
to 10 and the next one's input channel c by 1 / f_c (the function is that
of balanced weights); and calibration and test inputs for it.

x [1, 8, 12, 12] -> conv 1x1 (8 -> 16) -> Relu -> depthwise 3x3, pad 1
(16) -> Clip 0..6 -> conv 1x1 (16 -> 8) -> Relu -> MaxPool 2x2 ->
conv 1x1 (8 -> 4) -> y [1, 4, 6, 6]. Random weights (seeded).

Usage: make_equalization_model.py OUT.onnx CALIB.npy TEST.npy
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out, calib, test = sys.argv[1:4]
    rng = np.random.default_rng(5)

    def weight(*shape):
        return rng.normal(0, 1, shape) / np.sqrt(np.prod(shape[1:]))

    w1, b1 = weight(16, 8, 1, 1), rng.normal(0, 0.05, 16)
    w2, b2 = weight(16, 1, 3, 3), rng.normal(0, 0.05, 16)
    w3, b3 = weight(8, 16, 1, 1), rng.normal(0, 0.05, 8)
    w4, b4 = weight(4, 8, 1, 1), rng.normal(0, 0.05, 4)
    for first, bias, second, channels in [(w1, b1, w2, 16), (w3, b3, w4, 8)]:
        f = np.exp(rng.uniform(np.log(0.01), np.log(10), channels))
        first *= f.reshape(-1, 1, 1, 1)
        bias *= f
        second /= f.reshape(-1, 1, 1, 1) if second.shape[1] == 1 else f.reshape(1, -1, 1, 1)
    arrays = dict(w1=w1, b1=b1, w2=w2, b2=b2, w3=w3, b3=b3, w4=w4, b4=b4)

    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="expand"),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="depthwise", group=16,
                         pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"], name="relu6"),
        helper.make_node("Conv", ["r2", "w3", "b3"], ["c3"], name="project"),
        helper.make_node("Relu", ["c3"], ["r3"], name="relu3"),
        helper.make_node("MaxPool", ["r3"], ["p3"], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Conv", ["p3", "w4", "b4"], ["y"], name="head"),
    ]
    inits = [numpy_helper.from_array(a.astype(np.float32), name) for name, a in arrays.items()]
    inits += [numpy_helper.from_array(np.array(0, np.float32), "lo"),
             numpy_helper.from_array(np.array(6, np.float32), "hi")]
    graph = helper.make_graph(
        nodes, "equalization", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)
    np.save(calib, rng.normal(0, 1, (64, 8, 12, 12)).astype(np.float32))
    np.save(test, rng.normal(0, 1, (32, 8, 12, 12)).astype(np.float32))


if __name__ == "__main__":
    main()
