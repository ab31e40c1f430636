//===- OutlineLayers.cpp - sequential loop nests as single-chunk loops ----===//
//
// A layer that is not split for threads would stay inline in the model's
// function; wrapped in a qf.parallel_for of one item, it is outlined like a
// thread-pool chunk (and shared like one), but called on the calling
// thread.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace qforge {
#define GEN_PASS_DEF_OUTLINELAYERSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

bool isLoop(Operation *op) {
  return isa<scf::ForOp, scf::ParallelOp, scf::WhileOp, scf::ForallOp, linalg::LinalgOp>(op);
}

/// A top-level op that runs loops, writes through its operands only and is
/// not already (or does not contain) a thread-pool loop.
bool isSequentialLoopWork(Operation *op) {
  if (op->getNumRegions() == 0 || op->getNumResults() != 0 ||
      isa<qforge::qf::ParallelForOp>(op))
    return false;
  bool loops = false;
  WalkResult walk = op->walk([&](Operation *inner) {
    if (isa<qforge::qf::ParallelForOp>(inner))
      return WalkResult::interrupt();
    loops |= isLoop(inner);
    return WalkResult::advance();
  });
  return loops && !walk.wasInterrupted();
}

void wrapInSingleChunk(Operation *op, Value one) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto chunk = qforge::qf::ParallelForOp::create(b, loc, one);
  Type i64 = b.getI64Type();
  b.createBlock(&chunk.getBody(), {}, {i64, i64}, {loc, loc});
  op->moveBefore(qforge::qf::ParallelYieldOp::create(b, loc));
}

struct OutlineLayersPass : qforge::impl::OutlineLayersPassBase<OutlineLayersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<Operation *> work;
    for (Block &block : func.getBody())
      for (Operation &op : block.without_terminator())
        if (isSequentialLoopWork(&op))
          work.push_back(&op);
    if (work.empty())
      return;
    OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
    Value one = arith::ConstantOp::create(b, func.getLoc(), b.getI64IntegerAttr(1));
    for (Operation *op : work)
      wrapInSingleChunk(op, one);
  }
};

} // namespace
