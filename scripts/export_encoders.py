#!/usr/bin/python3
"""Exports transformer encoders to ONNX as users do (torch.onnx.export), for
the encoder bench and tests.

- bert_block: a BERT-style encoder written out by hand: Linear Q/K/V and
  output projections, scaled dot-product attention with explicit
  MatMul/Softmax, GELU in its erf form and LayerNorm decomposed into
  ReduceMean/Sub/Pow/Sqrt/Div (as older exporters and hand-written models
  emit it).
- torch_encoder: torch.nn.TransformerEncoder (LayerNormalization and
  GELU as the exporter writes them for opset 17).

Weights are random (seeded). Runs under Debian's /usr/bin/python3 with
python3-torch.

usage: export_encoders.py OUTDIR [--model NAME]... [--layers 4] [--hidden 256]
       [--heads 4] [--seq 128] [--opset 17]
Writes OUTDIR/<model>-L<layers>-H<hidden>-T<seq>.onnx, input [1, T, hidden].
"""
import argparse
import math
import os

import torch


class DecomposedLayerNorm(torch.nn.Module):
    def __init__(self, width, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(1 + 0.1 * torch.randn(width))
        self.bias = torch.nn.Parameter(0.1 * torch.randn(width))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        centred = x - mean
        var = centred.pow(2).mean(-1, keepdim=True)
        return centred / torch.sqrt(var + self.eps) * self.weight + self.bias


class BertBlock(torch.nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.q = torch.nn.Linear(hidden, hidden)
        self.k = torch.nn.Linear(hidden, hidden)
        self.v = torch.nn.Linear(hidden, hidden)
        self.out = torch.nn.Linear(hidden, hidden)
        self.norm1 = DecomposedLayerNorm(hidden)
        self.up = torch.nn.Linear(hidden, 4 * hidden)
        self.down = torch.nn.Linear(4 * hidden, hidden)
        self.norm2 = DecomposedLayerNorm(hidden)

    def split_heads(self, x):
        b, t, c = x.shape
        return x.reshape(b, t, self.heads, c // self.heads).transpose(1, 2)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = (self.split_heads(f(x)) for f in (self.q, self.k, self.v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(c // self.heads)
        context = torch.matmul(torch.softmax(scores, -1), v)
        context = context.transpose(1, 2).reshape(b, t, c)
        x = self.norm1(x + self.out(context))
        h = self.up(x)
        h = h * 0.5 * (1 + torch.erf(h / math.sqrt(2)))
        return self.norm2(x + self.down(h))


class BertEncoder(torch.nn.Module):
    def __init__(self, layers, hidden, heads):
        super().__init__()
        self.blocks = torch.nn.Sequential(*[BertBlock(hidden, heads) for _ in range(layers)])

    def forward(self, x):
        return self.blocks(x)


def torch_encoder(layers, hidden, heads):
    layer = torch.nn.TransformerEncoderLayer(hidden, heads, 4 * hidden, dropout=0.0,
                                             activation="gelu", batch_first=True)
    return torch.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


MODELS = {
    "bert_block": lambda a: BertEncoder(a.layers, a.hidden, a.heads),
    "torch_encoder": lambda a: torch_encoder(a.layers, a.hidden, a.heads),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--model", action="append", choices=sorted(MODELS))
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--opset", type=int, default=17)
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.model or sorted(MODELS):
        path = os.path.join(args.outdir, "%s-L%d-H%d-T%d.onnx" %
                            (name, args.layers, args.hidden, args.seq))
        if os.path.exists(path):
            continue
        torch.manual_seed(0)
        model = MODELS[name](args).eval()
        example = torch.randn(1, args.seq, args.hidden)
        tmp = path + ".tmp"
        # Gradients stay enabled: under no_grad, nn.TransformerEncoder takes
        # its fused fast path, which has no ONNX export.
        torch.onnx.export(model, example, tmp, opset_version=args.opset,
                          input_names=["input"], output_names=["output"])
        os.replace(tmp, path)
        print(path)


if __name__ == "__main__":
    main()
