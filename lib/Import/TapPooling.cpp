//===- TapPooling.cpp - pools TOSA's 2-D pooling ops do not take ----------===//
//
// Dilated windows, 3-D (or any rank) pools and Lp pools: the window's taps are
// combined one by one. Each tap is a view of the padded input at the tap's
// offset, subsampled by the stride (a reshape that splits each spatial
// dimension into [out, stride] and keeps index 0), and the views are
// combined with maximum or summed. An average divides by how many counted
// elements each window holds, a constant computed here: per dimension,
// the taps that fall on the input (or on declared padding, with
// count_include_pad), multiplied over the dimensions. MaxPool's Indices
// output follows the maximum: each tap brings a constant of where its
// input element sits, taken where the tap is strictly greater than the
// taps before it (the first maximum in scanning order).
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"
#include "Windows.h"

#include "HostFolding.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// One spatial dimension of the pool.
struct TapAxis {
  int64_t in = 0, kernel = 1, stride = 1, dilation = 1;
  Window window;
  // Positions [countedFrom, counted) of the padded axis are what an
  // average counts.
  int64_t countedFrom = 0, counted = 0;
  int64_t padded = 0; // extent of the padded axis: room for out * stride per tap
};

FailureOr<SmallVector<TapAxis>> tapAxes(NodeContext &ctx, ArrayRef<int64_t> spatial,
                                        const WindowAttrs &a, bool includePad) {
  bool ceilMode = ctx.getInt("ceil_mode", 0) != 0;
  int64_t k = static_cast<int64_t>(spatial.size());
  SmallVector<TapAxis> axes;
  for (int64_t i = 0; i < k; ++i) {
    TapAxis t{spatial[i], a.kernel[i], a.strides[i], a.dilations[i]};
    auto w = resolveWindow(ctx, t.in, t.kernel, t.stride, t.dilation, a.pads[i], a.pads[i + k],
                           a.autoPad, ceilMode);
    if (failed(w))
      return failure();
    t.window = *w;
    // Declared padding counts with count_include_pad; what ceil_mode or
    // auto_pad adds never does.
    int64_t declaredEnd = std::min(w->padEnd, a.pads[i + k]);
    t.countedFrom = includePad ? 0 : w->padBegin;
    t.counted = w->padBegin + t.in + (includePad ? declaredEnd : 0);
    t.padded = std::max(w->padBegin + t.in + w->padEnd,
                        (t.kernel - 1) * t.dilation + w->out * t.stride);
    axes.push_back(t);
  }
  return axes;
}

/// [N, C, padded...] -> the tap at `offsets`: [N, C, out...].
Value tapView(OpBuilder &b, Location loc, Value padded, ArrayRef<TapAxis> axes,
              ArrayRef<int64_t> offsets) {
  ArrayRef<int64_t> shape = typeOf(padded).getShape();
  SmallVector<int64_t> start = {0, 0}, size = {shape[0], shape[1]}, split = size,
                       first = size, out = size;
  for (auto [axis, offset] : llvm::zip(axes, offsets)) {
    start.push_back(offset);
    size.push_back(axis.window.out * axis.stride);
    split.append({axis.window.out, axis.stride});
    first.append({axis.window.out, 1});
    out.push_back(axis.window.out);
  }
  Value view = reshape(b, loc, slice(b, loc, padded, start, size), split);
  SmallVector<int64_t> zeros(split.size(), 0);
  return reshape(b, loc, slice(b, loc, view, zeros, first), out);
}

/// How many counted elements each window of an average holds: [1, 1, out...].
HostTensor windowCounts(ArrayRef<TapAxis> axes, Type element) {
  SmallVector<SmallVector<double>> perAxis;
  SmallVector<int64_t> shape = {1, 1};
  for (const TapAxis &axis : axes) {
    SmallVector<double> counts;
    for (int64_t o = 0; o < axis.window.out; ++o) {
      int64_t n = 0;
      for (int64_t t = 0; t < axis.kernel; ++t) {
        int64_t p = o * axis.stride + t * axis.dilation;
        n += p >= axis.countedFrom && p < axis.counted;
      }
      counts.push_back(static_cast<double>(n));
    }
    perAxis.push_back(counts);
    shape.push_back(axis.window.out);
  }
  SmallVector<double> values = {1.0};
  for (const SmallVector<double> &counts : perAxis) {
    SmallVector<double> next;
    for (double v : values)
      for (double c : counts)
        next.push_back(v * c);
    values = std::move(next);
  }
  return makeFloatTensor(element, shape, values);
}

