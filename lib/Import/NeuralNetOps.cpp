//===- NeuralNetOps.cpp - ONNX convolution, GEMM, pooling, normalization --===//
//
// ONNX is channels-first (NCHW, OIHW); TOSA's convolutions and pools are
// channels-last (NHWC, OHWI). Each such op is wrapped in transposes (constant
// weights are transposed on the host); the transposes between consecutive
// layers cancel in later canonicalization.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Utils/Layout.h"
#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"
#include "Windows.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Rows [begin, begin + count) of a constant's leading dimension as a
/// constant of their own, or null where its elements are not whole bytes.
HostTensor leadingRows(HostTensor all, int64_t begin, int64_t count) {
  auto type = cast<RankedTensorType>(all.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t rows = shape[0];
  shape[0] = count;
  auto part = RankedTensorType::get(shape, type.getElementType());
  if (all.isSplat())
    return all.resizeSplat(part);
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0 || rows == 0)
    return {};
  ArrayRef<char> raw = all.getRawData();
  size_t rowBytes = raw.size() / rows;
  return DenseElementsAttr::getFromRawBuffer(part, raw.slice(begin * rowBytes, count * rowBytes));
}

Type accumulatorType(OpBuilder &b, Type element) {
  // f16/bf16 accumulate in f32 for accuracy; f32 in f32.
  return isa<FloatType>(element) ? Type(b.getF32Type()) : Type(b.getI32Type());
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

LogicalResult convertConv(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType xType = typeOf(x);
  Type element = xType.getElementType();
  if (!isa<FloatType>(element))
    return ctx.unsupported("integer Conv (use ConvInteger)");
  int64_t rank = xType.getRank();
  if (rank == 5)
    return convertVolumeConv(ctx);
  if (rank != 3 && rank != 4)
    return ctx.unsupported(llvm::Twine(rank - 2) + "-D convolution");
  bool oneD = rank == 3;

  RankedTensorType wType = ctx.inputType(1);
  // Constant weights are read once, in the layout TOSA wants.
  bool wConst = ctx.isConstInput(1);
  Value w;
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, rank - 2);
  if (failed(attrs))
    return failure();
  WindowAttrs a = *attrs;
  if (oneD) {
    liftTo2D(a);
    x = reshape(ctx.b, ctx.loc, x, withUnitH(xType.getShape()));
    SmallVector<int64_t> wShape = withUnitH(wType.getShape());
    if (!wConst)
      w = reshape(ctx.b, ctx.loc, ctx.input(1), wShape);
    wType = tensorType(wShape, element);
  } else if (!wConst) {
    w = ctx.input(1);
  }
  ArrayRef<int64_t> xs = typeOf(x).getShape(), ws = wType.getShape();
  int64_t group = ctx.getInt("group", 1);
  int64_t n = xs[0], c = xs[1], m = ws[0], cPerGroup = ws[1];
  if (group < 1 || c % group != 0 || m % group != 0 || cPerGroup * group != c) {
    ctx.emitError() << "group = " << group << " does not fit " << c
                    << " input and " << m << " output channels with weights of "
                    << cPerGroup << " channels per group";
    return failure();
  }

  auto h = resolveWindow(ctx, xs[2], ws[2], a.strides[0], a.dilations[0],
                         a.pads[0], a.pads[2], a.autoPad, false);
  if (failed(h))
    return failure();
  auto wd = resolveWindow(ctx, xs[3], ws[3], a.strides[1], a.dilations[1],
                          a.pads[1], a.pads[3], a.autoPad, false);
  if (failed(wd))
    return failure();

  Value input = toNhwc(ctx, x, *h, *wd);
  Value bias = ctx.hasInput(2) ? ctx.input(2) : splat(ctx.b, ctx.loc, element, {m}, 0);
  Value zp = zeroPoint(ctx.b, ctx.loc, element);
  auto pad = ctx.b.getDenseI64ArrayAttr({h->padBegin, h->padEnd, wd->padBegin, wd->padEnd});
  auto stride = ctx.b.getDenseI64ArrayAttr({a.strides[0], a.strides[1]});
  auto dilation = ctx.b.getDenseI64ArrayAttr({a.dilations[0], a.dilations[1]});
  auto acc = TypeAttr::get(accumulatorType(ctx.b, element));
  auto localBound = ctx.b.getBoolAttr(false);

  Value nhwc;
  if (group > 1 && cPerGroup == 1) {
    // Depthwise: TOSA wants weights [KH, KW, C, M/C] with output channel
    // c * (M/C) + j, the same order as ONNX's.
    int64_t mult = m / c;
    SmallVector<int64_t> split = {c, mult, ws[2], ws[3]};
    Value dw;
    if (wConst)
      dw = constant(ctx.b, ctx.loc, ctx.permutedConstInput(1, split, {2, 3, 0, 1}));
    else
      dw = transpose(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, w, split), {2, 3, 0, 1});
    nhwc = tosa::DepthwiseConv2DOp::create(
        ctx.b, ctx.loc, tensorType({n, h->out, wd->out, m}, element), input, dw,
        bias, zp, zp, pad, stride, dilation, acc, localBound);
  } else {
    HostTensor constOhwi = wConst ? ctx.permutedConstInput(1, ws, {0, 2, 3, 1}) : HostTensor();
    Value ohwi; // the whole filter, made only where a group slices it
    HostTensor constBias = ctx.hasInput(2) ? ctx.constInput(2) : HostTensor();
    int64_t mPerGroup = m / group;
    SmallVector<Value> parts;
    for (int64_t g = 0; g < group; ++g) {
      ArrayRef<int64_t> is = typeOf(input).getShape();
      Value in = slice(ctx.b, ctx.loc, input, {0, 0, 0, g * cPerGroup},
                       {is[0], is[1], is[2], cPerGroup});
      // Constant weights give each group a constant of its own, which the
      // kernels pack at compile time (a slice of one constant would be
      // transposed and packed on every call).
      HostTensor groupWeights =
          constOhwi ? leadingRows(constOhwi, g * mPerGroup, mPerGroup) : HostTensor();
      Value wg;
      if (groupWeights) {
        wg = constant(ctx.b, ctx.loc, groupWeights);
      } else {
        if (!ohwi)
          ohwi = constOhwi ? constant(ctx.b, ctx.loc, constOhwi)
                           : transpose(ctx.b, ctx.loc, w, kNchwToNhwc);
        wg = slice(ctx.b, ctx.loc, ohwi, {g * mPerGroup, 0, 0, 0},
                   {mPerGroup, ws[2], ws[3], cPerGroup});
      }
      // Quantization folds a constant bias into the integer op; a slice of
      // one would stay a float add.
      HostTensor groupBias =
          constBias ? leadingRows(constBias, g * mPerGroup, mPerGroup) : HostTensor();
      Value bg = !ctx.hasInput(2) ? splat(ctx.b, ctx.loc, element, {mPerGroup}, 0)
                 : groupBias      ? constant(ctx.b, ctx.loc, groupBias)
                                  : slice(ctx.b, ctx.loc, bias, {g * mPerGroup}, {mPerGroup});
      parts.push_back(tosa::Conv2DOp::create(
          ctx.b, ctx.loc, tensorType({n, h->out, wd->out, mPerGroup}, element),
          in, wg, bg, zp, zp, pad, stride, dilation, acc, localBound));
    }
    nhwc = parts.size() == 1
               ? parts[0]
               : tosa::ConcatOp::create(ctx.b, ctx.loc,
                                        tensorType({n, h->out, wd->out, m}, element),
                                        parts, ctx.b.getI32IntegerAttr(3))
                     .getResult();
  }
  Value y = transpose(ctx.b, ctx.loc, nhwc, kNhwcToNchw);
  if (oneD)
    y = reshape(ctx.b, ctx.loc, y, {n, m, wd->out});
  ctx.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// Kernel [M, KH, KW, C] with its taps `dh` and `dw` apart (zeros between):
