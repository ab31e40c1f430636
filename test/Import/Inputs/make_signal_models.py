"""DFT and STFT models beyond ONNX's node tests, written to OUTDIR: a
one-sided real DFT, a DFT cut and one zero-padded by dft_length, a complex
inverse DFT along a middle axis, a one-sided STFT with a Hann window and a
two-sided one without.

Usage: make_signal_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(name, nodes, inputs, output_shape, inits=()):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)], list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, "%s/%s.onnx" % (sys.argv[1], name))


def length(name, n):
    return numpy_helper.from_array(np.array(n, np.int64), name)


def main():
    save("dft_onesided", [helper.make_node("DFT", ["x"], ["y"], name="dft", onesided=1)],
         [("x", [2, 10, 1])], [2, 6, 2])
    save("dft_cut", [helper.make_node("DFT", ["x", "n"], ["y"], name="dft")],
         [("x", [2, 10, 1])], [2, 7, 2], [length("n", 7)])
    save("dft_padded", [helper.make_node("DFT", ["x", "n"], ["y"], name="dft")],
         [("x", [2, 10, 2])], [2, 16, 2], [length("n", 16)])
    save("idft_axis2", [helper.make_node("DFT", ["x"], ["y"], name="dft", axis=2, inverse=1)],
         [("x", [2, 3, 8, 2])], [2, 3, 8, 2])
    window = numpy_helper.from_array(
        (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(16) / 16)).astype(np.float32), "w")
    save("stft_hann", [helper.make_node("STFT", ["x", "step", "w"], ["y"], name="stft")],
         [("x", [1, 64, 1])], [1, 7, 9, 2], [length("step", 8), window])
    save("stft_twosided", [helper.make_node("STFT", ["x", "step", "", "len"], ["y"], name="stft",
                                            onesided=0)],
         [("x", [2, 40, 1])], [2, 4, 10, 2], [length("step", 10), length("len", 10)])


if __name__ == "__main__":
    main()
