#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into OUTDIR/<target>/ from the
project's own test inputs (scripts/fuzz runs it):

  onnx-import        every 4th of ONNX's single-operator test models, the
                     bundled MNIST CNN and the hostile models of
                     test/Import/hostile-models.test
  npy                small arrays of every dtype qforge reads, the header of
                     a bundled data file, a truncated one
  qf-ir              each `// -----` piece of the .mlir tests under test/
  calibration-table  (scripts/fuzz adds a table `qforge calibrate` writes)

usage: make_seeds.py SOURCE_DIR OUTDIR"""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np

src, out = sys.argv[1], sys.argv[2]
NODE_TESTS = "/usr/share/libonnx-testdata/data/node"


def target_dir(name):
    path = os.path.join(out, name)
    os.makedirs(path, exist_ok=True)
    return path


def onnx_seeds():
    d = target_dir("onnx-import")
    for i, test in enumerate(sorted(glob.glob(os.path.join(NODE_TESTS, "*")))):
        if i % 4 == 0 and os.path.exists(os.path.join(test, "model.onnx")):
            shutil.copy(os.path.join(test, "model.onnx"),
                        os.path.join(d, os.path.basename(test) + ".onnx"))
    shutil.copy(os.path.join(src, "examples/mnist/mnist_cnn.onnx"), d)
    subprocess.run([sys.executable,
                    os.path.join(src, "test/Import/Inputs/make_hostile_models.py"), d],
                   check=True)


def npy_seeds():
    d = target_dir("npy")
    rng = np.random.default_rng(0)
    for dtype in ["<f2", "<f4", "<f8", "i1", "<i2", "<i4", "<i8", "u1", "<u2", "<u4",
                  "<u8", "?"]:
        for shape in [(), (3,), (2, 3), (1, 2, 2, 2)]:
            a = (rng.standard_normal(shape) * 10).astype(dtype)
            name = "%s-%s.npy" % (np.dtype(dtype).name, "x".join(map(str, shape)) or "scalar")
            np.save(os.path.join(d, name), a)
    np.save(os.path.join(d, "big-endian.npy"), np.arange(4, dtype=">f4"))
    np.save(os.path.join(d, "fortran.npy"), np.asfortranarray(np.ones((2, 3), "<f4")))
    images = open(os.path.join(src, "examples/mnist/data/test_images.npy"), "rb").read()
    with open(os.path.join(d, "mnist-header.npy"), "wb") as f:
        f.write(images[:128])
    with open(os.path.join(d, "truncated.npy"), "wb") as f:
        f.write(images[:100])


def qf_ir_seeds():
    d = target_dir("qf-ir")
    files = sorted(glob.glob(os.path.join(src, "test/**/*.mlir"), recursive=True))
    files.append(os.path.join(src, "examples/qf/quantized_mlp.mlir"))
    for path in files:
        pieces = open(path).read().split("// -----")
        stem = os.path.relpath(path, src).replace("/", "_")
        for i, piece in enumerate(pieces):
            with open(os.path.join(d, "%s.%d" % (stem, i)), "w") as f:
                f.write(piece)


onnx_seeds()
npy_seeds()
qf_ir_seeds()
target_dir("calibration-table")
