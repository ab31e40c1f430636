//===- VolumeConv.cpp - 3-D Conv and ConvTranspose on tosa.conv3d ---------===//
//
// Three spatial dimensions (video, volumetric images): NCDHW becomes NDHWC
// and each group one tosa.conv3d with weights [O, KD, KH, KW, I]. A
// transposed convolution is the convolution of its input spread by the
// strides (zeros between the elements) with the kernel flipped and its
// channel axes swapped, padded by the dilated kernel's extent less one
// less the declared padding, and cropped where that is negative.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"
#include "Windows.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

constexpr int32_t kNcdhwToNdhwc[] = {0, 2, 3, 4, 1};
constexpr int32_t kNdhwcToNcdhw[] = {0, 4, 1, 2, 3};

/// The shape `shape` with its last `n` entries replaced by `tail`.
SmallVector<int64_t> withTail(ArrayRef<int64_t> shape, ArrayRef<int64_t> tail) {
  SmallVector<int64_t> out(shape.drop_back(tail.size()));
  out.append(tail.begin(), tail.end());
  return out;
}

/// Grouped tosa.conv3d: NDHWC `input`, weights [M, KD, KH, KW, C / groups],
/// bias [M]; the groups' results concatenated along channels.
Value conv3d(NodeContext &ctx, Value input, Value weights, Value bias, int64_t groups,
             ArrayRef<int64_t> pad, ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
             ArrayRef<int64_t> out) {
  OpBuilder &b = ctx.b;
  ArrayRef<int64_t> is = typeOf(input).getShape(), ws = typeOf(weights).getShape();
  Type element = typeOf(input).getElementType();
  int64_t cPerGroup = ws[4], mPerGroup = ws[0] / groups;
  Value zp = zeroPoint(b, ctx.loc, element);
  SmallVector<Value> parts;
  for (int64_t g = 0; g < groups; ++g) {
    Value in = slice(b, ctx.loc, input, {0, 0, 0, 0, g * cPerGroup},
                     withTail(is, {cPerGroup}));
    Value wg = slice(b, ctx.loc, weights, {g * mPerGroup, 0, 0, 0, 0},
                     {mPerGroup, ws[1], ws[2], ws[3], cPerGroup});
    Value bg = slice(b, ctx.loc, bias, {g * mPerGroup}, {mPerGroup});
    parts.push_back(tosa::Conv3DOp::create(
        b, ctx.loc, tensorType({is[0], out[0], out[1], out[2], mPerGroup}, element), in, wg, bg,
        zp, zp, b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
        b.getDenseI64ArrayAttr(dilation), TypeAttr::get(b.getF32Type()), b.getBoolAttr(false)));
  }
  if (parts.size() == 1)
    return parts[0];
  return tosa::ConcatOp::create(b, ctx.loc,
                                tensorType({is[0], out[0], out[1], out[2], ws[0]}, element),
                                parts, b.getI32IntegerAttr(4));
}

/// The bias input, or zeros for `channels` outputs without one.
Value biasOf(NodeContext &ctx, Type element, int64_t channels) {
  return ctx.hasInput(2) ? ctx.input(2) : splat(ctx.b, ctx.loc, element, {channels}, 0);
}

/// [N, D, H, W, C] with `strides - 1` zeros between neighbours along D, H
/// and W: [N, (D - 1) sd + 1, (H - 1) sh + 1, (W - 1) sw + 1, C].
Value spread(NodeContext &ctx, Value ndhwc, ArrayRef<int64_t> strides) {
  ArrayRef<int64_t> s = typeOf(ndhwc).getShape();
  if (llvm::all_of(strides, [](int64_t v) { return v == 1; }))
    return ndhwc;
  Type element = typeOf(ndhwc).getElementType();
  SmallVector<int64_t> split = {s[0]}, padded = {s[0]}, padding = {0, 0};
  for (int i = 0; i < 3; ++i) {
    split.append({s[1 + i], 1});
    padded.append({s[1 + i], strides[i]});
    padding.append({0, 0, 0, strides[i] - 1});
  }
  split.push_back(s[4]);
  padded.push_back(s[4]);
  padding.append({0, 0});
  Value v = reshape(ctx.b, ctx.loc, ndhwc, split);
  v = tosa::PadOp::create(ctx.b, ctx.loc, tensorType(padded, element), v,
                          shapeValue(ctx.b, ctx.loc, padding),
                          splat(ctx.b, ctx.loc, element, {1}, 0));
  v = reshape(ctx.b, ctx.loc, v,
              {s[0], s[1] * strides[0], s[2] * strides[1], s[3] * strides[2], s[4]});
  return slice(ctx.b, ctx.loc, v, {0, 0, 0, 0, 0},
               {s[0], (s[1] - 1) * strides[0] + 1, (s[2] - 1) * strides[1] + 1,
                (s[3] - 1) * strides[2] + 1, s[4]});
}

} // namespace

