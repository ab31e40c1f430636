//===- ShapeOps.cpp - ONNX shape, data-movement, constant and reduction ops ===//
//
// Shape computations on constants are evaluated on the host (so the
// Shape -> Gather -> Concat -> Reshape chains of exported models fold away);
// data movement on run-time tensors becomes tosa.reshape/transpose/slice/
// concat/pad/tile/gather.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Utils/Layout.h"
#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Sets output 0 to `input` reshaped to `shape`, on the host when the input
/// is a constant.
void setReshaped(NodeContext &ctx, ArrayRef<int64_t> shape) {
  if (HostTensor value = ctx.constInput(0)) {
    ctx.setOutput(0, value.reshape(tensorType(shape, value.getElementType())));
    return;
  }
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, ctx.input(0), shape));
}

/// Reads an optional int list that moved from an attribute to an input at
/// `inputSince`.
FailureOr<std::optional<SmallVector<int64_t>>>
attrOrInput(NodeContext &ctx, StringRef name, size_t inputIndex,
            int64_t inputSince) {
  if (ctx.opset < inputSince) {
    if (!ctx.hasAttr(name))
      return std::optional<SmallVector<int64_t>>();
    return std::optional<SmallVector<int64_t>>(ctx.getInts(name));
  }
  if (!ctx.hasInput(inputIndex))
    return std::optional<SmallVector<int64_t>>();
  auto values = ctx.constInts(inputIndex, name);
  if (failed(values))
    return failure();
  return std::optional<SmallVector<int64_t>>(*values);
}

//===----------------------------------------------------------------------===//
// Reshape family
//===----------------------------------------------------------------------===//

LogicalResult convertReshape(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  SmallVector<int64_t> shape;
  if (ctx.opset < 5) {
    shape = ctx.getInts("shape");
  } else {
    auto values = ctx.constInts(1, "shape");
    if (failed(values))
      return failure();
    shape = *values;
  }
  bool allowZero = ctx.getInt("allowzero", 0) != 0;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size()) {
        ctx.emitError() << "shape entry " << i << " is 0 (copy) but the input has rank "
                        << in.size();
        return failure();
      }
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0) {
        ctx.emitError() << "shape has more than one -1";
        return failure();
      }
      inferred = static_cast<int64_t>(i);
      continue;
    }
    known *= d;
  }
  int64_t total = product(in);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) {
      ctx.emitError() << "cannot infer the -1 entry: " << total
                      << " elements do not divide by " << known;
      return failure();
    }
    shape[inferred] = total / known;
  } else if (known != total) {
    ctx.emitError() << "shape holds " << known << " elements but the input has "
                    << total;
    return failure();
  }
  setReshaped(ctx, shape);
  return success();
}

LogicalResult convertFlatten(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  int64_t axis = ctx.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank) {
    ctx.emitError() << "axis " << ctx.getInt("axis", 1)
                    << " is out of range for rank " << rank;
    return failure();
  }
  setReshaped(ctx, {product(in.take_front(axis)), product(in.drop_front(axis))});
  return success();
}

LogicalResult convertSqueeze(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  auto axes = attrOrInput(ctx, "axes", 1, 13);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(rank, false);
  if (!*axes) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = in[d] == 1;
  } else {
    for (int64_t axis : **axes) {
      auto a = ctx.normalizeAxis(axis, rank);
      if (failed(a))
        return failure();
      if (in[*a] != 1) {
        ctx.emitError() << "cannot squeeze axis " << axis << " of size " << in[*a];
        return failure();
      }
      drop[*a] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      shape.push_back(in[d]);
  setReshaped(ctx, shape);
  return success();
}

LogicalResult convertUnsqueeze(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  auto axes = attrOrInput(ctx, "axes", 1, 13);
  if (failed(axes))
    return failure();
  if (!*axes) {
    ctx.emitError() << "'axes' is required";
    return failure();
  }
  int64_t outRank = static_cast<int64_t>(in.size() + (*axes)->size());
  SmallVector<bool> inserted(outRank, false);
  for (int64_t axis : **axes) {
    auto a = ctx.normalizeAxis(axis, outRank);
    if (failed(a))
      return failure();
    inserted[*a] = true;
  }
  SmallVector<int64_t> shape;
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : in[next++]);
  setReshaped(ctx, shape);
  return success();
}

//===----------------------------------------------------------------------===//
// Transpose, Concat, Split, Slice
//===----------------------------------------------------------------------===//

LogicalResult convertTranspose(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<int64_t> perm = ctx.getInts("perm");
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != rank) {
    ctx.emitError() << "perm has " << perm.size() << " entries for rank " << rank;
    return failure();
  }
  if (HostTensor value = ctx.constInput(0)) {
    ctx.setOutput(0, permuteConstant(value, perm));
    return success();
  }
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  ctx.setOutput(0, transpose(ctx.b, ctx.loc, ctx.input(0), perms));
  return success();
}

