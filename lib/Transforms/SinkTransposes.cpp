//===- SinkTransposes.cpp - layout transposes below element-wise ops ------===//
//
// ONNX graphs are NCHW and qforge's convolutions NHWC, so the importer puts
// a transpose on each side of every convolution. Between two convolutions
// the pair cancels, but an element-wise op in NCHW between them (a residual
// add, an activation) keeps both, and each costs a strided copy of the
// tensor. An element-wise op gives the same result on transposed operands
// as transposed on the original ones, so the transpose can move below it;
// then the transposes meet and cancel (TOSA's own canonicalization).
//
//===----------------------------------------------------------------------===//

#include "qforge/Transforms/Passes.h"

#include "QF/QFOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qforge {
#define GEN_PASS_DEF_SINKTRANSPOSESPASS
#include "qforge/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// Ops that compute each element from the same element of each operand,
/// with attributes that do not depend on the shape.
bool isElementwise(Operation *op) {
  return isa<tosa::AddOp, tosa::SubOp, tosa::MaximumOp, tosa::MinimumOp, tosa::ClampOp,
             tosa::SigmoidOp, tosa::TanhOp, qforge::qf::AddOp>(op);
}

/// op(transpose(x1, P), ..., transpose(xn, P)) -> transpose(op(x1, ..., xn), P)
/// when every operand and the result have one shape (no broadcasting).
struct TransposeBelowElementwise : RewritePattern {
  explicit TransposeBelowElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1 || op->getNumOperands() == 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return failure();
    SmallVector<Value> inputs;
    ArrayRef<int32_t> perms;
    for (Value operand : op->getOperands()) {
      auto transpose = operand.getDefiningOp<tosa::TransposeOp>();
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!transpose || !type || type.getShape() != resultType.getShape())
        return rewriter.notifyMatchFailure(op, "an operand is not a transpose of its shape");
      if (inputs.empty())
        perms = transpose.getPerms();
      else if (transpose.getPerms() != perms)
        return rewriter.notifyMatchFailure(op, "operands transposed differently");
      inputs.push_back(transpose.getInput1());
    }
    auto innerShape = cast<RankedTensorType>(inputs.front().getType()).getShape();
    Operation *inner = rewriter.clone(*op);
    inner->setOperands(inputs);
    inner->getResult(0).setType(resultType.clone(innerShape));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(op, resultType, inner->getResult(0),
                                                   rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

struct SinkTransposesPass : qforge::impl::SinkTransposesPassBase<SinkTransposesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<TransposeBelowElementwise>(ctx);
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
