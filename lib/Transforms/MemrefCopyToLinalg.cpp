//===- MemrefCopyToLinalg.cpp - copies that lower to loops ----------------===//

#include "qforge/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace qforge {
#define GEN_PASS_DEF_MEMREFCOPYTOLINALGPASS
#include "qforge/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {
struct MemrefCopyToLinalgPass
    : qforge::impl::MemrefCopyToLinalgPassBase<MemrefCopyToLinalgPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), ValueRange{copy.getSource()},
                             ValueRange{copy.getTarget()});
      copy.erase();
    });
  }
};
} // namespace
