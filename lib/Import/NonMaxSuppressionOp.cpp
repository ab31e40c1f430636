//===- NonMaxSuppressionOp.cpp - ONNX NonMaxSuppression, bounded ----------===//
//
// How many boxes survive depends on the data, so the output is a bounded
// buffer: [batches * classes * K, 3] with K = min(max_output_boxes_per_class,
// boxes), the selected rows first in ONNX's order (batch, class, then
// descending score) and -1 in every row after them. Selection is K greedy
// rounds over all (batch, class) rows at once: take the best remaining
// score, drop every box whose IoU with it exceeds the threshold.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Box corners and areas, each [rows, N] (rows = batches * classes).
struct Corners {
  Value y1, x1, y2, x2, area;
};

/// Corners from boxes [B, N, 4] in either ONNX format, repeated for each
/// class: the smaller coordinate first (boxes may be given flipped).
Corners cornersOf(OpBuilder &b, Location loc, Value boxes, int64_t classes, bool centered) {
  ArrayRef<int64_t> shape = typeOf(boxes).getShape();
  int64_t batches = shape[0], n = shape[1];
  auto column = [&](int64_t k) {
    Value c = reshape(b, loc, slice(b, loc, boxes, {0, 0, k}, {batches, n, 1}), {batches, 1, n});
    return reshape(b, loc, broadcastTo(b, loc, c, {batches, classes, n}), {batches * classes, n});
  };
  Value a = column(0), c = column(1), d = column(2), e = column(3);
  Corners k;
  if (centered) { // [x_center, y_center, width, height]
    Value halfW = mulScalar(b, loc, d, 0.5), halfH = mulScalar(b, loc, e, 0.5);
    k = {binary<tosa::SubOp>(b, loc, c, halfH), binary<tosa::SubOp>(b, loc, a, halfW),
         binary<tosa::AddOp>(b, loc, c, halfH), binary<tosa::AddOp>(b, loc, a, halfW), {}};
  } else { // [y1, x1, y2, x2], either corner first
    k = {binary<tosa::MinimumOp>(b, loc, a, d), binary<tosa::MinimumOp>(b, loc, c, e),
         binary<tosa::MaximumOp>(b, loc, a, d), binary<tosa::MaximumOp>(b, loc, c, e), {}};
  }
  k.area = mul(b, loc, binary<tosa::SubOp>(b, loc, k.y2, k.y1),
               binary<tosa::SubOp>(b, loc, k.x2, k.x1));
  return k;
}

/// IoU of every box with each row's picked box ([rows, 1] coordinates).
Value iouWithPicked(OpBuilder &b, Location loc, const Corners &all, const Corners &picked) {
  Value zero = splat(b, loc, typeOf(all.y1).getElementType(), {1, 1}, 0.0);
  auto extent = [&](Value lo1, Value lo2, Value hi1, Value hi2) {
    Value lo = binary<tosa::MaximumOp>(b, loc, lo1, lo2);
    Value hi = binary<tosa::MinimumOp>(b, loc, hi1, hi2);
    return binary<tosa::MaximumOp>(b, loc, binary<tosa::SubOp>(b, loc, hi, lo), zero);
  };
  Value inter = mul(b, loc, extent(all.y1, picked.y1, all.y2, picked.y2),
                    extent(all.x1, picked.x1, all.x2, picked.x2));
  Value unionArea = binary<tosa::SubOp>(b, loc, binary<tosa::AddOp>(b, loc, all.area, picked.area),
                                        inter);
  // Boxes without area overlap nothing (and must not divide by zero).
  Value empty = tosa::LogicalOrOp::create(
      b, loc, typeOf(all.area).clone(b.getI1Type()),
      binary<tosa::GreaterEqualOp>(b, loc, zero, all.area, b.getI1Type()),
      broadcastTo(b, loc, binary<tosa::GreaterEqualOp>(b, loc, zero, picked.area, b.getI1Type()),
                  typeOf(all.area).getShape()));
  Value safeUnion = tosa::SelectOp::create(b, loc, typeOf(unionArea), empty,
                                           splat(b, loc, typeOf(unionArea).getElementType(),
                                                 typeOf(unionArea).getShape(), 1.0),
                                           unionArea);
  Value iou = divide(b, loc, inter, safeUnion);
  return tosa::SelectOp::create(b, loc, typeOf(iou), empty,
                                splat(b, loc, typeOf(iou).getElementType(),
                                      typeOf(iou).getShape(), 0.0),
                                iou);
}

/// The picked box's corners ([rows, 1] each) from a [rows, N] one-hot.
Corners pickedCorners(OpBuilder &b, Location loc, const Corners &all, Value onehot) {
  auto pick = [&](Value v) {
    Value zero = splat(b, loc, typeOf(v).getElementType(), typeOf(v).getShape(), 0.0);
    return reduceSum(b, loc, tosa::SelectOp::create(b, loc, typeOf(v), onehot, v, zero), 1);
  };
  return {pick(all.y1), pick(all.x1), pick(all.y2), pick(all.x2), pick(all.area)};
}