/// [M, (KH - 1) * dh + 1, (KW - 1) * dw + 1, C].
HostTensor dilateKernel(HostTensor kernel, int64_t dh, int64_t dw) {
  ArrayRef<int64_t> s = kernel.getType().getShape();
  int64_t kh = (s[1] - 1) * dh + 1, kw = (s[2] - 1) * dw + 1;
  SmallVector<double> from = floatValues(kernel), to(s[0] * kh * kw * s[3], 0.0);
  for (int64_t m = 0; m < s[0]; ++m)
    for (int64_t i = 0; i < s[1]; ++i)
      for (int64_t j = 0; j < s[2]; ++j)
        for (int64_t c = 0; c < s[3]; ++c)
          to[((m * kh + i * dh) * kw + j * dw) * s[3] + c] =
              from[((m * s[1] + i) * s[2] + j) * s[3] + c];
  return makeFloatTensor(kernel.getElementType(), {s[0], kh, kw, s[3]}, to);
}

LogicalResult convertConvTranspose(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType xType = typeOf(x);
  Type element = xType.getElementType();
  if (!isa<FloatType>(element))
    return ctx.unsupported("integer ConvTranspose");
  int64_t rank = xType.getRank();
  if (rank == 5)
    return convertVolumeConvTranspose(ctx);
  if (rank != 3 && rank != 4)
    return ctx.unsupported(llvm::Twine(rank - 2) + "-D ConvTranspose");
  bool oneD = rank == 3;
  bool wConst = ctx.isConstInput(1);
  Value w = wConst ? Value() : ctx.input(1);
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, rank - 2);
  if (failed(attrs))
    return failure();
  WindowAttrs a = *attrs;
  SmallVector<int64_t> outputPadding = ctx.getInts("output_padding");
  SmallVector<int64_t> outputShape = ctx.getInts("output_shape");
  if (outputPadding.empty())
    outputPadding.assign(rank - 2, 0);
  if (static_cast<int64_t>(outputPadding.size()) != rank - 2 ||
      (!outputShape.empty() && static_cast<int64_t>(outputShape.size()) != rank - 2)) {
    ctx.emitError() << "'output_padding' and 'output_shape' take one value per spatial "
                       "dimension ("
                    << rank - 2 << ")";
    return failure();
  }
  RankedTensorType wType = ctx.inputType(1);
  if (oneD) {
    liftTo2D(a);
    outputPadding.insert(outputPadding.begin(), 0);
    if (!outputShape.empty())
      outputShape.insert(outputShape.begin(), 1);
    x = reshape(ctx.b, ctx.loc, x, withUnitH(xType.getShape()));
    SmallVector<int64_t> wShape = withUnitH(wType.getShape());
    if (!wConst)
      w = reshape(ctx.b, ctx.loc, w, wShape);
    wType = tensorType(wShape, element);
  }
  // Dilation spreads the kernel's taps apart: the same transposed
  // convolution with zeros between them.
  HostTensor dilated;
  if (llvm::any_of(a.dilations, [](int64_t d) { return d != 1; })) {
    if (!wConst) {
      ctx.emitError() << "input '" << ctx.inputName(1)
                      << "' must be a constant float tensor (computed at compile time) for a "
                         "dilated ConvTranspose; a value known only at run time is not supported";
      return failure();
    }
    dilated = dilateKernel(ctx.permutedConstInput(1, wType.getShape(), {1, 2, 3, 0}),
                           a.dilations[0], a.dilations[1]);
    ArrayRef<int64_t> spread = dilated.getType().getShape();
    wType = tensorType({wType.getDimSize(0), wType.getDimSize(1), spread[1], spread[2]},
                       element);
  }
  ArrayRef<int64_t> xs = typeOf(x).getShape(), ws = wType.getShape();
  int64_t group = ctx.getInt("group", 1);
  int64_t n = xs[0], c = xs[1], mPerGroup = ws[1], m = mPerGroup * group;
  if (group < 1 || ws[0] != c || c % group != 0) {
    ctx.emitError() << "weights of shape [" << ws[0] << ", " << ws[1]
                    << ", ...] do not fit " << c << " input channels in "
                    << group << " groups";
    return failure();
  }
  // Begin/end padding per spatial axis; output_shape or SAME auto_pad
  // determine it from the wanted output size.
  int64_t out[2], padBegin[2], padEnd[2];
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> size;
    if (!outputShape.empty())
      size = outputShape[outputShape.size() - 2 + i];
    auto w = resolveTransposedWindow(ctx, 2 + i, xs[2 + i], ws[2 + i], a.strides[i],
                                     outputPadding[i], a.pads[i], a.pads[i + 2], size,
                                     a.autoPad);
    if (failed(w))
      return failure();
    out[i] = w->out;
    padBegin[i] = w->padBegin;
    padEnd[i] = w->padEnd;
  }
  // TOSA: weights [OC, KH, KW, IC]; output = (in - 1) * stride + KH +
  // out_pad_top + out_pad_bottom, where negative out_pad crops.
  Value input = transpose(ctx.b, ctx.loc, x, kNchwToNhwc);
  // [C, M/g, KH, KW] -> [M/g, KH, KW, C]
  Value weights = dilated  ? constant(ctx.b, ctx.loc, dilated)
                  : wConst ? constant(ctx.b, ctx.loc,
                                      ctx.permutedConstInput(1, wType.getShape(), {1, 2, 3, 0}))
                           : transpose(ctx.b, ctx.loc, w, {1, 2, 3, 0});
  Value bias = ctx.hasInput(2) ? ctx.input(2) : splat(ctx.b, ctx.loc, element, {m}, 0);
  Value zp = zeroPoint(ctx.b, ctx.loc, element);
  auto outPad = ctx.b.getDenseI64ArrayAttr(
      {-padBegin[0], -padEnd[0] + outputPadding[0], -padBegin[1],
       -padEnd[1] + outputPadding[1]});
  auto stride = ctx.b.getDenseI64ArrayAttr({a.strides[0], a.strides[1]});
  auto acc = TypeAttr::get(accumulatorType(ctx.b, element));
  int64_t cPerGroup = c / group;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value in = slice(ctx.b, ctx.loc, input, {0, 0, 0, g * cPerGroup},
                     {n, xs[2], xs[3], cPerGroup});
    Value wg = slice(ctx.b, ctx.loc, weights, {0, 0, 0, g * cPerGroup},
                     {mPerGroup, ws[2], ws[3], cPerGroup});
    Value bg = slice(ctx.b, ctx.loc, bias, {g * mPerGroup}, {mPerGroup});
    parts.push_back(tosa::TransposeConv2DOp::create(
        ctx.b, ctx.loc, tensorType({n, out[0], out[1], mPerGroup}, element), in,
        wg, bg, zp, zp, outPad, stride, acc, ctx.b.getBoolAttr(false)));
  }
  Value nhwc = parts.size() == 1
                   ? parts[0]
                   : tosa::ConcatOp::create(ctx.b, ctx.loc,
                                            tensorType({n, out[0], out[1], m}, element),
                                            parts, ctx.b.getI32IntegerAttr(3))
                         .getResult();
  Value y = transpose(ctx.b, ctx.loc, nhwc, kNhwcToNchw);
  if (oneD)
    y = reshape(ctx.b, ctx.loc, y, {n, m, out[1]});
  ctx.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

