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
#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qforge {
#define GEN_PASS_DEF_SINKTRANSPOSESPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// Ops that compute each element from the same element of each operand (a
/// size-1 dimension broadcast), with attributes that do not depend on the
/// shape: TOSA's element-wise arithmetic and activations, the math
/// dialect's element-wise functions on tensors (the importer's stable
/// forms: log1p, expm1, erfc), qf.add, qf.mul, qf.lookup, and the
/// conversions between float and quantized values (so that a float island
/// between two integer layers runs in their layout too). A per-axis quantized type names its
/// axis, which a transpose would move: such ops stay where they are.
bool isElementwise(Operation *op) {
  auto perAxis = [](Type t) {
    return isa<quant::UniformQuantizedPerAxisType>(getElementTypeOrSelf(t));
  };
  if (llvm::any_of(op->getOperandTypes(), perAxis) ||
      llvm::any_of(op->getResultTypes(), perAxis))
    return false;
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp, tosa::MinimumOp,
          tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp, tosa::ErfOp, tosa::ExpOp, tosa::LogOp,
          tosa::AbsOp, tosa::NegateOp, tosa::ReciprocalOp, tosa::PowOp, qforge::qf::AddOp,
          qforge::qf::MulOp, qforge::qf::LookupOp, qforge::qf::QuantizeOp,
          qforge::qf::DequantizeOp>(op))
    return true;
  return isa<math::MathDialect>(op->getDialect()) && op->hasTrait<OpTrait::Elementwise>();
}

/// What `sizes` (one per dimension of a transpose's result) are for its
/// input: result dimension d is input dimension perms[d].
SmallVector<int64_t> beforeTranspose(ArrayRef<int64_t> sizes, ArrayRef<int32_t> perms) {
  SmallVector<int64_t> before(sizes.size());
  for (auto [d, p] : llvm::enumerate(perms))
    before[p] = sizes[d];
  return before;
}

