//===- ResizeOps.cpp - ONNX Resize and Upsample ---------------------------===//
//
// Shapes are static, so the sampling positions are known at import: each
// resized axis becomes gathers with constant indices, blended with constant
// weights for linear and cubic modes. ONNX's interpolation is separable, so
// axes are resized one after another.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

enum class Interpolation { Nearest, Linear, Cubic };

struct ResizeMode {
  Interpolation interpolation = Interpolation::Nearest;
  double cubicA = -0.75;
  bool excludeOutside = false;
  std::string coordinates = "half_pixel";
  std::string nearest = "round_prefer_floor";
  // tf_crop_and_resize: the region of each axis sampled ([start, end], in
  // fractions of the axis) and the value of samples outside the input.
  SmallVector<double> roiStart, roiEnd;
  double extrapolation = 0.0;
  bool crops() const { return coordinates == "tf_crop_and_resize"; }
};

/// The input coordinate sampled for output position `x` along axis
/// `axis`.
FailureOr<double> sourceCoordinate(NodeContext &ctx, const ResizeMode &mode, int64_t axis,
                                   int64_t x, int64_t inLen, int64_t outLen, double scale) {
  const std::string &c = mode.coordinates;
  double xd = static_cast<double>(x);
  if (mode.crops()) {
    double start = mode.roiStart[axis], end = mode.roiEnd[axis];
    double last = static_cast<double>(inLen - 1);
    return outLen > 1 ? start * last + xd * (end - start) * last / static_cast<double>(outLen - 1)
                      : 0.5 * (start + end) * last;
  }
  if (c == "half_pixel")
    return (xd + 0.5) / scale - 0.5;
  if (c == "pytorch_half_pixel")
    return outLen > 1 ? (xd + 0.5) / scale - 0.5 : 0.0;
  if (c == "align_corners") {
    // ONNX uses the unrounded resized length, in * scale, here.
    double resized = static_cast<double>(inLen) * scale;
    return resized > 1.0 ? xd * static_cast<double>(inLen - 1) / (resized - 1.0)
                         : 0.0;
  }
  if (c == "asymmetric")
    return xd / scale;
  if (c == "tf_half_pixel_for_nn")
    return (xd + 0.5) / scale;
  if (c == "half_pixel_symmetric") {
    double adjustment = static_cast<double>(outLen) / (scale * static_cast<double>(inLen));
    double center = static_cast<double>(inLen) / 2.0;
    double offset = center * (1.0 - adjustment);
    return offset + (xd + 0.5) / scale - 0.5;
  }
  (void)ctx.unsupported("coordinate_transformation_mode='" + c + "'");
  return failure();
}

int64_t nearestIndex(const std::string &rounding, double v) {
  double f = std::floor(v);
  bool half = v - f == 0.5;
  if (rounding == "floor")
    return static_cast<int64_t>(f);
  if (rounding == "ceil")
    return static_cast<int64_t>(std::ceil(v));
  if (rounding == "round_prefer_ceil")
    return static_cast<int64_t>(half ? f + 1 : std::round(v));
  return static_cast<int64_t>(half ? f : std::round(v)); // round_prefer_floor
}

/// The cubic convolution weights of the four taps around a sample at
/// fraction t past its floor (Keys' kernel with coefficient a).
std::array<double, 4> cubicWeights(double t, double a) {
  auto near = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };
  auto far = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

