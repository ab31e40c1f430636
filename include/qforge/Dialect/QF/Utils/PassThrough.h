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
/// repeated (transpose, reshape, slice, reverse, tile, gather), padded (pad)
/// or the maxima or minima of them (max_pool2d, reduce_max, reduce_min): in
/// integers they need no requantization, given a pad value on the integer
/// grid and, for maxima and minima, signed storage.
bool isQuantizedPassThrough(mlir::Operation *op);

/// The pass-through ops that compare values (maxima and minima): on
/// storage integers only where these are signed, as TOSA compares them.
bool comparesValues(mlir::Operation *op);

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_PASSTHROUGH_H