template <bool isMax>
LogicalResult convertPool(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType xType = typeOf(x);
  Type element = xType.getElementType();
  int64_t rank = xType.getRank();
  if (rank < 3)
    return ctx.unsupported("pooling of a rank-" + llvm::Twine(rank) + " input");
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, rank - 2);
  if (failed(attrs))
    return failure();
  WindowAttrs a = *attrs;
  if (isMax && ctx.outputUsed(1)) {
    auto pooled = maxPoolWithIndices(ctx, x, a, ctx.getInt("storage_order", 0) != 0);
    if (failed(pooled))
      return failure();
    ctx.setOutput(0, pooled->first);
    ctx.setOutput(1, pooled->second);
    return success();
  }
  if (rank > 4 || llvm::any_of(a.dilations, [](int64_t d) { return d != 1; })) {
    auto y = poolByTaps(ctx, x, a, isMax ? TapPool::Max : TapPool::Average);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  }
  bool oneD = rank == 3;
  if (oneD) {
    liftTo2D(a);
    x = reshape(ctx.b, ctx.loc, x, withUnitH(xType.getShape()));
  }
  if (a.kernel.size() != 2)
    return ctx.unsupported("a kernel_shape that does not match the input rank");
  bool ceilMode = ctx.getInt("ceil_mode", 0) != 0;
  ArrayRef<int64_t> xs = typeOf(x).getShape();
  auto h = resolveWindow(ctx, xs[2], a.kernel[0], a.strides[0], 1, a.pads[0],
                         a.pads[2], a.autoPad, ceilMode);
  if (failed(h))
    return failure();
  auto w = resolveWindow(ctx, xs[3], a.kernel[1], a.strides[1], 1, a.pads[1],
                         a.pads[3], a.autoPad, ceilMode);
  if (failed(w))
    return failure();
  Value input = toNhwc(ctx, x, *h, *w);
  // TOSA's lowering compares signed integers only: pool unsigned 8/16-bit
  // data as i32 (zero-extended) and narrow back.
  Type poolElement = element;
  if (auto intType = dyn_cast<IntegerType>(element);
      isMax && intType && intType.isUnsigned() && intType.getWidth() < 32) {
    poolElement = ctx.b.getI32Type();
    input = castElements(ctx.b, ctx.loc, input, poolElement);
  }
  auto kernel = ctx.b.getDenseI64ArrayAttr({a.kernel[0], a.kernel[1]});
  auto stride = ctx.b.getDenseI64ArrayAttr({a.strides[0], a.strides[1]});
  auto resultType = tensorType({xs[0], h->out, w->out, xs[1]}, element);
  Value nhwc;
  if (isMax) {
    auto pad = ctx.b.getDenseI64ArrayAttr({h->padBegin, h->padEnd, w->padBegin, w->padEnd});
    nhwc = tosa::MaxPool2dOp::create(ctx.b, ctx.loc, resultType.clone(poolElement),
                                     input, kernel, stride, pad);
    nhwc = castElements(ctx.b, ctx.loc, nhwc, element);
  } else {
    // TOSA averages over the valid (unpadded) elements only, which is ONNX's
    // count_include_pad = 0. For count_include_pad = 1 the declared padding
    // becomes explicit zeros; only the extra ceil_mode padding stays
    // uncounted, as ONNX specifies.
    SmallVector<int64_t> padding = {h->padBegin, h->padEnd, w->padBegin, w->padEnd};
    if (ctx.getInt("count_include_pad", 0) != 0) {
      int64_t extraH = std::max<int64_t>(h->padEnd - a.pads[2], 0);
      int64_t extraW = std::max<int64_t>(w->padEnd - a.pads[3], 0);
      SmallVector<int64_t> explicitPad = {0, 0, h->padBegin, h->padEnd - extraH,
                                          w->padBegin, w->padEnd - extraW, 0, 0};
      ArrayRef<int64_t> is = typeOf(input).getShape();
      auto paddedType = tensorType({is[0], is[1] + explicitPad[2] + explicitPad[3],
                                    is[2] + explicitPad[4] + explicitPad[5], is[3]},
                                   element);
      input = tosa::PadOp::create(ctx.b, ctx.loc, paddedType, input,
                                  shapeValue(ctx.b, ctx.loc, explicitPad),
                                  splat(ctx.b, ctx.loc, element, {1}, 0));
      padding = {0, extraH, 0, extraW};
    }
    Value zp = zeroPoint(ctx.b, ctx.loc, element);
    nhwc = tosa::AvgPool2dOp::create(
        ctx.b, ctx.loc, resultType, input, zp, zp, kernel, stride,
        ctx.b.getDenseI64ArrayAttr(padding),
        TypeAttr::get(accumulatorType(ctx.b, element)));
  }
  Value y = transpose(ctx.b, ctx.loc, nhwc, kNhwcToNchw);
  if (oneD)
    y = reshape(ctx.b, ctx.loc, y, {xs[0], xs[1], w->out});
  ctx.setOutput(0, y);
  return success();
}

