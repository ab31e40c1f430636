//===- SinkTransposes.cpp - layout transposes below element-wise ops ------===//
//
// ONNX graphs are NCHW and qforge's convolutions NHWC, so the importer puts
// a transpose on each side of every convolution. Between two convolutions
// the pair cancels, but an element-wise op in NCHW between them (a residual
// add, an activation) keeps both, and each costs a strided copy of the
// tensor. An element-wise op gives the same result on transposed operands
// as transposed on the original ones, so the transpose can move below it;
// so can it below a concatenation, whose axis is permuted. Then the
// transposes meet and cancel (TOSA's own canonicalization).
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qforge {
#define GEN_PASS_DEF_SINKTRANSPOSESPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// Ops that compute each element from the same element of each operand,
/// with attributes that do not depend on the shape.
bool isElementwise(Operation *op) {
  return isa<tosa::AddOp, tosa::SubOp, tosa::MaximumOp, tosa::MinimumOp, tosa::ClampOp,
             tosa::SigmoidOp, tosa::TanhOp, qforge::qf::AddOp>(op);
}

/// A transposed operand: the value it transposes, by `perms`. A quantized
/// operand may be a transpose of storage integers that no quantized value
/// names (e.g. a max pooling's result, which runs on the integers):
/// `storage` then holds them, and `source` is null until a cast to the
/// operand's quantized type is made (materialize).
struct Transposed {
  Value source, storage;
  ArrayRef<int32_t> perms;
  quant::QuantizedType quantized;

  Value materialize(PatternRewriter &rewriter, Location loc) const {
    if (source)
      return source;
    auto type = cast<RankedTensorType>(storage.getType());
    return quant::StorageCastOp::create(rewriter, loc, type.clone(quantized), storage);
  }
};

/// The value `v` is a transpose of, with the permutation: a tosa.transpose,
/// or, with `throughStorageCasts` (quantized values, after
/// qf-sink-dequantize), one on the storage integers behind a quant.scast.
std::optional<Transposed> transposeOf(Value v, bool throughStorageCasts) {
  if (auto t = v.getDefiningOp<tosa::TransposeOp>())
    return Transposed{t.getInput1(), Value(), t.getPerms(), {}};
  auto outer = throughStorageCasts ? v.getDefiningOp<quant::StorageCastOp>()
                                   : quant::StorageCastOp();
  if (!outer)
    return std::nullopt;
  auto quantized = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(outer.getType()));
  auto t = outer.getInput().getDefiningOp<tosa::TransposeOp>();
  if (!quantized || !t)
    return std::nullopt;
  auto inner = t.getInput1().getDefiningOp<quant::StorageCastOp>();
  if (inner && getElementTypeOrSelf(inner.getInput().getType()) == quantized)
    return Transposed{inner.getInput(), Value(), t.getPerms(), quantized};
  return Transposed{Value(), t.getInput1(), t.getPerms(), quantized};
}

/// When every operand is a transpose (transposeOf) by one permutation: that
/// permutation, with what the operands transpose appended to `inputs`.
std::optional<ArrayRef<int32_t>> commonTranspose(ValueRange operands, bool throughStorageCasts,
                                                 SmallVectorImpl<Transposed> &inputs) {
  std::optional<ArrayRef<int32_t>> perms;
  for (Value operand : operands) {
    auto transposed = transposeOf(operand, throughStorageCasts);
    if (!transposed || (perms && transposed->perms != *perms))
      return std::nullopt;
    perms = transposed->perms;
    inputs.push_back(*transposed);
  }
  return perms;
}

/// op(transpose(x1, P), ..., transpose(xn, P)) -> transpose(op(x1, ..., xn), P)
/// when every operand and the result have one shape (no broadcasting). A
/// quantized result is transposed as its storage integers, as
/// qf-sink-dequantize leaves it.
struct TransposeBelowElementwise : RewritePattern {
  explicit TransposeBelowElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1 || op->getNumOperands() == 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return failure();
    if (!llvm::all_of(op->getOperandTypes(), [&](Type t) {
          auto type = dyn_cast<RankedTensorType>(t);
          return type && type.getShape() == resultType.getShape();
        }))
      return rewriter.notifyMatchFailure(op, "an operand broadcasts");
    SmallVector<Transposed> transposed;
    std::optional<ArrayRef<int32_t>> perms =
        commonTranspose(op->getOperands(), /*throughStorageCasts=*/true, transposed);
    if (!perms)
      return rewriter.notifyMatchFailure(op, "operands not all transposed alike");
    Location loc = op->getLoc();
    SmallVector<Value> inputs;
    for (const Transposed &t : transposed)
      inputs.push_back(t.materialize(rewriter, loc));
    auto innerShape = cast<RankedTensorType>(inputs.front().getType()).getShape();
    Operation *inner = rewriter.clone(*op);
    inner->setOperands(inputs);
    Value result = inner->getResult(0);
    result.setType(resultType.clone(innerShape));
    auto permsAttr = rewriter.getDenseI32ArrayAttr(*perms);
    auto quantized = dyn_cast<quant::QuantizedType>(resultType.getElementType());
    if (!quantized) {
      rewriter.replaceOpWithNewOp<tosa::TransposeOp>(op, resultType, result, permsAttr);
      return success();
    }
    Type storage = quantized.getStorageType();
    Value stored = quant::StorageCastOp::create(rewriter, loc,
                                                resultType.clone(innerShape, storage), result);
    Value moved = tosa::TransposeOp::create(rewriter, loc, resultType.clone(storage), stored,
                                            permsAttr);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, moved);
    return success();
  }
};

/// concat(transpose(x1, P), ..., transpose(xn, P), axis a)
///   -> transpose(concat(x1, ..., xn, axis P[a]), P)
/// (SqueezeNet's fire modules join their branches along NCHW's channels
/// between NHWC convolutions). Quantized concatenations run on storage
/// integers, so their operands are plain transposes too.
struct TransposeBelowConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ConcatOp concat,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(concat.getType());
    if (!resultType || concat.getInput1().empty())
      return failure();
    SmallVector<Transposed> transposed;
    std::optional<ArrayRef<int32_t>> perms =
        commonTranspose(concat.getInput1(), /*throughStorageCasts=*/false, transposed);
    if (!perms)
      return rewriter.notifyMatchFailure(concat, "operands not all transposed alike");
    SmallVector<Value> inputs;
    for (const Transposed &t : transposed)
      inputs.push_back(t.source);
    int32_t axis = (*perms)[concat.getAxis()];
    SmallVector<int64_t> innerShape(resultType.getRank());
    for (auto [d, p] : llvm::enumerate(*perms))
      innerShape[p] = resultType.getDimSize(d);
    Value joined = tosa::ConcatOp::create(rewriter, concat.getLoc(),
                                          resultType.clone(innerShape), inputs,
                                          rewriter.getI32IntegerAttr(axis));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(concat, resultType, joined,
                                                   rewriter.getDenseI32ArrayAttr(*perms));
    return success();
  }
};

struct SinkTransposesPass : qforge::impl::SinkTransposesPassBase<SinkTransposesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<TransposeBelowElementwise, TransposeBelowConcat>(ctx);
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    quant::StorageCastOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
