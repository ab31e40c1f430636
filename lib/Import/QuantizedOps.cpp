//===- QuantizedOps.cpp - ONNX QuantizeLinear, QLinear* and *Integer ops --===//
//
// Quantized ONNX models keep their exact scales: each operator becomes a qf
// op whose !quant.uniform types carry the model's scales and zero points.
// Between operators, values keep their ONNX type (uint8/int8/int32 tensors);
// quant.scast views them as quantized at the qf op and back, so other
// operators (Reshape, Transpose, ...) see plain integers.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Utils/Layout.h"
#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"
#include "Windows.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

Type signlessOf(Type element) {
  auto intType = cast<IntegerType>(element);
  return IntegerType::get(element.getContext(), intType.getWidth());
}

/// The !quant.uniform type with `storage`'s width and signedness (signless
/// storage, full range): per tensor for one scale, else per `axis`.
FailureOr<quant::QuantizedType>
makeQuantizedType(NodeContext &ctx, Type storage, Type expressed,
                  ArrayRef<double> scales, ArrayRef<int64_t> zeroPoints,
                  int64_t axis, int64_t rank) {
  auto intType = cast<IntegerType>(storage);
  bool isSigned = !intType.isUnsigned();
  unsigned width = intType.getWidth();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  Type storageType = signlessOf(storage);
  int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
  int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);
  auto emitError = [&] { return ctx.emitError(); };
  if (scales.size() == 1)
    return quant::UniformQuantizedType::getChecked(
        emitError, flags, storageType, expressed, scales[0], zeroPoints[0], lo, hi);
  FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank);
  if (failed(normalized))
    return failure();
  return quant::UniformQuantizedPerAxisType::getChecked(
      emitError, flags, storageType, expressed, scales, zeroPoints,
      static_cast<int32_t>(*normalized), lo, hi);
}

/// The quantized type of a tensor of rank `rank` stored as `storage` (an
/// ONNX integer element type) with constant `scale` and `zeroPoint` (null:
/// 0) inputs; one scale is per tensor, several are per `axis`.
FailureOr<quant::QuantizedType>
quantizedType(NodeContext &ctx, Type storage, Type expressed, size_t scaleInput,
              std::optional<size_t> zeroPointInput, int64_t axis, int64_t rank) {
  auto scales = ctx.constFloats(scaleInput, ctx.inputName(scaleInput));
  if (failed(scales))
    return failure();
  SmallVector<int64_t> zeroPoints(scales->size(), 0);
  if (zeroPointInput && ctx.hasInput(*zeroPointInput)) {
    auto zps = ctx.constInts(*zeroPointInput, ctx.inputName(*zeroPointInput));
    if (failed(zps))
      return failure();
    if (zps->size() != scales->size()) {
      ctx.emitError() << "has " << scales->size() << " scales but "
                      << zps->size() << " zero points";
      return failure();
    }
    zeroPoints = *zps;
  }
  return makeQuantizedType(ctx, storage, expressed, *scales, zeroPoints, axis, rank);
}

/// quant.scast of a signless tensor to `qtype`, or back to signless storage.
Value storageCast(NodeContext &ctx, Value v, Type element) {
  return quant::StorageCastOp::create(ctx.b, ctx.loc,
                                      typeOf(v).clone(element), v);
}



//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------===//

/// A per-tensor or per-axis parameter (scale or zero point) shaped to
/// broadcast against a tensor of rank `rank`.
FailureOr<Value> broadcastParameter(NodeContext &ctx, Value v, int64_t rank) {
  RankedTensorType type = typeOf(v);
  if (type.getNumElements() == 1)
    return reshape(ctx.b, ctx.loc, v, SmallVector<int64_t>(rank, 1));
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(rank, 1);
  shape[*axis] = type.getNumElements();
  return reshape(ctx.b, ctx.loc, v, shape);
}

/// Input `i`, an integer zero point, as i32 (unsigned values kept).
Value zeroPointAsI32(NodeContext &ctx, size_t i) {
  Type i32 = ctx.b.getI32Type();
  Value v = castElements(ctx.b, ctx.loc, ctx.signlessInput(i), i32);
  auto element = cast<IntegerType>(ctx.inputType(i).getElementType());
  if (!element.isUnsigned())
    return v;
  int64_t mask = (int64_t{1} << element.getWidth()) - 1;
  return binary<tosa::BitwiseAndOp>(ctx.b, ctx.loc, v,
                                    splat(ctx.b, ctx.loc, i32, {}, static_cast<double>(mask)));
}

