//===- Windows.cpp - convolution and pooling windows ----------------------===//

#include "Windows.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {

FailureOr<TransposedWindow>
resolveTransposedWindow(NodeContext &ctx, int64_t axis, int64_t in, int64_t extent,
                        int64_t stride, int64_t outputPadding, int64_t padBegin,
                        int64_t padEnd, std::optional<int64_t> outputSize, StringRef autoPad) {
  int64_t full = stride * (in - 1) + outputPadding + extent;
  TransposedWindow w{padBegin, padEnd, 0};
  if (outputSize || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    int64_t total = full - (outputSize ? *outputSize : in * stride);
    w.padBegin = total < 0 ? 0 : autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    w.padEnd = total - w.padBegin;
  }
  w.out = full - w.padBegin - w.padEnd;
  if (w.out <= 0) {
    ctx.emitError() << "the output would be empty along axis " << axis;
    return failure();
  }
  return w;
}

FailureOr<Window> resolveWindow(NodeContext &ctx, int64_t in, int64_t kernel,
                                int64_t stride, int64_t dilation,
                                int64_t padBegin, int64_t padEnd,
                                StringRef autoPad, bool ceilMode) {
  Window w;
  int64_t span = (kernel - 1) * dilation + 1;
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.out = (in + stride - 1) / stride;
    int64_t total = std::max<int64_t>((w.out - 1) * stride + span - in, 0);
    w.padBegin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    w.padEnd = total - w.padBegin;
  } else if (autoPad == "VALID") {
    w.out = in >= span ? (in - span) / stride + 1 : 0;
  } else if (autoPad == "NOTSET" || autoPad.empty()) {
    w.padBegin = padBegin;
    w.padEnd = padEnd;
    int64_t extent = in + padBegin + padEnd - span;
    if (extent < 0) {
      ctx.emitError() << "the kernel (extent " << span
                      << ") is larger than the padded input (" << in + padBegin + padEnd
                      << ")";
      return failure();
    }
    w.out = (ceilMode ? (extent + stride - 1) / stride : extent / stride) + 1;
    // With ceil_mode the last window must still start inside the input or
    // its leading padding.
    if (ceilMode && (w.out - 1) * stride >= in + padBegin)
      --w.out;
  } else {
    (void)ctx.unsupported("auto_pad='" + autoPad.str() + "'");
    return failure();
  }
  if (w.out <= 0) {
    ctx.emitError() << "the window leaves no output (input size " << in
                    << ", kernel " << kernel << ")";
    return failure();
  }
  int64_t needed = (w.out - 1) * stride + span;
  int64_t available = in + w.padBegin + w.padEnd;
  if (needed > available) {
    w.padEnd += needed - available; // ceil_mode: a partial last window.
  } else {
    int64_t excess = available - needed;
    int64_t fromPad = std::min(excess, w.padEnd);
    w.padEnd -= fromPad;
    w.crop = excess - fromPad;
  }
  return w;
}

/// Whether attribute `name` holds `count` values of at least `min`; reports
/// when not.
static bool checkWindowValues(NodeContext &ctx, StringRef name, ArrayRef<int64_t> values,
                              int64_t count, int64_t min) {
  if (static_cast<int64_t>(values.size()) != count) {
    ctx.emitError() << "'" << name << "' has " << values.size() << " values where "
                    << count << " are needed";
    return false;
  }
  for (int64_t v : values)
    if (v < min) {
      ctx.emitError() << "'" << name << "' holds " << v << "; its values must be at least "
                      << min;
      return false;
    }
  return true;
}

FailureOr<WindowAttrs> readWindowAttrs(NodeContext &ctx, int64_t spatial) {
  WindowAttrs a;
  a.kernel = ctx.getInts("kernel_shape");
  a.strides = ctx.getInts("strides");
  a.dilations = ctx.getInts("dilations");
  a.pads = ctx.getInts("pads");
  a.autoPad = ctx.getString("auto_pad", "NOTSET");
  if (a.strides.empty())
    a.strides.assign(spatial, 1);
  if (a.dilations.empty())
    a.dilations.assign(spatial, 1);
  if (a.pads.empty())
    a.pads.assign(2 * spatial, 0);
  if ((!a.kernel.empty() && !checkWindowValues(ctx, "kernel_shape", a.kernel, spatial, 1)) ||
      !checkWindowValues(ctx, "strides", a.strides, spatial, 1) ||
      !checkWindowValues(ctx, "dilations", a.dilations, spatial, 1) ||
      !checkWindowValues(ctx, "pads", a.pads, 2 * spatial, 0))
    return failure();
  return a;
}

void liftTo2D(WindowAttrs &a) {
  if (!a.kernel.empty())
    a.kernel.insert(a.kernel.begin(), 1);
  a.strides.insert(a.strides.begin(), 1);
  a.dilations.insert(a.dilations.begin(), 1);
  // pads are [begin..., end...]: [b, e] -> [0, b, 0, e].
  a.pads = {0, a.pads[0], 0, a.pads[1]};
}

SmallVector<int64_t> withUnitH(ArrayRef<int64_t> shape) {
  // [N, C, L] -> [N, C, 1, L]
  return {shape[0], shape[1], 1, shape[2]};
}

Value toNhwc(NodeContext &ctx, Value x, const Window &h, const Window &w) {
  Value nhwc = transpose(ctx.b, ctx.loc, x, kNchwToNhwc);
  if (h.crop == 0 && w.crop == 0)
    return nhwc;
  ArrayRef<int64_t> s = typeOf(nhwc).getShape();
  return slice(ctx.b, ctx.loc, nhwc, {0, 0, 0, 0},
               {s[0], s[1] - h.crop, s[2] - w.crop, s[3]});
}

} // namespace qforge::onnx_import
