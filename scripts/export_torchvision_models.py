#!/usr/bin/python3
"""Exports torchvision classification models to ONNX, as users do.

Weights are random (seeded): no download is possible here, and the importer
and code generator are tested on the architecture, not the accuracy. Runs
under Debian's /usr/bin/python3 with python3-torch and python3-torchvision.

usage: export_torchvision_models.py OUTDIR [--opset N]... [--model NAME]...
Writes OUTDIR/<model>-opset<N>.onnx.
"""
import argparse
import os

import torch
import torchvision

MODELS = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "squeezenet1_0": lambda: torchvision.models.squeezenet1_0(weights=None),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--opset", type=int, action="append")
    p.add_argument("--model", action="append", choices=sorted(MODELS))
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.model or sorted(MODELS):
        for opset in args.opset or [13, 17]:
            path = os.path.join(args.outdir, "%s-opset%d.onnx" % (name, opset))
            if os.path.exists(path):
                continue
            torch.manual_seed(0)
            model = MODELS[name]().eval()
            # BatchNorm statistics away from the (0, 1) defaults, so that
            # folding them is actually exercised.
            with torch.no_grad():
                for m in model.modules():
                    if isinstance(m, torch.nn.BatchNorm2d):
                        m.running_mean.uniform_(-0.2, 0.2)
                        m.running_var.uniform_(0.5, 1.5)
            example = torch.randn(1, 3, 224, 224)
            tmp = path + ".tmp"
            torch.onnx.export(model, example, tmp, opset_version=opset,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
            os.replace(tmp, path)
            print(path)


if __name__ == "__main__":
    main()
