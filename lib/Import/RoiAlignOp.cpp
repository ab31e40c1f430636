//===- RoiAlignOp.cpp - ONNX RoiAlign with a fixed sampling ratio ---------===//
//
// Each output bin averages (or takes the maximum of) sampling_ratio^2
// bilinear samples of its region of interest. The regions come at run
// time, so the sample positions are computed element-wise per region, one
// row for the y positions [R, S] and one for x [R, T] (S = output_height *
// ratio, T likewise), and the four corners of every sample are gathered
// from the flattened input. Samples outside [-1, size] contribute zero, as
// in ONNX's reference.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Interpolation along one axis for every region and sample position:
/// the low and high indices (i32) and their weights (zero outside).
struct AxisSamples {
  Value low, high;        // [R, S] i32
  Value lowWeight, highWeight; // [R, S]
};

/// Sample positions start + position * bin for every region ([R, 1] start
/// and bin, [1, S] positions in bins) interpolated along an axis of `size`.
AxisSamples sampleAxis(OpBuilder &b, Location loc, Value start, Value bin,
                       ArrayRef<double> positions, int64_t size) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i1 = b.getI1Type();
  int64_t count = static_cast<int64_t>(positions.size());
  SmallVector<float> narrow(positions.begin(), positions.end());
  Value steps = constant(b, loc, DenseElementsAttr::get(tensorType({1, count}, f32),
                                                        ArrayRef<float>(narrow)));
  Value p = binary<tosa::AddOp>(b, loc, start, mul(b, loc, steps, bin));
  RankedTensorType type = typeOf(p);
  auto scalar = [&](double v) { return splat(b, loc, f32, {1, 1}, v); };
  Value inside = tosa::LogicalAndOp::create(
      b, loc, type.clone(i1), binary<tosa::GreaterEqualOp>(b, loc, p, scalar(-1.0), i1),
      binary<tosa::GreaterEqualOp>(b, loc, scalar(static_cast<double>(size)), p, i1));
  Value clamped = binary<tosa::MaximumOp>(b, loc, p, scalar(0.0));
  Value floor = tosa::FloorOp::create(b, loc, type, clamped);
  Value last = scalar(static_cast<double>(size - 1));
  Value atEnd = binary<tosa::GreaterEqualOp>(b, loc, floor, last, i1);
  Value low = binary<tosa::MinimumOp>(b, loc, floor, last);
  Value high = binary<tosa::MinimumOp>(b, loc, addScalar(b, loc, low, 1.0), last);
  Value zero = splat(b, loc, f32, type.getShape(), 0.0);
  Value fraction = tosa::SelectOp::create(b, loc, type, atEnd, zero,
                                          binary<tosa::SubOp>(b, loc, clamped, floor));
  Value lowWeight = addScalar(b, loc, mulScalar(b, loc, fraction, -1.0), 1.0);
  return {castElements(b, loc, low, i32), castElements(b, loc, high, i32),
          tosa::SelectOp::create(b, loc, type, inside, lowWeight, zero),
          tosa::SelectOp::create(b, loc, type, inside, fraction, zero)};
}

/// Bin positions of the samples along an axis of `bins` bins, `ratio`
/// samples each, in units of a bin: ph + (i + 0.5) / ratio.
SmallVector<double> samplePositions(int64_t bins, int64_t ratio) {
  SmallVector<double> positions;
  for (int64_t p = 0; p < bins; ++p)
    for (int64_t i = 0; i < ratio; ++i)
      positions.push_back(static_cast<double>(p) + (static_cast<double>(i) + 0.5) / ratio);
  return positions;
}

/// Column `k` of the regions [R, 4], scaled and shifted: [R, 1].
Value roiCoordinate(NodeContext &ctx, Value rois, int64_t k, double scale, double offset) {
  int64_t regions = typeOf(rois).getDimSize(0);
  Value column = slice(ctx.b, ctx.loc, rois, {0, k}, {regions, 1});
  return addScalar(ctx.b, ctx.loc, mulScalar(ctx.b, ctx.loc, column, scale), -offset);
}

