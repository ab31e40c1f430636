#!/usr/bin/env python3
"""Prints the line the importer must produce for the first QuantizeLinear of
a model (the graph input's quantization), with the scale as the model stores
it (float32, printed at double precision as MLIR does)."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
node = next(n for n in model.graph.node if n.op_type == "QuantizeLinear")
scale = float(np.float32(inits[node.input[1]]))
zero = int(inits[node.input[2]])
shape = "x".join(str(d.dim_value) for d in model.graph.input[0].type.tensor_type.shape.dim)
print("qf.quantize %%arg0 : tensor<%sxf32> -> tensor<%sx!quant.uniform<u8:f32, %s:%d>>"
      % (shape, shape, repr(scale), zero))
