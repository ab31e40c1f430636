"""Measures qforge's transcendental functions against float64 references.

Builds one ONNX model with an input and an output per function (Exp, Log,
Tanh, Erf, Sigmoid, Sin, Cos, Softplus, Elu, Gelu in both forms, Mish), each input a dense sweep
of the range models feed the function, compiles it to an executable,
runs it and compares every output with numpy/math in float64 rounded to
float32. Prints, per function, the largest error in units in the last
place (ULP) of the true float32 result (results smaller than 2^-10 in
magnitude are measured in ULPs of 2^-10, so that an absolute error near a
zero of the function is not counted as millions of ULPs), and exits 1 when
a function exceeds its bound (docs/design.md, "Vectorized math").

Usage: check_math_accuracy.py QFORGE WORKDIR [--target T --runner CMD]
"""

import argparse
import math
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

N = 1 << 16

erf = np.vectorize(math.erf, otypes=[np.float64])

# name: (ONNX op, attributes, input range, float64 reference, ULP bound)
FUNCTIONS = {
    "exp": ("Exp", {}, (-87.0, 88.0), np.exp, 2),
    "log": ("Log", {}, (1e-30, 1e30), np.log, 2),
    "tanh": ("Tanh", {}, (-10.0, 10.0), np.tanh, 5),
    "erf": ("Erf", {}, (-5.0, 5.0), erf, 4),
    "sigmoid": ("Sigmoid", {}, (-40.0, 40.0), lambda x: 1 / (1 + np.exp(-x)), 2),
    "sin": ("Sin", {}, (-50.0, 50.0), np.sin, 1),
    "cos": ("Cos", {}, (-50.0, 50.0), np.cos, 1),
    "softplus": ("Softplus", {}, (-40.0, 40.0), lambda x: np.log1p(np.exp(x)), 2),
    "elu": ("Elu", {"alpha": 1.0}, (-20.0, 5.0), lambda x: np.where(x > 0, x, np.expm1(x)), 3),
    "gelu": ("Gelu", {}, (-8.0, 8.0), lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), 14),
    "gelu_tanh": ("Gelu", {"approximate": "tanh"}, (-8.0, 8.0),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                                   (x + 0.044715 * x ** 3))), 15),
    "mish": ("Mish", {}, (-20.0, 20.0), lambda x: x * np.tanh(np.log1p(np.exp(x))), 6),
}


def sweep(lo, hi):
    if lo > 0:  # a geometric sweep for log's many decades
        return np.geomspace(lo, hi, N).astype(np.float32)
    return np.linspace(lo, hi, N).astype(np.float32)


def build(path):
    nodes, inputs, outputs = [], [], []
    for name, (op, attrs, _, _, _) in FUNCTIONS.items():
        inputs.append(helper.make_tensor_value_info(f"x_{name}", TensorProto.FLOAT, [N]))
        outputs.append(helper.make_tensor_value_info(f"y_{name}", TensorProto.FLOAT, [N]))
        nodes.append(helper.make_node(op, [f"x_{name}"], [f"y_{name}"], name=name, **attrs))
    graph = helper.make_graph(nodes, "math", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    onnx.save(model, path)


def ulp_error(y, ref):
    ref32 = ref.astype(np.float32)
    scale = np.maximum(np.abs(ref32), np.float32(2.0 ** -10))
    return np.abs(y.astype(np.float64) - ref) / np.spacing(scale).astype(np.float64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qforge")
    parser.add_argument("work")
    parser.add_argument("--target", default="host")
    parser.add_argument("--runner", default="")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model = os.path.join(args.work, "math.onnx")
    build(model)
    exe = os.path.join(args.work, "math")
    subprocess.run([args.qforge, "compile", model, "--emit=exe", f"--target={args.target}",
                    "-o", exe, "--quiet"], check=True)
    files = []
    for name, (_, _, (lo, hi), _, _) in FUNCTIONS.items():
        files.append(os.path.join(args.work, f"x_{name}.npy"))
        np.save(files[-1], sweep(lo, hi))
    out = os.path.join(args.work, "out")
    subprocess.run(shlex.split(args.runner) + [exe] + files + ["-o", out], check=True)
    failed = False
    for i, (name, (_, _, (lo, hi), reference, bound)) in enumerate(FUNCTIONS.items()):
        x = sweep(lo, hi)
        y = np.load(os.path.join(out, f"output_{i}.npy"))
        err = ulp_error(y, reference(x.astype(np.float64)))
        worst = float(err.max())
        verdict = "ok" if worst <= bound else "FAIL"
        failed |= worst > bound
        print(f"{verdict:4} {name:9} max {worst:6.2f} ulp (bound {bound}) over [{lo:g}, {hi:g}]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
