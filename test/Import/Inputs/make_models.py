#!/usr/bin/env python3
"""Writes the small ONNX models the importer tests use into OUTDIR.

Models are built with onnx.helper so each test states exactly what it feeds
the importer. Weights are seeded random numbers.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def save(name, graph, opset=13, domains=()):
    imports = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    model = helper.make_model(graph, opset_imports=imports, producer_name="qforge-tests")
    model.ir_version = 8
    onnx.save(model, os.path.join(out, name + ".onnx"))


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


# --- Conv + BatchNormalization + Relu, weights as initializers -------------
w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
bn = [rng.uniform(0.5, 1.5, 4), rng.standard_normal(4), rng.standard_normal(4),
      rng.uniform(0.5, 2.0, 4)]
save("conv_bn_relu", helper.make_graph(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
     helper.make_node("BatchNormalization", ["c", "s", "beta", "mean", "var"], ["n"],
                      name="bn1", epsilon=1e-5),
     helper.make_node("Relu", ["n"], ["y"], name="relu1")],
    "conv_bn_relu", [vi("x", ["N", 3, 8, 8])], [vi("y", ["N", 4, 8, 8])],
    [init("w", w), init("b", b)] +
    [init(n, a.astype(np.float32)) for n, a in zip(["s", "beta", "mean", "var"], bn)]))

# --- Several unsupported operators, some used twice, plus a foreign domain --
save("unsupported_ops", helper.make_graph(
    [helper.make_node("Bernoulli", ["x"], ["a"], name="coin_1"),
     helper.make_node("Relu", ["a"], ["r"], name="relu"),
     helper.make_node("Bernoulli", ["r"], ["b"], name="coin_2"),
     helper.make_node("RandomUniformLike", ["b"], ["d"], name="random"),
     helper.make_node("FusedGemm", ["d"], ["y"], name="fused", domain="com.microsoft")],
    "unsupported", [vi("x", [2, 2])], [vi("y", [2, 2])]), domains=["com.microsoft"])

# --- A supported operator with an unsupported attribute value --------------
save("pad_wrap_mode", helper.make_graph(
    [helper.make_node("Pad", ["x", "p"], ["y"], name="pad_node", mode="wrap")],
    "pad", [vi("x", [1, 4])], [vi("y", [1, 6])], [init("p", np.array([0, 1, 0, 1], np.int64))]),
    opset=19)

# --- Supported operators given inputs they reject --------------------------
save("mod_float_fmod0", helper.make_graph(
    [helper.make_node("Mod", ["x", "d"], ["y"], name="mod_node")],
    "mod", [vi("x", [2, 3])], [vi("y", [2, 3])], [init("d", np.float32([1.5]))]))
save("gather_elements_out_of_range", helper.make_graph(
    [helper.make_node("GatherElements", ["x", "i"], ["y"], name="gather_node", axis=1)],
    "gather", [vi("x", [2, 3])], [vi("y", [2, 2])], [init("i", np.int64([[0, 2], [-1, 3]]))]))
save("trilu_rank1", helper.make_graph(
    [helper.make_node("Trilu", ["x"], ["y"], name="trilu_node")],
    "trilu", [vi("x", [4])], [vi("y", [4])]), opset=14)
save("nll_loss_bad_reduction", helper.make_graph(
    [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="loss_node",
                      reduction="average")],
    "nll", [vi("x", [2, 3]), vi("t", [2], TensorProto.INT64)], [vi("y", [])]), opset=13)
momentum = helper.make_graph(
    [helper.make_node("Momentum", ["r", "t", "x", "g", "v"], ["x_new", "v_new"],
                      name="step", domain="ai.onnx.preview.training", alpha=0.9, beta=0.1,
                      norm_coefficient=0.0, mode="heavy-ball")],
    "momentum", [vi("r", []), vi("t", [], TensorProto.INT64), vi("x", [3]), vi("g", [3]),
                 vi("v", [3])], [vi("x_new", [3]), vi("v_new", [3])])
save("momentum_bad_mode", momentum, domains=["ai.onnx.preview.training"])
save("nll_loss_bad_labels", helper.make_graph(
    [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="loss_node")],
    "nll", [vi("x", [2, 3, 4]), vi("t", [2, 3], TensorProto.INT64)], [vi("y", [])]), opset=13)

# --- Opset 6: Relu's form is today's, Add's broadcasting is not ------------
save("opset6_relu", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="relu")],
    "opset6_relu", [vi("x", [2, 3])], [vi("y", [2, 3])]), opset=6)
save("opset6_add", helper.make_graph(
    [helper.make_node("Add", ["x", "x"], ["s"], name="add"),
     helper.make_node("Relu", ["s"], ["y"], name="relu")],
    "opset6_add", [vi("x", [2, 3])], [vi("y", [2, 3])]), opset=6)

# --- uint8 inputs: Sign computes in a wider signed type, ArgMin rejects ----
for op, out_type, out_shape, attrs in (("Sign", TensorProto.UINT8, [2, 5], {}),
                                       ("ArgMin", TensorProto.INT64, [2, 1], {"axis": 1})):
    save(op.lower() + "_uint8", helper.make_graph(
        [helper.make_node(op, ["x"], ["y"], name=op.lower() + "_node", **attrs)],
        op.lower() + "_uint8", [vi("x", [2, 5], TensorProto.UINT8)], [vi("y", out_shape, out_type)]))

# --- Dynamic dimensions ----------------------------------------------------
save("dynamic_dims", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="relu")],
    "dyn", [vi("x", ["batch", 3, "height", "width"])], [vi("y", ["batch", 3, "height", "width"])]))

# --- Paddle style: weights only in Constant nodes, HardSwish ---------------
wc = rng.standard_normal((2, 3, 1, 1)).astype(np.float32)
save("constant_node_weights", helper.make_graph(
    [helper.make_node("Constant", [], ["w"], name="w_const",
                      value=numpy_helper.from_array(wc)),
     helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
     helper.make_node("HardSwish", ["c"], ["y"], name="hswish")],
    "paddle", [vi("x", [1, 3, 4, 4])], [vi("y", [1, 2, 4, 4])]), opset=14)

# --- A grouped convolution (3 groups of 2 channels) with constant weights:
# one convolution per group, each with constant weights of its own -------
save("grouped_conv", helper.make_graph(
    [helper.make_node("Conv", ["x", "wg", "bg"], ["y"], name="grouped", group=3,
                      pads=[1, 1, 1, 1])],
    "grouped", [vi("x", [1, 6, 5, 5])], [vi("y", [1, 9, 5, 5])],
    [init("wg", rng.standard_normal((9, 2, 3, 3)).astype(np.float32)),
     init("bg", rng.standard_normal(9).astype(np.float32))]))

# --- Shape arithmetic that must fold: Shape -> Gather -> Concat -> Reshape --
save("shape_chain", helper.make_graph(
    [helper.make_node("Shape", ["x"], ["s"], name="shape"),
     helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
     helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
     helper.make_node("Concat", ["n1", "minus_one"], ["target"], name="concat", axis=0),
     helper.make_node("Reshape", ["x", "target"], ["y"], name="flatten")],
    "chain", [vi("x", [2, 3, 4])], [vi("y", [2, 12])],
    [init("zero", np.array(0, np.int64)), init("axes", np.array([0], np.int64)),
     init("minus_one", np.array([-1], np.int64))]))

# --- Broken files ----------------------------------------------------------
with open(os.path.join(out, "conv_bn_relu.onnx"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(out, "corrupt.onnx"), "wb") as f:
    f.write(b"\xff\xfe this is not a protobuf \x00\x01\x02" * 8)
open(os.path.join(out, "empty.onnx"), "wb").close()

# --- Quantized models ------------------------------------------------------
# --- uint64 element-wise ops on their bits: Max, Min, Mod (both forms, the
# same for unsigned operands: taken on swapped ones here, since a model
# whose two outputs are one value does not compile yet), BitShift both ways; inputs from make_uint64_inputs (values above
# 2^63, which no signed 64-bit type holds).
save("uint64_ops", helper.make_graph(
    [helper.make_node("Max", ["a", "b"], ["max"], name="max"),
     helper.make_node("Min", ["a", "b"], ["min"], name="min"),
     helper.make_node("Mod", ["a", "b"], ["mod"], name="mod"),
     helper.make_node("Mod", ["b", "a"], ["fmod"], name="fmod", fmod=1),
     helper.make_node("BitShift", ["a", "s"], ["left"], name="left", direction="LEFT"),
     helper.make_node("BitShift", ["a", "s"], ["right"], name="right", direction="RIGHT")],
    "uint64_ops",
    [vi(n, [3, 8], TensorProto.UINT64) for n in ("a", "b", "s")],
    [vi(n, [3, 8], TensorProto.UINT64)
     for n in ("max", "min", "mod", "fmod", "left", "right")]))
big = np.uint64(1) << np.uint64(63)
np.save(os.path.join(out, "uint64_a.npy"), np.concatenate(
    [rng.integers(0, 2**63, 8, dtype=np.uint64) + big, rng.integers(0, 2**63, 8, dtype=np.uint64),
     rng.integers(0, 1000, 8, dtype=np.uint64)]).reshape(3, 8))
np.save(os.path.join(out, "uint64_b.npy"), np.concatenate(
    [rng.integers(1, 2**63, 8, dtype=np.uint64), rng.integers(0, 2**63, 8, dtype=np.uint64) + big,
     rng.integers(1, 1000, 8, dtype=np.uint64)]).reshape(3, 8))
np.save(os.path.join(out, "uint64_s.npy"), rng.integers(0, 64, (3, 8), dtype=np.uint64))

# --- float to unsigned casts above the signed maximum ----------------------
for name, to in (("uint8", TensorProto.UINT8), ("uint16", TensorProto.UINT16)):
    top = 255.0 if to == TensorProto.UINT8 else 65535.0
    save("cast_float_to_" + name, helper.make_graph(
        [helper.make_node("Mul", ["x", "k"], ["s"]),
         helper.make_node("Add", ["s", "h"], ["t"]),
         helper.make_node("Clip", ["t", "lo", "hi"], ["c"]),
         helper.make_node("Cast", ["c"], ["y"], name="cast", to=to)],
        "cast_" + name, [vi("x", [4, 8])], [vi("y", [4, 8], to)],
        [init("k", np.float32([top / 4])), init("h", np.float32([top / 2])),
         init("lo", np.array(0.0, np.float32)), init("hi", np.array(top, np.float32))]))

# QOperator form: QLinearConv with per-channel int8 weights on uint8 data.
wq = rng.integers(-127, 128, (2, 3, 3, 3)).astype(np.int8)
save("qlinearconv", helper.make_graph(
    [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
                      ["y"], name="qconv", pads=[1, 1, 1, 1])],
    "qop", [vi("x", [1, 3, 5, 5], TensorProto.UINT8)], [vi("y", [1, 2, 5, 5], TensorProto.UINT8)],
    [init("xs", np.array(0.02, np.float32)), init("xz", np.array(128, np.uint8)),
     init("w", wq), init("ws", np.array([0.005, 0.0075], np.float32)),
     init("wz", np.array([0, 0], np.int8)), init("ys", np.array(0.1, np.float32)),
     init("yz", np.array(3, np.uint8)), init("b", np.array([100, -50], np.int32))]))

# QOperator QLinearMatMul with batched operands, as quantized attention
# products are: B computed at run time with batch dimensions that
# broadcast against A's, and a constant batched B (both per tensor:
# onnxruntime takes per-column parameters of a batched B only shaped
# [..., 1, N]).
save("qlinearmatmul_batched", helper.make_graph(
    [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"],
                      name="qmatmul"),
     helper.make_node("QLinearMatMul", ["a", "as", "az", "w", "ws", "wz", "ys", "yz"], ["z"],
                      name="qmatmul_const")],
    "qlinearmatmul_batched",
    [vi("a", [2, 3, 4, 8], TensorProto.UINT8), vi("b", [3, 8, 5], TensorProto.INT8)],
    [vi("y", [2, 3, 4, 5], TensorProto.UINT8), vi("z", [2, 3, 4, 5], TensorProto.UINT8)],
    [init("as", np.array(0.03, np.float32)), init("az", np.array(120, np.uint8)),
     init("bs", np.array(0.02, np.float32)), init("bz", np.array(0, np.int8)),
     init("w", rng.integers(-127, 128, (3, 8, 5)).astype(np.int8)),
     init("ws", np.array(0.015, np.float32)), init("wz", np.array(0, np.int8)),
     init("ys", np.array(0.2, np.float32)), init("yz", np.array(128, np.uint8))]))

# QDQ form, as onnxruntime's static quantizer writes it for the float
# conv_bn_relu model, calibrated on seeded random data.
try:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.data = iter([{"x": rng.standard_normal((1, 3, 8, 8)).astype(np.float32)}
                              for _ in range(8)])

        def get_next(self):
            return next(self.data, None)

    fixed = onnx.load(os.path.join(out, "conv_bn_relu.onnx"))
    fixed.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    onnx.save(fixed, os.path.join(out, "conv_bn_relu_fixed.onnx"))
    quantize_static(os.path.join(out, "conv_bn_relu_fixed.onnx"),
                    os.path.join(out, "conv_bn_relu_qdq.onnx"), Reader(),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
except ImportError:
    pass

# --- Forms of newer opsets (Debian's ONNX test data stops at opset 17) ------
# Opset 18: ReduceMean/ReduceMax axes as inputs, Pad with axes, Split with
# num_outputs; opset 13: Squeeze/Unsqueeze axes as inputs; Clip bounds as
# inputs (opset 11).
save("opset18_forms", helper.make_graph(
    [helper.make_node("ReduceMean", ["x", "axes_hw"], ["m"], name="mean", keepdims=1),
     helper.make_node("ReduceMax", ["x", "axes_c"], ["mx"], name="max", keepdims=0),
     helper.make_node("Pad", ["x", "pads", "pad_value", "pad_axes"], ["p"], name="pad",
                      mode="constant"),
     helper.make_node("Split", ["p"], ["s0", "s1", "s2"], name="split", axis=3, num_outputs=3),
     helper.make_node("Squeeze", ["m", "axes_hw"], ["sq"], name="squeeze"),
     helper.make_node("Unsqueeze", ["sq", "axes_last"], ["us"], name="unsqueeze"),
     helper.make_node("Clip", ["s1", "lo", "hi"], ["c"], name="clip")],
    "opset18", [vi("x", [1, 3, 4, 5])],
    [vi("us", [1, 3, 1]), vi("mx", [1, 4, 5]), vi("s0", [1, 3, 6, 2]), vi("c", [1, 3, 6, 2]),
     vi("s2", [1, 3, 6, 2])],
    [init("axes_hw", np.array([2, 3], np.int64)), init("axes_c", np.array([1], np.int64)),
     init("pads", np.array([1, 1, 1, 0], np.int64)), init("pad_value", np.array(0.5, np.float32)),
     init("pad_axes", np.array([2, 3], np.int64)), init("axes_last", np.array([-1], np.int64)),
     init("lo", np.array(-0.5, np.float32)), init("hi", np.array(0.7, np.float32))]),
    opset=18)

# Opset 20: Gelu, exact and tanh forms; opset 19: Resize's
# half_pixel_symmetric coordinates; opset 21's opset import.
save("opset21_forms", helper.make_graph(
    [helper.make_node("Gelu", ["x"], ["g"], name="gelu"),
     helper.make_node("Gelu", ["x"], ["t"], name="gelu_tanh", approximate="tanh"),
     helper.make_node("Resize", ["x", "", "", "sizes"], ["r"], name="resize", mode="linear",
                      coordinate_transformation_mode="half_pixel_symmetric")],
    "opset21", [vi("x", [1, 2, 3, 4])],
    [vi("g", [1, 2, 3, 4]), vi("t", [1, 2, 3, 4]), vi("r", [1, 2, 5, 7])],
    [init("sizes", np.array([1, 2, 5, 7], np.int64))]), opset=21)

# Resize's tf_crop_and_resize (opset 11): a region of interest per axis
# (fractions of the axis, here partly outside the input, whose samples take
# extrapolation_value), with sizes or with scales (which scale the whole
# axis in onnxruntime and ONNX's reference implementation, the region in
# ONNX's text), in each interpolation mode.
roi = np.array([0, 0, 0.2, -0.1, 1, 1, 0.9, 0.8], np.float32)
save("tf_crop_and_resize", helper.make_graph(
    [helper.make_node("Resize", ["x", "roi", "", "sizes"], ["lin"], name="crop_linear",
                      mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                      extrapolation_value=10.0),
     helper.make_node("Resize", ["x", "roi", "", "sizes"], ["near"], name="crop_nearest",
                      mode="nearest", coordinate_transformation_mode="tf_crop_and_resize"),
     helper.make_node("Resize", ["x", "roi", "scales"], ["cub"], name="crop_cubic",
                      mode="cubic", coordinate_transformation_mode="tf_crop_and_resize",
                      extrapolation_value=-2.0)],
    "tf_crop_and_resize", [vi("x", [1, 2, 6, 5])],
    [vi("lin", [1, 2, 4, 7]), vi("near", [1, 2, 4, 7]), vi("cub", [1, 2, 12, 12])],
    [init("roi", roi), init("sizes", np.array([1, 2, 4, 7], np.int64)),
     init("scales", np.array([1, 1, 2, 2.5], np.float32))]), opset=13)

# Operators whose ONNX node tests are all older than opset 7 (so the
# conformance runner skips them): one model with each, opset 13.
save("legacy_tested_ops", helper.make_graph(
    [helper.make_node("InstanceNormalization", ["x", "in_scale", "in_bias"], ["n"],
                      name="instnorm", epsilon=1e-5),
     helper.make_node("Softplus", ["n"], ["sp"], name="softplus"),
     helper.make_node("GlobalMaxPool", ["sp"], ["gmax"], name="gmax"),
     helper.make_node("GlobalAveragePool", ["sp"], ["gavg"], name="gavg"),
     helper.make_node("Greater", ["gmax", "gavg"], ["gt"], name="greater"),
     helper.make_node("Not", ["gt"], ["ng"], name="not"),
     helper.make_node("Cast", ["ng"], ["y"], name="cast", to=TensorProto.FLOAT)],
    "legacy", [vi("x", [1, 3, 5, 5])], [vi("sp", [1, 3, 5, 5]), vi("y", [1, 3, 1, 1])],
    [init("in_scale", np.array([1.0, 0.5, 2.0], np.float32)),
     init("in_bias", np.array([0.0, 0.1, -0.2], np.float32))]))

# Gemm operands that do not fit: B's rows are not A's columns (after
# transB), and a C that does not broadcast to [M, N].
save("gemm_mismatch", helper.make_graph(
    [helper.make_node("Gemm", ["x", "w"], ["y"], name="fc", transB=1)],
    "gemm_mismatch", [vi("x", [1, 24])], [vi("y", [1, 24])],
    [init("w", np.zeros((24, 16), np.float32))]))
save("gemm_bad_bias", helper.make_graph(
    [helper.make_node("Gemm", ["x", "w", "c"], ["y"], name="fc")],
    "gemm_bad_bias", [vi("x", [2, 4])], [vi("y", [2, 3])],
    [init("w", np.zeros((4, 3), np.float32)), init("c", np.zeros((2, 2), np.float32))]))
