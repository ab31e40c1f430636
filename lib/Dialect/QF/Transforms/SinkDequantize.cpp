//===- SinkDequantize.cpp - quantized values through pass-through ops -----===//
//
// Between two integer ops, the float ops that only move or select values
// (layout, slices, reversal, tiling, gathers, constant padding, max
// pooling, max and min reductions) can run on the stored integers instead:
// the dequantize at the first op's output and the quantize at the next
// op's input then meet and fold away, and nothing float is left in
// between. An arg max of a dequantized value (ONNX ArgMax, and ArgMin as
// the arg max of its negation) takes the stored integers directly.
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
/// pooling and max/min reductions compare, and TOSA's integers are signed;
/// padding needs its value on the integer grid.
quant::UniformQuantizedType storableThrough(Operation *op, Type type) {
  auto q = dyn_cast<quant::UniformQuantizedType>(cast<ShapedType>(type).getElementType());
  if (!q || (qforge::comparesValues(op) && !q.isSigned()))
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

/// Whether quantizing an op's input instead of its result costs no more
/// than it saves: a gather's or a reduction's input can be many times its
/// result, so there only when the new quantize folds into a dequantize.
bool worthHoisting(Operation *op) {
  if (!isa<tosa::GatherOp, tosa::ReduceMaxOp, tosa::ReduceMinOp>(op))
    return true;
  return op->getOperand(0).getDefiningOp<qforge::qf::DequantizeOp>() != nullptr;
}

/// quantize(op(x)) -> op'(quantize(x)) when x feeds only op: quantization
/// commutes with moving values and, being monotonic, with taking maxima.
struct HoistAbovePassThrough : OpRewritePattern<qforge::qf::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qforge::qf::QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    Operation *op = quantize.getInput().getDefiningOp();
    if (!op || !qforge::isQuantizedPassThrough(op) || !op->getResult(0).hasOneUse() ||
        !worthHoisting(op))
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

/// Whether `v` is a splat constant equal to `value`.
bool isSplatOf(Value v, double value) {
  DenseFPElementsAttr dense;
  return matchPattern(v, m_Constant(&dense)) && dense.isSplat() &&
         (*dense.value_begin<APFloat>()).convertToDouble() == value;
}

/// The storage integers a dequantized value `v` holds, and whether `v` is
/// their negation (x * -1, the importer's ArgMin): null unless the storage
/// is signed (TOSA compares integers as signed) and the type per tensor.
std::pair<Value, bool> storageOrdered(PatternRewriter &rewriter, Value v, Location loc) {
  bool negated = false;
  if (auto mul = v.getDefiningOp<tosa::MulOp>()) {
    if (!isSplatOf(mul.getInput2(), -1.0) || !matchPattern(mul.getShift(), m_Zero()))
      return {};
    v = mul.getInput1();
    negated = true;
  }
  auto dequantize = v.getDefiningOp<qforge::qf::DequantizeOp>();
  if (!dequantize)
    return {};
  auto type = cast<RankedTensorType>(dequantize.getInput().getType());
  auto q = dyn_cast<quant::UniformQuantizedType>(type.getElementType());
  if (!q || !q.isSigned())
    return {};
  Value stored = quant::StorageCastOp::create(rewriter, loc, type.clone(q.getStorageType()),
                                              dequantize.getInput());
  return {stored, negated};
}

/// argmax(dequantize(q)) -> argmax(q's storage), and argmax(-dequantize(q))
/// -> argmax(~storage): dequantization is strictly increasing, so the
/// largest stored integer is at the largest real value, ties included
/// (the first index either way); ~x = -x - 1 reverses the order of signed
/// integers exactly, where negating -128 would not fit.
struct ArgMaxOfStorage : OpRewritePattern<tosa::ArgMaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ArgMaxOp argmax,
                                PatternRewriter &rewriter) const override {
    auto [stored, negated] = storageOrdered(rewriter, argmax.getInput(), argmax.getLoc());
    if (!stored)
      return failure();
    if (negated)
      stored = tosa::BitwiseNotOp::create(rewriter, argmax.getLoc(), stored.getType(), stored);
    rewriter.modifyOpInPlace(argmax, [&] { argmax.getInputMutable().assign(stored); });
    return success();
  }
};

struct SinkDequantizePass : qforge::impl::SinkDequantizePassBase<SinkDequantizePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<SinkBelowPassThrough, HoistAbovePassThrough, ArgMaxOfStorage>(ctx);
    // quantize(dequantize(q)) folds to q or becomes a requantize.
    qforge::qf::QuantizeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