LogicalResult convertRoiAlign(NodeContext &ctx) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  RankedTensorType xType = ctx.inputType(0);
  if (!xType.getElementType().isF32() || xType.getRank() != 4)
    return ctx.unsupported("an input other than float32 [N, C, H, W]");
  int64_t ratio = ctx.getInt("sampling_ratio", 0);
  if (ratio <= 0)
    return ctx.unsupported("sampling_ratio 0 (a sample count that depends on each region's size)");
  std::string mode = ctx.getString("mode", "avg");
  // Before opset 16 there was only the legacy transformation.
  std::string transform = ctx.getString("coordinate_transformation_mode",
                                        ctx.opset >= 16 ? "half_pixel" : "output_half_pixel");
  if ((mode != "avg" && mode != "max") ||
      (transform != "half_pixel" && transform != "output_half_pixel")) {
    ctx.emitError() << "mode '" << mode << "' / coordinate_transformation_mode '" << transform
                    << "' is not avg or max / half_pixel or output_half_pixel";
    return failure();
  }
  auto [n, c, h, w] = std::tuple(xType.getDimSize(0), xType.getDimSize(1), xType.getDimSize(2),
                                 xType.getDimSize(3));
  int64_t oh = ctx.getInt("output_height", 1), ow = ctx.getInt("output_width", 1);
  Value rois = ctx.input(1);
  int64_t regions = typeOf(rois).getDimSize(0);
  bool halfPixel = transform == "half_pixel";
  double scale = ctx.getFloat("spatial_scale", 1.0f), offset = halfPixel ? 0.5 : 0.0;
  Value x0 = roiCoordinate(ctx, rois, 0, scale, offset), y0 = roiCoordinate(ctx, rois, 1, scale, offset);
  Value width = binary<tosa::SubOp>(b, loc, roiCoordinate(ctx, rois, 2, scale, offset), x0);
  Value height = binary<tosa::SubOp>(b, loc, roiCoordinate(ctx, rois, 3, scale, offset), y0);
  if (!halfPixel) { // the legacy mode makes every region at least 1 x 1
    width = binary<tosa::MaximumOp>(b, loc, width, splat(b, loc, b.getF32Type(), {1, 1}, 1.0));
    height = binary<tosa::MaximumOp>(b, loc, height, splat(b, loc, b.getF32Type(), {1, 1}, 1.0));
  }
  AxisSamples ys = sampleAxis(b, loc, y0, mulScalar(b, loc, height, 1.0 / oh),
                              samplePositions(oh, ratio), h);
  AxisSamples xs = sampleAxis(b, loc, x0, mulScalar(b, loc, width, 1.0 / ow),
                              samplePositions(ow, ratio), w);
  int64_t s = oh * ratio, t = ow * ratio;
  // Offsets into the flattened input: ((batch * C + channel) * H + y) * W + x.
  Type i32 = b.getI32Type();
  Value batch = reshape(b, loc, castElements(b, loc, ctx.input(2), i32), {regions, 1, 1, 1});
  Value channel = mul(b, loc, axisPositions(b, loc, 4, 1, c), splat(b, loc, i32, {1}, h * w));
  Value base = binary<tosa::AddOp>(b, loc, mul(b, loc, batch, splat(b, loc, i32, {1}, c * h * w)),
                                   channel);
  Value flat = reshape(b, loc, ctx.input(0), {n * c * h * w});
  auto corner = [&](Value y, Value x, Value wy, Value wx) {
    Value row = mul(b, loc, reshape(b, loc, y, {regions, 1, s, 1}), splat(b, loc, i32, {1}, w));
    Value at = binary<tosa::AddOp>(
        b, loc, binary<tosa::AddOp>(b, loc, base, row), reshape(b, loc, x, {regions, 1, 1, t}));
    int64_t count = regions * c * s * t;
    Value v = gatherElements(b, loc, flat, reshape(b, loc, at, {1, count}), {regions, c, s, t});
    Value weight = mul(b, loc, reshape(b, loc, wy, {regions, 1, s, 1}),
                       reshape(b, loc, wx, {regions, 1, 1, t}));
    return mul(b, loc, v, weight);
  };
  Value corners[] = {corner(ys.low, xs.low, ys.lowWeight, xs.lowWeight),
                     corner(ys.low, xs.high, ys.lowWeight, xs.highWeight),
                     corner(ys.high, xs.low, ys.highWeight, xs.lowWeight),
                     corner(ys.high, xs.high, ys.highWeight, xs.highWeight)};
  bool isMax = mode == "max";
  Value samples = corners[0];
  for (Value v : ArrayRef<Value>(corners).drop_front())
    samples = isMax ? binary<tosa::MaximumOp>(b, loc, samples, v)
                    : binary<tosa::AddOp>(b, loc, samples, v);
  Value bins = reshape(b, loc, samples, {regions * c * oh, ratio, ow, ratio});
  Value y = isMax ? reduceMax(b, loc, reduceMax(b, loc, bins, 3), 1)
                  : mulScalar(b, loc, reduceSum(b, loc, reduceSum(b, loc, bins, 3), 1),
                              1.0 / static_cast<double>(ratio * ratio));
  ctx.setOutput(0, reshape(b, loc, y, {regions, c, oh, ow}));
  return success();
}

} // namespace

void addRoiAlignConverter(ConverterMap &map) {
  addConverter(map, "RoiAlign", convertRoiAlign, 10,
               "sample positions element-wise per region + tosa.gather of the corners",
               "sampling_ratio > 0; avg and max; half_pixel and output_half_pixel");
}

} // namespace qforge::onnx_import