/// Where tap `offsets`' input element of each output position sits in its
/// image, [1, 1, out...]: the flattened spatial index, row-major (the last
/// dimension fastest) or column-major (the first). A position on padding
/// counts 0 along that axis: its -inf is never a window's maximum.
HostTensor tapPositions(ArrayRef<TapAxis> axes, ArrayRef<int64_t> offsets, bool columnMajor,
                        Type element) {
  int64_t rank = static_cast<int64_t>(axes.size());
  SmallVector<int64_t> shape = {1, 1}, strides(rank, 1);
  for (const TapAxis &axis : axes)
    shape.push_back(axis.window.out);
  for (int64_t k = 1; k < rank; ++k) {
    int64_t d = columnMajor ? k : rank - 1 - k;
    int64_t inner = columnMajor ? d - 1 : d + 1;
    strides[d] = strides[inner] * axes[inner].in;
  }
  SmallVector<int64_t> values = {0};
  for (auto [d, axis] : llvm::enumerate(axes)) {
    SmallVector<int64_t> next;
    for (int64_t v : values)
      for (int64_t o = 0; o < axis.window.out; ++o) {
        int64_t i = o * axis.stride + offsets[d] - axis.window.padBegin;
        next.push_back(v + (i < 0 || i >= axis.in ? 0 : i) * strides[d]);
      }
    values = std::move(next);
  }
  return makeIntTensor(element, shape, values);
}

/// Every tap's offsets, the last dimension fastest.
SmallVector<SmallVector<int64_t>> tapOffsets(ArrayRef<TapAxis> axes) {
  SmallVector<SmallVector<int64_t>> taps = {{}};
  for (const TapAxis &axis : axes) {
    SmallVector<SmallVector<int64_t>> next;
    for (const SmallVector<int64_t> &tap : taps)
      for (int64_t t = 0; t < axis.kernel; ++t) {
        next.push_back(tap);
        next.back().push_back(t * axis.dilation);
      }
    taps = std::move(next);
  }
  return taps;
}

/// x padded with `fill` as the taps read it: [N, C, padded...].
Value padForTaps(OpBuilder &b, Location loc, Value x, ArrayRef<TapAxis> axes, double fill) {
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> padding = {0, 0, 0, 0}, paddedShape(type.getShape().take_front(2));
  for (const TapAxis &axis : axes) {
    padding.append({axis.window.padBegin, axis.padded - axis.window.padBegin - axis.in});
    paddedShape.push_back(axis.padded);
  }
  Type element = type.getElementType();
  return tosa::PadOp::create(b, loc, tensorType(paddedShape, element), x,
                             shapeValue(b, loc, padding), splat(b, loc, element, {1}, fill));
}

} // namespace

FailureOr<std::pair<Value, Value>> maxPoolWithIndices(NodeContext &ctx, Value x,
                                                      const WindowAttrs &a, bool columnMajor) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  RankedTensorType type = typeOf(x);
  if (!isa<FloatType>(type.getElementType())) {
    (void)ctx.unsupported("integer MaxPool with its Indices output");
    return failure();
  }
  ArrayRef<int64_t> shape = type.getShape();
  if (product(shape) > std::numeric_limits<int32_t>::max()) {
    (void)ctx.unsupported("Indices beyond 2^31 elements");
    return failure();
  }
  auto axes = tapAxes(ctx, shape.drop_front(2), a, /*includePad=*/false);
  if (failed(axes))
    return failure();
  Value padded = padForTaps(b, loc, x, *axes, -std::numeric_limits<double>::infinity());
  Type i32 = b.getI32Type();
  Value best, where;
  for (const SmallVector<int64_t> &offsets : tapOffsets(*axes)) {
    Value tap = tapView(b, loc, padded, *axes, offsets);
    Value position = constant(b, loc, tapPositions(*axes, offsets, columnMajor, i32));
    if (!best) {
      best = tap;
      where = position;
      continue;
    }
    Value greater = binary<tosa::GreaterOp>(b, loc, tap, best, b.getI1Type());
    best = tosa::SelectOp::create(b, loc, typeOf(best), greater, tap, best);
    auto whereType = tensorType(typeOf(best).getShape(), i32);
    where = tosa::SelectOp::create(b, loc, whereType, greater, position, where);
  }
  // Each image's first element: (n C + c) times the image's size.
  int64_t n = shape[0], c = shape[1], image = product(shape.drop_front(2));
  SmallVector<int64_t> starts;
  for (int64_t i = 0; i < n * c; ++i)
    starts.push_back(i * image);
  SmallVector<int64_t> startShape(typeOf(best).getRank(), 1);
  startShape[0] = n;
  startShape[1] = c;
  where = binary<tosa::AddOp>(b, loc, where, constant(b, loc, makeIntTensor(i32, startShape, starts)));
  return std::make_pair(best, castElements(b, loc, where, b.getI64Type()));
}