template <bool isMax>
LogicalResult convertGlobalPool(NodeContext &ctx) {
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank();
  if (!isMax)
    if (Value mean = imageMean(ctx.b, ctx.loc, x)) {
      ctx.setOutput(0, mean);
      return success();
    }
  int64_t count = 1;
  for (int64_t d = 2; d < rank; ++d) {
    count *= typeOf(x).getDimSize(d);
    x = isMax ? reduceMax(ctx.b, ctx.loc, x, d) : reduceSum(ctx.b, ctx.loc, x, d);
  }
  if (!isMax)
    x = mulScalar(ctx.b, ctx.loc, x, 1.0 / static_cast<double>(count));
  ctx.setOutput(0, x);
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm and MatMul
//===----------------------------------------------------------------------===//

LogicalResult convertGemm(NodeContext &ctx) {
  Value a = ctx.input(0);
  Type element = typeOf(a).getElementType();
  if (!isa<FloatType>(element))
    return ctx.unsupported("integer Gemm");
  if (ctx.getInt("transA", 0))
    a = transpose(ctx.b, ctx.loc, a, {1, 0});
  Value b;
  bool transB = ctx.getInt("transB", 0) != 0;
  if (ctx.isConstInput(1))
    b = constant(ctx.b, ctx.loc,
                 transB ? ctx.permutedConstInput(1, ctx.inputType(1).getShape(), {1, 0})
                        : ctx.constInput(1));
  else
    b = transB ? transpose(ctx.b, ctx.loc, ctx.input(1), {1, 0}) : ctx.input(1);
  if (typeOf(a).getRank() != 2 || typeOf(b).getRank() != 2) {
    ctx.emitError() << "A and B must be matrices, not of rank " << typeOf(a).getRank()
                    << " and " << typeOf(b).getRank();
    return failure();
  }
  int64_t m = typeOf(a).getDimSize(0), k = typeOf(a).getDimSize(1),
          n = typeOf(b).getDimSize(1);
  if (typeOf(b).getDimSize(0) != k) {
    ctx.emitError() << "inner dimensions differ: A" << (ctx.getInt("transA", 0) ? "'" : "")
                    << " has " << k << " columns, B" << (transB ? "'" : "") << " "
                    << typeOf(b).getDimSize(0) << " rows";
    return failure();
  }
  if (ctx.hasInput(2)) {
    // C broadcasts one way to [M, N]: rank at most 2, each size 1 or equal.
    ArrayRef<int64_t> c = ctx.inputType(2).getShape();
    SmallVector<int64_t> target = {m, n};
    bool fits = c.size() <= 2;
    for (size_t i = 0; fits && i < c.size(); ++i)
      fits = c[i] == 1 || c[i] == target[2 - c.size() + i];
    if (!fits) {
      InFlightDiagnostic diag = ctx.emitError();
      diag << "C of shape [";
      llvm::interleaveComma(c, diag);
      diag << "] does not broadcast to the product's [" << m << ", " << n << "]";
      return failure();
    }
  }
  Value y = batchMatmul(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, a, {1, m, k}),
                        reshape(ctx.b, ctx.loc, b, {1, k, n}));
  y = reshape(ctx.b, ctx.loc, y, {m, n});
  double alpha = ctx.getFloat("alpha", 1.0f), beta = ctx.getFloat("beta", 1.0f);
  if (alpha != 1.0)
    y = mulScalar(ctx.b, ctx.loc, y, alpha);
  if (ctx.hasInput(2) && beta != 0.0) {
    Value c = ctx.input(2);
    if (beta != 1.0)
      c = mulScalar(ctx.b, ctx.loc, c, beta);
    y = binary<tosa::AddOp>(ctx.b, ctx.loc, y, c);
  }
  ctx.setOutput(0, y);
  return success();
}