/// Host slice with arbitrary positive or negative steps; `starts` are
/// clamped, resolved first indices.
HostTensor sliceHost(HostTensor value, ArrayRef<int64_t> starts,
                     ArrayRef<int64_t> steps, ArrayRef<int64_t> outShape) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> inStrides = stridesOf(type.getShape()),
                       outStrides = stridesOf(outShape);
  SmallVector<Attribute> in(value.getValues<Attribute>()), out;
  for (int64_t flat = 0; flat < product(outShape); ++flat) {
    int64_t rest = flat, source = 0;
    for (size_t d = 0; d < outShape.size(); ++d) {
      int64_t idx = rest / outStrides[d];
      rest %= outStrides[d];
      source += (starts[d] + idx * steps[d]) * inStrides[d];
    }
    out.push_back(in[source]);
  }
  return DenseElementsAttr::get(tensorType(outShape, type.getElementType()), out);
}

LogicalResult convertConcat(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(ctx.inputType(0).getShape());
  shape[*axis] = 0;
  for (int i = 0; i < ctx.node.input_size(); ++i)
    shape[*axis] += ctx.inputType(i).getDimSize(*axis);
  Type element = ctx.inputType(0).getElementType();
  if (ctx.allInputsConstant()) {
    // Small host concatenation (shape vectors, mostly).
    int64_t outer = product(ArrayRef<int64_t>(shape).take_front(*axis));
    int64_t inner = product(ArrayRef<int64_t>(shape).drop_front(*axis + 1));
    SmallVector<SmallVector<Attribute>> parts;
    for (int i = 0; i < ctx.node.input_size(); ++i)
      parts.emplace_back(ctx.constInput(i).getValues<Attribute>());
    SmallVector<Attribute> out;
    for (int64_t o = 0; o < outer; ++o)
      for (int i = 0; i < ctx.node.input_size(); ++i) {
        int64_t chunk = ctx.inputType(i).getDimSize(*axis) * inner;
        for (int64_t e = 0; e < chunk; ++e)
          out.push_back(parts[i][o * chunk + e]);
      }
    ctx.setOutput(0, DenseElementsAttr::get(tensorType(shape, element), out));
    return success();
  }
  SmallVector<Value> inputs;
  for (int i = 0; i < ctx.node.input_size(); ++i)
    if (ctx.inputType(i).getDimSize(*axis) != 0)
      inputs.push_back(ctx.input(i));
  if (inputs.size() == 1) {
    ctx.setOutput(0, inputs[0]);
    return success();
  }
  ctx.setOutput(0, tosa::ConcatOp::create(ctx.b, ctx.loc, tensorType(shape, element),
                                          inputs, ctx.b.getI32IntegerAttr(*axis)));
  return success();
}

LogicalResult convertSplit(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), in.size());
  if (failed(axis))
    return failure();
  auto split = attrOrInput(ctx, "split", 1, 13);
  if (failed(split))
    return failure();
  int64_t outputs = ctx.node.output_size();
  SmallVector<int64_t> sizes;
  if (*split) {
    sizes = **split;
  } else {
    // Equal parts; with opset 18's num_outputs the last may be smaller.
    int64_t parts = ctx.getInt("num_outputs", outputs);
    int64_t each = (in[*axis] + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::min(each, in[*axis] - i * each));
  }
  if (static_cast<int64_t>(sizes.size()) != outputs) {
    ctx.emitError() << "split gives " << sizes.size() << " parts for " << outputs
                    << " outputs";
    return failure();
  }
  int64_t offset = 0;
  for (int64_t i = 0; i < outputs; ++i) {
    SmallVector<int64_t> start(in.size(), 0), size(in);
    start[*axis] = offset;
    size[*axis] = sizes[i];
    offset += sizes[i];
    if (ctx.node.output(i).empty())
      continue;
    if (HostTensor value = ctx.constInput(0))
      ctx.setOutput(i, sliceHost(value, start, SmallVector<int64_t>(in.size(), 1), size));
    else
      ctx.setOutput(i, slice(ctx.b, ctx.loc, ctx.input(0), start, size));
  }
  if (offset != in[*axis]) {
    ctx.emitError() << "split sizes add up to " << offset << ", not " << in[*axis];
    return failure();
  }
  return success();
}

