"""torchvision's MobileNetV2 as torchvision initializes it (seeded, no
training, BatchNorm statistics at their defaults), exported to ONNX: its
activations shrink layer by layer and its logits are around 1e-9.

Usage: export_untrained_mobilenet.py OUT.onnx
"""

import sys

import torch
import torchvision


def main():
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2(weights=None).eval()
    example = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, example, sys.argv[1], opset_version=17,
                      input_names=["input"], output_names=["logits"])


if __name__ == "__main__":
    main()