LogicalResult convertMatMul(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  Type element = typeOf(a).getElementType();
  if (!isa<FloatType>(element))
    return ctx.unsupported("integer MatMul (use MatMulInteger)");
  // 1-D operands are promoted to matrices and the unit dimension removed
  // from the result afterwards, as numpy.matmul does.
  bool vecA = typeOf(a).getRank() == 1, vecB = typeOf(b).getRank() == 1;
  if (vecA)
    a = reshape(ctx.b, ctx.loc, a, {1, typeOf(a).getDimSize(0)});
  if (vecB)
    b = reshape(ctx.b, ctx.loc, b, {typeOf(b).getDimSize(0), 1});
  ArrayRef<int64_t> as = typeOf(a).getShape(), bs = typeOf(b).getShape();
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k) {
    ctx.emitError() << "inner dimensions differ: " << k << " and "
                    << bs[bs.size() - 2];
    return failure();
  }
  SmallVector<int64_t> batchA(as.drop_back(2)), batchB(bs.drop_back(2));
  SmallVector<int64_t> batch = broadcastShape(batchA, batchB);
  int64_t batchCount = 1;
  for (int64_t d : batch)
    batchCount *= d;

  Value y;
  if (batchB.empty() || llvm::all_of(batchB, [](int64_t d) { return d == 1; })) {
    // Shared weights: fold the batch into M.
    int64_t rows = 1;
    for (int64_t d : batchA)
      rows *= d;
    y = batchMatmul(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, a, {1, rows * m, k}),
                    reshape(ctx.b, ctx.loc, b, {1, k, n}));
  } else {
    SmallVector<int64_t> fullA(batch), fullB(batch);
    fullA.append({m, k});
    fullB.append({k, n});
    a = broadcastTo(ctx.b, ctx.loc, a, fullA);
    b = broadcastTo(ctx.b, ctx.loc, b, fullB);
    y = batchMatmul(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, a, {batchCount, m, k}),
                    reshape(ctx.b, ctx.loc, b, {batchCount, k, n}));
  }
  SmallVector<int64_t> outShape(batch);
  if (!vecA)
    outShape.push_back(m);
  if (!vecB)
    outShape.push_back(n);
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, y, outShape));
  return success();
}