LogicalResult convertSlice(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.getInts("starts");
    ends = ctx.getInts("ends");
    axes = ctx.getInts("axes");
  } else {
    auto s = ctx.constInts(1, "starts");
    auto e = ctx.constInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      auto a = ctx.constInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      auto st = ctx.constInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  SmallVector<int64_t> first(rank, 0), step(rank, 1), size(in);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto a = ctx.normalizeAxis(axes[i], rank);
    if (failed(a))
      return failure();
    int64_t dim = in[*a], s = steps[i];
    if (s == 0) {
      ctx.emitError() << "step 0 on axis " << axes[i];
      return failure();
    }
    // Clamp as ONNX specifies: [0, dim] for positive steps, [-1, dim - 1]
    // for negative ones.
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      size[*a] = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp<int64_t>(b, -1, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      size[*a] = b > e ? (b - e - s - 1) / -s : 0;
    }
    first[*a] = b;
    step[*a] = s;
  }
  if (HostTensor value = ctx.constInput(0)) {
    ctx.setOutput(0, sliceHost(value, first, step, size));
    return success();
  }
  if (llvm::is_contained(size, 0))
    return ctx.unsupported("an empty Slice result");
  Value x = ctx.input(0);
  // Unit steps are one tosa.slice; other steps gather the selected indices
  // along their axis (shapes are static, so the indices are constants).
  SmallVector<int64_t> unitFirst(first), unitSize(in);
  for (int64_t d = 0; d < rank; ++d)
    if (step[d] == 1)
      unitSize[d] = size[d];
    else
      unitFirst[d] = 0;
  x = slice(ctx.b, ctx.loc, x, unitFirst, unitSize);
  for (int64_t d = 0; d < rank; ++d) {
    if (step[d] == 1)
      continue;
    SmallVector<int64_t> indices;
    for (int64_t k = 0; k < size[d]; ++k)
      indices.push_back(first[d] + k * step[d]);
    x = gatherAlongAxis(ctx.b, ctx.loc, x, d, indices);
  }
  ctx.setOutput(0, x);
  return success();
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult convertGather(NodeContext &ctx) {
  ArrayRef<int64_t> dataShape = ctx.inputType(0).getShape();
  ArrayRef<int64_t> indexShape = ctx.inputType(1).getShape();
  int64_t rank = static_cast<int64_t>(dataShape.size());
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  int64_t outer = product(dataShape.take_front(*axis));
  int64_t k = dataShape[*axis];
  int64_t inner = product(dataShape.drop_front(*axis + 1));
  int64_t count = product(indexShape);
  SmallVector<int64_t> outShape(dataShape.take_front(*axis));
  llvm::append_range(outShape, indexShape);
  llvm::append_range(outShape, dataShape.drop_front(*axis + 1));

  HostTensor indicesHost = ctx.constInput(1);
  SmallVector<int64_t> indices;
  if (indicesHost) {
    indices = intValues(indicesHost);
    for (int64_t &i : indices) {
      if (i < -k || i >= k) {
        ctx.emitError() << "index " << i << " is out of range for axis size " << k;
        return failure();
      }
      if (i < 0)
        i += k;
    }
  }
  if (HostTensor data = ctx.constInput(0); data && indicesHost) {
    SmallVector<Attribute> in(data.getValues<Attribute>()), out;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t idx : indices)
        for (int64_t e = 0; e < inner; ++e)
          out.push_back(in[(o * k + idx) * inner + e]);
    ctx.setOutput(0, DenseElementsAttr::get(
                         tensorType(outShape, data.getElementType()), out));
    return success();
  }

  if (indicesHost) {
    Value flat = gatherAlongAxis(ctx.b, ctx.loc, ctx.input(0), *axis, indices);
    ctx.setOutput(0, reshape(ctx.b, ctx.loc, flat, outShape));
    return success();
  }

  // Run-time indices: tosa.gather on [outer, K, inner] with the indices
  // (i32, negative ones wrapped) broadcast over the outer dimension.
  Type element = ctx.inputType(0).getElementType();
  Value values = reshape(ctx.b, ctx.loc, ctx.input(0), {outer, k, inner});
  Value i32 = castElements(ctx.b, ctx.loc, ctx.input(1), ctx.b.getI32Type());
  i32 = reshape(ctx.b, ctx.loc, i32, {1, count});
  Value zero = splat(ctx.b, ctx.loc, ctx.b.getI32Type(), {1, 1}, 0);
  Value negative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, zero, i32, ctx.b.getI1Type());
  Value wrapped = binary<tosa::AddOp>(
      ctx.b, ctx.loc, i32, splat(ctx.b, ctx.loc, ctx.b.getI32Type(), {1, 1}, k));
  i32 = tosa::SelectOp::create(ctx.b, ctx.loc, typeOf(i32), negative, wrapped, i32);
  Value index = broadcastTo(ctx.b, ctx.loc, i32, {outer, count});
  Value gathered = tosa::GatherOp::create(
      ctx.b, ctx.loc, tensorType({outer, count, inner}, element), values, index);
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, gathered, outShape));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad, Tile, Expand, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

