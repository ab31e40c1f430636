"""Dynamic quantization (--precision=int8-dynamic) against a numpy
reference of its definition.

A two-layer MLP (Gemm, Relu, Gemm; seeded random weights) is compiled at
int8-dynamic into an executable (x86-64 here; with --runner, also AArch64)
and run on 16 random inputs, one call each. The reference, written from the
documented scheme in numpy: weights int8 per output column (s_w = max|w| /
127 in double, q = round(w / s_w)); per call s = f32(max|x|) / 127, q_x =
roundeven(x / s) clamped to [-127, 127]; y = f32(q_x @ q_w) * (s * f32(s_w))
in f32, then the float bias and ReLU. Outputs must agree to float rounding
(1e-6 of the output range), the AArch64 outputs must equal the x86-64 ones
bit for bit, and the output must stay within quantization error (3%) of
onnxruntime's float output.

Usage: check_dynamic.py QFORGE WORKDIR [--runner CMD]
"""

import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def gemm_dynamic(x, w, b):
    """One Gemm (x [1, K], w [N, K] as transB) at int8-dynamic."""
    wt = w.T.astype(np.float64)  # [K, N]
    s_w = np.abs(wt).max(axis=0) / 127.0
    s_w[s_w == 0] = 1.0
    q_w = np.clip(np.round(wt / s_w), -127, 127).astype(np.int64)
    s = np.float32(np.abs(x).max()) / np.float32(127)
    if s == 0:
        s = np.float32(1)
    q_x = np.clip(np.round(x / s), -127, 127).astype(np.int64)
    acc = (q_x @ q_w).astype(np.float32)
    return acc * (s * s_w.astype(np.float32)) + b


def main():
    qforge, work = sys.argv[1:3]
    runner = shlex.split(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--runner" else None
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    w1 = rng.normal(0, 0.2, (64, 32)).astype(np.float32)
    b1 = rng.normal(0, 0.1, 64).astype(np.float32)
    w2 = rng.normal(0, 0.2, (10, 64)).astype(np.float32)
    b2 = rng.normal(0, 0.1, 10).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
         helper.make_node("Relu", ["h"], ["r"], name="relu"),
         helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], name="fc2", transB=1)],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(work, "mlp.onnx")
    onnx.save(model, path)
    xs = rng.normal(0, 1, (16, 32)).astype(np.float32)
    xs_path = os.path.join(work, "x.npy")
    np.save(xs_path, xs)

    outputs = {}
    for target, run_with in [("host", [])] + ([("aarch64", runner)] if runner else []):
        exe = os.path.join(work, "mlp-" + target)
        subprocess.run([qforge, "compile", path, "--emit=exe", "--precision=int8-dynamic",
                        "--target=" + target, "-o", exe, "--quiet"], check=True)
        out = os.path.join(work, "out-" + target)
        subprocess.run(run_with + [exe, xs_path, "-o", out], check=True)
        outputs[target] = np.load(os.path.join(out, "output_0.npy")).reshape(16, 10)

    ref = np.stack([gemm_dynamic(np.maximum(gemm_dynamic(x[None], w1, b1), 0), w2, b2)[0] for x in xs])
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    exact = np.stack([session.run(None, {"x": x[None]})[0][0] for x in xs])
    span = float(exact.max() - exact.min())
    diff_ref = float(np.abs(outputs["host"] - ref).max())
    diff_float = float(np.abs(outputs["host"] - exact).max())
    checks = [(diff_ref <= 1e-6 * span,
               f"int8-dynamic equals the numpy reference of its definition (max diff {diff_ref:.2e})"),
              (diff_float <= 0.03 * span,
               f"int8-dynamic within 3% of onnxruntime's float output "
               f"({100 * diff_float / span:.2f}% of the range)")]
    if runner:
        checks.append((np.array_equal(outputs["host"], outputs["aarch64"]),
                       "AArch64 int8-dynamic outputs equal x86-64's bit for bit"))
    ok = True
    for good, what in checks:
        print(("ok   " if good else "FAIL ") + what)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
