//===- UniqueOp.cpp - ONNX Unique, bounded --------------------------------===//
//
// How many distinct values (or slices along `axis`) there are depends on
// the data, so every output but inverse_indices is a bounded buffer of one
// entry per element (slice): the unique ones first, then padding - Y zeros,
// indices -1, counts 0 (a count of 0 marks the padding). Computed by
// comparing every element with every other (quadratic, so bounded to 4096
// elements): an element is unique where no earlier one equals it, and its
// place in Y is how many unique elements come before it in value (sorted)
// or in position (not sorted).
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

constexpr int64_t kMaxElements = 4096;

/// Constant [n, n] i32 with 1 where j < i.
Value before(OpBuilder &b, Location loc, int64_t n) {
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      mask.push_back(j < i);
  return constant(b, loc, makeIntTensor(b.getI32Type(), {n, n}, mask));
}

/// Pairwise comparisons of the rows of `rows` [n, m]: equal[i, j] (every
/// position equal) and less[i, j] (row j before row i lexicographically),
/// both i1 [n, n].
std::pair<Value, Value> compareRows(OpBuilder &b, Location loc, Value rows) {
  ArrayRef<int64_t> shape = typeOf(rows).getShape();
  int64_t n = shape[0], m = shape[1];
  Type i1 = b.getI1Type();
  Value mine = reshape(b, loc, rows, {n, 1, m}), other = reshape(b, loc, rows, {1, n, m});
  Value eq = binary<tosa::EqualOp>(b, loc, mine, other, i1);
  Value lt = binary<tosa::GreaterOp>(b, loc, mine, other, i1);
  auto at = [&](Value v, int64_t k) {
    return reshape(b, loc, slice(b, loc, v, {0, 0, k}, {n, n, 1}), {n, n});
  };
  // From the last position to the first: less = lt_k or (eq_k and less).
  Value equal = at(eq, m - 1), less = at(lt, m - 1);
  RankedTensorType pairType = tensorType({n, n}, i1);
  for (int64_t k = m - 2; k >= 0; --k) {
    less = tosa::LogicalOrOp::create(
        b, loc, pairType, at(lt, k), tosa::LogicalAndOp::create(b, loc, pairType, at(eq, k), less));
    equal = tosa::LogicalAndOp::create(b, loc, pairType, at(eq, k), equal);
  }
  return {equal, less};
}

/// sum over j of a[i, j] * b[j] for i32 [n, n] and [n]: [n].
Value rowDot(OpBuilder &b, Location loc, Value matrix, Value vector) {
  int64_t n = typeOf(matrix).getDimSize(0);
  Value product = mul(b, loc, matrix, reshape(b, loc, vector, {1, n}));
  return reshape(b, loc, reduceSum(b, loc, product, 1), {n});
}

/// Row i of `values` [n, W] to row destination[i] of an [n, W] buffer of
/// `fill`.
Value scatterRows(OpBuilder &b, Location loc, Value values, Value destination, double fill) {
  ArrayRef<int64_t> shape = typeOf(values).getShape();
  Type element = typeOf(values).getElementType();
  Value filled = splat(b, loc, element, {1, shape[0], shape[1]}, fill);
  Value moved = tosa::ScatterOp::create(b, loc, typeOf(filled), filled,
                                        reshape(b, loc, destination, {1, shape[0]}),
                                        reshape(b, loc, values, {1, shape[0], shape[1]}));
  return reshape(b, loc, moved, shape);
}