/// QuantizeLinear with a scale known only at run time: the arithmetic
/// itself, y = saturate(round_half_even(x / scale) + zero point).
LogicalResult quantizeAtRunTime(NodeContext &ctx, Type storage) {
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank();
  auto intType = cast<IntegerType>(storage);
  if (intType.getWidth() > 16)
    return ctx.unsupported("a run-time scale with a 32-bit result");
  auto scale = broadcastParameter(ctx, ctx.input(1), rank);
  if (failed(scale))
    return failure();
  Type i32 = ctx.b.getI32Type();
  // tosa.cast rounds half to even.
  Value y = castElements(ctx.b, ctx.loc, divide(ctx.b, ctx.loc, x, *scale), i32);
  if (ctx.hasInput(2)) {
    auto zp = broadcastParameter(ctx, zeroPointAsI32(ctx, 2), rank);
    if (failed(zp))
      return failure();
    y = binary<tosa::AddOp>(ctx.b, ctx.loc, y, *zp);
  }
  bool isSigned = !intType.isUnsigned();
  unsigned width = intType.getWidth();
  y = clamp(ctx.b, ctx.loc, y,
            quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width),
            quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width));
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, y, storage));
  return success();
}

LogicalResult convertQuantizeLinear(NodeContext &ctx) {
  if (ctx.getInt("block_size", 0) != 0)
    return ctx.unsupported("blocked quantization (block_size)");
  Value x = ctx.input(0);
  Type expressed = typeOf(x).getElementType();
  Type storage = ctx.hasInput(2) ? ctx.inputType(2).getElementType()
                                 : Type(IntegerType::get(ctx.b.getContext(), 8,
                                                         IntegerType::Unsigned));
  if (int64_t dtype = ctx.getInt("output_dtype", 0)) {
    storage = convertElementType(ctx.b.getContext(), static_cast<int>(dtype));
    if (!storage || !isa<IntegerType>(storage))
      return ctx.unsupported("output_dtype " + onnxTypeName(static_cast<int>(dtype)));
  }
  if (!isa<IntegerType>(storage) || storage.isInteger(1))
    return ctx.unsupported("quantizing to a non-integer type");
  if (!ctx.isConstInput(1))
    return quantizeAtRunTime(ctx, storage);
  auto qtype = quantizedType(ctx, storage, expressed, 1, 2, ctx.getInt("axis", 1),
                             typeOf(x).getRank());
  if (failed(qtype))
    return failure();
  Value q = qf::QuantizeOp::create(ctx.b, ctx.loc, typeOf(x).clone(*qtype), x);
  ctx.setOutput(0, ctx.onnxView(storageCast(ctx, q, qtype->getStorageType()), storage));
  return success();
}

LogicalResult convertDequantizeLinear(NodeContext &ctx) {
  if (ctx.getInt("block_size", 0) != 0)
    return ctx.unsupported("blocked quantization (block_size)");
  RankedTensorType xType = ctx.inputType(0);
  Type expressed = ctx.inputType(1).getElementType();
  auto qtype = quantizedType(ctx, xType.getElementType(), expressed, 1, 2,
                             ctx.getInt("axis", 1), xType.getRank());
  if (failed(qtype))
    return failure();
  Value q = storageCast(ctx, ctx.signlessInput(0), *qtype);
  ctx.setOutput(0, qf::DequantizeOp::create(ctx.b, ctx.loc, xType.clone(expressed), q));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// The storage integers of a qf.matmul result (i32 as it is).
Type storageOf(Type element) {
  auto q = dyn_cast<quant::QuantizedType>(element);
  return q ? q.getStorageType() : element;
}

/// [..., M, K] x [..., K, N] with batch dimensions (numpy broadcasting): one
/// qf.matmul per batch element on slices of both, the results
/// concatenated. B varies with the batch, so no product has constant
/// weights for a packed kernel: the reference loops compute them.
FailureOr<Value> batchedQuantizedMatmul(NodeContext &ctx, size_t aIndex, Type aType,
                                        size_t bIndex, Type bType, Type resultElement) {
  RankedTensorType a = ctx.inputType(aIndex), b = ctx.inputType(bIndex);
  if (isa<quant::UniformQuantizedPerAxisType>(bType)) {
    (void)ctx.unsupported("a batched B with per-column parameters");
    return failure();
  }
  int64_t rank = std::max(a.getRank(), b.getRank());
  int64_t m = a.getDimSize(a.getRank() - 2), k = a.getDimSize(a.getRank() - 1),
          n = b.getDimSize(b.getRank() - 1);
  Value lhs = alignRank(ctx.b, ctx.loc, ctx.signlessInput(aIndex), rank);
  Value rhs = alignRank(ctx.b, ctx.loc, ctx.signlessInput(bIndex), rank);
  SmallVector<int64_t> batch = broadcastShape(typeOf(lhs).getShape().drop_back(2),
                                              typeOf(rhs).getShape().drop_back(2));
  int64_t count = product(batch);
  auto extended = [&](ArrayRef<int64_t> tail) {
    SmallVector<int64_t> shape(batch);
    shape.append(tail.begin(), tail.end());
    return shape;
  };
  lhs = reshape(ctx.b, ctx.loc, broadcastTo(ctx.b, ctx.loc, lhs, extended({m, k})), {count, m, k});
  rhs = reshape(ctx.b, ctx.loc, broadcastTo(ctx.b, ctx.loc, rhs, extended({k, n})), {count, k, n});
  Type storage = storageOf(resultElement);
  SmallVector<Value> products;
  for (int64_t i = 0; i < count; ++i) {
    Value x = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, lhs, {i, 0, 0}, {1, m, k}), {m, k});
    Value w = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, rhs, {i, 0, 0}, {1, k, n}), {k, n});
    Value y = qf::MatmulOp::create(ctx.b, ctx.loc, tensorType({m, n}, resultElement),
                                   storageCast(ctx, x, aType),
                                   storageCast(ctx, w, bType), Value(), nullptr);
    if (storage != resultElement)
      y = storageCast(ctx, y, storage);
    products.push_back(reshape(ctx.b, ctx.loc, y, {1, m, n}));
  }
  Value y = products.size() == 1
                ? products[0]
                : tosa::ConcatOp::create(ctx.b, ctx.loc, tensorType({count, m, n}, storage),
                                         products, ctx.b.getI32IntegerAttr(0))
                      .getResult();
  y = reshape(ctx.b, ctx.loc, y, extended({m, n}));
  return storage == resultElement ? y : storageCast(ctx, y, resultElement);
}