/// Pads one axis with `before`/`after` copies made by reflect or edge mode.
Value padAxisByCopy(NodeContext &ctx, Value x, int64_t axis, int64_t before,
                    int64_t after, bool reflect) {
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t n = shape[axis];
  auto sliceAxis = [&](int64_t start, int64_t size) {
    SmallVector<int64_t> starts(shape.size(), 0), sizes(shape);
    starts[axis] = start;
    sizes[axis] = size;
    return slice(ctx.b, ctx.loc, x, starts, sizes);
  };
  auto reverse = [&](Value v) {
    return tosa::ReverseOp::create(ctx.b, ctx.loc, typeOf(v), v,
                                   ctx.b.getI32IntegerAttr(axis))
        .getResult();
  };
  auto repeat = [&](Value v, int64_t times) {
    SmallVector<int64_t> multiples(shape.size(), 1);
    multiples[axis] = times;
    SmallVector<int64_t> out(typeOf(v).getShape());
    out[axis] *= times;
    return tosa::TileOp::create(ctx.b, ctx.loc,
                                tensorType(out, typeOf(v).getElementType()), v,
                                shapeValue(ctx.b, ctx.loc, multiples))
        .getResult();
  };
  SmallVector<Value> parts;
  if (before > 0)
    parts.push_back(reflect ? reverse(sliceAxis(1, before))
                            : repeat(sliceAxis(0, 1), before));
  parts.push_back(x);
  if (after > 0)
    parts.push_back(reflect ? reverse(sliceAxis(n - 1 - after, after))
                            : repeat(sliceAxis(n - 1, 1), after));
  if (parts.size() == 1)
    return x;
  SmallVector<int64_t> out(shape);
  out[axis] += before + after;
  return tosa::ConcatOp::create(ctx.b, ctx.loc,
                                tensorType(out, typeOf(x).getElementType()),
                                parts, ctx.b.getI32IntegerAttr(axis));
}

LogicalResult convertPad(NodeContext &ctx) {
  std::string mode = ctx.getString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.unsupported("mode='" + mode + "'");
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  Type element = ctx.inputType(0).getElementType();
  SmallVector<int64_t> pads;
  double value = 0.0;
  if (ctx.opset < 11) {
    pads = ctx.getInts("pads");
    value = ctx.getFloat("value", 0.0f);
  } else {
    auto p = ctx.constInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      auto v = ctx.constScalar(2, "constant_value");
      if (failed(v))
        return failure();
      value = *v;
    }
    if (ctx.hasInput(3)) {
      // Opset 18: pads only for the listed axes.
      auto axes = ctx.constInts(3, "axes");
      if (failed(axes))
        return failure();
      SmallVector<int64_t> full(2 * rank, 0);
      int64_t n = static_cast<int64_t>(axes->size());
      for (int64_t i = 0; i < n; ++i) {
        auto a = ctx.normalizeAxis((*axes)[i], rank);
        if (failed(a))
          return failure();
        full[*a] = pads[i];
        full[*a + rank] = pads[i + n];
      }
      pads = full;
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank) {
    ctx.emitError() << "pads has " << pads.size() << " entries for rank " << rank;
    return failure();
  }
  Value x = ctx.input(0);
  if (mode != "constant") {
    for (int64_t d = 0; d < rank; ++d) {
      if (pads[d] < 0 || pads[d + rank] < 0)
        return ctx.unsupported("negative pads with mode='" + mode + "'");
      if (mode == "reflect" && (pads[d] >= in[d] || pads[d + rank] >= in[d])) {
        ctx.emitError() << "reflect padding of " << std::max(pads[d], pads[d + rank])
                        << " needs an axis longer than " << in[d];
        return failure();
      }
      x = padAxisByCopy(ctx, x, d, pads[d], pads[d + rank], mode == "reflect");
    }
    ctx.setOutput(0, x);
    return success();
  }
  // Positive pads grow the tensor with tosa.pad; negative ones crop after.
  SmallVector<int64_t> padding, grown;
  bool anyPositive = false, anyNegative = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t b = std::max<int64_t>(pads[d], 0), e = std::max<int64_t>(pads[d + rank], 0);
    padding.append({b, e});
    grown.push_back(in[d] + b + e);
    anyPositive |= b > 0 || e > 0;
    anyNegative |= pads[d] < 0 || pads[d + rank] < 0;
  }
  if (anyPositive)
    x = tosa::PadOp::create(ctx.b, ctx.loc, tensorType(grown, element), x,
                            shapeValue(ctx.b, ctx.loc, padding),
                            splat(ctx.b, ctx.loc, element, {1}, value));
  if (anyNegative) {
    SmallVector<int64_t> start, size;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t cutBegin = std::max<int64_t>(-pads[d], 0);
      int64_t cutEnd = std::max<int64_t>(-pads[d + rank], 0);
      start.push_back(cutBegin);
      size.push_back(grown[d] - cutBegin - cutEnd);
    }
    x = slice(ctx.b, ctx.loc, x, start, size);
  }
  ctx.setOutput(0, x);
  return success();
}