/// Resizes `x` along `axis` from its length to `outLen`: each output is a
/// weighted sum of taps (1 for nearest, 2 for linear, 4 for cubic), each tap
/// a gather with constant indices.
FailureOr<Value> resizeAxis(NodeContext &ctx, Value x, int64_t axis,
                            int64_t outLen, double scale,
                            const ResizeMode &mode) {
  int64_t inLen = typeOf(x).getDimSize(axis);
  int taps = mode.interpolation == Interpolation::Nearest  ? 1
             : mode.interpolation == Interpolation::Linear ? 2
                                                           : 4;
  std::vector<SmallVector<int64_t>> index(taps);
  std::vector<SmallVector<double>> weight(taps);
  // tf_crop_and_resize: samples outside the input take the extrapolation
  // value instead (their taps weigh nothing).
  SmallVector<double> outside;
  for (int64_t o = 0; o < outLen; ++o) {
    auto src = sourceCoordinate(ctx, mode, axis, o, inLen, outLen, scale);
    if (failed(src))
      return failure();
    bool out = mode.crops() && (*src < 0.0 || *src > static_cast<double>(inLen - 1));
    outside.push_back(out ? mode.extrapolation : 0.0);
    if (out) {
      for (int k = 0; k < taps; ++k) {
        index[k].push_back(0);
        weight[k].push_back(0.0);
      }
      continue;
    }
    if (taps == 1) {
      index[0].push_back(
          std::clamp<int64_t>(nearestIndex(mode.nearest, *src), 0, inLen - 1));
      weight[0].push_back(1.0);
      continue;
    }
    double f = std::floor(*src), t = *src - f;
    int64_t base = static_cast<int64_t>(f) - (taps == 4 ? 1 : 0);
    std::array<double, 4> w = taps == 2 ? std::array<double, 4>{1 - t, t, 0, 0}
                                        : cubicWeights(t, mode.cubicA);
    if (mode.excludeOutside) {
      double sum = 0;
      for (int k = 0; k < taps; ++k) {
        if (base + k < 0 || base + k >= inLen)
          w[k] = 0;
        sum += w[k];
      }
      for (int k = 0; k < taps; ++k)
        w[k] /= sum;
    }
    // Out-of-range taps read the edge, as ONNX's reference pads with edge
    // values.
    for (int k = 0; k < taps; ++k) {
      index[k].push_back(std::clamp<int64_t>(base + k, 0, inLen - 1));
      weight[k].push_back(w[k]);
    }
  }
  if (taps == 1 && !mode.crops())
    return gatherAlongAxis(ctx.b, ctx.loc, x, axis, index[0]);
  SmallVector<int64_t> wShape(typeOf(x).getRank(), 1);
  wShape[axis] = outLen;
  Type element = typeOf(x).getElementType();
  Value sum;
  for (int k = 0; k < taps; ++k) {
    Value tap = gatherAlongAxis(ctx.b, ctx.loc, x, axis, index[k]);
    Value w = constant(ctx.b, ctx.loc, makeFloatTensor(element, wShape, weight[k]));
    Value term = mul(ctx.b, ctx.loc, tap, w);
    sum = sum ? binary<tosa::AddOp>(ctx.b, ctx.loc, sum, term) : term;
  }
  if (llvm::any_of(outside, [](double v) { return v != 0.0; }))
    sum = binary<tosa::AddOp>(ctx.b, ctx.loc, sum,
                              constant(ctx.b, ctx.loc, makeFloatTensor(element, wShape, outside)));
  return sum;
}

LogicalResult resize(NodeContext &ctx, const ResizeMode &mode,
                     ArrayRef<double> scales, ArrayRef<int64_t> sizes) {
  Value x = ctx.input(0);
  if (!isa<FloatType>(typeOf(x).getElementType()) &&
      mode.interpolation != Interpolation::Nearest)
    return ctx.unsupported("interpolating integer tensors");
  ArrayRef<int64_t> in = typeOf(x).getShape();
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    // With tf_crop_and_resize too, scales scale the axis: ONNX's text says
    // the region of interest, its reference implementation and onnxruntime
    // the axis.
    int64_t outLen = sizes.empty() ? static_cast<int64_t>(std::floor(in[d] * scales[d]))
                                   : sizes[d];
    double scale = sizes.empty() ? scales[d]
                                 : static_cast<double>(outLen) / static_cast<double>(in[d]);
    bool wholeAxis = !mode.crops() || (mode.roiStart[d] == 0.0 && mode.roiEnd[d] == 1.0);
    if (outLen == in[d] && scale == 1.0 && wholeAxis)
      continue;
    if (outLen <= 0) {
      ctx.emitError() << "axis " << d << " would resize to " << outLen << " elements";
      return failure();
    }
    auto resized = resizeAxis(ctx, x, d, outLen, scale, mode);
    if (failed(resized))
      return failure();
    x = *resized;
  }
  ctx.setOutput(0, x);
  return success();
}