/// qf.matmul of inputs `a` and `b` with their quantized types; the result is
/// `resultElement` (a quantized type or i32).
FailureOr<Value> quantizedMatmul(NodeContext &ctx, size_t aIndex, Type aType,
                                 size_t bIndex, Type bType, Type resultElement) {
  RankedTensorType a = ctx.inputType(aIndex), b = ctx.inputType(bIndex);
  if (a.getRank() < 2 || b.getRank() < 2) {
    (void)ctx.unsupported("quantized MatMul of a vector (rank-1 operand)");
    return failure();
  }
  if (b.getRank() > 2)
    return batchedQuantizedMatmul(ctx, aIndex, aType, bIndex, bType, resultElement);
  SmallVector<int64_t> shape(a.getShape());
  shape.back() = b.getDimSize(1);
  Value lhs = storageCast(ctx, ctx.signlessInput(aIndex), aType);
  Value rhs = storageCast(ctx, ctx.signlessInput(bIndex), bType);
  return qf::MatmulOp::create(ctx.b, ctx.loc, tensorType(shape, resultElement),
                              lhs, rhs, /*bias=*/Value(), /*clamp=*/nullptr)
      .getResult();
}

LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  // (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point)
  Type expressed = ctx.inputType(1).getElementType();
  auto aq = quantizedType(ctx, ctx.inputType(0).getElementType(), expressed, 1, 2,
                          -1, ctx.inputType(0).getRank());
  if (failed(aq))
    return failure();
  auto bq = quantizedType(ctx, ctx.inputType(3).getElementType(), expressed, 4, 5,
                          -1, ctx.inputType(3).getRank());
  if (failed(bq))
    return failure();
  Type yStorage = ctx.inputType(7).getElementType();
  auto yq = quantizedType(ctx, yStorage, expressed, 6, 7, -1, 0);
  if (failed(yq))
    return failure();
  auto y = quantizedMatmul(ctx, 0, *aq, 3, *bq, *yq);
  if (failed(y))
    return failure();
  ctx.setOutput(0, ctx.onnxView(storageCast(ctx, *y, yq->getStorageType()), yStorage));
  return success();
}

/// The quantized type of an *Integer op's operand: scale 1, the given (or
/// zero) zero points.
FailureOr<quant::QuantizedType> integerOperandType(NodeContext &ctx, size_t input,
                                                   std::optional<size_t> zeroPoint,
                                                   int64_t axis) {
  RankedTensorType type = ctx.inputType(input);
  SmallVector<int64_t> zps = {0};
  if (zeroPoint && ctx.hasInput(*zeroPoint)) {
    auto v = ctx.constInts(*zeroPoint, ctx.inputName(*zeroPoint));
    if (failed(v))
      return failure();
    zps = *v;
  }
  SmallVector<double> ones(zps.size(), 1.0);
  return makeQuantizedType(ctx, type.getElementType(), ctx.b.getF32Type(), ones,
                           zps, axis, type.getRank());
}

