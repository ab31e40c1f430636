"""A float model compiled at int8 or int4 on x86-64 and (with --runner) AArch64.

Calibrates MODEL on random samples (seeded), compiles executables at
PRECISION for the host and, with --runner, for AArch64 (--aarch64-target:
aarch64, the smull kernels, aarch64-dotprod, the sdot ones, or aarch64-i8mm,
the smmla ones), runs both on one
more random input and checks: the output is within TOL of the output range
of onnxruntime's float output (quantization error, not a wrong answer), and
the AArch64 output equals the x86-64 output bit for bit. With
--same-as-target NAME it also compiles for the x86 target NAME (run on this
machine) and checks that its output equals the host's bit for bit: e.g.
the reference loops (x86_64-v2) against the host's VNNI micro-kernels
(repeatable: each target is compared with the host). --target NAME builds
the x86 executable for NAME instead of the host.
With --min-cosine C the output's cosine similarity to the reference must
be at least C too (a check that scales with the output, however small).

At int4 the reference is onnxruntime on a copy of MODEL whose Conv and Gemm
weights (and recurrent layers' W and R) are replaced by their int4 values (quantized here from the scheme
documented for qf-quantize: symmetric [-7, 7], one scale per GROUP values
along the reduction axis, block scales rounded up to multiples 1..255 of
max|w|/7/255), so the comparison measures the compiler, not how much
accuracy 4-bit weights cost a randomly initialised network.

Usage: check_quantized_model.py QFORGE MODEL WORKDIR [--precision int8|int4]
       [--runner CMD [--aarch64-target NAME]] [--same-as-target NAME]
       [--tol 0.05] [--min-cosine C]
"""

import argparse
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort


def int4_values(w, channel_axis, block_axis, group):
    """w quantized to int4 and dequantized, per qf-quantize's definition."""
    w = np.moveaxis(w.astype(np.float64), (channel_axis, block_axis), (0, 1))
    c, k = w.shape[0], w.shape[1]
    blocked = group > 0 and k > group and k % group == 0
    g = k // group if blocked else 1
    v = w.reshape(c, g, -1)  # [channel, block, values] (block axis leads)
    amax = np.abs(v).max(axis=2)  # [c, g]
    largest = amax.max(axis=1, keepdims=True)
    # Channels all zero or below 1e-30 (whose scales would be denormal
    # floats) are quantized as zero, with scale 1.
    largest[largest < 1e-30] = 7.0
    if blocked:
        unit = largest / 7.0 / 255.0
        scale = unit * np.clip(np.ceil(amax / 7.0 / unit - 1e-9), 1, 255)
    else:
        scale = np.broadcast_to(largest / 7.0, amax.shape)
    q = np.clip(np.round(v / scale[:, :, None]), -7, 7) * scale[:, :, None]
    return np.moveaxis(q.reshape(w.shape), (0, 1), (channel_axis, block_axis))