/// Det of [..., n, n] matrices for n up to 3, by cofactor expansion in
/// element-wise TOSA ops (larger ones would need pivoting at run time).
LogicalResult convertDet(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  if (rank < 2 || type.getDimSize(rank - 1) != type.getDimSize(rank - 2) ||
      !isa<FloatType>(type.getElementType())) {
    ctx.emitError() << "the input is not a float tensor of square matrices";
    return failure();
  }
  int64_t n = type.getDimSize(rank - 1);
  if (n > 3)
    return ctx.unsupported("Det of matrices larger than 3x3");
  SmallVector<int64_t> batch(type.getShape().drop_back(2));
  auto e = [&](int64_t i, int64_t j) {
    SmallVector<int64_t> start(rank, 0), size(type.getShape());
    start[rank - 2] = i;
    start[rank - 1] = j;
    size[rank - 2] = size[rank - 1] = 1;
    return reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, x, start, size), batch);
  };
  auto times = [&](Value a, Value b) { return mul(ctx.b, ctx.loc, a, b); };
  auto minus = [&](Value a, Value b) { return binary<tosa::SubOp>(ctx.b, ctx.loc, a, b); };
  // The 2x2 determinant of rows r0, r1 and columns c0, c1.
  auto minor = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    return minus(times(e(r0, c0), e(r1, c1)), times(e(r0, c1), e(r1, c0)));
  };
  Value det;
  if (n == 1)
    det = e(0, 0);
  else if (n == 2)
    det = minor(0, 1, 0, 1);
  else
    det = binary<tosa::AddOp>(
        ctx.b, ctx.loc, minus(times(e(0, 0), minor(1, 2, 1, 2)), times(e(0, 1), minor(1, 2, 0, 2))),
        times(e(0, 2), minor(1, 2, 0, 1)));
  ctx.setOutput(0, det);
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//


/// Training mode (opset 14 on): normalized with the batch's own mean and
/// (population) variance per channel; the running statistics are updated
/// with momentum.
LogicalResult convertBatchNormTraining(NodeContext &ctx) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank(), channels = typeOf(x).getDimSize(1);
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (d != 1)
      axes.push_back(d);
  auto [mean, var] = moments(ctx.b, ctx.loc, x, axes);
  Value invStd = tosa::RsqrtOp::create(b, loc, typeOf(var),
                                       addScalar(b, loc, var, ctx.getFloat("epsilon", 1e-5f)));
  Value y = mul(b, loc, binary<tosa::SubOp>(b, loc, x, mean), invStd);
  y = mul(b, loc, y, perChannel(ctx.b, ctx.loc, ctx.input(1), rank));
  ctx.setOutput(0, binary<tosa::AddOp>(b, loc, y, perChannel(ctx.b, ctx.loc, ctx.input(2), rank)));
  double momentum = ctx.getFloat("momentum", 0.9f);
  auto running = [&](Value old, Value batch) {
    return binary<tosa::AddOp>(b, loc, mulScalar(b, loc, old, momentum),
                               mulScalar(b, loc, reshape(b, loc, batch, {channels}),
                                         1.0 - momentum));
  };
  if (ctx.outputUsed(1))
    ctx.setOutput(1, running(ctx.input(3), mean));
  if (ctx.outputUsed(2))
    ctx.setOutput(2, running(ctx.input(4), var));
  return success();
}

LogicalResult convertBatchNorm(NodeContext &ctx) {
  if (ctx.opset >= 14 && ctx.getInt("training_mode", 0) != 0)
    return convertBatchNormTraining(ctx);
  for (int i = 1; i < ctx.node.output_size(); ++i)
    if (ctx.outputUsed(i))
      return ctx.unsupported("training-mode BatchNormalization outputs before opset 14");
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank();
  Type element = typeOf(x).getElementType();
  double eps = ctx.getFloat("epsilon", 1e-5f);
  HostTensor scale = ctx.constInput(1), bias = ctx.constInput(2),
             mean = ctx.constInput(3), var = ctx.constInput(4);
  Value a, c;
  if (scale && bias && mean && var) {
    // y = x * a + c with a = scale / sqrt(var + eps), c = bias - mean * a,
    // computed once here in double precision.
    SmallVector<double> s = floatValues(scale), bb = floatValues(bias),
                        mu = floatValues(mean), v = floatValues(var);
    SmallVector<double> av, cv;
    for (size_t i = 0; i < s.size(); ++i) {
      av.push_back(s[i] / std::sqrt(v[i] + eps));
      cv.push_back(bb[i] - mu[i] * av.back());
    }
    int64_t channels = static_cast<int64_t>(s.size());
    a = constant(ctx.b, ctx.loc, makeFloatTensor(element, {channels}, av));
    c = constant(ctx.b, ctx.loc, makeFloatTensor(element, {channels}, cv));
  } else {
    Value inv = tosa::RsqrtOp::create(
        ctx.b, ctx.loc, typeOf(ctx.input(4)),
        addScalar(ctx.b, ctx.loc, ctx.input(4), eps));
    a = mul(ctx.b, ctx.loc, ctx.input(1), inv);
    c = binary<tosa::SubOp>(ctx.b, ctx.loc, ctx.input(2),
                            mul(ctx.b, ctx.loc, ctx.input(3), a));
  }
  Value y = mul(ctx.b, ctx.loc, x, perChannel(ctx.b, ctx.loc, a, rank));
  ctx.setOutput(0, binary<tosa::AddOp>(ctx.b, ctx.loc, y, perChannel(ctx.b, ctx.loc, c, rank)));
  return success();
}


LogicalResult convertLayerNorm(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return ctx.unsupported("integer LayerNormalization");
  int64_t rank = typeOf(x).getRank();
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  auto [mean, var] = moments(ctx.b, ctx.loc, x, axes);
  Value invStd = tosa::RsqrtOp::create(
      ctx.b, ctx.loc, typeOf(var),
      addScalar(ctx.b, ctx.loc, var, ctx.getFloat("epsilon", 1e-5f)));
  Value y = mul(ctx.b, ctx.loc, binary<tosa::SubOp>(ctx.b, ctx.loc, x, mean), invStd);
  y = mul(ctx.b, ctx.loc, y, ctx.input(1));
  if (ctx.hasInput(2))
    y = binary<tosa::AddOp>(ctx.b, ctx.loc, y, ctx.input(2));
  ctx.setOutput(0, y);
  if (ctx.numOutputs() > 1 && !ctx.node.output(1).empty())
    ctx.setOutput(1, mean);
  if (ctx.numOutputs() > 2 && !ctx.node.output(2).empty())
    ctx.setOutput(2, invStd);
  return success();
}

/// MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9) over
/// `axes` (default [0, 2, 3]), as ONNX's function body defines it.
LogicalResult convertMeanVarianceNorm(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return ctx.unsupported("integer MeanVarianceNormalization");
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> axes;
  SmallVector<int64_t> given = ctx.hasAttr("axes") ? ctx.getInts("axes")
                                                   : SmallVector<int64_t>{0, 2, 3};
  for (int64_t axis : given) {
    FailureOr<int64_t> a = ctx.normalizeAxis(axis, rank);
    if (failed(a))
      return failure();
    axes.push_back(*a);
  }
  auto [mean, var] = moments(ctx.b, ctx.loc, x, axes);
  Value std = math::SqrtOp::create(ctx.b, ctx.loc, var);
  ctx.setOutput(0, divide(ctx.b, ctx.loc, binary<tosa::SubOp>(ctx.b, ctx.loc, x, mean),
                          addScalar(ctx.b, ctx.loc, std, 1e-9)));
  return success();
}

/// LRN: x / (bias + alpha / size * (sum of x^2 over the `size` channels
/// around each one))^beta, the channel window padded with zeros.
LogicalResult convertLRN(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  if (!isa<FloatType>(type.getElementType()) || type.getRank() < 3)
    return ctx.unsupported("LRN other than on a float [N, C, ...] tensor");
  int64_t size = ctx.getInt("size", 0);
  if (size < 1) {
    ctx.emitError() << "size must be positive, got " << size;
    return failure();
  }
  int64_t rank = type.getRank(), before = (size - 1) / 2, after = size - 1 - before;
  Value square = mul(ctx.b, ctx.loc, x, x);
  SmallVector<int64_t> padding(2 * rank, 0), grown(type.getShape());
  padding[2] = before;
  padding[3] = after;
  grown[1] += size - 1;
  Value padded = tosa::PadOp::create(ctx.b, ctx.loc, type.clone(grown), square,
                                     shapeValue(ctx.b, ctx.loc, padding),
                                     splat(ctx.b, ctx.loc, type.getElementType(), {1}, 0));
  Value sum;
  for (int64_t i = 0; i < size; ++i) {
    SmallVector<int64_t> start(rank, 0);
    start[1] = i;
    Value part = slice(ctx.b, ctx.loc, padded, start, type.getShape());
    sum = sum ? binary<tosa::AddOp>(ctx.b, ctx.loc, sum, part) : part;
  }
  double alpha = ctx.getFloat("alpha", 1e-4f), beta = ctx.getFloat("beta", 0.75f);
  Value base = addScalar(ctx.b, ctx.loc, mulScalar(ctx.b, ctx.loc, sum, alpha / size),
                         ctx.getFloat("bias", 1.0f));
  SmallVector<int64_t> ones(rank, 1);
  Value power = binary<tosa::PowOp>(ctx.b, ctx.loc, base,
                                    splat(ctx.b, ctx.loc, type.getElementType(), ones, beta));
  ctx.setOutput(0, divide(ctx.b, ctx.loc, x, power));
  return success();
}

LogicalResult convertInstanceNorm(NodeContext &ctx) {
  Value x = ctx.input(0);
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  auto [mean, var] = moments(ctx.b, ctx.loc, x, axes);
  Value invStd = tosa::RsqrtOp::create(
      ctx.b, ctx.loc, typeOf(var),
      addScalar(ctx.b, ctx.loc, var, ctx.getFloat("epsilon", 1e-5f)));
  Value y = mul(ctx.b, ctx.loc, binary<tosa::SubOp>(ctx.b, ctx.loc, x, mean), invStd);
  y = mul(ctx.b, ctx.loc, y, perChannel(ctx.b, ctx.loc, ctx.input(1), rank));
  ctx.setOutput(0, binary<tosa::AddOp>(ctx.b, ctx.loc, y,
                                       perChannel(ctx.b, ctx.loc, ctx.input(2), rank)));
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// One at the first largest element along `axis`, zero elsewhere:
/// tosa.argmax, compared with each position's index along the axis.
Value hardmaxAlong(NodeContext &ctx, Value x, int64_t axis) {
  RankedTensorType type = typeOf(x);
  Value positions =
      axisPositions(ctx.b, ctx.loc, type.getRank(), axis, type.getDimSize(axis));
  Value hit = binary<tosa::EqualOp>(ctx.b, ctx.loc, positions,
                                    argMaxKeepingAxis(ctx.b, ctx.loc, x, axis),
                                    ctx.b.getI1Type());
  return castElements(ctx.b, ctx.loc, hit, type.getElementType());
}

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

template <SoftmaxKind kind>
LogicalResult convertSoftmax(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return ctx.unsupported("integer input");
  auto along = [&](Value v, int64_t axis) {
    return kind == SoftmaxKind::Hardmax
               ? hardmaxAlong(ctx, v, axis)
               : softmax(ctx.b, ctx.loc, v, axis, kind == SoftmaxKind::LogSoftmax);
  };
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t rank = static_cast<int64_t>(shape.size());
  FailureOr<int64_t> normalized =
      ctx.normalizeAxis(ctx.getInt("axis", ctx.opset < 13 ? 1 : -1), rank);
  if (failed(normalized))
    return failure();
  int64_t axis = *normalized;
  if (ctx.opset >= 13) {
    ctx.setOutput(0, along(x, axis));
    return success();
  }
  // Before opset 13 the input is seen as a matrix [prod(:axis), prod(axis:)]
  // and normalized along its rows.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= shape[d];
  Value flat = reshape(ctx.b, ctx.loc, x, {outer, inner});
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, along(flat, 1), shape));
  return success();
}