LogicalResult convertMatMulInteger(NodeContext &ctx) {
  auto aq = integerOperandType(ctx, 0, 2, -1);
  if (failed(aq))
    return failure();
  auto bq = integerOperandType(ctx, 1, 3, 1);
  if (failed(bq))
    return failure();
  auto y = quantizedMatmul(ctx, 0, *aq, 1, *bq, ctx.b.getI32Type());
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// qf.conv2d over NCHW input `xIndex` and OIHW weights `wIndex` with their
/// quantized types, returning the NCHW result of element `resultElement`
/// (signless storage or i32).
FailureOr<Value> quantizedConv(NodeContext &ctx, size_t xIndex, Type xq,
                               size_t wIndex, Type wq, Value bias,
                               Type resultElement, Type resultStorage) {
  RankedTensorType xType = ctx.inputType(xIndex), wType = ctx.inputType(wIndex);
  if (xType.getRank() != 4) {
    (void)ctx.unsupported("quantized convolution other than 2-D");
    return failure();
  }
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, 2);
  if (failed(attrs))
    return failure();
  WindowAttrs a = *attrs;
  ArrayRef<int64_t> xs = xType.getShape(), ws = wType.getShape();
  auto h = resolveWindow(ctx, xs[2], ws[2], a.strides[0], a.dilations[0],
                         a.pads[0], a.pads[2], a.autoPad, false);
  auto w = resolveWindow(ctx, xs[3], ws[3], a.strides[1], a.dilations[1],
                         a.pads[1], a.pads[3], a.autoPad, false);
  if (failed(h) || failed(w))
    return failure();
  int64_t group = ctx.getInt("group", 1);
  // qf.conv2d's output size uses floor division, so the window's padding
  // applies without TOSA's cropping.
  Value input = transpose(ctx.b, ctx.loc, ctx.signlessInput(xIndex), kNchwToNhwc);
  input = storageCast(ctx, input, xq);
  Value filter;
  if (HostTensor wHost = ctx.constInput(wIndex))
    filter = constant(ctx.b, ctx.loc,
                      permuteConstant(wHost.bitcast(signlessOf(wType.getElementType())),
                                    {0, 2, 3, 1}));
  else
    filter = transpose(ctx.b, ctx.loc, ctx.signlessInput(wIndex), kNchwToNhwc);
  filter = storageCast(ctx, filter, wq);
  auto resultType = tensorType({xs[0], h->out, w->out, ws[0]}, resultElement);
  Value y = qf::Conv2DOp::create(
      ctx.b, ctx.loc, resultType, input, filter, bias,
      ctx.b.getDenseI64ArrayAttr({a.strides[0], a.strides[1]}),
      ctx.b.getDenseI64ArrayAttr({h->padBegin, h->padEnd + h->crop, w->padBegin,
                                  w->padEnd + w->crop}),
      ctx.b.getDenseI64ArrayAttr({a.dilations[0], a.dilations[1]}),
      ctx.b.getI64IntegerAttr(group), /*clamp=*/nullptr);
  if (resultStorage != resultElement)
    y = storageCast(ctx, y, resultStorage);
  return transpose(ctx.b, ctx.loc, y, kNhwcToNchw);
}

LogicalResult convertQLinearConv(NodeContext &ctx) {
  // (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
  //  y_zero_point, B)
  Type expressed = ctx.inputType(1).getElementType();
  auto xq = quantizedType(ctx, ctx.inputType(0).getElementType(), expressed, 1, 2,
                          -1, 4);
  if (failed(xq))
    return failure();
  auto wq = quantizedType(ctx, ctx.inputType(3).getElementType(), expressed, 4, 5,
                          0, 4);
  if (failed(wq))
    return failure();
  Type yStorage = ctx.inputType(7).getElementType();
  auto yq = quantizedType(ctx, yStorage, expressed, 6, 7, -1, 0);
  if (failed(yq))
    return failure();
  Value bias = ctx.hasInput(8) ? ctx.input(8) : Value();
  auto y = quantizedConv(ctx, 0, *xq, 3, *wq, bias, *yq, yq->getStorageType());
  if (failed(y))
    return failure();
  ctx.setOutput(0, ctx.onnxView(*y, yStorage));
  return success();
}