LogicalResult convertNonMaxSuppression(NodeContext &ctx) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  RankedTensorType boxType = ctx.inputType(0), scoreType = ctx.inputType(1);
  if (!boxType.getElementType().isF32() || boxType.getRank() != 3 ||
      boxType.getDimSize(2) != 4 || scoreType.getRank() != 3 ||
      scoreType.getDimSize(0) != boxType.getDimSize(0) ||
      scoreType.getDimSize(2) != boxType.getDimSize(1)) {
    ctx.emitError() << "boxes must be float32 [B, N, 4] and scores [B, C, N], not " << boxType
                    << " and " << scoreType;
    return failure();
  }
  int64_t perClass = 0;
  if (ctx.hasInput(2)) {
    auto limit = ctx.constInts(2, "max_output_boxes_per_class");
    if (failed(limit))
      return failure();
    perClass = limit->front();
  }
  int64_t batches = boxType.getDimSize(0), n = boxType.getDimSize(1),
          classes = scoreType.getDimSize(1), rounds = std::min(perClass, n);
  if (rounds <= 0)
    return ctx.unsupported("max_output_boxes_per_class 0 (an empty result)");
  double iouThreshold = 0.0;
  std::optional<double> scoreThreshold;
  if (ctx.hasInput(3)) {
    auto v = ctx.constScalar(3, "iou_threshold");
    if (failed(v))
      return failure();
    iouThreshold = *v;
  }
  if (ctx.hasInput(4)) {
    auto v = ctx.constScalar(4, "score_threshold");
    if (failed(v))
      return failure();
    scoreThreshold = *v;
  }
  int64_t rows = batches * classes;
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i1 = b.getI1Type();
  Corners all = cornersOf(b, loc, ctx.input(0), classes, ctx.getInt("center_point_box", 0) != 0);
  Value live = reshape(b, loc, ctx.input(1), {rows, n});
  Value gone = splat(b, loc, f32, {rows, n}, -std::numeric_limits<double>::infinity());
  if (scoreThreshold)
    live = tosa::SelectOp::create(
        b, loc, typeOf(live),
        binary<tosa::GreaterOp>(b, loc, live, splat(b, loc, f32, {1, 1}, *scoreThreshold), i1),
        live, gone);
  Value positions = axisPositions(b, loc, 2, 1, n);
  Value iouLimit = splat(b, loc, f32, {1, 1}, iouThreshold);
  SmallVector<Value> picks, valids;
  for (int64_t r = 0; r < rounds; ++r) {
    Value best = argMaxKeepingAxis(b, loc, live, 1); // [rows, 1] i32
    picks.push_back(best);
    Value onehot = binary<tosa::EqualOp>(b, loc, positions, best, i1);
    // The picked score itself (a max reduction would start from the lowest
    // finite float, not -inf): -inf once nothing is left.
    Value bestScore = reduceSum(
        b, loc, tosa::SelectOp::create(b, loc, typeOf(live), onehot, live,
                                       splat(b, loc, f32, {rows, n}, 0.0)),
        1);
    valids.push_back(binary<tosa::GreaterOp>(
        b, loc, bestScore, splat(b, loc, f32, {1, 1}, -std::numeric_limits<double>::infinity()),
        i1));
    Value iou = iouWithPicked(b, loc, all, pickedCorners(b, loc, all, onehot));
    Value suppressed = tosa::LogicalOrOp::create(
        b, loc, typeOf(onehot), onehot, binary<tosa::GreaterOp>(b, loc, iou, iouLimit, i1));
    live = tosa::SelectOp::create(b, loc, typeOf(live), suppressed, gone, live);
  }
  // Rows (batch, class, box) in ONNX's order: row-major over (b, c, round).
  auto concat = [&](ArrayRef<Value> parts, Type element) {
    return tosa::ConcatOp::create(b, loc, tensorType({rows, rounds}, element), parts, 1)
        .getResult();
  };
  Value boxIndex = rounds == 1 ? picks.front() : concat(picks, i32);
  Value valid = rounds == 1 ? valids.front() : concat(valids, i1);
  SmallVector<int64_t> batchOf, classOf;
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t r = 0; r < rounds; ++r) {
      batchOf.push_back(row / classes);
      classOf.push_back(row % classes);
    }
  int64_t length = rows * rounds;
  Value triples = tosa::ConcatOp::create(
      b, loc, tensorType({length, 3}, i32),
      ValueRange{constant(b, loc, makeIntTensor(i32, {length, 1}, batchOf)),
                 constant(b, loc, makeIntTensor(i32, {length, 1}, classOf)),
                 reshape(b, loc, boxIndex, {length, 1})},
      1);
  Value compact = compactRows(b, loc, triples, reshape(b, loc, valid, {length}));
  ctx.setOutput(0, castElements(b, loc, compact, b.getI64Type()));
  return success();
}

} // namespace

void addNonMaxSuppressionConverter(ConverterMap &map) {
  addConverter(map, "NonMaxSuppression", convertNonMaxSuppression, 10,
               "K greedy rounds of tosa.argmax + IoU + tosa.select; tosa.scatter compaction",
               "bounded output [batches * classes * K, 3], K = min(max_output_boxes_per_class, "
               "boxes): the selected rows first, -1 after them; constant thresholds");
}

} // namespace qforge::onnx_import
