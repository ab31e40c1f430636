"""Models whose quantization parameters are degenerate, written to OUTDIR.

degenerate.onnx: Conv -> Relu -> Conv -> Relu -> GlobalAveragePool -> Gemm
(random weights, seeded) where conv1's output channel 2 is all zero and
channel 5 denormal (about 1e-40), and conv2's output channel 4 is all zero,
channel 5 denormal, channel 6 tiny but normal (about 1e-31), and channel 3
has one block of 32 input channels that is denormal while the rest is not.

tiny.onnx: the same network with normal weights behind a Mul by 1e-9, so
every activation and the logits are around 1e-9.

Usage: make_degenerate_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def network(name, input_scale, w1, w2, w3):
    inits = []

    def init(n, a):
        inits.append(numpy_helper.from_array(np.asarray(a, np.float32), n))

    nodes, x = [], "x"
    if input_scale is not None:
        init("input_scale", input_scale)
        nodes.append(helper.make_node("Mul", ["x", "input_scale"], ["xs"], name="scale"))
        x = "xs"
    for n, w in (("1", w1), ("2", w2), ("3", w3)):
        init("w" + n, w)
        init("b" + n, np.zeros(w.shape[0]))
    nodes += [
        helper.make_node("Conv", [x, "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(3)
    w1 = rng.standard_normal((64, 3, 3, 3)) * 0.3
    w2 = rng.standard_normal((16, 64, 3, 3)) * 0.05
    w3 = rng.standard_normal((10, 16)) * 0.3
    onnx.save(network("tiny", 1e-9, w1, w2, w3), f"{out}/tiny.onnx")
    w1[2] = 0
    w1[5] = rng.standard_normal((3, 3, 3)) * 1e-40
    w2[3, :32] *= 1e-40
    w2[4] = 0
    w2[5] = rng.standard_normal((64, 3, 3)) * 1e-41
    w2[6] *= 1e-30
    onnx.save(network("degenerate", None, w1, w2, w3), f"{out}/degenerate.onnx")


if __name__ == "__main__":
    main()