LogicalResult convertConvInteger(NodeContext &ctx) {
  auto xq = integerOperandType(ctx, 0, 2, -1);
  if (failed(xq))
    return failure();
  auto wq = integerOperandType(ctx, 1, 3, 0);
  if (failed(wq))
    return failure();
  Type i32 = ctx.b.getI32Type();
  auto y = quantizedConv(ctx, 0, *xq, 1, *wq, Value(), i32, i32);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

/// uint8 quantization with a scale and zero point computed at run time from
/// the tensor's range, as ONNX specifies (round half to even, saturate):
/// scale = (max(x, 0) - min(x, 0)) / 255, zero point = round(-min / scale),
/// y = round(x / scale) + zero point.
LogicalResult convertDynamicQuantizeLinear(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  if (!type.getElementType().isF32())
    return ctx.unsupported("a non-float32 input");
  int64_t rank = type.getRank();
  Type f32 = ctx.b.getF32Type(), i32 = ctx.b.getI32Type();
  Type u8 = IntegerType::get(ctx.b.getContext(), 8, IntegerType::Unsigned);
  Value flat = reshape(ctx.b, ctx.loc, x, {type.getNumElements()});
  Value zero = splat(ctx.b, ctx.loc, f32, {1}, 0.0);
  Value lo = binary<tosa::MinimumOp>(ctx.b, ctx.loc, reduceMin(ctx.b, ctx.loc, flat, 0), zero);
  Value hi = binary<tosa::MaximumOp>(ctx.b, ctx.loc, reduceMax(ctx.b, ctx.loc, flat, 0), zero);
  Value scale = divide(ctx.b, ctx.loc, binary<tosa::SubOp>(ctx.b, ctx.loc, hi, lo),
                       splat(ctx.b, ctx.loc, f32, {1}, 255.0));
  // tosa.cast rounds half to even and saturates, as ONNX wants.
  Value zpFloat = binary<tosa::SubOp>(ctx.b, ctx.loc, zero,
                                      divide(ctx.b, ctx.loc, lo, scale));
  Value zp = clamp(ctx.b, ctx.loc, castElements(ctx.b, ctx.loc, zpFloat, i32), 0, 255);
  SmallVector<int64_t> ones(rank, 1);
  Value scaled = divide(ctx.b, ctx.loc, x, reshape(ctx.b, ctx.loc, scale, ones));
  Value y = binary<tosa::AddOp>(ctx.b, ctx.loc, castElements(ctx.b, ctx.loc, scaled, i32),
                                reshape(ctx.b, ctx.loc, zp, ones));
  y = clamp(ctx.b, ctx.loc, y, 0, 255);
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, y, u8));
  if (ctx.numOutputs() > 1 && !ctx.node.output(1).empty())
    ctx.setOutput(1, reshape(ctx.b, ctx.loc, scale, {}));
  if (ctx.numOutputs() > 2 && !ctx.node.output(2).empty())
    ctx.setOutput(2, castElements(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, zp, {}), u8));
  return success();
}

} // namespace

void addQuantizedConverters(ConverterMap &map) {
  auto add = [&](StringRef name, ConvertFn fn, int since, StringRef lowersTo,
                 StringRef notes = "") {
    addConverter(map, name, fn, since, lowersTo, notes);
  };
  add("QuantizeLinear", convertQuantizeLinear, 10, "qf.quantize (+ quant.scast)",
      "per tensor and per axis; no block_size; a scale known only at run time "
      "is computed as arithmetic (x / scale, rounded, + zero point, saturated)");
  add("DequantizeLinear", convertDequantizeLinear, 10,
      "quant.scast + qf.dequantize",
      "per tensor and per axis (int32 biases too); constant scale and zero point");
  add("QLinearMatMul", convertQLinearMatMul, 10, "qf.matmul (requantized)",
      "B is [K, N], per tensor or per column, or batched [..., K, N] per tensor (a product "
      "per batch element)");
  add("QLinearConv", convertQLinearConv, 10, "qf.conv2d (requantized, NHWC)",
      "2-D; per-tensor or per-channel weights; int32 bias");
  add("MatMulInteger", convertMatMulInteger, 10, "qf.matmul (i32 result)",
      "B is [K, N] (per-column B zero points) or batched as QLinearMatMul's");
  add("ConvInteger", convertConvInteger, 10, "qf.conv2d (i32 result, NHWC)",
      "2-D; per-channel weight zero points");
  add("DynamicQuantizeLinear", convertDynamicQuantizeLinear, 11,
      "tosa.reduce_min/max, arith.divf, tosa.cast (round half to even), tosa.clamp",
      "float32 input; uint8 output, scale and zero point computed at run time");
}

} // namespace qforge::onnx_import
