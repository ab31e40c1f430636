"""Calibrates the bundled MNIST model with every method and checks the
observed min/max of each tensor against onnxruntime's, computed by exposing
the same intermediate values as graph outputs and running the calibration
split through onnxruntime.

Usage: check_mnist_ranges.py QFORGE MODEL CALIB_IMAGES WORKDIR
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort

METHODS = ["minmax", "percentile", "entropy", "mse"]


def main():
    qforge, model_path, images_path, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    images = np.load(images_path)
    failures = 0
    tables = {}
    for method in METHODS:
        out = os.path.join(work, method + ".json")
        run = subprocess.run([qforge, "calibrate", model_path, "--calib-data=" + images_path,
                              "--calib-method=" + method, "-o", out],
                             check=True, capture_output=True, text=True)
        print(run.stdout.strip())
        tables[method] = json.load(open(out))
        t = tables[method]
        ok = t["method"] == method and t["samples"] == len(images) and all(
            set(e["ranges"]) == set(METHODS) for e in t["tensors"])
        print(("ok   " if ok else "FAIL ") +
              f"{method}: table method {t['method']}, {t['samples']} samples, "
              f"{len(t['tensors'])} tensors with every method's range")
        failures += not ok

    entries = tables["minmax"]["tensors"]
    model = onnx.load(model_path)
    known = {o.name for o in model.graph.output}
    for e in entries:
        if e["name"] not in known:
            model.graph.output.append(onnx.ValueInfoProto(name=e["name"]))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [e["name"] for e in entries]
    values = dict(zip(names, session.run(names, {session.get_inputs()[0].name: images})))
    for e in entries:
        ref = values[e["name"]]
        scale = max(float(np.abs(ref).max()), 1e-6)
        ok = abs(e["min"] - ref.min()) <= 1e-4 * scale and abs(e["max"] - ref.max()) <= 1e-4 * scale
        ok = ok and e["count"] == ref.size
        print(("ok   " if ok else "FAIL ") +
              f"{e['name']} (node {e['node'] or '-'}): qforge [{e['min']:.6f}, {e['max']:.6f}] "
              f"onnxruntime [{ref.min():.6f}, {ref.max():.6f}], {e['count']} values")
        failures += not ok
        for method in METHODS[1:]:
            same = all(tables[method]["tensors"][i]["min"] == entries[i]["min"]
                       for i in range(len(entries)))
            if not same:
                print(f"FAIL {method}: observed extremes differ between runs")
                failures += 1
                break
    print(f"{len(entries)} tensors, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
