//===- GridSampleOp.cpp - ONNX GridSample on 4-D inputs -------------------===//
//
// GridSample with a grid known only at run time: the sampling positions
// are computed with element-wise TOSA ops, every tap of the interpolation
// is one tosa.gather of the channels-last input, weighted and summed. The
// coordinate conventions (align_corners, border and reflection padding,
// the cubic kernel with A = -0.75) are PyTorch's, which ONNX specifies.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

enum class Padding { Zeros, Border, Reflection };

/// Element-wise helpers on [N, P] f32 tensors.
struct Sampler {
  NodeContext &ctx;
  Value values;  // The input, channels last: [N, H * W, C].
  int64_t n, p, c, h, w;
  Padding padding;
  bool alignCorners;

  Value scalar(double v) { return splat(ctx.b, ctx.loc, ctx.b.getF32Type(), {1, 1}, v); }
  Value add(Value a, Value b) { return binary<tosa::AddOp>(ctx.b, ctx.loc, a, b); }
  Value sub(Value a, Value b) { return binary<tosa::SubOp>(ctx.b, ctx.loc, a, b); }
  Value times(Value a, Value b) { return mul(ctx.b, ctx.loc, a, b); }
  Value floor(Value a) { return tosa::FloorOp::create(ctx.b, ctx.loc, typeOf(a), a); }
  Value clip(Value a, double lo, double hi) { return clamp(ctx.b, ctx.loc, a, lo, hi); }
  Value less(Value a, Value b) {
    return binary<tosa::GreaterOp>(ctx.b, ctx.loc, b, a, ctx.b.getI1Type());
  }
  Value select(Value cond, Value a, Value b) {
    return tosa::SelectOp::create(ctx.b, ctx.loc, typeOf(a), cond, a, b);
  }

  /// A normalized grid coordinate in [-1, 1] as a pixel position.
  Value unnormalize(Value g, int64_t size) {
    Value one = add(g, scalar(1.0));
    if (alignCorners)
      return mulScalar(ctx.b, ctx.loc, one, (size - 1) / 2.0);
    return mulScalar(ctx.b, ctx.loc,
                     sub(mulScalar(ctx.b, ctx.loc, one, static_cast<double>(size)), scalar(1.0)),
                     0.5);
  }

  /// `x` reflected into [twiceLow / 2, twiceHigh / 2] as often as needed.
  Value reflect(Value x, double twiceLow, double twiceHigh) {
    if (twiceLow == twiceHigh)
      return mulScalar(ctx.b, ctx.loc, x, 0.0);
    double low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
    Value d = tosa::AbsOp::create(ctx.b, ctx.loc, typeOf(x), sub(x, scalar(low)));
    Value spans = broadcastTo(ctx.b, ctx.loc, scalar(span), typeOf(d).getShape());
    Value extra = arith::RemFOp::create(ctx.b, ctx.loc, d, spans);
    Value flips = floor(mulScalar(ctx.b, ctx.loc, d, 1.0 / span));
    Value twos = broadcastTo(ctx.b, ctx.loc, scalar(2.0), typeOf(d).getShape());
    Value odd = less(scalar(0.5), arith::RemFOp::create(ctx.b, ctx.loc, flips, twos));
    return select(odd, sub(scalar(span + low), extra), add(extra, scalar(low)));
  }

  /// A position after the padding mode (PyTorch's compute_coordinates).
  Value padded(Value x, int64_t size) {
    if (padding == Padding::Border)
      return clip(x, 0.0, size - 1.0);
    if (padding == Padding::Reflection) {
      x = alignCorners ? reflect(x, 0.0, 2.0 * (size - 1)) : reflect(x, -1.0, 2.0 * size - 1);
      return clip(x, 0.0, size - 1.0);
    }
    return x;
  }

  /// The input at integer positions (x, y) ([N, P] each), zero outside it,
  /// times `weight`: [N, P, C].
  Value tap(Value x, Value y, Value weight) {
    Value inside = tosa::LogicalAndOp::create(
        ctx.b, ctx.loc, RankedTensorType::get({n, p}, ctx.b.getI1Type()),
        tosa::LogicalAndOp::create(ctx.b, ctx.loc,
                                   RankedTensorType::get({n, p}, ctx.b.getI1Type()),
                                   less(scalar(-0.5), x), less(x, scalar(w - 0.5))),
        tosa::LogicalAndOp::create(ctx.b, ctx.loc,
                                   RankedTensorType::get({n, p}, ctx.b.getI1Type()),
                                   less(scalar(-0.5), y), less(y, scalar(h - 0.5))));
    Value flat = add(times(clip(y, 0.0, h - 1.0), scalar(static_cast<double>(w))),
                     clip(x, 0.0, w - 1.0));
    Value index = castElements(ctx.b, ctx.loc, flat, ctx.b.getI32Type());
    Value g = tosa::GatherOp::create(
        ctx.b, ctx.loc, RankedTensorType::get({n, p, c}, ctx.b.getF32Type()), values, index);
    Value masked = select(inside, broadcastTo(ctx.b, ctx.loc, weight, {n, p}), scalar(0.0));
    return mul(ctx.b, ctx.loc, g, reshape(ctx.b, ctx.loc, masked, {n, p, 1}));
  }

  Value sum(Value acc, Value term) { return acc ? add(acc, term) : term; }

