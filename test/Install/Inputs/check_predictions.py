#!/usr/bin/env python3
"""Checks the classes examples/cmake-app printed against onnxruntime's.

usage: check_predictions.py MODEL.onnx IMAGES.npy PREDICTIONS.txt

PREDICTIONS.txt has one line per digit: index, the fp32 model's class, the
int8 model's class. The fp32 classes must all equal onnxruntime's (the
float model, run here); the int8 ones must agree with them on at least 97%
of the digits (quantization may flip a digit the float model is unsure of).
Exits non-zero otherwise."""
import sys

import numpy as np
import onnxruntime as ort

model, images_path, printed = sys.argv[1:4]
rows = np.loadtxt(printed, dtype=np.int64, ndmin=2)
images = np.load(images_path)[: len(rows)]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
reference = np.array([int(session.run(None, {name: image[None]})[0].argmax()) for image in images])

ok = len(rows) > 0 and (rows[:, 0] == np.arange(len(rows))).all()
fp32_equal = int((rows[:, 1] == reference).sum())
int8_equal = int((rows[:, 2] == reference).sum())
fp32_ok = fp32_equal == len(rows)
int8_ok = int8_equal >= 0.97 * len(rows)
print("fp32: %d of %d classes equal to onnxruntime's: %s"
      % (fp32_equal, len(rows), "OK" if fp32_ok else "FAIL"))
print("int8: %d of %d classes equal to onnxruntime's fp32 (97%% required): %s"
      % (int8_equal, len(rows), "OK" if int8_ok else "FAIL"))
sys.exit(0 if ok and fp32_ok and int8_ok else 1)
