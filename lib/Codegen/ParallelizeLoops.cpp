//===- ParallelizeLoops.cpp - marked kernel loops into qf.parallel_for ----===//
//
// The kernels know which of their loops may be split across threads (see
// qf.parallel_split); this pass, on bufferized code, makes that split
// explicit as a qf.parallel_for whose body is the loop nest around the
// marked loop with the marked loop's bounds narrowed to one chunk.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace qforge {
#define GEN_PASS_DEF_PARALLELIZELOOPSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;
using qforge::qf::kParallelSplitAttrName;

namespace {

/// Whether `op`, run by every chunk, would be run more than once safely:
/// it writes no memory (nested ops are looked at one by one).
bool repeatable(Operation *op) {
  if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() || isMemoryEffectFree(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && effects.onlyHasEffect<MemoryEffects::Read>();
}

LogicalResult parallelize(scf::ForOp split) {
  split->removeAttr(kParallelSplitAttrName);
  std::optional<int64_t> lb = getConstantIntValue(split.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(split.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(split.getStep());
  if (!lb || !ub || !step || *step <= 0)
    return split.emitError() << "'" << kParallelSplitAttrName
                             << "' needs constant bounds and a positive step";
  int64_t items = *ub > *lb ? (*ub - *lb + *step - 1) / *step : 0;
  if (items < 2)
    return success();

  // The loops each chunk runs whole: all scf.for around it. (Which ones a
  // kernel has depends on its shape: canonicalization folds away loops of
  // one iteration.)
  SmallVector<scf::ForOp> nest = {split};
  while (auto parent = dyn_cast<scf::ForOp>(nest.back()->getParentOp()))
    nest.push_back(parent);
  scf::ForOp root = nest.back();
  for (scf::ForOp loop : nest)
    if (loop.getNumResults() != 0)
      return loop.emitError() << "cannot split for threads: the loop has results";
  Operation *writer = nullptr;
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == split)
      return WalkResult::skip();
    if (repeatable(op))
      return WalkResult::advance();
    writer = op;
    return WalkResult::interrupt();
  });
  if (writer)
    return writer->emitError() << "cannot split for threads: every chunk would run this "
                                  "op, which writes memory";

  OpBuilder b(root);
  Location loc = split.getLoc();
  Type i64 = b.getI64Type();
  Value count = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(items));
  auto parallel = qforge::qf::ParallelForOp::create(b, loc, count);
  Block *body = b.createBlock(&parallel.getBody(), {}, {i64, i64}, {loc, loc});
  auto index = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  // Chunk [begin, end) of the iterations: [lb + begin * step,
  // min(lb + end * step, ub)).
  auto bound = [&](Value item) -> Value {
    // One op per statement, so that the IR's order does not depend on the
    // order in which the host compiler evaluates arguments.
    Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), item);
    Value stepValue = index(*step);
    Value scaled = arith::MulIOp::create(b, loc, i, stepValue);
    Value lowerValue = index(*lb);
    return arith::AddIOp::create(b, loc, lowerValue, scaled);
  };
  Value lower = bound(body->getArgument(0));
  Value ubValue = index(*ub);
  Value upper = arith::MinSIOp::create(b, loc, bound(body->getArgument(1)), ubValue);
  IRMapping mapping;
  b.clone(*root, mapping);
  auto chunk = cast<scf::ForOp>(mapping.lookup(split.getOperation()));
  chunk.setLowerBound(lower);
  chunk.setUpperBound(upper);
  qforge::qf::ParallelYieldOp::create(b, loc);
  root->erase();
  return success();
}

struct ParallelizeLoopsPass
    : qforge::impl::ParallelizeLoopsPassBase<ParallelizeLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> marked;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kParallelSplitAttrName))
        marked.push_back(loop);
    });
    for (scf::ForOp loop : marked)
      if (failed(parallelize(loop)))
        return signalPassFailure();
  }
};

} // namespace
