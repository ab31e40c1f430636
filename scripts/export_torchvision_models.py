#!/usr/bin/python3
"""Exports torchvision classification models, and a YOLOv8n-style
detector written here, to ONNX, as users do.

Weights are random (seeded): no download is possible here, and the importer
and code generator are tested on the architecture, not the accuracy. Runs
under Debian's /usr/bin/python3 with python3-torch and python3-torchvision.

usage: export_torchvision_models.py OUTDIR [--opset N]... [--model NAME]...
Writes OUTDIR/<model>-opset<N>.onnx (by default ResNet-18, MobileNetV2 and
SqueezeNet; the others, the bench's broader set, when named).
"""
import argparse
import os

import torch
import torchvision

def conv(c_in, c_out, k=1, s=1):
    """Conv + BatchNorm + SiLU, the detector's building block."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(c_in, c_out, k, s, k // 2, bias=False),
        torch.nn.BatchNorm2d(c_out), torch.nn.SiLU())


class C2f(torch.nn.Module):
    """Split the channels in two, refine one half n times, concatenate all."""

    def __init__(self, c_in, c_out, n=1):
        super().__init__()
        self.c = c_out // 2
        self.cv1 = conv(c_in, 2 * self.c)
        self.cv2 = conv((2 + n) * self.c, c_out)
        self.m = torch.nn.ModuleList(
            torch.nn.Sequential(conv(self.c, self.c, 3), conv(self.c, self.c, 3))
            for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).split((self.c, self.c), 1))
        for m in self.m:
            y.append(y[-1] + m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(torch.nn.Module):
    """Three chained 5x5 max pools, concatenated."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.cv1 = conv(c_in, c_in // 2)
        self.cv2 = conv(c_in * 2, c_out)
        self.pool = torch.nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.pool(x)
        y2 = self.pool(y1)
        return self.cv2(torch.cat((x, y1, y2, self.pool(y2)), 1))


class DetectorN(torch.nn.Module):
    """A YOLOv8n-shaped detector: strided SiLU convolutions and C2f blocks,
    SPPF, a top-down neck (nearest upsampling, concatenation) and per-scale
    box and class heads with a sigmoid on the classes."""

    def __init__(self, classes=80):
        super().__init__()
        self.stem = torch.nn.Sequential(conv(3, 16, 3, 2), conv(16, 32, 3, 2), C2f(32, 32))
        self.p4 = torch.nn.Sequential(conv(32, 64, 3, 2), C2f(64, 64, 2))
        self.p5 = torch.nn.Sequential(conv(64, 128, 3, 2), C2f(128, 128), SPPF(128, 128))
        self.up = torch.nn.Upsample(scale_factor=2, mode="nearest")
        self.neck = C2f(128 + 64, 64)
        self.heads = torch.nn.ModuleList(
            torch.nn.Sequential(conv(c, 64, 3), torch.nn.Conv2d(64, 64 + classes, 1))
            for c in (64, 128))
        self.classes = classes

    def forward(self, x):
        p4 = self.p4(self.stem(x))
        p5 = self.p5(p4)
        n4 = self.neck(torch.cat((self.up(p5), p4), 1))
        outs = []
        for head, f in zip(self.heads, (n4, p5)):
            y = head(f).flatten(2)
            box, cls = y.split((64, self.classes), 1)
            outs.append(torch.cat((box, cls.sigmoid()), 1))
        return torch.cat(outs, 2)


MODELS = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "squeezenet1_0": lambda: torchvision.models.squeezenet1_0(weights=None),
    "mobilenet_v3_small": lambda: torchvision.models.mobilenet_v3_small(weights=None),
    "mobilenet_v3_large": lambda: torchvision.models.mobilenet_v3_large(weights=None),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(weights=None),
    "shufflenet_v2_x1_0": lambda: torchvision.models.shufflenet_v2_x1_0(weights=None),
    "regnet_y_400mf": lambda: torchvision.models.regnet_y_400mf(weights=None),
    "detector_n": DetectorN,
}

# Input sizes other than 224x224.
INPUT_SIZES = {"detector_n": 320}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--opset", type=int, action="append")
    p.add_argument("--model", action="append", choices=sorted(MODELS))
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.model or ["resnet18", "mobilenet_v2", "squeezenet1_0"]:
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
            size = INPUT_SIZES.get(name, 224)
            example = torch.randn(1, 3, size, size)
            tmp = path + ".tmp"
            torch.onnx.export(model, example, tmp, opset_version=opset,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
            os.replace(tmp, path)
            print(path)


if __name__ == "__main__":
    main()
