"""Single-layer ONNX models for bench/run.py: a MatMul or a Conv with random
(seeded) weights, float32 input and output, so that qforge compiles each
at fp32 and int8 exactly like a whole model.

  layers.py matmul M N K OUT.onnx
  layers.py qdq-matmul M N K OUT.onnx
  layers.py conv N C H W O KH KW STRIDE PAD GROUPS OUT.onnx
  layers.py qdq-conv N C H W O KH KW STRIDE PAD GROUPS OUT.onnx

qdq-matmul (and qdq-conv) is the integer layer alone, as oneDNN's int8 matmul computes it:
uint8 input -> DequantizeLinear -> MatMul with DequantizeLinear'd int8
weights (per column) -> QuantizeLinear -> uint8 output, which qforge
compiles to one qf.matmul (--qf-fuse-qdq) with no float at its edges
(qdq-conv: one qf.conv2d).

Convolutions take and give NHWC tensors (a Transpose on each side of the
NCHW Conv): the importer's own NHWC transposes cancel them, so the layer is
timed in the compiler's native layout, as oneDNN is in its own (tag::any).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def qdq_initializers(rng, shape, channels, fan_in):
    """Random int8 weights of `shape` with one scale per output channel
    (about 1/sqrt(fan_in) in real terms), and the activations' uint8
    parameters (input scale 0.02, output 0.05, zero points 128)."""
    return [
        numpy_helper.from_array(rng.integers(-127, 128, shape).astype(np.int8), "wq"),
        numpy_helper.from_array(
            (rng.uniform(0.5, 1.5, channels) / 127 / np.sqrt(fan_in)).astype(np.float32), "ws"),
        numpy_helper.from_array(np.zeros(channels, np.int8), "wz"),
        numpy_helper.from_array(np.array(0.02, np.float32), "xs"),
        numpy_helper.from_array(np.array(128, np.uint8), "xz"),
        numpy_helper.from_array(np.array(0.05, np.float32), "ys"),
        numpy_helper.from_array(np.array(128, np.uint8), "yz"),
    ]


def main():
    rng = np.random.default_rng(0)
    kind, rest = sys.argv[1], sys.argv[2:]
    if kind == "matmul":
        m, n, k = map(int, rest[:3])
        out = rest[3]
        w = numpy_helper.from_array((rng.normal(0, 1, (k, n)) / np.sqrt(k)).astype(np.float32), "w")
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")]
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])]
        outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])]
    elif kind == "qdq-matmul":
        m, n, k = map(int, rest[:3])
        out = rest[3]
        inits = qdq_initializers(rng, (k, n), n, k)
        nodes = [
            helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["xf"], name="dq_x"),
            helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wf"], name="dq_w", axis=1),
            helper.make_node("MatMul", ["xf", "wf"], ["yf"], name="matmul"),
            helper.make_node("QuantizeLinear", ["yf", "ys", "yz"], ["y"], name="q_y"),
        ]
        graph = helper.make_graph(
            nodes, kind, [helper.make_tensor_value_info("x", TensorProto.UINT8, [m, k])],
            [helper.make_tensor_value_info("y", TensorProto.UINT8, [m, n])], inits)
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)
        return
    elif kind == "qdq-conv":
        n, c, h, wd, o, kh, kw, stride, pad, groups = map(int, rest[:10])
        out = rest[10]
        inits = qdq_initializers(rng, (o, c // groups, kh, kw), o, c // groups * kh * kw)
        oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
        nodes = [
            helper.make_node("Transpose", ["x"], ["xt"], name="to_nchw", perm=[0, 3, 1, 2]),
            helper.make_node("DequantizeLinear", ["xt", "xs", "xz"], ["xf"], name="dq_x"),
            helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wf"], name="dq_w", axis=0),
            helper.make_node("Conv", ["xf", "wf"], ["yf"], name="conv", strides=[stride, stride],
                             pads=[pad] * 4, group=groups, kernel_shape=[kh, kw]),
            helper.make_node("QuantizeLinear", ["yf", "ys", "yz"], ["yq"], name="q_y"),
            helper.make_node("Transpose", ["yq"], ["y"], name="to_nhwc", perm=[0, 2, 3, 1]),
        ]
        graph = helper.make_graph(
            nodes, kind, [helper.make_tensor_value_info("x", TensorProto.UINT8, [n, h, wd, c])],
            [helper.make_tensor_value_info("y", TensorProto.UINT8, [n, oh, ow, o])], inits)
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)
        return
    elif kind == "conv":
        n, c, h, wd, o, kh, kw, stride, pad, groups = map(int, rest[:10])
        out = rest[10]
        fan_in = c // groups * kh * kw
        w = numpy_helper.from_array(
            (rng.normal(0, 1, (o, c // groups, kh, kw)) / np.sqrt(fan_in)).astype(np.float32), "w")
        nodes = [
            helper.make_node("Transpose", ["x"], ["xt"], name="to_nchw", perm=[0, 3, 1, 2]),
            helper.make_node("Conv", ["xt", "w"], ["yt"], name="conv", strides=[stride, stride],
                             pads=[pad] * 4, group=groups, kernel_shape=[kh, kw]),
            helper.make_node("Transpose", ["yt"], ["y"], name="to_nhwc", perm=[0, 2, 3, 1]),
        ]
        oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, h, wd, c])]
        outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, oh, ow, o])]
    else:
        sys.exit(__doc__)
    graph = helper.make_graph(nodes, kind, inputs, outputs, [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)


if __name__ == "__main__":
    main()
