//===- ContiguousLoop.h - the loop worth running in vector lanes -*- C++ -*-===//

#ifndef QFORGE_LIB_CODEGEN_CONTIGUOUSLOOP_H
#define QFORGE_LIB_CODEGEN_CONTIGUOUSLOOP_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace qforge {

/// The parallel loop of `op` that indexes its output's innermost non-unit
/// dimension, provided every operand reads that loop only in its own
/// innermost non-unit dimension (contiguously) or not at all (a broadcast);
/// -1 if there is none. Running it in vector lanes needs no gather.
int64_t contiguousParallelLoop(mlir::linalg::GenericOp op);

/// Whether `operand` of `op` reads `loop` only in its innermost non-unit
/// dimension, by the loop's index alone, or not at all.
bool readsContiguously(mlir::linalg::GenericOp op, mlir::OpOperand &operand, int64_t loop);

} // namespace qforge

#endif // QFORGE_LIB_CODEGEN_CONTIGUOUSLOOP_H
