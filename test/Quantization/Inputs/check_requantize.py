"""qforge's requantization against an exact integer reference.

Each case is an ONNX DequantizeLinear -> QuantizeLinear pair with other
parameters, which qforge compiles to one qf.requantize (integer-only:
fixed-point multiplier and shift, rounding half to even). The input holds
every value of its 8-bit type. The reference computes, in exact rational
arithmetic (fractions.Fraction), q_out = clamp(z_out + round_half_even(
(q_in - z_in) * s_in / s_out)) with the f32 scales the model stores, and the
outputs must be equal element for element. The cases put exact ties on the
grid (dyadic ratios 1/2, 3/4, 5/2), saturate both ends (ratio 3), mix signed
and unsigned storage, and include a ratio with no finite binary expansion
(f32(0.1) / f32(0.3)), where no value is near a tie.

Usage: check_requantize.py QFORGE WORKDIR
"""

import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TYPES = {"i8": (TensorProto.INT8, np.int8, -128, 127), "u8": (TensorProto.UINT8, np.uint8, 0, 255)}
CASES = [  # name, in type, s_in, z_in, out type, s_out, z_out
    ("half", "i8", 0.5, 3, "i8", 1.0, -2),
    ("three_quarters", "i8", 0.75, -5, "i8", 1.0, 0),
    ("five_halves_saturating", "i8", 2.5, 0, "i8", 1.0, 1),
    ("three_saturating", "u8", 0.3, 128, "i8", 0.1, 0),
    ("third", "i8", 0.1, 7, "u8", 0.3, 100),
    ("signed_to_unsigned_half", "i8", 0.25, -1, "u8", 0.5, 128),
]


def f32(x):
    return Fraction(float(np.float32(x)))


def round_half_even(r):
    floor = r.numerator // r.denominator
    rest = r - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        return floor + 1
    return floor


def main():
    qforge, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    ok = True
    for name, tin, s_in, z_in, tout, s_out, z_out in CASES:
        onnx_in, np_in, lo_in, hi_in = TYPES[tin]
        onnx_out, np_out, lo, hi = TYPES[tout]
        graph = helper.make_graph(
            [helper.make_node("DequantizeLinear", ["x", "s_in", "z_in"], ["f"]),
             helper.make_node("QuantizeLinear", ["f", "s_out", "z_out"], ["y"])],
            name, [helper.make_tensor_value_info("x", onnx_in, [256])],
            [helper.make_tensor_value_info("y", onnx_out, [256])],
            [numpy_helper.from_array(np.array(s_in, np.float32), "s_in"),
             numpy_helper.from_array(np.array(z_in, np_in), "z_in"),
             numpy_helper.from_array(np.array(s_out, np.float32), "s_out"),
             numpy_helper.from_array(np.array(z_out, np_out), "z_out")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        path = os.path.join(work, name + ".onnx")
        onnx.save(model, path)
        x = np.arange(lo_in, hi_in + 1).astype(np_in)
        x_path = os.path.join(work, name + "-x.npy")
        np.save(x_path, x)
        out = os.path.join(work, name + "-out")
        subprocess.run([qforge, "run", path, x_path, "-o", out], check=True)
        ours = np.load(os.path.join(out, "output_0.npy")).astype(np.int64)

        ratio = f32(s_in) / f32(s_out)
        ref = np.array([min(hi, max(lo, z_out + round_half_even((int(v) - z_in) * ratio)))
                        for v in x], np.int64)
        ties = sum(1 for v in x if ((int(v) - z_in) * ratio).denominator == 2)
        saturated = int(((ref == lo) | (ref == hi)).sum())
        bad = int((ours != ref).sum())
        print(("ok   " if bad == 0 else "FAIL ") +
              f"{name}: {len(x)} values, {ties} ties, {saturated} at a bound, {bad} differ")
        ok = ok and bad == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
