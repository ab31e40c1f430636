//===- Quantize.h - float convolutions and matmuls to int8 qf ops -*- C++ -*-===//

#ifndef QFORGE_QUANTIZATION_QUANTIZE_H
#define QFORGE_QUANTIZATION_QUANTIZE_H

#include "qforge/Calibration/CalibrationTable.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace qforge {

struct QuantizeOptions {
  CalibMethod method = CalibMethod::MinMax; // Whose ranges the activations use.
  bool symmetric = false;                   // Activations symmetric, zero point 0.
};

/// Rewrites the convolutions and matmuls of `func` that `table` calibrates
/// to int8 qf ops (see the qf-quantize pass in docs/passes.md); the rest of
/// the function is left float.
void quantizeFunction(mlir::func::FuncOp func, const CalibrationTable &table,
                      const QuantizeOptions &options);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_QUANTIZE_H
