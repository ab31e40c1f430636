//===- DistinctEmptyTensors.cpp - one tensor.empty per use ----------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace qforge {
#define GEN_PASS_DEF_DISTINCTEMPTYTENSORSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct DistinctEmptyTensorsPass
    : qforge::impl::DistinctEmptyTensorsPassBase<DistinctEmptyTensorsPass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation().walk([&](tensor::EmptyOp empty) {
      if (!empty->hasOneUse() && !empty->use_empty())
        shared.push_back(empty);
    });
    for (tensor::EmptyOp empty : shared) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : empty->getUses())
        uses.push_back(&use);
      for (OpOperand *use : uses) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*empty)->getResult(0));
      }
      empty->erase();
    }
  }
};

} // namespace