LogicalResult convertTile(NodeContext &ctx) {
  auto repeats = ctx.constInts(1, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  if (repeats->size() != in.size()) {
    ctx.emitError() << "repeats has " << repeats->size() << " entries for rank "
                    << in.size();
    return failure();
  }
  SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::zip(in, *repeats))
    shape.push_back(d * r);
  ctx.setOutput(0, tosa::TileOp::create(
                       ctx.b, ctx.loc,
                       tensorType(shape, ctx.inputType(0).getElementType()),
                       ctx.input(0), shapeValue(ctx.b, ctx.loc, *repeats)));
  return success();
}

LogicalResult convertExpand(NodeContext &ctx) {
  auto target = ctx.constInts(1, "shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape = broadcastShape(ctx.inputType(0).getShape(), *target);
  // A constant of one value stays one (exporters expand zeros into a
  // recurrent layer's initial state).
  if (HostTensor value = ctx.constInput(0); value && value.isSplat()) {
    ctx.setOutput(0, DenseElementsAttr::get(tensorType(shape, value.getElementType()),
                                            value.getSplatValue<Attribute>()));
    return success();
  }
  if (HostTensor value = ctx.constInput(0);
      value && isa<IntegerType>(value.getElementType()) &&
      !value.getElementType().isInteger(1)) {
    HostTensor zeros = makeIntTensor(value.getElementType(), shape,
                                     SmallVector<int64_t>(product(shape), 0));
    ctx.setOutput(0, foldIntBinary(value, zeros, [](int64_t a, int64_t) { return a; }));
    return success();
  }
  ctx.setOutput(0, broadcastTo(ctx.b, ctx.loc, ctx.input(0), shape));
  return success();
}

LogicalResult convertDepthToSpace(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t bs = ctx.getInt("blocksize", 0);
  if (in.size() != 4 || bs < 1 || in[1] % (bs * bs) != 0) {
    ctx.emitError() << "needs a rank-4 input whose channels divide by blocksize^2";
    return failure();
  }
  int64_t n = in[0], c = in[1], h = in[2], w = in[3], cOut = c / (bs * bs);
  bool crd = ctx.getString("mode", "DCR") == "CRD";
  Value x = ctx.input(0);
  if (crd) {
    x = reshape(ctx.b, ctx.loc, x, {n, cOut, bs, bs, h, w});
    x = transpose(ctx.b, ctx.loc, x, {0, 1, 4, 2, 5, 3});
  } else {
    x = reshape(ctx.b, ctx.loc, x, {n, bs, bs, cOut, h, w});
    x = transpose(ctx.b, ctx.loc, x, {0, 3, 4, 1, 5, 2});
  }
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, x, {n, cOut, h * bs, w * bs}));
  return success();
}

LogicalResult convertSpaceToDepth(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t bs = ctx.getInt("blocksize", 0);
  if (in.size() != 4 || bs < 1 || in[2] % bs != 0 || in[3] % bs != 0) {
    ctx.emitError() << "needs a rank-4 input whose height and width divide by blocksize";
    return failure();
  }
  int64_t n = in[0], c = in[1], h = in[2], w = in[3];
  Value x = reshape(ctx.b, ctx.loc, ctx.input(0), {n, c, h / bs, bs, w / bs, bs});
  x = transpose(ctx.b, ctx.loc, x, {0, 3, 5, 1, 2, 4});
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, x, {n, c * bs * bs, h / bs, w / bs}));
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult convertConstant(NodeContext &ctx) {
  Builder b(ctx.b.getContext());
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    HostTensor value = convertTensorProto(b.getContext(), a->t(), error);
    if (!value) {
      ctx.emitError() << error;
      return failure();
    }
    ctx.setOutput(0, value);
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_float")) {
    ctx.setOutput(0, makeFloatTensor(b.getF32Type(), {}, {a->f()}));
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_floats")) {
    SmallVector<double> v(a->floats().begin(), a->floats().end());
    ctx.setOutput(0, makeFloatTensor(b.getF32Type(), {static_cast<int64_t>(v.size())}, v));
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_int")) {
    ctx.setOutput(0, makeIntTensor(b.getI64Type(), {}, {a->i()}));
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_ints")) {
    SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
    ctx.setOutput(0, makeIntTensor(b.getI64Type(), {static_cast<int64_t>(v.size())}, v));
    return success();
  }
  return ctx.unsupported("a Constant without a tensor, float or int value");
}

