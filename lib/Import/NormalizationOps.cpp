//===- NormalizationOps.cpp - group, RMS and Lp normalization -------------===//
//
// GroupNormalization, RMSNormalization and LpNormalization: reductions over
// the normalized dimensions, kept for broadcasting, then element-wise ops.
// (BatchNormalization, LayerNormalization, InstanceNormalization and
// MeanVarianceNormalization live with the convolutions they usually follow,
// in NeuralNetOps.)
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

LogicalResult requireFloatInput(NodeContext &ctx) {
  if (isa<FloatType>(ctx.inputType(0).getElementType()))
    return success();
  return ctx.unsupported("integer input");
}

Value inverseRoot(OpBuilder &b, Location loc, Value x, double epsilon) {
  return tosa::RsqrtOp::create(b, loc, typeOf(x), addScalar(b, loc, x, epsilon));
}

/// GroupNormalization: [N, C, ...] normalized over each group of C /
/// num_groups channels (with all their positions), then scaled and shifted
/// per channel (opset 21) or per group (opset 18's form).
LogicalResult convertGroupNorm(NodeContext &ctx) {
  if (failed(requireFloatInput(ctx)))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t rank = typeOf(x).getRank(), groups = ctx.getInt("num_groups", 0);
  int64_t channels = rank >= 2 ? shape[1] : 0;
  if (rank < 3 || groups < 1 || channels % groups != 0) {
    ctx.emitError() << "num_groups " << groups << " does not divide the " << channels
                    << " channels of " << typeOf(x) << " (rank 3 or more)";
    return failure();
  }
  int64_t scaleSize = ctx.inputType(1).getNumElements();
  if (scaleSize != channels && scaleSize != groups) {
    ctx.emitError() << "scale has " << scaleSize << " elements; " << channels
                    << " (one per channel) or " << groups << " (one per group) expected";
    return failure();
  }
  int64_t perGroup = product(shape) / (shape[0] * groups);
  Value grouped = reshape(b, loc, x, {shape[0], groups, perGroup});
  auto [mean, var] = moments(b, loc, grouped, {2});
  Value y = mul(b, loc, binary<tosa::SubOp>(b, loc, grouped, mean),
                inverseRoot(b, loc, var, ctx.getFloat("epsilon", 1e-5f)));
  if (scaleSize == groups) {
    y = mul(b, loc, y, reshape(b, loc, ctx.input(1), {1, groups, 1}));
    y = binary<tosa::AddOp>(b, loc, y, reshape(b, loc, ctx.input(2), {1, groups, 1}));
    ctx.setOutput(0, reshape(b, loc, y, shape));
    return success();
  }
  y = reshape(b, loc, y, shape);
  y = mul(b, loc, y, perChannel(b, loc, ctx.input(1), rank));
  ctx.setOutput(0, binary<tosa::AddOp>(b, loc, y, perChannel(b, loc, ctx.input(2), rank)));
  return success();
}

/// RMSNormalization: x / sqrt(mean(x^2 over axis..rank-1) + epsilon) * scale.
LogicalResult convertRMSNorm(NodeContext &ctx) {
  if (failed(requireFloatInput(ctx)))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank();
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  Value sq = mul(b, loc, x, x);
  int64_t count = 1;
  for (int64_t d = *axis; d < rank; ++d) {
    sq = reduceSum(b, loc, sq, d);
    count *= typeOf(x).getDimSize(d);
  }
  Value meanSquare = mulScalar(b, loc, sq, 1.0 / static_cast<double>(count));
  Value y = mul(b, loc, x, inverseRoot(b, loc, meanSquare, ctx.getFloat("epsilon", 1e-5f)));
  ctx.setOutput(0, mul(b, loc, y, ctx.input(1)));
  return success();
}

/// LpNormalization: x divided by its L1 or L2 norm along `axis`.
LogicalResult convertLpNorm(NodeContext &ctx) {
  if (failed(requireFloatInput(ctx)))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", -1), typeOf(x).getRank());
  if (failed(axis))
    return failure();
  int64_t p = ctx.getInt("p", 2);
  Value norm;
  if (p == 1) {
    norm = reduceSum(b, loc, tosa::AbsOp::create(b, loc, typeOf(x), x), *axis);
  } else if (p == 2) {
    norm = math::SqrtOp::create(b, loc, reduceSum(b, loc, mul(b, loc, x, x), *axis));
  } else {
    ctx.emitError() << "p=" << p << " is not 1 or 2";
    return failure();
  }
  ctx.setOutput(0, divide(b, loc, x, norm));
  return success();
}

} // namespace

void addNormalizationConverters(ConverterMap &map) {
  addConverter(map, "GroupNormalization", convertGroupNorm, 18,
               "tosa.reduce_sum (moments per group) + tosa.rsqrt + tosa.mul + tosa.add",
               "scale and bias per channel (opset 21) or per group (opset 18)");
  addConverter(map, "RMSNormalization", convertRMSNorm, 23,
               "tosa.reduce_sum of squares + tosa.rsqrt + tosa.mul", "axis; epsilon");
  addConverter(map, "LpNormalization", convertLpNorm, 1,
               "tosa.reduce_sum of |x| or x^2 (+ math.sqrt) + arith.divf", "p 1 or 2; axis");
}

} // namespace qforge::onnx_import
