//===- TosaBuilders.cpp - small TOSA building blocks for converters -------===//

#include "TosaBuilders.h"

#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

RankedTensorType tensorType(ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

Value castElements(OpBuilder &b, Location loc, Value v, Type element) {
  if (typeOf(v).getElementType() == element)
    return v;
  return tosa::CastOp::create(b, loc, typeOf(v).clone(element), v);
}

Value constant(OpBuilder &b, Location loc, DenseElementsAttr value) {
  return tosa::ConstOp::create(b, loc, value.getType(), value);
}

static Attribute scalarAttr(Type elementType, double value) {
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat f(value);
    bool lost;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    return FloatAttr::get(elementType, f);
  }
  auto intType = cast<IntegerType>(elementType);
  if (intType.getWidth() == 1)
    return IntegerAttr::get(elementType, APInt(1, value != 0.0));
  return IntegerAttr::get(elementType,
                          APInt(intType.getWidth(), static_cast<int64_t>(value),
                                /*isSigned=*/!intType.isUnsigned()));
}

Value splat(OpBuilder &b, Location loc, Type elementType,
            ArrayRef<int64_t> shape, double value) {
  auto type = tensorType(shape, elementType);
  return constant(b, loc,
                  DenseElementsAttr::get(type, scalarAttr(elementType, value)));
}

Value shapeValue(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  return qforge::tosaConstShape(b, loc, shape);
}

Value reshape(OpBuilder &b, Location loc, Value value,
              ArrayRef<int64_t> shape) {
  RankedTensorType type = typeOf(value);
  if (type.getShape() == shape)
    return value;
  return tosa::ReshapeOp::create(b, loc,
                                 tensorType(shape, type.getElementType()),
                                 value, shapeValue(b, loc, shape));
}

Value transpose(OpBuilder &b, Location loc, Value value,
                ArrayRef<int32_t> perms) {
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perms))
    identity &= static_cast<int32_t>(i) == p;
  if (identity)
    return value;
  RankedTensorType type = typeOf(value);
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(type.getDimSize(p));
  return tosa::TransposeOp::create(
      b, loc, tensorType(shape, type.getElementType()), value,
      b.getDenseI32ArrayAttr(perms));
}

Value alignRank(OpBuilder &b, Location loc, Value value, int64_t rank) {
  RankedTensorType type = typeOf(value);
  if (type.getRank() >= rank)
    return value;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return reshape(b, loc, value, shape);
}

Value broadcastTo(OpBuilder &b, Location loc, Value value,
                  ArrayRef<int64_t> shape) {
  // A constant of one value stays a constant (a splat, which costs no
  // memory and which the quantizer's unary-function tables recognize).
  DenseElementsAttr values;
  Value source = value;
  while (auto reshape = source.getDefiningOp<tosa::ReshapeOp>())
    source = reshape.getInput1();
  if (typeOf(value).getShape() != shape && matchPattern(source, m_Constant(&values)) &&
      values.isSplat())
    return constant(b, loc, values.resizeSplat(tensorType(shape, values.getElementType())));
  value = alignRank(b, loc, value, shape.size());
  RankedTensorType type = typeOf(value);
  if (type.getShape() == shape)
    return value;
  SmallVector<int64_t> multiples;
  for (auto [have, want] : llvm::zip(type.getShape(), shape))
    multiples.push_back(have == want ? 1 : want);
  return tosa::TileOp::create(b, loc, tensorType(shape, type.getElementType()),
                              value, shapeValue(b, loc, multiples));
}

SmallVector<int64_t> broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    result[i] = da == 1 ? db : da;
  }
  return result;
}

Value divide(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  int64_t rank = std::max(typeOf(lhs).getRank(), typeOf(rhs).getRank());
  lhs = alignRank(b, loc, lhs, rank);
  rhs = alignRank(b, loc, rhs, rank);
  SmallVector<int64_t> shape =
      broadcastShape(typeOf(lhs).getShape(), typeOf(rhs).getShape());
  return arith::DivFOp::create(b, loc, broadcastTo(b, loc, lhs, shape),
                               broadcastTo(b, loc, rhs, shape));
}

