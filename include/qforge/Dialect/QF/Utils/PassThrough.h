//===- PassThrough.h - ops a quantized value passes through -----*- C++ -*-===//
//
// Quantization (which gives an op's input the parameters of the integer op
// it comes from) and qf-sink-dequantize (which runs these ops on storage
// integers) must agree on which ops a quantized value crosses unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_UTILS_PASSTHROUGH_H
#define QFORGE_DIALECT_QF_UTILS_PASSTHROUGH_H

#include "mlir/IR/Operation.h"

namespace qforge {

/// TOSA ops whose results are values of their first operand moved, selected,
/// repeated (transpose, reshape, slice, reverse, tile), padded (pad) or the
/// maxima of them (max_pool2d): in integers they need no requantization,
/// given a pad value on the integer grid and, for maxima, signed storage.
bool isQuantizedPassThrough(mlir::Operation *op);

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_PASSTHROUGH_H
