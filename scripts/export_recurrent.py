#!/usr/bin/python3
"""Exports recurrent models to ONNX as users do (torch.onnx.export), for the
recurrent bench and tests.

- lstm: torch.nn.LSTM, LAYERS layers of HIDDEN units (ONNX LSTM per layer).
- gru: torch.nn.GRU, the same shape (ONNX GRU, linear_before_reset=1).

Input [STEPS, 1, FEATURES] (sequence first, batch 1), outputs every step's
hidden state of the last layer and the final states. Weights are random
(seeded, PyTorch's default initialization). Runs under Debian's
/usr/bin/python3 with python3-torch.

usage: export_recurrent.py OUTDIR [--model NAME]... [--layers 2]
       [--hidden 256] [--features 64] [--steps 100] [--opset 17]
Writes OUTDIR/<model>-L<layers>-H<hidden>-S<steps>.onnx.
"""
import argparse
import os

import torch


class Recurrent(torch.nn.Module):
    def __init__(self, kind, features, hidden, layers):
        super().__init__()
        cell = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
        self.rnn = cell(features, hidden, num_layers=layers)

    def forward(self, x):
        y, state = self.rnn(x)
        return (y,) + (state if isinstance(state, tuple) else (state,))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--model", action="append", choices=["lstm", "gru"])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for kind in args.model or ["lstm", "gru"]:
        torch.manual_seed(0)
        model = Recurrent(kind, args.features, args.hidden, args.layers).eval()
        x = torch.randn(args.steps, 1, args.features)
        outputs = ["y", "h"] + (["c"] if kind == "lstm" else [])
        path = os.path.join(args.outdir,
                            f"{kind}-L{args.layers}-H{args.hidden}-S{args.steps}.onnx")
        torch.onnx.export(model, (x,), path, input_names=["x"], output_names=outputs,
                          opset_version=args.opset)
        print(path)


if __name__ == "__main__":
    main()
