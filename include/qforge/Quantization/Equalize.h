//===- Equalize.h - cross-layer weight equalization -------------*- C++ -*-===//
//
// Rescales the channels two consecutive convolutions share so that their
// weight ranges match (the qf-equalize-cross-layer pass; docs/passes.md).
// `qforge calibrate --cross-layer-equalization` runs it on the float model
// before calibrating, and the table says so; `qforge compile` then runs it
// again, the same way, before quantizing.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_EQUALIZE_H
#define QFORGE_QUANTIZATION_EQUALIZE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace qforge {

struct EqualizationOptions {
  /// Also equalize across ReLU6 (Clip 0..6), which is then lifted to a
  /// ReLU: the float model changes wherever an activation exceeded 6.
  bool relu6ToRelu = false;
  int iterations = 4; // Rounds over all pairs.
};

struct EqualizationSummary {
  int64_t pairs = 0;       // Convolution pairs rescaled.
  int64_t relu6Lifted = 0; // ReLU6 bounds removed (relu6ToRelu).
};

/// Equalizes every pair of convolutions in `func` (constant weights and
/// bias of their own) joined only by ReLU, max pooling and transposes,
/// each value used once (and, with relu6ToRelu, ReLU6).
EqualizationSummary equalizeCrossLayer(mlir::func::FuncOp func,
                                       const EqualizationOptions &options);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_EQUALIZE_H
