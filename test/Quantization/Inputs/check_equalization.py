"""Compares qforge executables' outputs with onnxruntime's fp32 outputs of
the same model: per output directory, the largest difference relative to
the largest |fp32 output| and the mean cosine per sample, each checked
against a bound.

    check_equalization.py MODEL.onnx INPUTS.npy LABEL=OUTDIR:CHECK ...

CHECK is `exact` (relative difference below 1e-5) or `cos>=C` / `cos<C`.
Prints one `ok`/`FAIL` line per output directory.
"""
import os
import sys

import numpy as np
import onnxruntime as ort


def main():
    model, inputs = sys.argv[1:3]
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.load(inputs)
    name = session.get_inputs()[0].name
    f = np.concatenate([session.run(None, {name: x[i:i + 1]})[0] for i in range(len(x))])
    for arg in sys.argv[3:]:
        label, rest = arg.split("=", 1)
        outdir, check = rest.rsplit(":", 1)
        q = np.load(os.path.join(outdir, "output_0.npy")).reshape(f.shape)
        a, b = q.reshape(len(q), -1), f.reshape(len(f), -1)
        cos = float(np.mean((a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))))
        rel = float(np.abs(q - f).max() / np.abs(f).max())
        if check == "exact":
            good = rel < 1e-5
        elif check.startswith("cos>="):
            good = cos >= float(check[5:])
        else:
            good = cos < float(check[4:])
        print("%s   %s: cosine %.6f, largest relative difference %.2g (%s)"
              % ("ok" if good else "FAIL", label, cos, rel, check))


if __name__ == "__main__":
    main()