Value mul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  int64_t rank = std::max(typeOf(lhs).getRank(), typeOf(rhs).getRank());
  lhs = alignRank(b, loc, lhs, rank);
  rhs = alignRank(b, loc, rhs, rank);
  auto type = tensorType(
      broadcastShape(typeOf(lhs).getShape(), typeOf(rhs).getShape()),
      typeOf(lhs).getElementType());
  Value shift = splat(b, loc, b.getI8Type(), {1}, 0);
  return tosa::MulOp::create(b, loc, type, lhs, rhs, shift);
}

Value mulScalar(OpBuilder &b, Location loc, Value x, double scalar) {
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> ones(type.getRank(), 1);
  return mul(b, loc, x, splat(b, loc, type.getElementType(), ones, scalar));
}

Value addScalar(OpBuilder &b, Location loc, Value x, double scalar) {
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> ones(type.getRank(), 1);
  return binary<tosa::AddOp>(
      b, loc, x, splat(b, loc, type.getElementType(), ones, scalar));
}

Value clamp(OpBuilder &b, Location loc, Value x, double lo, double hi) {
  RankedTensorType type = typeOf(x);
  Type element = type.getElementType();
  Attribute loAttr, hiAttr;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    loAttr = scalarAttr(element, lo);
    hiAttr = scalarAttr(element, hi);
  } else {
    auto intType = cast<IntegerType>(element);
    unsigned width = intType.getWidth();
    bool isUnsigned = intType.isUnsigned();
    double minValue = isUnsigned ? 0.0
                                 : static_cast<double>(
                                       APInt::getSignedMinValue(width).getSExtValue());
    double maxValue = isUnsigned
                          ? static_cast<double>(
                                APInt::getMaxValue(width).getZExtValue())
                          : static_cast<double>(
                                APInt::getSignedMaxValue(width).getSExtValue());
    loAttr = scalarAttr(element, std::max(lo, minValue));
    hiAttr = scalarAttr(element, std::min(hi, maxValue));
  }
  return tosa::ClampOp::create(b, loc, type, x, cast<TypedAttr>(loAttr),
                               cast<TypedAttr>(hiAttr));
}

Value zeroPoint(OpBuilder &b, Location loc, Type elementType) {
  return splat(b, loc, elementType, {1}, 0);
}

template <typename OpT>
static Value reduce(OpBuilder &b, Location loc, Value x, int64_t axis) {
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  return OpT::create(b, loc, tensorType(shape, type.getElementType()), x,
                     b.getI32IntegerAttr(static_cast<int32_t>(axis)));
}

Value reduceSum(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduce<tosa::ReduceSumOp>(b, loc, x, axis);
}
Value reduceMax(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduce<tosa::ReduceMaxOp>(b, loc, x, axis);
}
Value reduceMin(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduce<tosa::ReduceMinOp>(b, loc, x, axis);
}
Value reduceProduct(OpBuilder &b, Location loc, Value x, int64_t axis) {
  return reduce<tosa::ReduceProductOp>(b, loc, x, axis);
}

Value slice(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> start,
            ArrayRef<int64_t> size) {
  RankedTensorType type = typeOf(x);
  if (type.getShape() == size)
    return x;
  return tosa::SliceOp::create(b, loc, tensorType(size, type.getElementType()),
                               x, shapeValue(b, loc, start),
                               shapeValue(b, loc, size));
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> stride(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    stride[d] = stride[d + 1] * shape[d + 1];
  return stride;
}

Value batchMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  ArrayRef<int64_t> ls = typeOf(lhs).getShape(), rs = typeOf(rhs).getShape();
  Type element = typeOf(lhs).getElementType();
  Value zp = zeroPoint(b, loc, element);
  return tosa::MatMulOp::create(b, loc, tensorType({ls[0], ls[1], rs[2]}, element), lhs, rhs,
                                zp, zp);
}

