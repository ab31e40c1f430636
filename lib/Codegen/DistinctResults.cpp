//===- DistinctResults.cpp - one value per returned tensor ----------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace qforge {
#define GEN_PASS_DEF_DISTINCTRESULTSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct DistinctResultsPass
    : qforge::impl::DistinctResultsPassBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallDenseSet<Value> returned;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (!type || returned.insert(v).second)
          continue;
        // A repeat: its own buffer, filled from the first.
        operand.set(bufferization::AllocTensorOp::create(b, ret.getLoc(), type,
                                                         /*dynamicSizes=*/ValueRange(),
                                                         /*copy=*/v));
      }
    });
  }
};

} // namespace