  Value nearest(Value x, Value y) {
    Value rx = math::RoundEvenOp::create(ctx.b, ctx.loc, padded(x, w));
    Value ry = math::RoundEvenOp::create(ctx.b, ctx.loc, padded(y, h));
    return tap(rx, ry, scalar(1.0));
  }

  Value bilinear(Value x, Value y) {
    x = padded(x, w);
    y = padded(y, h);
    Value x0 = floor(x), y0 = floor(y);
    Value fx = sub(x, x0), fy = sub(y, y0);
    Value gx = sub(scalar(1.0), fx), gy = sub(scalar(1.0), fy);
    Value x1 = add(x0, scalar(1.0)), y1 = add(y0, scalar(1.0));
    Value out = tap(x0, y0, times(gx, gy));
    out = sum(out, tap(x1, y0, times(fx, gy)));
    out = sum(out, tap(x0, y1, times(gx, fy)));
    return sum(out, tap(x1, y1, times(fx, fy)));
  }

  /// The cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2
  /// from floor(x), for the fraction t.
  SmallVector<Value> cubicWeights(Value t) {
    constexpr double a = -0.75;
    auto near = [&](Value s) { // |s| <= 1: ((a + 2) s - (a + 3)) s^2 + 1
      Value poly = sub(mulScalar(ctx.b, ctx.loc, s, a + 2), scalar(a + 3));
      return add(times(times(poly, s), s), scalar(1.0));
    };
    auto far = [&](Value s) { // 1 < |s| < 2: ((a s - 5a) s + 8a) s - 4a
      Value poly = sub(mulScalar(ctx.b, ctx.loc, s, a), scalar(5 * a));
      poly = add(times(poly, s), scalar(8 * a));
      return sub(times(poly, s), scalar(4 * a));
    };
    Value oneMinus = sub(scalar(1.0), t);
    return {far(add(t, scalar(1.0))), near(t), near(oneMinus), far(add(oneMinus, scalar(1.0)))};
  }

  Value bicubic(Value x, Value y) {
    Value x0 = floor(x), y0 = floor(y);
    SmallVector<Value> wx = cubicWeights(sub(x, x0)), wy = cubicWeights(sub(y, y0));
    Value out;
    for (int j = 0; j < 4; ++j) {
      Value ty = padded(add(y0, scalar(j - 1.0)), h);
      for (int i = 0; i < 4; ++i) {
        Value tx = padded(add(x0, scalar(i - 1.0)), w);
        out = sum(out, tap(tx, ty, times(wx[i], wy[j])));
      }
    }
    return out;
  }
};

LogicalResult convertGridSample(NodeContext &ctx) {
  Value x = ctx.input(0), grid = ctx.input(1);
  RankedTensorType type = typeOf(x), gridType = typeOf(grid);
  if (!type.getElementType().isF32() || type.getRank() != 4 || gridType.getRank() != 4 ||
      gridType.getDimSize(3) != 2)
    return ctx.unsupported("GridSample other than float32 [N, C, H, W] with an [N, H', W', 2] grid");
  std::string mode = ctx.getString("mode", ctx.opset >= 20 ? "linear" : "bilinear");
  std::string paddingMode = ctx.getString("padding_mode", "zeros");
  if (mode == "linear")
    mode = "bilinear";
  if (mode == "cubic")
    mode = "bicubic";
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return ctx.unsupported("mode '" + mode + "'");
  Padding padding = paddingMode == "border"       ? Padding::Border
                    : paddingMode == "reflection" ? Padding::Reflection
                                                  : Padding::Zeros;
  if (paddingMode != "zeros" && padding == Padding::Zeros)
    return ctx.unsupported("padding_mode '" + paddingMode + "'");
  int64_t n = type.getDimSize(0), c = type.getDimSize(1), h = type.getDimSize(2),
          w = type.getDimSize(3), ho = gridType.getDimSize(1), wo = gridType.getDimSize(2);
  int64_t p = ho * wo;
  Value values = reshape(ctx.b, ctx.loc, transpose(ctx.b, ctx.loc, x, {0, 2, 3, 1}), {n, h * w, c});
  Sampler s{ctx, values, n, p, c, h, w, padding, ctx.getInt("align_corners", 0) != 0};
  auto coordinate = [&](int64_t k) {
    Value part = slice(ctx.b, ctx.loc, grid, {0, 0, 0, k}, {n, ho, wo, 1});
    return reshape(ctx.b, ctx.loc, part, {n, p});
  };
  Value gx = s.unnormalize(coordinate(0), w), gy = s.unnormalize(coordinate(1), h);
  Value sampled = mode == "nearest"    ? s.nearest(gx, gy)
                  : mode == "bicubic" ? s.bicubic(gx, gy)
                                      : s.bilinear(gx, gy);
  Value nhwc = reshape(ctx.b, ctx.loc, sampled, {n, ho, wo, c});
  ctx.setOutput(0, transpose(ctx.b, ctx.loc, nhwc, {0, 3, 1, 2}));
  return success();
}

} // namespace

void addGridSampleConverter(ConverterMap &map) {
  addConverter(map, "GridSample", convertGridSample, 16,
               "element-wise TOSA positions + one tosa.gather per tap",
               "4-D float32; bilinear/linear, nearest, bicubic/cubic; zeros, border, reflection; "
               "align_corners");
}

} // namespace qforge::onnx_import
