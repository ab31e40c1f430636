//===- OptimizerOps.cpp - ai.onnx.preview.training optimizer steps --------===//
//
// Adagrad, Momentum (standard and Nesterov) and Adam: one update of the
// tensors they are given, element-wise, with the learning rate R and the
// iteration count T read at run time. A model that applies an optimizer
// step (on-device fine-tuning graphs) compiles like any other.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// The scalar inputs every optimizer takes, as rank-0 float tensors.
struct StepInputs {
  Value rate;      // R
  Value iteration; // T, converted to the tensors' element type
  Value isFirst;   // T == 0, i1
};

FailureOr<StepInputs> stepInputsOf(NodeContext &ctx) {
  Type element = ctx.inputType(2).getElementType();
  if (ctx.inputType(0).getNumElements() != 1 || ctx.inputType(1).getNumElements() != 1) {
    ctx.emitError() << "R and T must be scalars, not " << ctx.inputType(0) << " and "
                    << ctx.inputType(1);
    return failure();
  }
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  StepInputs s;
  s.rate = castElements(b, loc, reshape(b, loc, ctx.input(0), {}), element);
  Value t = reshape(b, loc, ctx.input(1), {});
  s.iteration = castElements(b, loc, t, element);
  s.isFirst = binary<tosa::EqualOp>(b, loc, s.iteration, splat(b, loc, element, {}, 0.0),
                                    b.getI1Type());
  return s;
}

/// The tensors a node updates: `groups` inputs per tensor after R and T
/// (X, G, then the optimizer's state), all of one shape and float type.
FailureOr<int64_t> tensorCount(NodeContext &ctx, int64_t groups) {
  int64_t tensors = static_cast<int64_t>(ctx.numInputs()) - 2;
  if (tensors <= 0 || tensors % groups != 0) {
    ctx.emitError() << ctx.numInputs() << " inputs; R, T and " << groups
                    << " per optimized tensor expected";
    return failure();
  }
  for (int64_t i = 2; i < static_cast<int64_t>(ctx.numInputs()); ++i)
    if (!isa<FloatType>(ctx.inputType(i).getElementType())) {
      ctx.emitError() << "input " << i << " is " << ctx.inputType(i) << ", not float";
      return failure();
    }
  return tensors / groups;
}

Value scalarLike(OpBuilder &b, Location loc, Value like, double v) {
  return splat(b, loc, typeOf(like).getElementType(), {}, v);
}

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::AddOp>(b, loc, x, y);
}

Value sub(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::SubOp>(b, loc, x, y);
}

/// norm_coefficient * X + G.
Value regularizedGradient(NodeContext &ctx, Value x, Value g) {
  return add(ctx.b, ctx.loc, mulScalar(ctx.b, ctx.loc, x, ctx.getFloat("norm_coefficient", 0.0f)),
             g);
}

Value elementSqrt(OpBuilder &b, Location loc, Value x) { return math::SqrtOp::create(b, loc, x); }

LogicalResult convertAdagrad(NodeContext &ctx) {
  auto count = tensorCount(ctx, 3);
  if (failed(count))
    return failure();
  auto s = stepInputsOf(ctx); // reads input 2, which tensorCount ensured
  if (failed(s))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  // r = R / (1 + T * decay_factor)
  Value decayed =
      addScalar(b, loc, mulScalar(b, loc, s->iteration, ctx.getFloat("decay_factor", 0.0f)), 1.0);
  Value rate = divide(b, loc, s->rate, decayed);
  for (int64_t i = 0; i < *count; ++i) {
    Value x = ctx.input(2 + i), h = ctx.input(2 + 2 * *count + i);
    Value g = regularizedGradient(ctx, x, ctx.input(2 + *count + i));
    Value hNew = add(b, loc, h, mul(b, loc, g, g));
    Value adaptive = addScalar(b, loc, elementSqrt(b, loc, hNew), ctx.getFloat("epsilon", 0.0f));
    ctx.setOutput(i, sub(b, loc, x, mul(b, loc, rate, divide(b, loc, g, adaptive))));
    ctx.setOutput(*count + i, hNew);
  }
  return success();
}

