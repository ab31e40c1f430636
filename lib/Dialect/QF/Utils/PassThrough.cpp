//===- PassThrough.cpp - ops a quantized value passes through -------------===//

#include "qforge/Dialect/QF/Utils/PassThrough.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

bool qforge::isQuantizedPassThrough(mlir::Operation *op) {
  using namespace mlir::tosa;
  return mlir::isa<TransposeOp, ReshapeOp, SliceOp, ReverseOp, TileOp, GatherOp, PadOp,
                   MaxPool2dOp, ReduceMaxOp, ReduceMinOp>(op);
}

bool qforge::comparesValues(mlir::Operation *op) {
  using namespace mlir::tosa;
  return mlir::isa<MaxPool2dOp, ReduceMaxOp, ReduceMinOp>(op);
}
