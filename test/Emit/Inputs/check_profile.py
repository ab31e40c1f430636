#!/usr/bin/env python3
"""Checks a per-layer profile of a model compiled with `qforge compile
--profile` against the ONNX model it came from.

usage: check_profile.py MODEL.onnx PROFILE [--runs N] [--trace TRACE.json]

PROFILE is the executable's --profile-json output, or the text a C program
prints from the header's tables: `layers N`, then `NAME<TAB>SECONDS` per
layer. TRACE.json is the executable's --profile-trace output for the same
runs. Prints one `ok`/`FAIL` line per property; exits 1 on a failure."""
import argparse
import json
import sys

import onnx


def read_profile(path):
    if path.endswith(".json"):
        with open(path) as f:
            data = json.load(f)
        return data["runs"], [(l["name"], l["ms_per_run"], l["share"]) for l in data["layers"]]
    with open(path) as f:
        lines = f.read().splitlines()
    declared = int(lines[0].split()[1])
    layers = [(name, float(seconds), None) for name, seconds in
              (line.split("\t") for line in lines[1:])]
    if declared != len(layers):
        sys.exit("FAIL the header declares %d layers, the table has %d" % (declared, len(layers)))
    return None, layers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("profile")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--trace")
    args = parser.parse_args()
    nodes = onnx.load(args.model).graph.node
    names = {n.name for n in nodes}
    compute = {n.name for n in nodes if n.op_type in ("Conv", "Gemm", "MatMul")}
    runs, layers = read_profile(args.profile)
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok   " if ok else "FAIL ") + what)
        failures += not ok

    seen = [name for name, _, _ in layers]
    check(set(seen) <= names, "every layer is a node of the model %s"
          % sorted(set(seen) - names))
    check(len(seen) == len(set(seen)), "no node is listed twice")
    check(compute <= set(seen), "every Conv, Gemm and MatMul node is timed %s"
          % sorted(compute - set(seen)))
    check(all(t >= 0 for _, t, _ in layers), "no negative time")
    check(sum(t for _, t, _ in layers) > 0, "some time was measured")
    if layers[0][2] is not None:
        check(abs(sum(s for _, _, s in layers) - 1) < 1e-4, "shares add up to 1")
    if args.trace:
        with open(args.trace) as f:
            events = json.load(f)["traceEvents"]
        check([e["name"] for e in events] == seen and all(e["ph"] == "X" for e in events),
              "the trace has a complete event per layer, in the profile's order")
        ends = [e["ts"] + e["dur"] for e in events]
        check(all(abs(a - b["ts"]) < 0.01 for a, b in zip(ends, events[1:])),
              "each event starts where the one before ends")
        check(all(abs(e["dur"] - t * 1e3) < 0.01 for e, (_, t, _) in zip(events, layers)),
              "each event lasts the layer's mean time")
    if args.runs is not None:
        check(runs == args.runs, "%s runs, as asked" % runs)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
