"""Writes a float model whose convolutions are followed by the element-wise
chains qf-fuse-kernel-epilogues computes in the kernels' registers.

x [1, 20, 7, 7] -> dw_a (depthwise 3x3, pad 1; 20 channels: a full block
and a masked tail of 4) -> Mul, Add by per-channel constants (an unfolded
batch norm) -> HardSwish -> conv_b (1x1, 20 -> 32: a product of 49 rows,
padded to its tile) -> SiLU (Sigmoid, Mul) -> conv_c (3x3, pad 1, 32 -> 32:
windows read in place) -> Add with conv_b's SiLU output (a residual read
through its [rows, channels] view) -> Relu -> conv_d (3x3, pad 1, 32 ->
40: padding columns, so its Relu stays a loop of its own) -> Relu. Random
weights (seeded).
Usage: make_epilogues_model.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(5)

    def weight(name, *shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array(
            (rng.normal(0, 1, shape) / np.sqrt(fan_in)).astype(np.float32), name)

    def const(name, values):
        return numpy_helper.from_array(np.asarray(values, dtype=np.float32), name)

    inits = [
        weight("wa", 20, 1, 3, 3), const("ba", rng.normal(0, 0.1, 20)),
        const("scale", rng.uniform(0.5, 1.5, (1, 20, 1, 1))),
        const("shift", rng.normal(0, 0.5, (1, 20, 1, 1))),
        weight("wb", 32, 20, 1, 1), const("bb", rng.normal(0, 0.1, 32)),
        weight("wc", 32, 32, 3, 3), const("bc", rng.normal(0, 0.1, 32)),
        weight("wd", 40, 32, 3, 3), const("bd", rng.normal(0, 0.1, 40)),
    ]
    node = helper.make_node
    nodes = [
        node("Conv", ["x", "wa", "ba"], ["a"], name="dw_a", pads=[1, 1, 1, 1], group=20),
        node("Mul", ["a", "scale"], ["as"], name="bn_scale"),
        node("Add", ["as", "shift"], ["ab"], name="bn_shift"),
        node("HardSwish", ["ab"], ["ah"], name="hardswish_a"),
        node("Conv", ["ah", "wb", "bb"], ["b"], name="conv_b"),
        node("Sigmoid", ["b"], ["bs"], name="sigmoid_b"),
        node("Mul", ["b", "bs"], ["bm"], name="silu_b"),
        node("Conv", ["bm", "wc", "bc"], ["c"], name="conv_c", pads=[1, 1, 1, 1]),
        node("Add", ["c", "bm"], ["cr"], name="residual_c"),
        node("Relu", ["cr"], ["crr"], name="relu_c"),
        node("Conv", ["crr", "wd", "bd"], ["d"], name="conv_d", pads=[1, 1, 1, 1]),
        node("Relu", ["d"], ["y"], name="relu_d"),
    ]
    graph = helper.make_graph(
        nodes, "epilogues",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 20, 7, 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 40, 7, 7])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
