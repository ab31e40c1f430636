"""Writes the models and the bad calibration data of errors.test into DIR."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
w = numpy_helper.from_array(np.ones((8, 2), np.float32), "w")


def save(name, nodes):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out, name + ".onnx"))


save("matmul", [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")])
# log(0) = -inf reaches the MatMul: an activation that is not finite.
save("log_matmul", [helper.make_node("Log", ["x"], ["logx"], name="log"),
                    helper.make_node("MatMul", ["logx", "w"], ["y"], name="mm")])

good = np.random.default_rng(0).uniform(0.5, 1.5, (6, 8)).astype(np.float32)
np.save(os.path.join(out, "good.npy"), good)
nan = good.copy()
nan[3, 5] = np.nan
np.save(os.path.join(out, "nan.npy"), nan)
inf = good.copy()
inf[4, 0] = np.inf
np.save(os.path.join(out, "inf.npy"), inf)
zero_at_2 = good.copy()
zero_at_2[2, 1] = 0.0
np.save(os.path.join(out, "zero_at_2.npy"), zero_at_2)
np.save(os.path.join(out, "int32.npy"), good.astype(np.int32))
np.save(os.path.join(out, "wrong_shape.npy"), np.ones((6, 9), np.float32))
np.save(os.path.join(out, "no_samples.npy"), np.ones((0, 8), np.float32))
np.save(os.path.join(out, "two_samples.npy"), good[:2])
np.save(os.path.join(out, "seven_samples.npy"), np.ones((7, 8), np.float32))
open(os.path.join(out, "empty.npy"), "wb").close()
os.makedirs(os.path.join(out, "dir_ok"), exist_ok=True)
np.save(os.path.join(out, "dir_ok", "x.npy"), good)
os.makedirs(os.path.join(out, "dir_empty"), exist_ok=True)