LogicalResult convertResize(NodeContext &ctx) {
  ResizeMode mode;
  std::string m = ctx.getString("mode", "nearest");
  if (m != "nearest" && m != "linear" && m != "cubic")
    return ctx.unsupported("mode='" + m + "'");
  mode.interpolation = m == "nearest"  ? Interpolation::Nearest
                       : m == "linear" ? Interpolation::Linear
                                       : Interpolation::Cubic;
  mode.cubicA = ctx.getFloat("cubic_coeff_a", -0.75f);
  mode.excludeOutside = ctx.getInt("exclude_outside", 0) != 0;
  mode.coordinates = ctx.getString("coordinate_transformation_mode",
                                   ctx.opset < 11 ? "asymmetric" : "half_pixel");
  mode.nearest = ctx.getString("nearest_mode", "round_prefer_floor");
  if (ctx.getInt("antialias", 0) != 0)
    return ctx.unsupported("antialias = 1");
  if (ctx.hasAttr("axes") || ctx.hasAttr("keep_aspect_ratio_policy"))
    if (ctx.hasAttr("axes") ||
        ctx.getString("keep_aspect_ratio_policy", "stretch") != "stretch")
      return ctx.unsupported("axes or keep_aspect_ratio_policy");
  int64_t rank = ctx.inputType(0).getRank();
  if (mode.crops()) {
    if (!isa<FloatType>(ctx.inputType(0).getElementType()))
      return ctx.unsupported("tf_crop_and_resize of integer tensors");
    auto roi = ctx.constFloats(1, "roi");
    if (failed(roi))
      return failure();
    if (static_cast<int64_t>(roi->size()) != 2 * rank) {
      ctx.emitError() << "roi has " << roi->size() << " values; tf_crop_and_resize needs "
                      << 2 * rank << " (a start and an end per axis)";
      return failure();
    }
    mode.roiStart.assign(roi->begin(), roi->begin() + rank);
    mode.roiEnd.assign(roi->begin() + rank, roi->end());
    mode.extrapolation = ctx.getFloat("extrapolation_value", 0.0f);
  }
  // Opset 10: (X, scales). Opset 11+: (X, roi, scales, sizes).
  size_t scalesIndex = ctx.opset < 11 ? 1 : 2;
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (ctx.opset >= 11 && ctx.hasInput(3)) {
    auto s = ctx.constInts(3, "sizes");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (ctx.hasInput(scalesIndex) &&
             ctx.inputType(scalesIndex).getNumElements() > 0) {
    auto s = ctx.constFloats(scalesIndex, "scales");
    if (failed(s))
      return failure();
    scales = *s;
  }
  if (static_cast<int64_t>(std::max(scales.size(), sizes.size())) != rank) {
    ctx.emitError() << "needs scales or sizes for each of the " << rank << " axes";
    return failure();
  }
  return resize(ctx, mode, scales, sizes);
}

LogicalResult convertUpsample(NodeContext &ctx) {
  ResizeMode mode;
  std::string m = ctx.getString("mode", "nearest");
  if (m != "nearest" && m != "linear" && m != "bilinear")
    return ctx.unsupported("mode='" + m + "'");
  mode.interpolation = m == "nearest" ? Interpolation::Nearest : Interpolation::Linear;
  // Upsample samples at x / scale and takes the floor for nearest.
  mode.coordinates = "asymmetric";
  mode.nearest = "floor";
  SmallVector<double> scales;
  if (ctx.opset < 9) {
    for (float f : ctx.getFloats("scales"))
      scales.push_back(f);
  } else {
    auto s = ctx.constFloats(1, "scales");
    if (failed(s))
      return failure();
    scales = *s;
  }
  if (static_cast<int64_t>(scales.size()) != ctx.inputType(0).getRank()) {
    ctx.emitError() << "needs a scale for each axis";
    return failure();
  }
  return resize(ctx, mode, scales, {});
}

} // namespace

void addResizeConverters(ConverterMap &map) {
  addConverter(map, "Resize", convertResize, 10,
               "tosa.gather with constant indices (+ tosa.mul/add weights)",
               "nearest (all nearest_mode values), linear and cubic "
               "(cubic_coeff_a, exclude_outside); coordinate modes half_pixel, "
               "pytorch_half_pixel, align_corners, asymmetric, "
               "half_pixel_symmetric, tf_half_pixel_for_nn, tf_crop_and_resize (constant "
               "roi, extrapolation_value); constant scales or sizes; no antialias");
  addConverter(map, "Upsample", convertUpsample, 7, "as Resize (asymmetric, floor)",
               "nearest and linear; scales attribute or constant input");
}

} // namespace qforge::onnx_import
