#!/usr/bin/env python3
"""Compares logits printed by a compiled program with onnxruntime's on the
same digit. usage: compare_logits.py MODEL.onnx DIGIT.raw LOGITS.txt"""
import sys

import numpy as np
import onnxruntime as ort

model, digit, printed = sys.argv[1:4]
image = np.fromfile(digit, dtype=np.uint8).reshape(1, 28, 28)
ours = np.loadtxt(printed, dtype=np.float64)
theirs = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
    None, {"images": image})[0][0]
err = float(np.max(np.abs(ours - theirs)))
span = float(theirs.max() - theirs.min())
print("max abs error %.3g over range %.3g: %s" % (err, span, "OK" if err <= 1e-3 * span else "FAIL"))
print("predicted %d, onnxruntime %d" % (int(ours.argmax()), int(theirs.argmax())))
sys.exit(0 if err <= 1e-3 * span and ours.argmax() == theirs.argmax() else 1)