LogicalResult convertConstantOfShape(NodeContext &ctx) {
  auto shape = ctx.constInts(0, "input");
  if (failed(shape))
    return failure();
  HostTensor fill;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    fill = convertTensorProto(ctx.b.getContext(), a->t(), error);
    if (!fill) {
      ctx.emitError() << error;
      return failure();
    }
  } else {
    fill = makeFloatTensor(ctx.b.getF32Type(), {1}, {0.0});
  }
  auto type = tensorType(*shape, fill.getElementType());
  ctx.setOutput(0, DenseElementsAttr::get(type, *fill.value_begin<Attribute>()));
  return success();
}

LogicalResult convertShape(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.inputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  int64_t start = ctx.getInt("start", 0), end = ctx.getInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> dims(in.begin() + start, in.begin() + end);
  ctx.setOutput(0, makeIntTensor(ctx.b.getI64Type(),
                                 {static_cast<int64_t>(dims.size())}, dims));
  return success();
}

LogicalResult convertSize(NodeContext &ctx) {
  ctx.setOutput(0, makeIntTensor(ctx.b.getI64Type(), {},
                                 {product(ctx.inputType(0).getShape())}));
  return success();
}

LogicalResult convertRange(NodeContext &ctx) {
  auto start = ctx.constScalar(0, "start");
  auto limit = ctx.constScalar(1, "limit");
  auto delta = ctx.constScalar(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (*delta == 0.0) {
    ctx.emitError() << "delta is 0";
    return failure();
  }
  // ONNX: n = max(ceil((limit - start) / delta), 0), element i = start + i * delta.
  int64_t n = std::max<int64_t>(
      static_cast<int64_t>(std::ceil((*limit - *start) / *delta)), 0);
  Type element = ctx.constInput(0).getElementType();
  if (isa<FloatType>(element)) {
    SmallVector<double> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(*start + static_cast<double>(i) * *delta);
    ctx.setOutput(0, makeFloatTensor(element, {n}, values));
  } else {
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(static_cast<int64_t>(*start) + i * static_cast<int64_t>(*delta));
    ctx.setOutput(0, makeIntTensor(element, {n}, values));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp };

/// The axes a reduction node reduces (`reduced[d]`), or std::nullopt when
/// it is a no-op (empty axes with noop_with_empty_axes). Reports errors.
FailureOr<std::optional<SmallVector<bool>>> reducedAxes(NodeContext &ctx, int64_t rank,
                                                        int64_t since) {
  auto axes = attrOrInput(ctx, "axes", 1, since);
  if (failed(axes))
    return failure();
  SmallVector<bool> reduced(rank, false);
  if (!*axes || (*axes)->empty()) {
    if (ctx.getInt("noop_with_empty_axes", 0) != 0)
      return std::optional<SmallVector<bool>>();
    reduced.assign(rank, true);
    return std::optional<SmallVector<bool>>(reduced);
  }
  for (int64_t axis : **axes) {
    auto a = ctx.normalizeAxis(axis, rank);
    if (failed(a))
      return failure();
    reduced[*a] = true;
  }
  return std::optional<SmallVector<bool>>(reduced);
}

/// `x` reduced over `reduced` by `kind`'s combining op (sum, max, min or
/// product), keeping the dimensions.
Value reduceAxes(NodeContext &ctx, Value x, ArrayRef<bool> reduced, ReduceKind kind) {
  for (int64_t d = 0; d < static_cast<int64_t>(reduced.size()); ++d) {
    if (!reduced[d])
      continue;
    if (kind == ReduceKind::Max)
      x = reduceMax(ctx.b, ctx.loc, x, d);
    else if (kind == ReduceKind::Min)
      x = reduceMin(ctx.b, ctx.loc, x, d);
    else if (kind == ReduceKind::Prod)
      x = reduceProduct(ctx.b, ctx.loc, x, d);
    else
      x = reduceSum(ctx.b, ctx.loc, x, d);
  }
  return x;
}

/// The reductions that are a sum of something else: ReduceL1 (|x|),
/// ReduceL2 and ReduceSumSquare (x^2), ReduceLogSum and ReduceLogSumExp
/// (log of a sum; the latter of exp(x - max x), plus max x, so that exp
/// cannot overflow), ReduceMean (a sum over the count).
Value reduceComposite(NodeContext &ctx, Value x, ArrayRef<bool> reduced, ReduceKind kind,
                      int64_t count) {
  RankedTensorType type = typeOf(x);
  switch (kind) {
  case ReduceKind::L1:
    return reduceAxes(ctx, tosa::AbsOp::create(ctx.b, ctx.loc, type, x), reduced,
                      ReduceKind::Sum);
  case ReduceKind::SumSquare:
    return reduceAxes(ctx, mul(ctx.b, ctx.loc, x, x), reduced, ReduceKind::Sum);
  case ReduceKind::L2: {
    Value sum = reduceAxes(ctx, mul(ctx.b, ctx.loc, x, x), reduced, ReduceKind::Sum);
    return math::SqrtOp::create(ctx.b, ctx.loc, sum);
  }
  case ReduceKind::LogSum: {
    Value sum = reduceAxes(ctx, x, reduced, ReduceKind::Sum);
    return tosa::LogOp::create(ctx.b, ctx.loc, typeOf(sum), sum);
  }
  case ReduceKind::LogSumExp: {
    Value top = reduceAxes(ctx, x, reduced, ReduceKind::Max);
    Value shifted = binary<tosa::SubOp>(ctx.b, ctx.loc, x, top);
    Value e = tosa::ExpOp::create(ctx.b, ctx.loc, typeOf(shifted), shifted);
    Value sum = reduceAxes(ctx, e, reduced, ReduceKind::Sum);
    Value log = tosa::LogOp::create(ctx.b, ctx.loc, typeOf(sum), sum);
    return binary<tosa::AddOp>(ctx.b, ctx.loc, log, top);
  }
  case ReduceKind::Mean:
    return mulScalar(ctx.b, ctx.loc, reduceAxes(ctx, x, reduced, ReduceKind::Sum),
                     1.0 / static_cast<double>(count));
  default:
    return reduceAxes(ctx, x, reduced, kind);
  }
}

template <ReduceKind kind>
LogicalResult convertReduce(NodeContext &ctx) {
  // ReduceSum took axes as an input from opset 13, the others from 18.
  int64_t since = kind == ReduceKind::Sum ? 13 : 18;
  Value x = ctx.input(0);
  ArrayRef<int64_t> in = typeOf(x).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  auto axes = reducedAxes(ctx, rank, since);
  if (failed(axes))
    return failure();
  if (!*axes) {
    ctx.setOutput(0, x);
    return success();
  }
  const SmallVector<bool> &reduced = **axes;
  bool floatOnly = kind == ReduceKind::Mean || kind == ReduceKind::L2 ||
                   kind == ReduceKind::LogSum || kind == ReduceKind::LogSumExp;
  if (floatOnly && !isa<FloatType>(typeOf(x).getElementType()))
    return ctx.unsupported("this reduction of integers");
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      count *= in[d];
  // The mean of an NCHW image over H and W (Keras and TensorFlow exports'
  // global pooling, squeeze-excitation) is GlobalAveragePool's pooling.
  Value mean;
  if (kind == ReduceKind::Mean && reduced == ArrayRef<bool>{false, false, true, true})
    mean = imageMean(ctx.b, ctx.loc, x);
  x = mean ? mean : reduceComposite(ctx, x, reduced, kind, count);
  if (ctx.getInt("keepdims", 1) == 0) {
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced[d])
        shape.push_back(in[d]);
    x = reshape(ctx.b, ctx.loc, x, shape);
  }
  ctx.setOutput(0, x);
  return success();
}

/// ArgMax, or ArgMin (`smallest`) as the ArgMax of an order-reversing map
/// of x: -x for floats (exact), ~x = -x - 1 for integers (no overflow).
template <bool smallest>
LogicalResult convertArgMax(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (typeOf(x).getElementType().isUnsignedInteger())
    return ctx.unsupported("unsigned integer input");
  if constexpr (smallest)
    x = reverseOrder(ctx.b, ctx.loc, x);
  bool last = ctx.getInt("select_last_index", 0) != 0;
  ArrayRef<int64_t> in = typeOf(x).getShape();
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), in.size());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> dropped;
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d)
    if (d != *axis)
      dropped.push_back(in[d]);
  // tosa.argmax picks the first maximum; for the last one, search the
  // reversed axis and map the index back (K - 1 - i).
  if (last)
    x = tosa::ReverseOp::create(ctx.b, ctx.loc, typeOf(x), x,
                                ctx.b.getI32IntegerAttr(*axis));
  Value idx = tosa::ArgMaxOp::create(ctx.b, ctx.loc,
                                     tensorType(dropped, ctx.b.getI32Type()), x,
                                     ctx.b.getI32IntegerAttr(*axis));
  if (last) {
    SmallVector<int64_t> ones(dropped.size(), 1);
    Value top = splat(ctx.b, ctx.loc, ctx.b.getI32Type(), ones, in[*axis] - 1);
    idx = binary<tosa::SubOp>(ctx.b, ctx.loc, top, idx);
  }
  idx = castElements(ctx.b, ctx.loc, idx, ctx.b.getI64Type());
  if (ctx.getInt("keepdims", 1) != 0) {
    SmallVector<int64_t> kept(in);
    kept[*axis] = 1;
    idx = reshape(ctx.b, ctx.loc, idx, kept);
  }
  ctx.setOutput(0, idx);
  return success();
}

} // namespace