/// The permutation that brings `axis` to the front, and its inverse.
std::pair<SmallVector<int32_t>, SmallVector<int32_t>> frontPermutation(int64_t rank,
                                                                       int64_t axis) {
  SmallVector<int32_t> to = {static_cast<int32_t>(axis)}, back(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      to.push_back(static_cast<int32_t>(d));
  for (int64_t d = 0; d < rank; ++d)
    back[to[d]] = static_cast<int32_t>(d);
  return {to, back};
}

LogicalResult convertUnique(NodeContext &ctx) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  std::optional<int64_t> axis;
  if (ctx.hasAttr("axis")) {
    auto normalized = ctx.normalizeAxis(ctx.getInt("axis", 0), type.getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  // Rows: the elements (flattened), or the slices along the axis.
  SmallVector<int32_t> toFront, back;
  SmallVector<int64_t> frontShape(type.getShape());
  if (axis) {
    std::tie(toFront, back) = frontPermutation(type.getRank(), *axis);
    x = transpose(b, loc, x, toFront);
    frontShape.assign(typeOf(x).getShape().begin(), typeOf(x).getShape().end());
  }
  int64_t n = axis ? frontShape[0] : product(type.getShape());
  int64_t m = product(type.getShape()) / std::max<int64_t>(n, 1);
  if (n > kMaxElements || n == 0)
    return ctx.unsupported("Unique of " + Twine(n) + " elements or slices (1 to " +
                           Twine(kMaxElements) + ": the comparison is quadratic)");
  Value rows = reshape(b, loc, x, {n, m});
  Type i32 = b.getI32Type();
  auto [equalPair, lessPair] = compareRows(b, loc, rows);
  Value equal = castElements(b, loc, equalPair, i32);
  Value earlier = before(b, loc, n);
  Value ones = splat(b, loc, i32, {n}, 1.0);
  // Unique where no earlier row equals it.
  Value firstCount = rowDot(b, loc, mul(b, loc, equal, earlier), ones);
  Value first = binary<tosa::EqualOp>(b, loc, firstCount, splat(b, loc, i32, {n}, 0.0),
                                      b.getI1Type());
  Value firstInt = castElements(b, loc, first, i32);
  Value order = ctx.getInt("sorted", 1) ? castElements(b, loc, lessPair, i32) : earlier;
  Value place = rowDot(b, loc, order, firstInt);
  Value total = reduceSum(b, loc, firstInt, 0);
  Value repeatedBefore = exclusivePrefixSum(
      b, loc, binary<tosa::SubOp>(b, loc, ones, firstInt));
  Value destination = tosa::SelectOp::create(b, loc, typeOf(place), first, place,
                                             binary<tosa::AddOp>(b, loc, repeatedBefore, total));
  auto keepFirst = [&](Value v, double fill) {
    return tosa::SelectOp::create(b, loc, typeOf(v), first, v,
                                  splat(b, loc, typeOf(v).getElementType(), {n}, fill));
  };
  // Y: the unique rows (the repeated ones zeroed: they fill the padding),
  // back in the input's layout.
  Value firstRows = broadcastTo(b, loc, reshape(b, loc, first, {n, 1}), {n, m});
  Value uniqueRows = tosa::SelectOp::create(
      b, loc, typeOf(rows), firstRows, rows,
      splat(b, loc, typeOf(rows).getElementType(), {n, m}, 0.0));
  Value y = scatterRows(b, loc, uniqueRows, destination, 0.0);
  if (axis) {
    y = transpose(b, loc, reshape(b, loc, y, frontShape), back);
  } else {
    y = reshape(b, loc, y, {n});
  }
  ctx.setOutput(0, y);
  auto asColumn = [&](Value v) { return reshape(b, loc, v, {n, 1}); };
  auto output = [&](Value v, double fill) {
    Value moved = scatterRows(b, loc, asColumn(keepFirst(v, fill)), destination, fill);
    return castElements(b, loc, reshape(b, loc, moved, {n}), b.getI64Type());
  };
  if (ctx.outputUsed(1))
    ctx.setOutput(1, output(reshape(b, loc, axisPositions(b, loc, 1, 0, n), {n}), -1.0));
  if (ctx.outputUsed(2)) {
    // Each row's place is its first occurrence's.
    Value firstPlace = mul(b, loc, place, firstInt);
    ctx.setOutput(2, castElements(b, loc, rowDot(b, loc, equal, firstPlace), b.getI64Type()));
  }
  if (ctx.outputUsed(3))
    ctx.setOutput(3, output(rowDot(b, loc, equal, ones), 0.0));
  return success();
}

} // namespace

void addUniqueConverter(ConverterMap &map) {
  addConverter(map, "Unique", convertUnique, 11,
               "pairwise tosa.equal/tosa.greater + tosa.scatter of the unique rows",
               "bounded outputs, one entry per element (slice along axis): the unique ones "
               "first, then Y 0, indices -1, counts 0; up to 4096 elements; sorted or not");
}

} // namespace qforge::onnx_import