LogicalResult convertDropout(NodeContext &ctx) {
  if (ctx.hasInput(2)) {
    // Training mode drops at random, unless the ratio is 0.
    auto training = ctx.constScalar(2, "training_mode");
    if (failed(training))
      return failure();
    if (*training != 0.0) {
      auto ratio = ctx.hasInput(1) ? ctx.constScalar(1, "ratio") : FailureOr<double>(0.5);
      if (failed(ratio))
        return failure();
      if (*ratio != 0.0)
        return ctx.unsupported("training_mode with a non-zero ratio (random masks)");
    }
  }
  Value x = ctx.input(0);
  ctx.setOutput(0, x);
  if (ctx.outputUsed(1))
    ctx.setOutput(1, DenseElementsAttr::get(
                         tensorType(typeOf(x).getShape(), ctx.b.getI1Type()), true));
  return success();
}

} // namespace

void addNeuralNetConverters(ConverterMap &map) {
  auto add = [&](StringRef name, ConvertFn fn, int since, StringRef lowersTo,
                 StringRef notes = "") {
    addConverter(map, name, fn, since, lowersTo, notes);
  };
  add("Conv", convertConv, 1,
      "tosa.conv2d / tosa.depthwise_conv2d (NCHW<->NHWC transposes); 3-D: tosa.conv3d",
      "1-D, 2-D and 3-D; groups (depthwise and general); auto_pad; dilations");
  add("ConvTranspose", convertConvTranspose, 1,
      "tosa.transpose_conv2d (NCHW<->NHWC transposes); 3-D: tosa.conv3d of the input spread "
      "by the strides, kernel flipped",
      "1-D, 2-D and 3-D; groups; pads, output_padding, output_shape, auto_pad; dilations "
      "(2-D: with constant weights)");
  add("MaxPool", convertPool<true>, 1, "tosa.max_pool2d; dilated or 3-D+: tosa.maximum of taps",
      "any rank; ceil_mode; dilations; Indices output (by taps; storage_order)");
  add("AveragePool", convertPool<false>, 1,
      "tosa.avg_pool2d (+ tosa.pad); dilated or 3-D+: sums of taps",
      "any rank; count_include_pad; ceil_mode; dilations");
  add("GlobalAveragePool", convertGlobalPool<false>, 1,
      "tosa.avg_pool2d (2-D, static size); else tosa.reduce_sum + tosa.mul");
  add("GlobalMaxPool", convertGlobalPool<true>, 1, "tosa.reduce_max");
  add("Gemm", convertGemm, 7, "tosa.matmul (+ tosa.mul, tosa.add)",
      "transA/transB/alpha/beta; constant B is transposed at import");
  add("MatMul", convertMatMul, 1, "tosa.matmul (+ reshapes, tosa.tile)",
      "batched with numpy broadcasting; 1-D operands");
  add("BatchNormalization", convertBatchNorm, 7, "tosa.mul + tosa.add",
      "folds into the preceding Conv/Gemm when everything is constant, else one "
      "scale and shift; training_mode (opset 14+): batch statistics and running "
      "mean/var outputs");
  add("LayerNormalization", convertLayerNorm, 17,
      "tosa.reduce_sum + tosa.rsqrt + tosa.mul + tosa.add",
      "Mean and InvStdDev outputs too");
  add("InstanceNormalization", convertInstanceNorm, 6,
      "tosa.reduce_sum + tosa.rsqrt + tosa.mul + tosa.add");
  add("Det", convertDet, 11, "tosa.slice + tosa.mul + tosa.sub (cofactors)",
      "float; matrices up to 3x3");
  add("MeanVarianceNormalization", convertMeanVarianceNorm, 9,
      "tosa.reduce_sum + math.sqrt + arith.divf", "axes (default [0, 2, 3])");
  add("LRN", convertLRN, 1, "tosa.pad + tosa.slice sums + tosa.pow + arith.divf",
      "across channels of [N, C, ...]");
  add("Softmax", convertSoftmax<SoftmaxKind::Softmax>, 1,
      "tosa.reduce_max + tosa.exp + tosa.reduce_sum + tosa.reciprocal",
      "opset < 13 flattens to 2-D at axis, as specified");
  add("LogSoftmax", convertSoftmax<SoftmaxKind::LogSoftmax>, 1,
      "tosa.reduce_max + tosa.exp + tosa.reduce_sum + tosa.log");
  add("Hardmax", convertSoftmax<SoftmaxKind::Hardmax>, 1,
      "tosa.argmax + tosa.equal with the axis' indices + tosa.cast",
      "axis as Softmax (opset < 13: along the flattened rows); first maximum");
  add("Dropout", convertDropout, 7, "(forwarded)",
      "inference, or training mode with ratio 0; mask output too");
}

} // namespace qforge::onnx_import
