"""Bias correction, checked against onnxruntime on single layers: a
convolution and a depthwise convolution (padding 1, stride 2, so border
taps read zeros) and a Gemm, with int4 weights per channel and inputs whose
channels have different means. Without correction the int4 output is off
by a mean per channel (the weights' rounding); with it, each channel's mean
error must fall below a tenth of that and the RMS error must drop. Also
checks that the table's channel means are the inputs' means.

    check_bias_correction.py QFORGE WORKDIR
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

qforge, work = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)


def model(kind):
    if kind == "gemm":
        w = rng.normal(0, 0.3, (16, 24)).astype(np.float32)
        node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1, name="layer")
        shapes, bias = ([1, 24], [1, 16]), rng.normal(0, 0.1, 16)
    else:
        c, group = (8, 1) if kind == "conv" else (16, 16)
        w = rng.normal(0, 0.3, (16, c // group, 3, 3)).astype(np.float32)
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=group, strides=[2, 2],
                                pads=[1, 1, 1, 1], name="layer")
        shapes, bias = ([1, c, 9, 9], [1, 16, 5, 5]), rng.normal(0, 0.1, 16)
    graph = helper.make_graph(
        [node], kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shapes[0])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shapes[1])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias.astype(np.float32), "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), shapes[0]


def channel_errors(q, f):
    axes = tuple(i for i in range(q.ndim) if i != 1)
    return np.abs((q - f).mean(axis=axes)).mean(), np.sqrt(((q - f) ** 2).mean())


for kind in ["conv", "depthwise", "gemm"]:
    m, shape = model(kind)
    path = os.path.join(work, kind + ".onnx")
    onnx.save(m, path)
    scale = np.linspace(0.2, 1.5, shape[1]).reshape([1, shape[1]] + [1] * (len(shape) - 2))
    x = (rng.random([400] + shape[1:]) * scale).astype(np.float32)
    np.save(os.path.join(work, kind + "_cal.npy"), x[:200])
    np.save(os.path.join(work, kind + "_eval.npy"), x[200:])
    table = os.path.join(work, kind + ".json")
    subprocess.run([qforge, "calibrate", path, "--calib-data=" + os.path.join(work, kind + "_cal.npy"),
                    "-o", table, "--quiet"], check=True)
    entry = next(t for t in json.load(open(table))["tensors"] if t["name"] == "x")
    want = x[:200].mean(axis=tuple(i for i in range(x.ndim) if i != 1))
    got = np.array(entry["channel_mean"]["values"])
    print("%s   %s: table's channel means are the data's (max error %.2g)"
          % ("ok" if np.allclose(got, want, rtol=1e-5, atol=1e-6) else "FAIL", kind,
             np.abs(got - want).max()))
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    f = np.concatenate([session.run(None, {"x": x[i:i + 1]})[0] for i in range(200, 400)])
    errors = {}
    for correct in ["false", "true"]:
        exe = os.path.join(work, kind + "_" + correct)
        subprocess.run([qforge, "compile", path, "--calib-table=" + table, "--precision=int4",
                        "--group-size=0", "--bias-correction=" + correct, "--emit=exe", "--quiet",
                        "-o", exe], check=True)
        out = os.path.join(work, kind + "_out_" + correct)
        subprocess.run([exe, os.path.join(work, kind + "_eval.npy"), "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
        errors[correct] = channel_errors(np.load(os.path.join(out, "output_0.npy")), f)
    (mean0, rms0), (mean1, rms1) = errors["false"], errors["true"]
    print("%s   %s: mean error per channel %.4f -> %.4f" % (
        "ok" if mean1 < 0.1 * mean0 else "FAIL", kind, mean0, mean1))
    print("%s   %s: RMS error %.4f -> %.4f" % ("ok" if rms1 < rms0 else "FAIL", kind, rms0, rms1))
