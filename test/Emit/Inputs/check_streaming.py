"""Checks a streaming model run in chunks against onnxruntime running the
whole sequence at once.

  check_streaming.py make DIR MODEL --steps N --chunk C
      writes DIR/x.npy (N steps), DIR/x_part<k>.npy (the same steps in two
      files: the first two chunks, then the rest), DIR/h0.npy and DIR/c0.npy
      (random initial states), their raw float32 bytes (*.bin) for C
      programs, and onnxruntime's outputs on the whole sequence from those
      states, DIR/reference/output_<i>.npy
  check_streaming.py compare DIR OUTDIR [--raw]
      compares OUTDIR/output_<i>.npy (--raw: output_<i>.bin, float32 in the
      reference's shape) with the reference: one line per output, OK within
      1e-5 relative (and 1e-6 absolute), else FAIL
"""

import argparse
import os
import sys

import numpy as np


def make(args):
    import onnxruntime as ort

    rng = np.random.default_rng(7)
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    feeds = {}
    for spec in session.get_inputs():
        shape = [args.steps if isinstance(d, str) else d for d in spec.shape]
        feeds[spec.name] = rng.uniform(-1, 1, shape).astype(np.float32)
    x_name = session.get_inputs()[0].name
    x = feeds[x_name]
    np.save(os.path.join(args.dir, "x.npy"), x)
    split = 2 * args.chunk
    np.save(os.path.join(args.dir, "x_part0.npy"), x[:split])
    np.save(os.path.join(args.dir, "x_part1.npy"), x[split:])
    for name, value in feeds.items():
        if name != x_name:
            np.save(os.path.join(args.dir, name + ".npy"), value)
        value.tofile(os.path.join(args.dir, name + ".bin"))
    os.makedirs(os.path.join(args.dir, "reference"), exist_ok=True)
    for i, value in enumerate(session.run(None, feeds)):
        np.save(os.path.join(args.dir, "reference", "output_%d.npy" % i), value)


def compare(args):
    failed = False
    ref_dir = os.path.join(args.dir, "reference")
    for i in range(len(os.listdir(ref_dir))):
        ref = np.load(os.path.join(ref_dir, "output_%d.npy" % i))
        if args.raw:
            got = np.fromfile(os.path.join(args.outdir, "output_%d.bin" % i), np.float32)
            got = got.reshape(ref.shape) if got.size == ref.size else got
        else:
            got = np.load(os.path.join(args.outdir, "output_%d.npy" % i))
        if got.shape != ref.shape:
            print("output %d: shape %s, expected %s: FAIL" % (i, got.shape, ref.shape))
            failed = True
            continue
        ok = np.allclose(got, ref, rtol=1e-5, atol=1e-6)
        print("output %d %s: max abs error %.2e: %s"
              % (i, ref.shape, np.abs(got - ref).max(), "OK" if ok else "FAIL"))
        failed |= not ok
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("dir")
    m.add_argument("model")
    m.add_argument("--steps", type=int, required=True)
    m.add_argument("--chunk", type=int, required=True)
    c = sub.add_parser("compare")
    c.add_argument("dir")
    c.add_argument("outdir")
    c.add_argument("--raw", action="store_true")
    args = parser.parse_args()
    if args.command == "make":
        make(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