LogicalResult convertVolumeConv(NodeContext &ctx) {
  Value x = ctx.input(0);
  Type element = typeOf(x).getElementType();
  auto attrs = readWindowAttrs(ctx, 3);
  if (failed(attrs))
    return failure();
  const WindowAttrs &a = *attrs;
  ArrayRef<int64_t> xs = typeOf(x).getShape(), ws = ctx.inputType(1).getShape();
  int64_t groups = ctx.getInt("group", 1), m = ws[0];
  if (groups < 1 || xs[1] % groups != 0 || m % groups != 0 || ws[1] * groups != xs[1]) {
    ctx.emitError() << "group = " << groups << " does not fit " << xs[1] << " input and " << m
                    << " output channels with weights of " << ws[1] << " channels per group";
    return failure();
  }
  SmallVector<int64_t> pad, out, crop;
  for (int i = 0; i < 3; ++i) {
    auto w = resolveWindow(ctx, xs[2 + i], ws[2 + i], a.strides[i], a.dilations[i], a.pads[i],
                           a.pads[i + 3], a.autoPad, false);
    if (failed(w))
      return failure();
    pad.append({w->padBegin, w->padEnd});
    out.push_back(w->out);
    crop.push_back(w->crop);
  }
  Value input = transpose(ctx.b, ctx.loc, x, kNcdhwToNdhwc);
  if (llvm::any_of(crop, [](int64_t c) { return c != 0; }))
    input = slice(ctx.b, ctx.loc, input, {0, 0, 0, 0, 0},
                  {xs[0], xs[2] - crop[0], xs[3] - crop[1], xs[4] - crop[2], xs[1]});
  Value weights = ctx.isConstInput(1)
                      ? constant(ctx.b, ctx.loc, ctx.permutedConstInput(1, ws, {0, 2, 3, 4, 1}))
                      : transpose(ctx.b, ctx.loc, ctx.input(1), kNcdhwToNdhwc);
  Value y = conv3d(ctx, input, weights, biasOf(ctx, element, m), groups, pad, a.strides, a.dilations, out);
  ctx.setOutput(0, transpose(ctx.b, ctx.loc, y, kNdhwcToNcdhw));
  return success();
}

LogicalResult convertVolumeConvTranspose(NodeContext &ctx) {
  Value x = ctx.input(0);
  Type element = typeOf(x).getElementType();
  auto attrs = readWindowAttrs(ctx, 3);
  if (failed(attrs))
    return failure();
  const WindowAttrs &a = *attrs;
  SmallVector<int64_t> outputPadding = ctx.getInts("output_padding");
  SmallVector<int64_t> outputShape = ctx.getInts("output_shape");
  if (outputPadding.empty())
    outputPadding.assign(3, 0);
  if (outputPadding.size() != 3 || (!outputShape.empty() && outputShape.size() < 3)) {
    ctx.emitError() << "'output_padding' and 'output_shape' take one value per spatial "
                       "dimension (3)";
    return failure();
  }
  ArrayRef<int64_t> xs = typeOf(x).getShape(), ws = ctx.inputType(1).getShape();
  int64_t groups = ctx.getInt("group", 1), c = xs[1], mPerGroup = ws[1], m = mPerGroup * groups;
  if (groups < 1 || ws[0] != c || c % groups != 0) {
    ctx.emitError() << "weights of shape [" << ws[0] << ", " << ws[1] << ", ...] do not fit "
                    << c << " input channels in " << groups << " groups";
    return failure();
  }
  // Per axis: the convolution's padding of the spread input, and where its
  // result starts (a negative padding crops instead).
  SmallVector<int64_t> pad, out, start;
  for (int i = 0; i < 3; ++i) {
    int64_t extent = (ws[2 + i] - 1) * a.dilations[i] + 1;
    std::optional<int64_t> size;
    if (!outputShape.empty())
      size = outputShape[outputShape.size() - 3 + i];
    auto w = resolveTransposedWindow(ctx, 2 + i, xs[2 + i], extent, a.strides[i],
                                     outputPadding[i], a.pads[i], a.pads[i + 3], size, a.autoPad);
    if (failed(w))
      return failure();
    out.push_back(w->out);
    int64_t low = extent - 1 - w->padBegin, high = extent - 1 - w->padEnd + outputPadding[i];
    pad.append({std::max<int64_t>(low, 0), std::max<int64_t>(high, 0)});
    start.push_back(std::max<int64_t>(-low, 0));
  }
  Value input = spread(ctx, transpose(ctx.b, ctx.loc, x, kNcdhwToNdhwc), a.strides);
  // [C, M/g, KD, KH, KW] -> per group [M/g, KD, KH, KW, C/g], the groups
  // stacked along the output channels, each kernel flipped.
  Value w = ctx.isConstInput(1)
                ? constant(ctx.b, ctx.loc, ctx.permutedConstInput(1, ws, {1, 2, 3, 4, 0}))
                : transpose(ctx.b, ctx.loc, ctx.input(1), {1, 2, 3, 4, 0});
  int64_t cPerGroup = c / groups;
  SmallVector<Value> perGroup;
  for (int64_t g = 0; g < groups; ++g)
    perGroup.push_back(slice(ctx.b, ctx.loc, w, {0, 0, 0, 0, g * cPerGroup},
                             {mPerGroup, ws[2], ws[3], ws[4], cPerGroup}));
  if (groups > 1)
    w = tosa::ConcatOp::create(ctx.b, ctx.loc,
                               tensorType({m, ws[2], ws[3], ws[4], cPerGroup}, element),
                               perGroup, ctx.b.getI32IntegerAttr(0));
  for (int32_t axis : {1, 2, 3})
    w = tosa::ReverseOp::create(ctx.b, ctx.loc, typeOf(w), w, ctx.b.getI32IntegerAttr(axis));
  ArrayRef<int64_t> is = typeOf(input).getShape();
  SmallVector<int64_t> full;
  for (int i = 0; i < 3; ++i)
    full.push_back(is[1 + i] + pad[2 * i] + pad[2 * i + 1] -
                   ((ws[2 + i] - 1) * a.dilations[i] + 1) + 1);
  Value y = conv3d(ctx, input, w, biasOf(ctx, element, m), groups, pad, {1, 1, 1}, a.dilations,
                   full);
  y = slice(ctx.b, ctx.loc, y, {0, start[0], start[1], start[2], 0},
            {xs[0], out[0], out[1], out[2], m});
  ctx.setOutput(0, transpose(ctx.b, ctx.loc, y, kNdhwcToNcdhw));
  return success();
}

} // namespace qforge::onnx_import
