"""Checks a --precision=auto result independently of qforge's search: runs
the compiled executable and onnxruntime's float model on the evaluation
samples, computes the metric's drop here, and checks that it is within the
plan's budget and equal to the drop the plan reports; the report's
per-layer precisions must be the plan's.

    check_precision_search.py MODEL EXE PLAN.json REPORT.json EVAL.npy WORKDIR
        [--labels LABELS.npy]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort


def drop_of(metric, q, f, labels):
    if metric == "cosine":
        cos = [np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)) for a, b in zip(q, f)]
        return 1.0 - float(np.mean(cos))
    if metric == "mse":
        return float(np.sum((q - f) ** 2) / np.sum(f ** 2))
    if metric == "top1":
        if labels is None:
            return float(np.mean(q.argmax(1) != f.argmax(1)))
        return float(np.mean(f.argmax(1) == labels) - np.mean(q.argmax(1) == labels))
    sys.exit("unknown metric " + metric)


def main():
    p = argparse.ArgumentParser()
    for name in ["model", "exe", "plan", "report", "eval", "workdir"]:
        p.add_argument(name)
    p.add_argument("--labels")
    a = p.parse_args()
    plan = json.load(open(a.plan))
    report = json.load(open(a.report))
    x = np.load(a.eval)
    labels = np.load(a.labels).astype(np.int64) if a.labels else None

    session = ort.InferenceSession(a.model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    f = np.concatenate([session.run(None, {name: x[i:i + 1]})[0] for i in range(len(x))])
    os.makedirs(a.workdir, exist_ok=True)
    q = []
    for i in range(len(x)):
        path = os.path.join(a.workdir, "x.npy")
        np.save(path, x[i:i + 1])
        subprocess.run([a.exe, path, "-o", a.workdir], check=True, stdout=subprocess.DEVNULL)
        q.append(np.load(os.path.join(a.workdir, "output_0.npy")))
    q = np.concatenate(q)

    drop = drop_of(plan["metric"], q.astype(np.float64), f.astype(np.float64), labels)
    print("%s   drop %.6f within budget %.6f" % ("ok" if drop <= plan["max_drop"] + 1e-6 else "FAIL",
                                                  drop, plan["max_drop"]))
    print("%s   drop measured here %.6f, by the search %.6f" %
          ("ok" if abs(drop - plan["drop"]) <= 1e-5 else "FAIL", drop, plan["drop"]))
    compiled = {l["node"]: l["precision"] for l in report["layers"] if l["weight_bytes_fp32"] > 0}
    same = compiled == plan["layers"]
    print("%s   report's precisions are the plan's" % ("ok" if same else "FAIL"))
    if not same:
        print("  report", compiled, "\n  plan  ", plan["layers"])
    mix = sorted(set(plan["layers"].values()))
    print("precisions:", " ".join(mix))


if __name__ == "__main__":
    main()
