#!/usr/bin/env python3
"""ONNX backend node tests against qforge.

For every single-operator test in ONNX's own test data whose operators are
all supported by qforge (`qforge list-ops`), import the model, compile it
with qforge's float lowering and run it (`qforge run`, JIT), then compare the
outputs with the test's expected outputs.

Prints "N passed, N failed, N skipped", the skips grouped by reason and every
failure with its reason. Failures listed in the expectations file (one
"test_name: reason" per line) are expected; the run fails on any other
failure, and on an expected failure that now passes (so the list cannot go
stale). A reason starting with "import-only:" marks a test whose operators
import but do not run yet: it must still import and verify (`qforge import`),
and counts as a failure that imported.

Parameter inputs that a test feeds at run time but qforge needs at compile
time (Reshape's shape, Slice's starts, Resize's scales, Clip's bounds, ...)
are frozen into the model as constants with the test's values: qforge's
error names the value ("must be a constant"), the runner freezes the graph
inputs it names (or, when the value is computed from graph inputs, the
small integer inputs), and tries again (a few rounds, as one failing node
hides the next). Such passes are counted separately.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
RTOL, ATOL = 1e-3, 1e-5


def read_tensor(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return numpy_helper.to_array(proto)


def load_case(test_dir):
    data_dir = os.path.join(test_dir, "test_data_set_0")
    def numbered(prefix):
        files = sorted(
            (f for f in os.listdir(data_dir) if re.fullmatch(prefix + r"_\d+\.pb", f)),
            key=lambda f: int(re.findall(r"\d+", f)[0]))
        return [os.path.join(data_dir, f) for f in files]
    return numbered("input"), numbered("output")


def freeze_inputs(model, inputs, names):
    """Moves the graph inputs in `names` into initializers with the test's
    values; returns the remaining (run-time) inputs."""
    init = {t.name for t in model.graph.initializer}
    declared = [i for i in model.graph.input if i.name not in init]
    kept, keep_info = [], []
    for vi, value in zip(declared, inputs):
        if vi.name in names:
            model.graph.initializer.append(numpy_helper.from_array(value, vi.name))
        else:
            kept.append(value)
            keep_info.append(vi)
    del model.graph.input[:]
    model.graph.input.extend(keep_info)
    return kept


def named_constants(stderr, graph_inputs):
    """Graph inputs qforge says must be constants."""
    names = set()
    for line in stderr.splitlines():
        if "must be a constant" not in line:
            continue
        for quoted in re.findall(r"'([^']+)'", line):
            if quoted in graph_inputs:
                names.add(quoted)
    return names


def bounded(expected, got):
    """How a bounded output (longer along one axis, -1 or 0 after the data)
    matches, or None when `got` is not one."""
    if expected.ndim != got.ndim or expected.ndim == 0:
        return None
    differ = [a for a in range(got.ndim) if expected.shape[a] != got.shape[a]]
    if len(differ) != 1 or got.shape[differ[0]] < expected.shape[differ[0]]:
        return None
    axis, n = differ[0], expected.shape[differ[0]]
    head, tail = np.split(got, [n], axis=axis)
    if not np.array_equal(head, expected):
        return None
    for fill in (-1, 0):  # index outputs pad with -1; values and counts with 0
        if np.all(tail == fill):
            return ("bounded output: the %d expected entries along axis %d match, "
                    "the other %d are %d" % (n, axis, got.shape[axis] - n, fill))
    return None


def compare(expected, got):
    if expected.shape != got.shape:
        return bounded(expected, got) or "shape %s, expected %s" % (got.shape, expected.shape)
    if expected.dtype.kind == "f":
        e, g = expected.astype(np.float64), got.astype(np.float64)
        if not np.allclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True):
            err = np.nanmax(np.abs(g - e))
            return "max abs error %.3g (rtol %g, atol %g)" % (err, RTOL, ATOL)
        return None
    if expected.dtype == np.bool_:
        got = got.astype(np.bool_)
    if not np.array_equal(expected, got.astype(expected.dtype)):
        return "values differ (%d of %d elements)" % (
            int(np.sum(expected != got.astype(expected.dtype))), expected.size)
    return None


def conform_inputs(model, inputs):
    """ONNX's test data stores some rank-0 inputs as shape (1,); give every
    input the shape the model declares when the element counts agree."""
    init = {t.name for t in model.graph.initializer}
    declared = [i for i in model.graph.input if i.name not in init]
    out = []
    for vi, value in zip(declared, inputs):
        dims = vi.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shape = tuple(d.dim_value for d in dims)
            if shape != value.shape and int(np.prod(shape)) == value.size:
                value = value.reshape(shape)
        out.append(value)
    return out


# How models run: in-process (`qforge run`, the default) or, with --exe, as
# executables compiled for EXE_TARGET and started through EXE_RUNNER.
EXE = {"enabled": False, "target": "host", "runner": []}


def run_qforge(qforge, model_path, inputs, work):
    in_paths = []
    for i, value in enumerate(inputs):
        p = os.path.join(work, "in_%d.npy" % i)
        np.save(p, np.require(value, requirements="C"))  # keeps rank 0
        in_paths.append(p)
    out_dir = os.path.join(work, "out")
    if not EXE["enabled"]:
        proc = subprocess.run([qforge, "run", model_path, *in_paths, "-o", out_dir],
                              capture_output=True, text=True, timeout=300)
        return proc, out_dir
    exe = os.path.join(work, "model")
    proc = subprocess.run([qforge, "compile", model_path, "--emit=exe", "--quiet",
                           "--target=" + EXE["target"], "-o", exe],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode == 0:
        proc = subprocess.run(EXE["runner"] + [exe, *in_paths, "-o", out_dir],
                              capture_output=True, text=True, timeout=300)
    return proc, out_dir


def first_error(stderr):
    for line in stderr.splitlines():
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    return stderr.strip().splitlines()[-1] if stderr.strip() else "no output"


# Classes of skipped tests, in the order a test is classified (a Loop over
# sequences is a sequence test). Operators in none of them are reported as
# "unsupported operator X".
SKIP_CLASSES = [
    ("sequence/optional types", lambda op: op.startswith(("Sequence", "Optional"))
     or op in ("ConcatFromSequence", "SplitToSequence")),
    ("string tensors", lambda op: op.startswith("String") or op == "RegexFullMatch"),
    ("random generators", lambda op: op.startswith("Random")
     or op in ("Bernoulli", "Multinomial")),
]


def skip_reason(model, supported):
    """Why a test is not applicable to qforge, or None: its class."""
    ops = {(n.domain, n.op_type) for n in model.graph.node}
    qualified = {op if d in ("", "ai.onnx") else d + "." + op for d, op in ops}
    missing = sorted(q for q in qualified if q not in supported)
    io_types = [vi.type for vi in list(model.graph.input) + list(model.graph.output)]
    if any(not t.HasField("tensor_type") for t in io_types):
        missing.append("SequenceType")
    if any(t.HasField("tensor_type") and t.tensor_type.elem_type == onnx.TensorProto.STRING
           for t in io_types):
        missing.append("StringType")
    for name, member in SKIP_CLASSES:
        if any(member(op) for op in missing):
            return name
    if missing:
        return "unsupported operator " + ", ".join(missing)
    return None


def check(test_dir, qforge, supported, work_root, import_only=False):
    """Returns (status, reason, frozen) with status pass/fail/skip."""
    name = os.path.basename(test_dir)
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    reason = skip_reason(model, supported)
    if reason:
        return "skip", reason, False
    in_files, out_files = load_case(test_dir)
    inputs = conform_inputs(model, [read_tensor(p) for p in in_files])
    expected = [read_tensor(p) for p in out_files]

    work = os.path.join(work_root, name)
    os.makedirs(work, exist_ok=True)
    model_path = os.path.join(test_dir, "model.onnx")
    proc, out_dir = run_qforge(qforge, model_path, inputs, work)
    frozen = False
    current = model
    for _ in range(12):
        if proc.returncode == 0:
            break
        graph_inputs = {i.name for i in current.graph.input}
        names = named_constants(proc.stderr, graph_inputs)
        if not names and "must be a constant" in proc.stderr:
            # The value is computed from graph inputs (Cast, Sub, ...): freeze
            # the small integer inputs it can only have come from.
            init = {t.name for t in current.graph.initializer}
            declared = [i.name for i in current.graph.input if i.name not in init]
            names = {n for n, v in zip(declared, inputs)
                     if v.dtype.kind in "iu" and v.size <= 64}
        if not names:
            break
        current = onnx.load(model_path)
        inputs = freeze_inputs(current, inputs, names)
        model_path = os.path.join(work, "frozen.onnx")
        onnx.save(current, model_path)
        proc, out_dir = run_qforge(qforge, model_path, inputs, work)
        frozen = True
    if proc.returncode != 0:
        reason = first_error(proc.stderr)
        if import_only:
            imported = subprocess.run([qforge, "import", model_path, "-o", os.devnull],
                                      capture_output=True, text=True)
            if imported.returncode != 0:
                reason = "does not even import: " + first_error(imported.stderr)
            else:
                reason = "imported and verified; running: " + reason
        return "fail", reason, frozen
    # A bounded output is a failure (the shapes differ), but only a
    # "bounded:" one when every other output matches.
    bounded_outputs = []
    for i, e in enumerate(expected):
        path = os.path.join(out_dir, "output_%d.npy" % i)
        if not os.path.exists(path):
            return "fail", "output %d missing" % i, frozen
        problem = compare(e, np.load(path))
        if problem and problem.startswith("bounded output"):
            bounded_outputs.append("output %d: %s" % (i, problem))
        elif problem:
            return "fail", "output %d: %s" % (i, problem), frozen
    if bounded_outputs:
        return "fail", "; ".join(bounded_outputs), frozen
    shutil.rmtree(work, ignore_errors=True)
    return "pass", "", frozen


def read_expectations(path):
    expected = {}
    if not path:
        return expected
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, reason = line.partition(":")
            expected[name.strip()] = reason.strip()
    return expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qforge", required=True)
    parser.add_argument("--data", action="append",
                        help="directory of node tests (default: %s)" % DEFAULT_DATA)
    parser.add_argument("--expectations", help="file of 'test: reason' known failures")
    parser.add_argument("--filter", default="", help="regex on test names")
    parser.add_argument("--work", help="scratch directory (default: a temporary one)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--exe", action="store_true",
                        help="compile each test to an executable and run that")
    parser.add_argument("--target", default="host", help="with --exe: qforge's --target")
    parser.add_argument("--runner", default="",
                        help="with --exe: command prefix that runs the executables "
                             "(e.g. qemu)")
    parser.add_argument("--one-per-operator", action="store_true",
                        help="only as many tests as cover every supported operator "
                             "once (the first test, by name, that adds one)")
    args = parser.parse_args()
    EXE.update(enabled=args.exe, target=args.target, runner=args.runner.split())

    data_dirs = args.data or [DEFAULT_DATA]
    tests = []
    for d in data_dirs:
        if not os.path.isdir(d):
            print("error: no ONNX test data at %s" % d, file=sys.stderr)
            return 2
        tests += [os.path.join(d, t) for t in sorted(os.listdir(d))
                  if re.search(args.filter, t)]
    listing = subprocess.run([args.qforge, "list-ops"], capture_output=True,
                             text=True, check=True)
    supported = set(listing.stdout.split())
    expectations = read_expectations(args.expectations)
    covered = set()
    if args.one_per_operator:
        chosen = []
        for t in tests:
            model = onnx.load(os.path.join(t, "model.onnx"))
            ops = {n.op_type if n.domain in ("", "ai.onnx") else n.domain + "." + n.op_type
                   for n in model.graph.node}
            if (not skip_reason(model, supported) and ops - covered
                    and os.path.basename(t) not in expectations):
                covered |= ops
                chosen.append(t)
        tests = chosen

    work_root = args.work or tempfile.mkdtemp(prefix="qforge-conformance-")
    os.makedirs(work_root, exist_ok=True)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            pool.submit(check, t, args.qforge, supported, work_root,
                        expectations.get(os.path.basename(t), "").startswith("import-only:")): t
            for t in tests}
        for future in concurrent.futures.as_completed(futures):
            name = os.path.basename(futures[future])
            try:
                results[name] = future.result()
            except Exception as e:  # a broken test file is a failure, not a crash
                results[name] = ("fail", "runner error: %s" % e, False)

    passed = [n for n, r in results.items() if r[0] == "pass"]
    failed = {n: r[1] for n, r in results.items() if r[0] == "fail"}
    skipped = collections.defaultdict(list)
    for n, r in results.items():
        if r[0] == "skip":
            skipped[r[1]].append(n)
    frozen = sum(1 for n in passed if results[n][2])

    print("Skipped, by reason:")
    for reason, names in sorted(skipped.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print("  %4d  %s" % (len(names), reason))
    # An import-only expectation is met only if the test really imported.
    # A "bounded:" expectation is met only by a bounded output whose rows
    # match (see compare).
    unexpected = {n: r for n, r in failed.items()
                  if n not in expectations or r.startswith("does not even import")
                  or (expectations[n].startswith("bounded:") and "bounded output" not in r)}
    xfail = {n: r for n, r in failed.items() if n in expectations and n not in unexpected}
    imported_only = sum(1 for r in xfail.values() if r.startswith("imported and verified"))
    stale = sorted(n for n in expectations if results.get(n, ("",))[0] == "pass")
    missing = sorted(n for n in expectations if n not in results)
    if xfail:
        print("Expected failures (%s):" % (args.expectations or "none"))
        for n in sorted(xfail):
            print("  %s: %s [%s]" % (n, expectations[n], xfail[n]))
    if unexpected:
        print("UNEXPECTED failures:")
        for n in sorted(unexpected):
            print("  %s: %s" % (n, unexpected[n]))
    for n in stale:
        print("UNEXPECTED pass: %s (remove it from the expectations file)" % n)
    subset = bool(args.filter) or args.one_per_operator
    if subset:
        missing = []
    for n in missing:
        print("STALE expectation: %s is not a test here" % n)
    applicable = len(passed) + len(failed)
    print("%d passed, %d failed, %d skipped" % (
        len(passed), len(failed), sum(len(v) for v in skipped.values())))
    if imported_only:
        print("%d of the failures import and verify but do not run yet (import-only)"
              % imported_only)
    total = len(results)
    print("%d of all %d node tests pass (%.1f%%)" % (len(passed), total,
                                                    100.0 * len(passed) / max(total, 1)))
    print("%d of %d applicable tests pass (%.1f%%); %d of the passes froze "
          "parameter inputs as constants" % (len(passed), applicable,
                                   100.0 * len(passed) / max(applicable, 1), frozen))
    if not args.work:
        shutil.rmtree(work_root, ignore_errors=True)
    if args.one_per_operator:
        print("operators covered: %d of %d supported; without a test here: %s"
              % (len(covered & supported), len(supported),
                 ", ".join(sorted(supported - covered)) or "none"))
    return 1 if unexpected or stale or missing else 0


if __name__ == "__main__":
    sys.exit(main())