/// `perms` inverted: the permutation that undoes it.
SmallVector<int64_t> inverse(ArrayRef<int32_t> perms) {
  SmallVector<int64_t> inv(perms.size());
  for (auto [d, p] : llvm::enumerate(perms))
    inv[p] = static_cast<int64_t>(d);
  return inv;
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

/// `v` as a transpose by `perms` when it is a tosa.reshape that only moves
/// size-1 dimensions the way `perms` would (canonicalization writes such
/// transposes as reshapes: the [1, 1, 1, C] channel scale of a
/// squeeze-excitation block, moved to [1, C, 1, 1]); for a quantized `v`,
/// such a reshape of its storage integers between two quant.scast.
std::optional<Transposed> reshapeAsTranspose(Value v, ArrayRef<int32_t> perms) {
  auto quantized = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(v));
  if (auto stored = v.getDefiningOp<quant::StorageCastOp>(); stored && quantized) {
    std::optional<Transposed> inner = reshapeAsTranspose(stored.getInput(), perms);
    if (!inner)
      return std::nullopt;
    return Transposed{Value(), inner->source, perms, quantized};
  }
  auto reshape = v.getDefiningOp<tosa::ReshapeOp>();
  if (!reshape)
    return std::nullopt;
  auto in = cast<RankedTensorType>(reshape.getInput1().getType());
  auto out = cast<RankedTensorType>(reshape.getType());
  if (in.getRank() != static_cast<int64_t>(perms.size()) || out.getRank() != in.getRank() ||
      isa<quant::QuantizedType>(in.getElementType()))
    return std::nullopt;
  // transpose(x, P) has dimension d of size in[P[d]], and lays the data out
  // as the reshape does when P keeps the order of x's non-unit dimensions.
  int64_t lastNonUnit = -1;
  for (auto [d, p] : llvm::enumerate(perms)) {
    if (out.getDimSize(d) != in.getDimSize(p))
      return std::nullopt;
    if (in.getDimSize(p) == 1)
      continue;
    if (p < lastNonUnit)
      return std::nullopt;
    lastNonUnit = p;
  }
  return Transposed{reshape.getInput1(), Value(), perms, {}};
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
/// for element-wise ops, size-1 dimensions broadcasting as before. An
/// operand may also be a constant (moved to the other layout at compile
/// time: a HardSigmoid's scale and offset) or a reshape that amounts to the
/// same transpose (reshapeAsTranspose), and operands of another rank
/// than the result's (TOSA's multiply shift, negate's zero points) are not
/// data and stay as they are; at least one operand is a transpose. A
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
    std::optional<OperandsBelow> below = operandsBelow(op, resultType.getRank());
    if (!below)
      return rewriter.notifyMatchFailure(op, "operands not all transposed alike or constant");
    ArrayRef<int32_t> perms = below->perms;
    SmallVector<int64_t> innerShape = beforeTranspose(resultType.getShape(), perms);
    Location loc = op->getLoc();
    SmallVector<Value> inputs = below->materialize(rewriter, loc);
    Operation *inner = rewriter.clone(*op);
    inner->setOperands(inputs);
    Value result = inner->getResult(0);
    result.setType(resultType.clone(innerShape));
    auto permsAttr = rewriter.getDenseI32ArrayAttr(perms);
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

private:
  /// What each operand becomes below the transpose, decided before anything
  /// is built.
  struct OperandsBelow {
    ArrayRef<int32_t> perms;
    // Per operand: its transpose, or the constant in the other layout, or
    // neither (passed as it is).
    SmallVector<std::optional<Transposed>> transposed;
    SmallVector<DenseElementsAttr> constants;
    SmallVector<Value> operands;

    SmallVector<Value> materialize(PatternRewriter &rewriter, Location loc) const {
      SmallVector<Value> inputs;
      for (auto [operand, t, c] : llvm::zip(operands, transposed, constants)) {
        if (t)
          inputs.push_back(t->materialize(rewriter, loc));
        else if (c)
          inputs.push_back(tosa::ConstOp::create(rewriter, loc, c.getType(), c));
        else
          inputs.push_back(operand);
      }
      return inputs;
    }
  };

  static std::optional<OperandsBelow> operandsBelow(Operation *op, int64_t rank) {
    OperandsBelow below;
    std::optional<ArrayRef<int32_t>> perms;
    // First the transposes: they fix the permutation.
    for (Value operand : op->getOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      below.operands.push_back(operand);
      below.transposed.push_back(type && type.getRank() == rank
                                     ? transposeOf(operand, /*throughStorageCasts=*/true)
                                     : std::nullopt);
      if (!below.transposed.back())
        continue;
      if (perms && below.transposed.back()->perms != *perms)
        return std::nullopt;
      perms = below.transposed.back()->perms;
    }
    if (!perms)
      return std::nullopt;
    below.perms = *perms;
    SmallVector<int64_t> undo = inverse(*perms);
    for (auto [operand, t] : llvm::zip(below.operands, below.transposed)) {
      // (t is a reference into below.transposed: a reshape found below
      // takes its place.)
      below.constants.push_back({});
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (t || !type || type.getRank() != rank)
        continue; // a transpose; or not data (a shift, a zero point)
      if ((t = reshapeAsTranspose(operand, *perms)))
        continue;
      DenseElementsAttr values;
      if (!matchPattern(operand, m_Constant(&values)) ||
          isa<quant::QuantizedType>(type.getElementType()))
        return std::nullopt;
      below.constants.back() = qforge::permuteConstant(values, undo);
      if (!below.constants.back())
        return std::nullopt;
    }
    return below;
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
    SmallVector<int64_t> innerShape = beforeTranspose(resultType.getShape(), *perms);
    Value joined = tosa::ConcatOp::create(rewriter, concat.getLoc(),
                                          resultType.clone(innerShape), inputs,
                                          rewriter.getI32IntegerAttr(axis));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(concat, resultType, joined,
                                                   rewriter.getDenseI32ArrayAttr(*perms));
    return success();
  }
};

/// op(scast(reshape(stored))) -> reshape(op(scast(stored))) for the unary
/// ops of per-tensor quantized values, qf.dequantize and qf.lookup (a
/// quantized result reshaped as its storage integers): a reshape of storage
/// integers (a squeeze-excitation scale, [1, 1, 1, C] moved to [1, C, 1, 1])
/// moves down to where it is one of floats, which the element-wise ops after
/// it take below as a transpose (reshapeAsTranspose).
struct ReshapeBelowQuantizedUnary : RewritePattern {
  explicit ReshapeBelowQuantizedUnary(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<qforge::qf::DequantizeOp, qforge::qf::LookupOp>(op))
      return failure();
    Value input = op->getOperand(0);
    auto stored = input.getDefiningOp<quant::StorageCastOp>();
    auto reshape = stored ? stored.getInput().getDefiningOp<tosa::ReshapeOp>() : tosa::ReshapeOp();
    auto quantized = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(input));
    if (!reshape || !quantized)
      return rewriter.notifyMatchFailure(op, "not a per-tensor reshaped storage");
    Location loc = op->getLoc();
    auto storedType = cast<RankedTensorType>(reshape.getInput1().getType());
    Value typed = quant::StorageCastOp::create(rewriter, loc, storedType.clone(quantized),
                                               reshape.getInput1());
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Operation *inner = rewriter.clone(*op);
    inner->setOperand(0, typed);
    Value result = inner->getResult(0);
    result.setType(storedType.clone(resultType.getElementType()));
    auto resultQuantized = dyn_cast<quant::QuantizedType>(resultType.getElementType());
    if (!resultQuantized) {
      rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(op, resultType, result, reshape.getShape());
      return success();
    }
    Type storage = resultQuantized.getStorageType();
    Value resultStored =
        quant::StorageCastOp::create(rewriter, loc, storedType.clone(storage), result);
    Value moved = tosa::ReshapeOp::create(rewriter, loc, resultType.clone(storage), resultStored,
                                          reshape.getShape());
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, moved);
    return success();
  }
};

