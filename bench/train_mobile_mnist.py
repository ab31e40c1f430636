#!/usr/bin/python3
"""Trains a small MobileNetV2-style network on the MNIST example's digits
and exports it to ONNX: the depthwise-separable case for bench/accuracy.py.

    /usr/bin/python3 bench/train_mobile_mnist.py OUT.onnx [--epochs N]

Runs under Debian's python3-torch, seeded and single-threaded. The network:
a strided 3x3 stem, four inverted residual blocks (1x1 expansion by 4,
3x3 depthwise, 1x1 projection; batch norm and ReLU6; a residual where the
shape allows), global average pooling and one linear layer. Input: uint8
[N, 28, 28] (scaling is part of the model), output logits [N, 10].
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "mnist", "data")


def conv_bn(cin, cout, kernel, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand=4):
        super().__init__()
        hidden = cin * expand
        self.body = nn.Sequential(conv_bn(cin, hidden, 1),
                                  conv_bn(hidden, hidden, 3, stride, groups=hidden),
                                  conv_bn(hidden, cout, 1, act=False))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileMnist(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16, 3, 2)                  # 16 x 14 x 14
        self.blocks = nn.Sequential(InvertedResidual(16, 16, 1),
                                    InvertedResidual(16, 24, 2),   # 24 x 7 x 7
                                    InvertedResidual(24, 24, 1),
                                    InvertedResidual(24, 32, 2))   # 32 x 4 x 4
        self.fc = nn.Linear(32, 10)

    def forward(self, images):
        x = images.to(torch.float32).unsqueeze(1) / 255.0
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--epochs", type=int, default=5)
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    data = np.load(os.path.join(DATA, "train.npz"))
    images = torch.from_numpy(data["images"])
    labels = torch.from_numpy(data["labels"].astype(np.int64))
    model = MobileMnist()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), 64):
            idx = order[start:start + 64]
            optimizer.zero_grad()
            F.cross_entropy(model(images[idx]), labels[idx]).backward()
            optimizer.step()
    model.eval()
    torch.onnx.export(model, images[:1], a.out, opset_version=13,
                      input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", a.out)


if __name__ == "__main__":
    main()
