"""--int4-scale-search on the MNIST example, blocks of 32 and per channel:
each build compiles (block scales stay multiples of their channel's unit,
which qf's verifier checks), runs as an executable on 300 test digits and
stays close to onnxruntime's fp32 logits (cosine >= 0.995, top class the
same on >= 98% of the digits), as the default int4 build does.

    check_int4_scale_search.py QFORGE EXAMPLE_DIR WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort

qforge, example, work = sys.argv[1:4]
model = os.path.join(example, "mnist_cnn.onnx")
images = np.load(os.path.join(example, "data", "test_images.npy"))[:300]
np.save(os.path.join(work, "digits.npy"), images)
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
f = session.run(None, {session.get_inputs()[0].name: images})[0]
table = os.path.join(work, "table.json")
subprocess.run([qforge, "calibrate", model, "--calib-data=" + os.path.join(example, "data", "calib_images.npy"),
                "-o", table, "--quiet"], check=True)
for label, flags in [("blocks", []), ("per channel", ["--group-size=0"])]:
    for search in ["false", "true"]:
        exe = os.path.join(work, "m")
        subprocess.run([qforge, "compile", model, "--calib-table=" + table, "--precision=int4",
                        "--int4-scale-search=" + search, "--emit=exe", "--quiet", "-o", exe] + flags,
                       check=True)
        out = os.path.join(work, "out")
        subprocess.run([exe, os.path.join(work, "digits.npy"), "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
        q = np.load(os.path.join(out, "output_0.npy"))
        cos = np.mean([np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)) for a, b in zip(q, f)])
        agree = np.mean(q.argmax(1) == f.argmax(1))
        print("%s   int4 %s, scale search %s: cosine %.5f, top class agreement %.1f%%"
              % ("ok" if cos >= 0.995 and agree >= 0.98 else "FAIL", label, search, cos, 100 * agree))