FailureOr<Value> poolByTaps(NodeContext &ctx, Value x, const WindowAttrs &a, TapPool kind) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  RankedTensorType type = typeOf(x);
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element) {
    (void)ctx.unsupported("integer pooling with dilations or more than 2 spatial dimensions");
    return failure();
  }
  bool isMax = kind == TapPool::Max;
  bool includePad = kind == TapPool::Average && ctx.getInt("count_include_pad", 0) != 0;
  auto axes = tapAxes(ctx, type.getShape().drop_front(2), a, includePad);
  if (failed(axes))
    return failure();
  double fill = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  Value padded = padForTaps(b, loc, x, *axes, fill);
  Value result;
  for (const SmallVector<int64_t> &offsets : tapOffsets(*axes)) {
    Value tap = tapView(b, loc, padded, *axes, offsets);
    if (!result)
      result = tap;
    else if (isMax)
      result = binary<tosa::MaximumOp>(b, loc, result, tap);
    else
      result = binary<tosa::AddOp>(b, loc, result, tap);
  }
  if (kind == TapPool::Average)
    result = divide(b, loc, result, constant(b, loc, windowCounts(*axes, element)));
  return result;
}

namespace {

/// |x|^p, and its inverse y^(1/p), with p = 1 and 2 as plain arithmetic.
Value absPower(OpBuilder &b, Location loc, Value x, int64_t p) {
  Value magnitude = tosa::AbsOp::create(b, loc, typeOf(x), x);
  if (p == 1)
    return magnitude;
  if (p == 2)
    return mul(b, loc, x, x);
  Value exponent = splat(b, loc, typeOf(x).getElementType(), {}, static_cast<double>(p));
  return binary<tosa::PowOp>(b, loc, magnitude, exponent);
}

Value rootOf(OpBuilder &b, Location loc, Value y, int64_t p) {
  if (p == 1)
    return y;
  if (p == 2)
    return math::SqrtOp::create(b, loc, y);
  Value exponent = splat(b, loc, typeOf(y).getElementType(), {}, 1.0 / static_cast<double>(p));
  return binary<tosa::PowOp>(b, loc, y, exponent);
}

FailureOr<int64_t> normOrder(NodeContext &ctx) {
  int64_t p = ctx.getInt("p", 2);
  if (p < 1) {
    ctx.emitError() << "p=" << p << " is not a positive integer";
    return failure();
  }
  if (!isa<FloatType>(ctx.inputType(0).getElementType())) {
    (void)ctx.unsupported("integer input");
    return failure();
  }
  return p;
}

/// LpPool: (sum over the window of |x|^p)^(1/p); padding adds nothing.
LogicalResult convertLpPool(NodeContext &ctx) {
  auto p = normOrder(ctx);
  if (failed(p))
    return failure();
  Value x = ctx.input(0);
  if (typeOf(x).getRank() < 3)
    return ctx.unsupported("pooling of a rank-" + Twine(typeOf(x).getRank()) + " input");
  auto attrs = readWindowAttrs(ctx, typeOf(x).getRank() - 2);
  if (failed(attrs))
    return failure();
  auto sum = poolByTaps(ctx, absPower(ctx.b, ctx.loc, x, *p), *attrs, TapPool::Sum);
  if (failed(sum))
    return failure();
  ctx.setOutput(0, rootOf(ctx.b, ctx.loc, *sum, *p));
  return success();
}

/// GlobalLpPool: the same over all spatial positions, [N, C, 1, ...].
LogicalResult convertGlobalLpPool(NodeContext &ctx) {
  auto p = normOrder(ctx);
  if (failed(p))
    return failure();
  Value y = absPower(ctx.b, ctx.loc, ctx.input(0), *p);
  for (int64_t d = 2; d < typeOf(y).getRank(); ++d)
    y = reduceSum(ctx.b, ctx.loc, y, d);
  ctx.setOutput(0, rootOf(ctx.b, ctx.loc, y, *p));
  return success();
}

} // namespace

void addLpPoolConverters(ConverterMap &map) {
  addConverter(map, "LpPool", convertLpPool, 11, "sums of |x|^p taps (+ math.sqrt / tosa.pow)",
               "any rank; p; strides, pads, dilations, ceil_mode");
  addConverter(map, "GlobalLpPool", convertGlobalLpPool, 2,
               "tosa.reduce_sum of |x|^p (+ math.sqrt / tosa.pow)", "p");
}

} // namespace qforge::onnx_import