Value axisPositions(OpBuilder &b, Location loc, int64_t rank, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = size;
  SmallVector<int32_t> positions;
  for (int64_t i = 0; i < size; ++i)
    positions.push_back(static_cast<int32_t>(i));
  auto type = tensorType(shape, b.getI32Type());
  return constant(b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(positions)));
}

Value perChannel(OpBuilder &b, Location loc, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = typeOf(v).getDimSize(0);
  return reshape(b, loc, v, shape);
}

std::pair<Value, Value> moments(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  int64_t count = 1;
  Value sum = x;
  for (int64_t axis : axes) {
    count *= typeOf(x).getDimSize(axis);
    sum = reduceSum(b, loc, sum, axis);
  }
  Value mean = mulScalar(b, loc, sum, 1.0 / static_cast<double>(count));
  Value centered = binary<tosa::SubOp>(b, loc, x, mean);
  Value sq = mul(b, loc, centered, centered);
  for (int64_t axis : axes)
    sq = reduceSum(b, loc, sq, axis);
  Value var = mulScalar(b, loc, sq, 1.0 / static_cast<double>(count));
  return {mean, var};
}

Value exclusivePrefixSum(OpBuilder &b, Location loc, Value v) {
  int64_t length = typeOf(v).getDimSize(0);
  auto shifted = [&](Value x, int64_t steps) {
    Value padded = tosa::PadOp::create(b, loc, tensorType({length + steps}, b.getI32Type()), x,
                                       shapeValue(b, loc, {steps, 0}),
                                       splat(b, loc, b.getI32Type(), {1}, 0));
    return slice(b, loc, padded, {0}, {length});
  };
  Value sum = v;
  for (int64_t step = 1; step < length; step *= 2)
    sum = binary<tosa::AddOp>(b, loc, sum, shifted(sum, step));
  return shifted(sum, 1);
}

Value compactRows(OpBuilder &b, Location loc, Value rows, Value valid) {
  int64_t width = typeOf(rows).getDimSize(1);
  Type i32 = b.getI32Type();
  int64_t length = typeOf(valid).getDimSize(0);
  Value one = castElements(b, loc, valid, i32);
  Value notOne = binary<tosa::SubOp>(b, loc, splat(b, loc, i32, {length}, 1.0), one);
  Value validBefore = exclusivePrefixSum(b, loc, one);
  Value invalidBefore = exclusivePrefixSum(b, loc, notOne);
  Value total = reduceSum(b, loc, one, 0);
  Value destination = tosa::SelectOp::create(
      b, loc, typeOf(validBefore), valid, validBefore,
      binary<tosa::AddOp>(b, loc, invalidBefore, total));
  Value minusOne = splat(b, loc, i32, {length, width}, -1.0);
  Value kept = tosa::SelectOp::create(
      b, loc, typeOf(rows),
      broadcastTo(b, loc, reshape(b, loc, valid, {length, 1}), {length, width}), rows, minusOne);
  Value moved = tosa::ScatterOp::create(b, loc, tensorType({1, length, width}, i32),
                                        reshape(b, loc, minusOne, {1, length, width}),
                                        reshape(b, loc, destination, {1, length}),
                                        reshape(b, loc, kept, {1, length, width}));
  return reshape(b, loc, moved, {length, width});
}

Value softmax(OpBuilder &b, Location loc, Value x, int64_t axis, bool logarithm) {
  Value shifted = binary<tosa::SubOp>(b, loc, x, reduceMax(b, loc, x, axis));
  Value e = tosa::ExpOp::create(b, loc, typeOf(shifted), shifted);
  Value sum = reduceSum(b, loc, e, axis);
  if (logarithm)
    return binary<tosa::SubOp>(b, loc, shifted, tosa::LogOp::create(b, loc, typeOf(sum), sum));
  return mul(b, loc, e, tosa::ReciprocalOp::create(b, loc, typeOf(sum), sum));
}

