#!/usr/bin/python3
"""Trains the example CNN on data/train.npz and exports it to mnist_cnn.onnx.

Runs under Debian's /usr/bin/python3 (python3-torch). Seeded and
single-threaded, so a rerun gives the same weights on the same machine.

The network takes the raw uint8 digits [N, 28, 28] (scaling is part of the
model) and has what the compiler must handle in a real CNN: convolutions
with batch normalization, ReLU, max pooling, a residual block and two fully
connected (Gemm) layers.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.block = ResidualBlock(16)
        self.conv = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, images):
        # uint8 [N, 28, 28] -> float [N, 1, 28, 28], scaled to [0, 1].
        x = images.to(torch.float32).unsqueeze(1) / 255.0
        x = F.max_pool2d(F.relu(self.bn(self.stem(x))), 2)   # 16 x 14 x 14
        x = self.block(x)
        x = F.max_pool2d(F.relu(self.conv(x)), 2)           # 32 x 7 x 7
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    data = np.load(os.path.join(HERE, "data", "train.npz"))
    images = torch.from_numpy(data["images"])
    labels = torch.from_numpy(data["labels"].astype(np.int64))
    test_images = torch.from_numpy(np.load(os.path.join(HERE, "data", "test_images.npy")))
    test_labels = np.load(os.path.join(HERE, "data", "test_labels.npy"))

    model = MnistCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(0)
    for epoch in range(6):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for start in range(0, len(images), 64):
            idx = order[start:start + 64]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images[idx]), labels[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            accuracy = (model(test_images).argmax(1).numpy() == test_labels).mean()
        print("epoch %d: loss %.4f, test accuracy %.4f" % (epoch, total / len(images), accuracy))

    model.eval()
    path = os.path.join(HERE, "mnist_cnn.onnx")
    torch.onnx.export(model, images[:1], path, opset_version=13,
                      input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", path)


if __name__ == "__main__":
    main()