/// op(reshape(x), c...) -> reshape(op(x, c...)) for element-wise float ops
/// whose other data operands are constants of one element (which broadcast
/// alike in either shape) and whose result has the reshape's shape: the
/// activation of a squeeze-excitation scale moves with the reshape to
/// where an operand transposed like it (reshapeAsTranspose) takes both
/// below a transpose.
struct ReshapeBelowElementwise : RewritePattern {
  explicit ReshapeBelowElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !isa<FloatType>(resultType.getElementType()))
      return failure();
    tosa::ReshapeOp reshape;
    SmallVector<std::pair<unsigned, DenseElementsAttr>> scalars;
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.get().getType());
      if (!type || type.getRank() != resultType.getRank() ||
          !isa<FloatType>(type.getElementType()))
        continue; // not data (a multiply's shift)
      if (auto r = operand.get().getDefiningOp<tosa::ReshapeOp>(); r && !reshape) {
        reshape = r;
        continue;
      }
      DenseElementsAttr value;
      if (type.getNumElements() != 1 || !matchPattern(operand.get(), m_Constant(&value)))
        return rewriter.notifyMatchFailure(op, "an operand is neither a reshape nor a scalar");
      scalars.push_back({operand.getOperandNumber(), value});
    }
    if (!reshape || reshape.getType() != resultType)
      return rewriter.notifyMatchFailure(op, "no reshape of the result's shape");
    auto innerType = cast<RankedTensorType>(reshape.getInput1().getType());
    Operation *inner = rewriter.clone(*op);
    inner->replaceUsesOfWith(reshape.getResult(), reshape.getInput1());
    SmallVector<int64_t> ones(innerType.getRank(), 1);
    for (auto [index, value] : scalars) {
      auto scalarType = RankedTensorType::get(ones, value.getElementType());
      inner->setOperand(index, tosa::ConstOp::create(rewriter, op->getLoc(), scalarType,
                                                     value.reshape(scalarType)));
    }
    inner->getResult(0).setType(innerType);
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(op, resultType, inner->getResult(0),
                                                 reshape.getShape());
    return success();
  }
};

/// slice(transpose(x, P), start, size) -> transpose(slice(x, start', size'), P)
/// with start'[P[d]] = start[d] (a Split's outputs, as YOLO-style C2f
/// blocks cut their channels, then feed convolutions in NHWC).
struct TransposeBelowSlice : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::SliceOp slice, PatternRewriter &rewriter) const override {
    auto transpose = slice.getInput1().getDefiningOp<tosa::TransposeOp>();
    auto resultType = dyn_cast<RankedTensorType>(slice.getType());
    DenseElementsAttr start, size;
    if (!transpose || !resultType || !resultType.hasStaticShape() ||
        !matchPattern(slice.getStart(), m_Constant(&start)) ||
        !matchPattern(slice.getSize(), m_Constant(&size)))
      return rewriter.notifyMatchFailure(slice, "not a static slice of a transpose");
    ArrayRef<int32_t> perms = transpose.getPerms();
    auto values = [](DenseElementsAttr dense) {
      return llvm::to_vector(llvm::map_range(dense.getValues<APInt>(),
                                             [](const APInt &v) { return v.getSExtValue(); }));
    };
    Location loc = slice.getLoc();
    Value moved = tosa::SliceOp::create(
        rewriter, loc, resultType.clone(beforeTranspose(resultType.getShape(), perms)),
        transpose.getInput1(),
        qforge::tosaConstShape(rewriter, loc, beforeTranspose(values(start), perms)),
        qforge::tosaConstShape(rewriter, loc, beforeTranspose(values(size), perms)));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(slice, resultType, moved,
                                                   transpose.getPermsAttr());
    return success();
  }
};

struct SinkTransposesPass : qforge::impl::SinkTransposesPassBase<SinkTransposesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<TransposeBelowElementwise, TransposeBelowConcat, TransposeBelowSlice,
                 ReshapeBelowQuantizedUnary,
                 ReshapeBelowElementwise>(ctx);
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    quant::StorageCastOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
