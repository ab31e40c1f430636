#!/usr/bin/env python3
"""Exports the small framework CNNs under test/Models/Inputs with the real
exporters: tf2onnx (from a Keras model) and paddle2onnx (through
paddle.onnx.export). Weights are seeded random numbers.

Not run by the test suite: TensorFlow and PaddlePaddle are large and CI does
not install them. The .onnx files it wrote are committed; to regenerate:

    python3 -m venv /tmp/exporters
    /tmp/exporters/bin/pip install tensorflow-cpu tf2onnx paddlepaddle paddle2onnx
    /tmp/exporters/bin/python test/Models/Inputs/export_framework_models.py test/Models/Inputs
"""
import os
import sys

out = sys.argv[1]


def export_tf2onnx():
    """A Keras CNN as tf2onnx exports it: NHWC input with a symbolic batch
    (unk__N), LeakyRelu, element-wise Maximum, depthwise convolution,
    batch norm, global pooling, Dense + Softmax."""
    import numpy as np
    import tensorflow as tf
    import tf2onnx

    tf.random.set_seed(0)
    x = tf.keras.Input((32, 32, 3), name="image")
    a = tf.keras.layers.Conv2D(8, 3, padding="same")(x)
    a = tf.keras.layers.LeakyReLU(0.1)(a)
    b = tf.keras.layers.Conv2D(8, 1)(x)
    m = tf.keras.layers.Maximum()([a, b])
    m = tf.keras.layers.MaxPooling2D(2)(m)
    d = tf.keras.layers.DepthwiseConv2D(3, padding="same")(m)
    d = tf.keras.layers.BatchNormalization()(d, training=False)
    d = tf.keras.layers.ReLU(6.0)(d)
    c = tf.keras.layers.Conv2D(16, 3, strides=2, padding="valid")(d)
    g = tf.keras.layers.GlobalAveragePooling2D()(c)
    y = tf.keras.layers.Dense(10, activation="softmax")(g)
    model = tf.keras.Model(x, y)
    bn = [l for l in model.layers if isinstance(l, tf.keras.layers.BatchNormalization)][0]
    rng = np.random.default_rng(0)
    gamma, beta, mean, var = bn.get_weights()
    bn.set_weights([rng.uniform(0.5, 1.5, gamma.shape), rng.normal(0, 0.1, beta.shape),
                    rng.normal(0, 0.1, mean.shape), rng.uniform(0.5, 1.5, var.shape)])
    spec = (tf.TensorSpec((None, 32, 32, 3), tf.float32, name="image"),)
    tf2onnx.convert.from_keras(model, input_signature=spec, opset=13,
                               output_path=os.path.join(out, "tf2onnx_cnn.onnx"))


def export_paddle():
    """A PaddleOCR-style block stack: conv + BN + HardSwish, a squeeze-and-
    excitation block with HardSigmoid, depthwise convolution, nearest 2x
    upsampling (Resize), a transposed convolution, a skip concat and
    average pooling."""
    import paddle
    import paddle.nn as nn
    import paddle.nn.functional as F

    paddle.seed(0)

    class SE(nn.Layer):
        def __init__(self, c):
            super().__init__()
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.fc1 = nn.Conv2D(c, c // 2, 1)
            self.fc2 = nn.Conv2D(c // 2, c, 1)

        def forward(self, x):
            s = F.relu(self.fc1(self.pool(x)))
            return x * F.hardsigmoid(self.fc2(s))

    class Net(nn.Layer):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2D(3, 8, 3, stride=2, padding=1)
            self.bn = nn.BatchNorm2D(8)
            self.dw = nn.Conv2D(8, 8, 3, padding=1, groups=8)
            self.se = SE(8)
            self.pw = nn.Conv2D(8, 16, 1)
            self.up = nn.Conv2DTranspose(16, 8, 2, stride=2)
            self.head = nn.Conv2D(16, 4, 3, padding=1)

        def forward(self, x):
            x = F.hardswish(self.bn(self.stem(x)))
            y = self.se(F.hardswish(self.dw(x)))
            y = self.pw(y)
            u = self.up(y)
            n = F.interpolate(x, size=[32, 32], mode="nearest")
            z = F.avg_pool2d(paddle.concat([u, n], axis=1), 2)
            return self.head(z)

    net = Net()
    net.eval()
    spec = [paddle.static.InputSpec([None, 3, 32, 32], "float32", "x")]
    paddle.onnx.export(net, os.path.join(out, "paddle_ocr_style"), input_spec=spec,
                       opset_version=11)


if __name__ == "__main__":
    os.makedirs(out, exist_ok=True)
    # TensorFlow and Paddle crash when loaded into one process: one each.
    if len(sys.argv) > 2:
        {"tf2onnx": export_tf2onnx, "paddle": export_paddle}[sys.argv[2]]()
    else:
        import subprocess
        for which in ("tf2onnx", "paddle"):
            subprocess.run([sys.executable, __file__, out, which], check=True)
