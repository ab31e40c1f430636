"""Operators of opsets 18-26 and the Lp family, written to OUTDIR, each a
one-node model: bitwise ops on signed and unsigned integers, Swish, Gelu
(both forms), Mish,
CumProd, GroupNormalization (per-channel scale), RMSNormalization,
LpNormalization (p 1 and 2), LpPool (p 2 and 3, strides, padding) and
GlobalLpPool (p 3).

Usage: make_newer_op_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

F = TensorProto.FLOAT


def save(outdir, name, op, inputs, opset, init=(), shape=None, **attrs):
    """inputs: (name, elem type, shape) of the graph inputs; init: arrays;
    the output's shape from ONNX's reference evaluator unless `shape`."""
    node = helper.make_node(op, [i[0] for i in inputs] + [t.name for t in init], ["y"],
                            name=name, **attrs)
    vis = [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs]
    graph = helper.make_graph([node], name, vis, [helper.make_tensor_value_info("y", F, None)],
                              list(init))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    if shape is None:
        feeds = {n: np.ones(s, helper.tensor_dtype_to_np_dtype(t)) for n, t, s in inputs}
        y = ReferenceEvaluator(model).run(None, feeds)[0]
        elem, shape = helper.np_dtype_to_tensor_dtype(y.dtype), list(y.shape)
    else:
        elem = inputs[0][1]
    model.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", elem, shape))
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def arr(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype), name)


def main():
    out = sys.argv[1]
    for op in ("BitwiseAnd", "BitwiseOr", "BitwiseXor"):
        for t in (TensorProto.INT32, TensorProto.UINT8, TensorProto.INT8):
            save(out, "%s_%s" % (op.lower(), helper.tensor_dtype_to_np_dtype(t)), op,
                 [("a", t, [3, 4]), ("b", t, [4])], 18)
    for t in (TensorProto.INT32, TensorProto.UINT8):
        save(out, "bitwisenot_%s" % helper.tensor_dtype_to_np_dtype(t), "BitwiseNot",
             [("a", t, [2, 5])], 18)
    save(out, "swish", "Swish", [("x", F, [2, 3, 4])], 24, alpha=1.7)
    save(out, "gelu_erf", "Gelu", [("x", F, [2, 3, 4])], 20)
    save(out, "gelu_tanh", "Gelu", [("x", F, [2, 3, 4])], 20, approximate="tanh")
    save(out, "mish", "Mish", [("x", F, [2, 3, 4])], 18)
    save(out, "cumprod_reverse_exclusive", "CumProd", [("x", F, [3, 5])], 26,
         init=[arr("axis", 1, np.int64)], reverse=1, exclusive=1)
    rng = np.random.default_rng(3)
    save(out, "groupnorm", "GroupNormalization", [("x", F, [2, 6, 4, 3])], 21,
         init=[arr("scale", rng.uniform(0.5, 1.5, 6)), arr("bias", rng.uniform(-1, 1, 6))],
         num_groups=3, epsilon=1e-4)
    save(out, "rmsnorm", "RMSNormalization", [("x", F, [2, 3, 8])], 23,
         init=[arr("scale", rng.uniform(0.5, 1.5, 8))], axis=-1)
    save(out, "lpnorm_l1", "LpNormalization", [("x", F, [3, 4, 5])], 22, p=1, axis=1)
    save(out, "lpnorm_l2", "LpNormalization", [("x", F, [3, 4])], 22, p=2, axis=-1)
    save(out, "lppool_p2", "LpPool", [("x", F, [1, 2, 7, 6])], 22, p=2,
         kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1])
    save(out, "lppool_p3_3d", "LpPool", [("x", F, [1, 2, 5, 4, 4])], 22, p=3,
         kernel_shape=[2, 2, 2])
    save(out, "globallppool_p3", "GlobalLpPool", [("x", F, [2, 3, 4, 5])], 18, p=3,
         shape=[2, 3, 1, 1])


if __name__ == "__main__":
    main()