LogicalResult convertMomentum(NodeContext &ctx) {
  std::string mode = ctx.getString("mode", "standard");
  if (mode != "standard" && mode != "nesterov") {
    ctx.emitError() << "mode '" << mode << "' is not standard or nesterov";
    return failure();
  }
  auto count = tensorCount(ctx, 3);
  if (failed(count))
    return failure();
  auto s = stepInputsOf(ctx); // reads input 2, which tensorCount ensured
  if (failed(s))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  double alpha = ctx.getFloat("alpha", 0.0f);
  // The gradient's coefficient is 1 at the first iteration.
  Value beta = tosa::SelectOp::create(b, loc, typeOf(s->iteration), s->isFirst,
                                      scalarLike(b, loc, s->iteration, 1.0),
                                      scalarLike(b, loc, s->iteration, ctx.getFloat("beta", 0.0f)));
  for (int64_t i = 0; i < *count; ++i) {
    Value x = ctx.input(2 + i), v = ctx.input(2 + 2 * *count + i);
    Value g = regularizedGradient(ctx, x, ctx.input(2 + *count + i));
    Value vNew = add(b, loc, mulScalar(b, loc, v, alpha), mul(b, loc, beta, g));
    Value direction =
        mode == "standard" ? vNew : add(b, loc, g, mulScalar(b, loc, vNew, alpha));
    ctx.setOutput(i, sub(b, loc, x, mul(b, loc, s->rate, direction)));
    ctx.setOutput(*count + i, vNew);
  }
  return success();
}

/// Adam's learning rate: R * sqrt(1 - beta^T) / (1 - alpha^T), R itself at
/// T = 0 (no bias correction).
Value adamRate(OpBuilder &b, Location loc, const StepInputs &s, double alpha, double beta) {
  auto oneMinusPower = [&](double base) {
    Value power = tosa::ExpOp::create(b, loc, typeOf(s.iteration),
                                      mulScalar(b, loc, s.iteration, std::log(base)));
    return addScalar(b, loc, mulScalar(b, loc, power, -1.0), 1.0);
  };
  Value corrected = mul(b, loc, s.rate,
                        divide(b, loc, elementSqrt(b, loc, oneMinusPower(beta)),
                               oneMinusPower(alpha)));
  return tosa::SelectOp::create(b, loc, typeOf(s.rate), s.isFirst, s.rate, corrected);
}

LogicalResult convertAdam(NodeContext &ctx) {
  auto count = tensorCount(ctx, 4);
  if (failed(count))
    return failure();
  auto s = stepInputsOf(ctx); // reads input 2, which tensorCount ensured
  if (failed(s))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  double alpha = ctx.getFloat("alpha", 0.9f), beta = ctx.getFloat("beta", 0.999f);
  Value rate = adamRate(b, loc, *s, alpha, beta);
  double post = ctx.getFloat("norm_coefficient_post", 0.0f);
  for (int64_t i = 0; i < *count; ++i) {
    Value x = ctx.input(2 + i), v = ctx.input(2 + 2 * *count + i),
          h = ctx.input(2 + 3 * *count + i);
    Value g = regularizedGradient(ctx, x, ctx.input(2 + *count + i));
    Value vNew = add(b, loc, mulScalar(b, loc, v, alpha), mulScalar(b, loc, g, 1.0 - alpha));
    Value hNew =
        add(b, loc, mulScalar(b, loc, h, beta), mulScalar(b, loc, mul(b, loc, g, g), 1.0 - beta));
    Value denominator = addScalar(b, loc, elementSqrt(b, loc, hNew), ctx.getFloat("epsilon", 1e-6f));
    Value xNew = sub(b, loc, x, mul(b, loc, rate, divide(b, loc, vNew, denominator)));
    ctx.setOutput(i, mulScalar(b, loc, xNew, 1.0 - post));
    ctx.setOutput(*count + i, vNew);
    ctx.setOutput(2 * *count + i, hNew);
  }
  return success();
}

} // namespace

void addOptimizerConverters(ConverterMap &map) {
  addConverter(map, "ai.onnx.preview.training.Adagrad", convertAdagrad, 1,
               "element-wise tosa ops", "several tensors per node; R and T at run time");
  addConverter(map, "ai.onnx.preview.training.Momentum", convertMomentum, 1,
               "element-wise tosa ops", "standard and nesterov; several tensors per node");
  addConverter(map, "ai.onnx.preview.training.Adam", convertAdam, 1, "element-wise tosa ops",
               "bias correction from T at run time; several tensors per node");
}

} // namespace qforge::onnx_import