def int4_reference_model(model, group):
    """MODEL with every Conv/Gemm/MatMul/LSTM/GRU/RNN weight at its int4 values."""
    from onnx import numpy_helper
    inits = {t.name: t for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type in ("LSTM", "GRU", "RNN"):
            # W and R [directions, gates * hidden, K]: the recurrent
            # products' results stay float, so their int4 weights are per
            # output row, never in blocks.
            for name in node.input[1:3]:
                t = inits[name]
                w = numpy_helper.to_array(t)
                q = np.stack([int4_values(d, 0, 1, 0) for d in w])
                t.CopyFrom(numpy_helper.from_array(q.astype(np.float32), t.name))
            continue
        if node.op_type not in ("Conv", "Gemm", "MatMul") or node.input[1] not in inits:
            continue
        t = inits[node.input[1]]
        w = numpy_helper.to_array(t)
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Conv":
            # [O, I/groups, KH, KW]: blocks of input channels, all taps.
            grouped = attrs.get("group", 1) != 1
            flat = w.reshape(w.shape[0], w.shape[1], -1)
            q = int4_values(flat, 0, 1, 0 if grouped else group).reshape(w.shape)
        elif node.op_type == "Gemm" and attrs.get("transB", 0):
            q = int4_values(w, 0, 1, group)  # [N, K]
        else:
            q = int4_values(w, 1, 0, group)  # [K, N]
        t.CopyFrom(numpy_helper.from_array(q.astype(np.float32), t.name))
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qforge")
    p.add_argument("model")
    p.add_argument("work")
    p.add_argument("--runner")
    p.add_argument("--aarch64-target", default="aarch64",
                   help="the AArch64 target --runner runs (aarch64, aarch64-dotprod, ...)")
    p.add_argument("--same-as-target", action="append", default=[])
    p.add_argument("--target", default="host", help="the x86 build the others are compared with")
    p.add_argument("--precision", default="int8")
    p.add_argument("--group-size", type=int, default=32)
    p.add_argument("--activation-scheme", default="asymmetric",
                   help="asymmetric (uint8 activations) or symmetric (int8)")
    p.add_argument("--tol", type=float, default=0.05)
    p.add_argument("--samples", type=int, default=8)
    p.add_argument("--min-cosine", type=float,
                   help="also require this cosine similarity to the reference output")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)

    model = onnx.load(args.model)
    init = {t.name for t in model.graph.initializer}
    inp = [i for i in model.graph.input if i.name not in init][0]
    dims = [d.dim_value if d.dim_value > 0 else 1 for d in inp.type.tensor_type.shape.dim]
    rng = np.random.default_rng(0)
    calib = os.path.join(args.work, "calib.npy")
    # Samples along the batch dimension; a model whose leading dimension is
    # not a batch of 1 (a recurrent layer's sequence) takes whole inputs.
    sample_shape = dims[1:] if dims[0] == 1 else dims
    np.save(calib, rng.normal(0, 1, [args.samples] + sample_shape).astype(np.float32))
    x = rng.normal(0, 1, dims).astype(np.float32)
    x_path = os.path.join(args.work, "x.npy")
    np.save(x_path, x)

    reference = args.model
    what = "onnxruntime float"
    if args.precision == "int4":
        reference = os.path.join(args.work, "int4-weights.onnx")
        onnx.save(int4_reference_model(model, args.group_size), reference)
        what = "onnxruntime float on int4 weights"
    # At int4 the activations of the network with 4-bit weights differ
    # enough from the float network's that ranges calibrated on the latter
    # clip them (ResNet-18: 8% of the output range instead of 0.8%); the
    # table comes from the network the int4 executable computes.
    table = os.path.join(args.work, "table.json")
    subprocess.run([args.qforge, "calibrate", reference, "--calib-data=" + calib,
                    "-o", table, "--quiet"], check=True)
    outputs = {}
    arm = args.aarch64_target
    targets = [(args.target, [])] + ([(arm, shlex.split(args.runner))] if args.runner else [])
    targets += [(target, []) for target in args.same_as_target]
    for target, runner in targets:
        exe = os.path.join(args.work, args.precision + "-" + target)
        # int8-dynamic quantizes at run time: no table, groups or scheme.
        calibrated = [] if args.precision == "int8-dynamic" else [
            "--group-size=%d" % args.group_size, "--activation-scheme=" + args.activation_scheme,
            "--calib-table=" + table]
        subprocess.run([args.qforge, "compile", args.model, "--emit=exe",
                        "--precision=" + args.precision] + calibrated +
                       ["--target=" + target, "-o", exe, "--quiet"], check=True)
        out = os.path.join(args.work, "out-" + target)
        subprocess.run(runner + [exe, x_path, "-o", out], check=True)
        outputs["host" if target == args.target else target] = np.load(
            os.path.join(out, "output_0.npy"))

    ref = ort.InferenceSession(reference, providers=["CPUExecutionProvider"]).run(
        None, {inp.name: x})[0]
    rng_ = float(np.abs(ref).max())
    err = float(np.abs(outputs["host"].astype(np.float64) - ref).max())
    ok = err <= args.tol * rng_
    name = os.path.basename(args.model)
    if args.activation_scheme != "asymmetric":
        name += " (%s activations)" % args.activation_scheme
    print(("ok   " if ok else "FAIL ") + f"{name} {args.precision} vs {what}: max abs error "
          f"{err:.4g} of output range {rng_:.4g} ({100 * err / rng_:.2f}%, tolerance "
          f"{100 * args.tol:.0f}%)")
    if args.min_cosine is not None:
        got, want = outputs["host"].astype(np.float64).ravel(), ref.astype(np.float64).ravel()
        norms = np.linalg.norm(got) * np.linalg.norm(want)
        cosine = float(got @ want / norms) if norms > 0 else 0.0
        close = cosine >= args.min_cosine
        print(("ok   " if close else "FAIL ") + f"{name} {args.precision} cosine to {what} "
              f"{cosine:.6f} (at least {args.min_cosine})")
        ok = ok and close
    if args.runner:
        same = np.array_equal(outputs["host"], outputs[arm])
        where = "AArch64" if arm == "aarch64" else arm
        print(("ok   " if same else "FAIL ") + f"{name} {args.precision} on {where} equals x86-64 bit for bit")
        ok = ok and same
    for target in args.same_as_target:
        same = np.array_equal(outputs["host"], outputs[target])
        print(("ok   " if same else "FAIL ") + f"{name} {args.precision} for "
              f"{target} equals {args.target} bit for bit")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
