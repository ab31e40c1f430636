"""SQNR of qforge executables' outputs against onnxruntime's fp32 outputs
of the same model on the same inputs: 10 log10(sum f^2 / sum (f - q)^2).

    check_output_sqnr.py MODEL.onnx INPUTS.npy BASE_OUTDIR BETTER_OUTDIR MIN_GAIN_DB

Prints both and whether BETTER_OUTDIR's is at least MIN_GAIN_DB above
BASE_OUTDIR's (`ok`/`FAIL`).
"""
import os
import sys

import numpy as np
import onnxruntime as ort


def main():
    model, inputs, base, better, gain = sys.argv[1:6]
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.load(inputs)
    name = session.get_inputs()[0].name
    f = np.concatenate([session.run(None, {name: x[i:i + 1]})[0] for i in range(len(x))])

    def sqnr(outdir):
        q = np.load(os.path.join(outdir, "output_0.npy")).reshape(f.shape)
        return 10 * np.log10((f.astype(np.float64) ** 2).sum() / ((f - q).astype(np.float64) ** 2).sum())

    a, b = sqnr(base), sqnr(better)
    print("%s   %.2f dB -> %.2f dB (at least %s dB better)"
          % ("ok" if b >= a + float(gain) else "FAIL", a, b, gain))


if __name__ == "__main__":
    main()
