//===- SinkDequantize.cpp - quantized values through pass-through ops -----===//
//
// Between two integer ops, the float ops that only move or select values
// (layout, slices, reversal, tiling, constant padding, max pooling) can run
// on the stored integers instead: the
// dequantize at the first op's output and the quantize at the next op's
// input then meet and fold away, and nothing float is left in between.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Utils/PassThrough.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qforge {
#define GEN_PASS_DEF_SINKDEQUANTIZEPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The storage integer of `pad`'s constant in `q`, if it has one: the
/// padding must stay exactly the value the float model pads with (0, the
/// usual one, is the zero point), not the nearest step to it.
std::optional<int64_t> padStorageValue(tosa::PadOp pad, quant::UniformQuantizedType q) {
  DenseFPElementsAttr value;
  if (!matchPattern(pad.getPadConst(), m_Constant(&value)) || value.getNumElements() != 1)
    return std::nullopt;
  double v = (*value.value_begin<APFloat>()).convertToDouble();
  double steps = v / q.getScale() + static_cast<double>(q.getZeroPoint());
  double stored = std::round(steps);
  if (std::abs(steps - stored) > 1e-6 || stored < q.getStorageTypeMin() ||
      stored > q.getStorageTypeMax())
    return std::nullopt;
  return static_cast<int64_t>(stored);
}

/// The per-tensor quantized element type of `type` if `op` can run on its
/// storage integers: ops that only move values work on any storage; max
/// pooling compares, and TOSA's integers are signed; padding needs its value
/// on the integer grid.
quant::UniformQuantizedType storableThrough(Operation *op, Type type) {
  auto q = dyn_cast<quant::UniformQuantizedType>(cast<ShapedType>(type).getElementType());
  if (!q || (isa<tosa::MaxPool2dOp>(op) && !q.isSigned()))
    return {};
  if (auto pad = dyn_cast<tosa::PadOp>(op); pad && !padStorageValue(pad, q))
    return {};
  return q;
}

/// `op` cloned to run on the storage integers of quantized `input`; returns
/// its result re-typed as the quantized type.
Value onStorage(PatternRewriter &rewriter, Operation *op, Value input,
                quant::UniformQuantizedType q) {
  Location loc = op->getLoc();
  auto inType = cast<RankedTensorType>(input.getType());
  Value stored = quant::StorageCastOp::create(
      rewriter, loc, inType.clone(q.getStorageType()), input);
  Operation *clone = rewriter.clone(*op);
  clone->setOperand(0, stored);
  if (auto pad = dyn_cast<tosa::PadOp>(op)) {
    auto constType = RankedTensorType::get({1}, q.getStorageType());
    APInt bits(q.getStorageTypeIntegralWidth(), *padStorageValue(pad, q), q.isSigned());
    clone->setOperand(2, tosa::ConstOp::create(rewriter, loc, constType,
                                               DenseElementsAttr::get(constType, bits)));
  }
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  clone->getResult(0).setType(resultType.clone(q.getStorageType()));
  return quant::StorageCastOp::create(rewriter, loc, resultType.clone(q),
                                      clone->getResult(0));
}

/// op(dequantize(q)) -> dequantize(op'(q)), op' on the storage integers.
struct SinkBelowPassThrough : RewritePattern {
  SinkBelowPassThrough(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!qforge::isQuantizedPassThrough(op))
      return failure();
    auto dequantize = op->getOperand(0).getDefiningOp<qforge::qf::DequantizeOp>();
    if (!dequantize)
      return failure();
    quant::UniformQuantizedType q = storableThrough(op, dequantize.getInput().getType());
    if (!q)
      return failure();
    Value moved = onStorage(rewriter, op, dequantize.getInput(), q);
    rewriter.replaceOpWithNewOp<qforge::qf::DequantizeOp>(op, op->getResult(0).getType(),
                                                          moved);
    return success();
  }
};

/// quantize(op(x)) -> op'(quantize(x)) when x feeds only op: quantization
/// commutes with moving values and, being monotonic, with taking maxima.
struct HoistAbovePassThrough : OpRewritePattern<qforge::qf::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qforge::qf::QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    Operation *op = quantize.getInput().getDefiningOp();
    if (!op || !qforge::isQuantizedPassThrough(op) || !op->getResult(0).hasOneUse())
      return failure();
    quant::UniformQuantizedType q = storableThrough(op, quantize.getType());
    if (!q)
      return failure();
    Value x = op->getOperand(0);
    rewriter.setInsertionPoint(op);
    Value qx = qforge::qf::QuantizeOp::create(
        rewriter, quantize.getLoc(), cast<RankedTensorType>(x.getType()).clone(q), x);
    rewriter.setInsertionPoint(quantize);
    rewriter.replaceOp(quantize, onStorage(rewriter, op, qx, q));
    rewriter.eraseOp(op);
    return success();
  }
};

struct SinkDequantizePass : qforge::impl::SinkDequantizePassBase<SinkDequantizePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<SinkBelowPassThrough, HoistAbovePassThrough>(ctx);
    // quantize(dequantize(q)) folds to q or becomes a requantize.
    qforge::qf::QuantizeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
