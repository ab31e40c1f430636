//===- VectorizableLoopOrder.cpp - a parallel, contiguous innermost loop --===//

#include "qforge/Codegen/Passes.h"
#include "ContiguousLoop.h"
#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace qforge {
#define GEN_PASS_DEF_VECTORIZABLELOOPORDERPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct VectorizableLoopOrderPass
    : qforge::impl::VectorizableLoopOrderPassBase<VectorizableLoopOrderPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(func.getContext());

    SmallVector<linalg::Conv2DNhwcFhwcOp> convs;
    func.walk([&](linalg::Conv2DNhwcFhwcOp op) { convs.push_back(op); });
    for (linalg::Conv2DNhwcFhwcOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      Value filter = qforge::filterToHWCF(rewriter, conv.getLoc(), conv.getInputs()[1]);
      SmallVector<NamedAttribute> attrs;
      for (NamedAttribute attr : conv->getAttrs())
        if (attr.getName() == "strides" || attr.getName() == "dilations")
          attrs.push_back(attr);
      auto hwcf = linalg::Conv2DNhwcHwcfOp::create(
          rewriter, conv.getLoc(), conv->getResultTypes(),
          ValueRange{conv.getInputs()[0], filter}, conv.getOutputs(), attrs);
      rewriter.replaceOp(conv, hwcf->getResults());
    }

    SmallVector<linalg::LinalgOp> named;
    func.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp>(op) && op.getNumReductionLoops() > 0)
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }

    SmallVector<linalg::GenericOp> generics;
    func.walk([&](linalg::GenericOp op) {
      if (op.getNumReductionLoops() > 0 && op.getNumDpsInits() == 1)
        generics.push_back(op);
    });
    for (linalg::GenericOp op : generics) {
      int64_t inner = qforge::contiguousParallelLoop(op);
      if (inner < 0)
        continue;
      // Other parallel loops outermost, then the reductions (each output
      // element still sums in the same order: the results do not change),
      // then the contiguous parallel loop.
      SmallVector<unsigned> order;
      auto iterators = op.getIteratorTypesArray();
      for (unsigned d = 0; d < iterators.size(); ++d)
        if (iterators[d] == utils::IteratorType::parallel && d != inner)
          order.push_back(d);
      for (unsigned d = 0; d < iterators.size(); ++d)
        if (iterators[d] == utils::IteratorType::reduction)
          order.push_back(d);
      order.push_back(inner);
      if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
        continue;
      rewriter.setInsertionPoint(op);
      (void)linalg::interchangeGenericOp(rewriter, op, order);
    }
  }
};

} // namespace

int64_t qforge::contiguousParallelLoop(linalg::GenericOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto iterators = op.getIteratorTypesArray();
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  auto outShape = cast<ShapedType>(init->get().getType()).getShape();
  int64_t loop = -1;
  for (int64_t r = static_cast<int64_t>(outMap.getNumResults()) - 1; r >= 0; --r) {
    if (outShape[r] == 1)
      continue;
    auto dim = dyn_cast<AffineDimExpr>(outMap.getResult(r));
    if (!dim || iterators[dim.getPosition()] != utils::IteratorType::parallel)
      return -1;
    loop = dim.getPosition();
    break;
  }
  if (loop < 0 || ranges[loop] == 1)
    return -1;
  for (OpOperand &operand : op->getOpOperands())
    if (!qforge::readsContiguously(op, operand, loop))
      return -1;
  return loop;
}

bool qforge::readsContiguously(linalg::GenericOp op, OpOperand &operand, int64_t loop) {
  auto shaped = dyn_cast<ShapedType>(operand.get().getType());
  if (!shaped)
    return true;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  for (unsigned r = 0; r < map.getNumResults(); ++r) {
    if (!map.getResult(r).isFunctionOfDim(loop))
      continue;
    if (!isa<AffineDimExpr>(map.getResult(r)))
      return false;
    for (unsigned after = r + 1; after < map.getNumResults(); ++after)
      if (shaped.getShape()[after] != 1)
        return false;
  }
  return true;
}
