"""The bundled MNIST model quantized by onnxruntime's quantize_static (QDQ
format, uint8 activations, per-channel int8 weights, calibrated on the
first 100 images of the calibration split), compiled by qforge into an
executable and run on the 1,000 held-out digits: its logits must equal
onnxruntime's to within one step of the output's quantization scale (1 LSB),
and both accuracies are printed.

Usage: check_qdq_mnist.py QFORGE EXAMPLE_DIR WORKDIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                      quantize_static)


def main():
    qforge, example, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    model = os.path.join(example, "mnist_cnn.onnx")
    data = os.path.join(example, "data")
    calib = np.load(os.path.join(data, "calib_images.npy"))
    images_path = os.path.join(data, "test_images.npy")
    images = np.load(images_path)
    labels = np.load(os.path.join(data, "test_labels.npy"))
    name = onnx.load(model).graph.input[0].name

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.samples = iter([{name: calib[i:i + 1]} for i in range(100)])

        def get_next(self):
            return next(self.samples, None)

    qdq = os.path.join(work, "mnist_qdq.onnx")
    quantize_static(model, qdq, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    quantized = onnx.load(qdq)
    ops = {n.op_type for n in quantized.graph.node}
    print("QDQ model:", sum(n.op_type == "QuantizeLinear" for n in quantized.graph.node),
          "QuantizeLinear,", sum(n.op_type == "DequantizeLinear" for n in quantized.graph.node),
          "DequantizeLinear")
    # The output's scale: the QuantizeLinear feeding the last DequantizeLinear.
    inits = {t.name: numpy_helper.to_array(t) for t in quantized.graph.initializer}
    out_name = quantized.graph.output[0].name
    last_dq = next(n for n in quantized.graph.node if out_name in n.output)
    assert last_dq.op_type == "DequantizeLinear" and "QuantizeLinear" in ops
    lsb = float(inits[last_dq.input[1]])

    exe = os.path.join(work, "mnist_qdq")
    subprocess.run([qforge, "compile", qdq, "--emit=exe", "-o", exe, "--quiet"], check=True)
    out = os.path.join(work, "out")
    subprocess.run([exe, images_path, "-o", out], check=True)
    ours = np.load(os.path.join(out, "output_0.npy"))

    session = ort.InferenceSession(qdq, providers=["CPUExecutionProvider"])
    theirs = np.concatenate([session.run(None, {name: images[i:i + 1]})[0]
                             for i in range(len(images))])
    steps = np.abs(ours.astype(np.float64) - theirs) / lsb
    acc_ours = float((ours.argmax(1) == labels).mean()) * 100
    acc_theirs = float((theirs.argmax(1) == labels).mean()) * 100
    print(f"logits differ by at most {steps.max():.3f} LSB (scale {lsb:.6f}); "
          f"{int((steps > 0.5).sum())} of {steps.size} differ at all")
    print(f"accuracy qforge {acc_ours:.2f}%, onnxruntime {acc_theirs:.2f}%")
    ok = True
    for good, what in [(steps.max() <= 1.0 + 1e-4, "within 1 LSB of onnxruntime")]:
        print(("ok   " if good else "FAIL ") + what)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