void addShapeConverters(ConverterMap &map) {
  auto add = [&](StringRef name, ConvertFn fn, int since, StringRef lowersTo,
                 StringRef notes = "") {
    addConverter(map, name, fn, since, lowersTo, notes);
  };
  add("Reshape", convertReshape, 1, "tosa.reshape",
      "constant shape (folded chains count); 0 and -1; allowzero");
  add("Flatten", convertFlatten, 1, "tosa.reshape");
  add("Squeeze", convertSqueeze, 1, "tosa.reshape", "axes attribute or constant input");
  add("Unsqueeze", convertUnsqueeze, 1, "tosa.reshape", "axes attribute or constant input");
  add("Transpose", convertTranspose, 1, "tosa.transpose");
  add("Concat", convertConcat, 4, "tosa.concat", "constants concatenate on the host");
  add("Split", convertSplit, 2, "tosa.slice",
      "split attribute, constant input, num_outputs or equal parts");
  add("Slice", convertSlice, 1, "tosa.slice",
      "constant starts/ends/axes/steps; other steps gather (tosa.gather)");
  add("Gather", convertGather, 1, "tosa.gather (+ reshapes)",
      "negative indices; constants gather on the host; quantized data stays int8");
  add("Pad", convertPad, 2,
      "tosa.pad (+ tosa.slice for negative pads); reflect/edge: tosa.slice, "
      "tosa.reverse/tosa.tile, tosa.concat",
      "constant, reflect and edge modes; constant pads and value");
  add("Tile", convertTile, 6, "tosa.tile", "constant repeats");
  add("Expand", convertExpand, 8, "tosa.tile", "constant shape");
  add("DepthToSpace", convertDepthToSpace, 1, "tosa.reshape + tosa.transpose",
      "DCR and CRD modes");
  add("SpaceToDepth", convertSpaceToDepth, 1, "tosa.reshape + tosa.transpose");
  add("Constant", convertConstant, 1, "tosa.const (when used at run time)",
      "value, value_float(s), value_int(s)");
  add("ConstantOfShape", convertConstantOfShape, 9, "tosa.const",
      "constant shape");
  add("Shape", convertShape, 1, "(folded: shapes are static)", "start/end");
  add("Size", convertSize, 1, "(folded: shapes are static)");
  add("Range", convertRange, 11, "(folded)", "constant inputs only");
  add("ReduceSum", convertReduce<ReduceKind::Sum>, 1, "tosa.reduce_sum",
      "axes attribute or constant input; keepdims; noop_with_empty_axes");
  add("ReduceMean", convertReduce<ReduceKind::Mean>, 1,
      "tosa.reduce_sum + tosa.mul; over H and W of a 4-D input tosa.avg_pool2d (as "
      "GlobalAveragePool, int8 when quantized)",
      "as ReduceSum; float only");
  add("ReduceMax", convertReduce<ReduceKind::Max>, 1, "tosa.reduce_max",
      "as ReduceSum; quantized input stays int8");
  add("ReduceMin", convertReduce<ReduceKind::Min>, 1, "tosa.reduce_min",
      "as ReduceSum; quantized input stays int8");
  add("ReduceProd", convertReduce<ReduceKind::Prod>, 1, "tosa.reduce_product",
      "as ReduceSum");
  add("ReduceL1", convertReduce<ReduceKind::L1>, 1, "tosa.abs + tosa.reduce_sum",
      "as ReduceSum");
  add("ReduceL2", convertReduce<ReduceKind::L2>, 1, "tosa.mul + tosa.reduce_sum + math.sqrt",
      "as ReduceSum; float only");
  add("ReduceSumSquare", convertReduce<ReduceKind::SumSquare>, 1,
      "tosa.mul + tosa.reduce_sum", "as ReduceSum");
  add("ReduceLogSum", convertReduce<ReduceKind::LogSum>, 1, "tosa.reduce_sum + tosa.log",
      "as ReduceSum; float only");
  add("ReduceLogSumExp", convertReduce<ReduceKind::LogSumExp>, 1,
      "tosa.reduce_max, tosa.exp, tosa.reduce_sum, tosa.log",
      "as ReduceSum; float only; max-shifted (no overflow)");
  add("ArgMax", convertArgMax<false>, 1, "tosa.argmax + tosa.cast",
      "select_last_index via tosa.reverse; a quantized input's int8 values read as they are");
  add("ArgMin", convertArgMax<true>, 1, "tosa.argmax of -x (float) or ~x (integer)",
      "as ArgMax");
}

} // namespace qforge::onnx_import