Value argMaxKeepingAxis(OpBuilder &b, Location loc, Value x, int64_t axis) {
  SmallVector<int64_t> dropped(typeOf(x).getShape()), kept(typeOf(x).getShape());
  dropped.erase(dropped.begin() + axis);
  kept[axis] = 1;
  Value index = tosa::ArgMaxOp::create(b, loc, tensorType(dropped, b.getI32Type()), x,
                                       b.getI32IntegerAttr(static_cast<int32_t>(axis)));
  return reshape(b, loc, index, kept);
}

Value reverseOrder(OpBuilder &b, Location loc, Value x) {
  if (isa<FloatType>(typeOf(x).getElementType()))
    return mulScalar(b, loc, x, -1.0);
  return tosa::BitwiseNotOp::create(b, loc, typeOf(x), x);
}

Value gatherElements(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> offsets,
                     ArrayRef<int64_t> shape) {
  auto count = static_cast<int64_t>(offsets.size());
  SmallVector<int32_t> narrow(offsets.begin(), offsets.end());
  auto indexType = tensorType({1, count}, b.getI32Type());
  Value index = constant(b, loc, DenseElementsAttr::get(indexType, ArrayRef<int32_t>(narrow)));
  return gatherElements(b, loc, x, index, shape);
}

Value gatherElements(OpBuilder &b, Location loc, Value x, Value offsets,
                     ArrayRef<int64_t> shape) {
  int64_t count = typeOf(offsets).getDimSize(1);
  Type element = typeOf(x).getElementType();
  Value flat = reshape(b, loc, x, {1, product(typeOf(x).getShape()), 1});
  Value gathered =
      tosa::GatherOp::create(b, loc, tensorType({1, count, 1}, element), flat, offsets);
  return reshape(b, loc, gathered, shape);
}

Value imageMean(OpBuilder &b, Location loc, Value x) {
  RankedTensorType type = typeOf(x);
  Type element = type.getElementType();
  ArrayRef<int64_t> xs = type.getShape();
  if (type.getRank() != 4 || !isa<FloatType>(element) || ShapedType::isDynamic(xs[2]) ||
      ShapedType::isDynamic(xs[3]))
    return {};
  Value nhwc = transpose(b, loc, x, kNchwToNhwc);
  Value zp = zeroPoint(b, loc, element);
  // f16/bf16 accumulate in f32 for accuracy; f32 in f32.
  Value pooled = tosa::AvgPool2dOp::create(
      b, loc, tensorType({xs[0], 1, 1, xs[1]}, element), nhwc, zp, zp,
      b.getDenseI64ArrayAttr({xs[2], xs[3]}), b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({0, 0, 0, 0}), TypeAttr::get(b.getF32Type()));
  return transpose(b, loc, pooled, kNhwcToNchw);
}

Value gatherAlongAxis(OpBuilder &b, Location loc, Value x, int64_t axis,
                      ArrayRef<int64_t> indices) {
  RankedTensorType type = typeOf(x);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= shape[d];
  int64_t k = shape[axis], count = static_cast<int64_t>(indices.size());
  SmallVector<int32_t> tiled;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : indices)
      tiled.push_back(static_cast<int32_t>(i));
  auto indexType = tensorType({outer, count}, b.getI32Type());
  Value index = constant(b, loc, DenseElementsAttr::get(indexType, ArrayRef<int32_t>(tiled)));
  Value values = reshape(b, loc, x, {outer, k, inner});
  Value gathered = tosa::GatherOp::create(
      b, loc, tensorType({outer, count, inner}, type.getElementType()), values,
      index);
  SmallVector<int64_t> outShape(shape);
  outShape[axis] = count;
  return reshape(b, loc, gathered, outShape);
}

} // namespace qforge::onnx_import
