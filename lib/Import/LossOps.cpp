//===- LossOps.cpp - ONNX loss operators ----------------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: a model that
// reports its own loss (evaluation graphs exported with the loss attached)
// computes it at inference like any other op. The class each element is
// labelled with is picked by comparing the labels with the class positions,
// which also gives a label outside [0, C) a loss and a weight of zero.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

enum class Reduction { None, Sum, Mean };

FailureOr<Reduction> reductionOf(NodeContext &ctx) {
  std::string name = ctx.getString("reduction", "mean");
  if (name == "none")
    return Reduction::None;
  if (name == "sum")
    return Reduction::Sum;
  if (name == "mean")
    return Reduction::Mean;
  ctx.emitError() << "reduction '" << name << "' is not none, sum or mean";
  return failure();
}

/// The sum of every element, as a rank-0 tensor.
Value sumAll(OpBuilder &b, Location loc, Value x) {
  Value flat = reshape(b, loc, x, {1, product(typeOf(x).getShape())});
  return reshape(b, loc, reduceSum(b, loc, flat, 1), {});
}

/// Per element of the labels [N, d...]: the value of `perClass` [N, C, d...]
/// (or broadcast to it) at the element's label, zero for a label that is no
/// class.
Value atLabel(OpBuilder &b, Location loc, Value perClass, Value isLabel) {
  ArrayRef<int64_t> shape = typeOf(isLabel).getShape();
  Type element = typeOf(perClass).getElementType();
  Value values = broadcastTo(b, loc, perClass, shape);
  Value picked = tosa::SelectOp::create(b, loc, tensorType(shape, element), isLabel, values,
                                        splat(b, loc, element, shape, 0.0));
  SmallVector<int64_t> labelShape(shape);
  labelShape.erase(labelShape.begin() + 1);
  return reshape(b, loc, reduceSum(b, loc, picked, 1), labelShape);
}

/// The labels [N, d...] checked against the scores [N, C, d...] and made
/// i32.
FailureOr<Value> labelsOf(NodeContext &ctx, RankedTensorType scores) {
  RankedTensorType type = ctx.inputType(1);
  SmallVector<int64_t> expected(scores.getShape());
  expected.erase(expected.begin() + 1);
  if (!type.getElementType().isInteger() || type.getShape() != ArrayRef<int64_t>(expected)) {
    ctx.emitError() << "the labels must be integers of the scores' shape without dimension 1 "
                    << "(" << scores << " gives " << tensorType(expected, type.getElementType())
                    << "), not " << type;
    return failure();
  }
  return castElements(ctx.b, ctx.loc, ctx.input(1), ctx.b.getI32Type());
}

/// The loss of log-probabilities `logProb` [N, C, d...] at the node's labels,
/// weights, ignore_index and reduction.
LogicalResult negativeLogLikelihood(NodeContext &ctx, Value logProb) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  RankedTensorType scores = typeOf(logProb);
  int64_t rank = scores.getRank(), classes = scores.getDimSize(1);
  Type element = scores.getElementType();
  auto reduction = reductionOf(ctx);
  auto labels = labelsOf(ctx, scores);
  if (failed(reduction) || failed(labels))
    return failure();
  if (ctx.hasInput(2) && ctx.inputType(2).getShape() != ArrayRef<int64_t>{classes}) {
    ctx.emitError() << "the weights must be [" << classes << "], one per class, not "
                    << ctx.inputType(2);
    return failure();
  }
  SmallVector<int64_t> withClassAxis(typeOf(*labels).getShape());
  withClassAxis.insert(withClassAxis.begin() + 1, 1);
  Value isLabel = binary<tosa::EqualOp>(b, loc, reshape(b, loc, *labels, withClassAxis),
                                        axisPositions(b, loc, rank, 1, classes),
                                        b.getI1Type());
  ArrayRef<int64_t> labelShape = typeOf(*labels).getShape();
  Value weight = splat(b, loc, element, labelShape, 1.0);
  if (ctx.hasInput(2)) {
    SmallVector<int64_t> perClass(rank, 1);
    perClass[1] = classes;
    weight = atLabel(b, loc, reshape(b, loc, ctx.input(2), perClass), isLabel);
  }
  if (ctx.hasAttr("ignore_index")) {
    Value ignored = binary<tosa::EqualOp>(
        b, loc, *labels,
        splat(b, loc, b.getI32Type(), labelShape, ctx.getInt("ignore_index", 0)),
        b.getI1Type());
    weight = tosa::SelectOp::create(b, loc, typeOf(weight), ignored,
                                    splat(b, loc, element, labelShape, 0.0), weight);
  }
  Value loss = mul(b, loc, mulScalar(b, loc, atLabel(b, loc, logProb, isLabel), -1.0), weight);
  switch (*reduction) {
  case Reduction::None:
    ctx.setOutput(0, loss);
    break;
  case Reduction::Sum:
    ctx.setOutput(0, sumAll(b, loc, loss));
    break;
  case Reduction::Mean:
    ctx.setOutput(0, divide(b, loc, sumAll(b, loc, loss), sumAll(b, loc, weight)));
    break;
  }
  return success();
}

/// The scores [N, C, d...], float.
FailureOr<RankedTensorType> scoresOf(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType())) {
    ctx.unsupported("integer scores");
    return failure();
  }
  if (type.getRank() < 2) {
    ctx.emitError() << "the scores must be [N, C, ...], not " << type;
    return failure();
  }
  return type;
}

LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx) {
  if (failed(scoresOf(ctx)))
    return failure();
  return negativeLogLikelihood(ctx, ctx.input(0));
}

LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx) {
  if (failed(scoresOf(ctx)))
    return failure();
  Value logProb = softmax(ctx.b, ctx.loc, ctx.input(0), 1, /*logarithm=*/true);
  if (ctx.outputUsed(1))
    ctx.setOutput(1, logProb);
  return negativeLogLikelihood(ctx, logProb);
}

} // namespace

void addLossConverters(ConverterMap &map) {
  addConverter(map, "NegativeLogLikelihoodLoss", convertNegativeLogLikelihoodLoss, 12,
               "tosa.equal with the class positions + tosa.select + tosa.reduce_sum",
               "weights, ignore_index, reduction none/sum/mean");
  addConverter(map, "SoftmaxCrossEntropyLoss", convertSoftmaxCrossEntropyLoss, 12,
               "log-softmax, then as NegativeLogLikelihoodLoss",
               "as NegativeLogLikelihoodLoss; log_prob output too");
}

} // namespace qforge::onnx_import
