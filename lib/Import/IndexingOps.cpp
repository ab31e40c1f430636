//===- IndexingOps.cpp - ONNX ops that select, scatter and order elements -===//
//
// Gathers and scatters by element or by row, one-hot encodings, masks
// (Trilu, EyeLike), prefix sums and the k largest elements. With static
// shapes most of the addressing is known at compile time: constant indices
// become constant offsets into one tosa.gather of the flattened data.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// An index along a dimension of `size`, negative ones counted from the
/// end; an error naming the axis when it is out of range.
FailureOr<int64_t> wrapIndex(NodeContext &ctx, int64_t index, int64_t axis, int64_t size) {
  int64_t v = index < 0 ? index + size : index;
  if (v < 0 || v >= size) {
    ctx.emitError() << "index " << index << " is out of range for axis " << axis
                    << " of size " << size;
    return failure();
  }
  return v;
}

/// i32 indices along a dimension of `size`, negative ones counted from the
/// end, at run time.
Value wrapAtRunTime(NodeContext &ctx, Value index, int64_t size) {
  Type i32 = ctx.b.getI32Type();
  SmallVector<int64_t> ones(typeOf(index).getRank(), 1);
  Value negative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, splat(ctx.b, ctx.loc, i32, ones, 0),
                                           index, ctx.b.getI1Type());
  Value wrapped =
      binary<tosa::AddOp>(ctx.b, ctx.loc, index, splat(ctx.b, ctx.loc, i32, ones, size));
  return tosa::SelectOp::create(ctx.b, ctx.loc, typeOf(index), negative, wrapped, index);
}

/// The row each tuple of `last` indices names in dimensions
/// [first, first + last) of `shape` (row-major over those dimensions).
FailureOr<SmallVector<int64_t>> tupleRows(NodeContext &ctx, ArrayRef<int64_t> indices,
                                          int64_t last, ArrayRef<int64_t> shape,
                                          int64_t first) {
  SmallVector<int64_t> rows;
  for (size_t t = 0; t * last < indices.size(); ++t) {
    int64_t row = 0;
    for (int64_t j = 0; j < last; ++j) {
      auto v = wrapIndex(ctx, indices[t * last + j], first + j, shape[first + j]);
      if (failed(v))
        return failure();
      row = row * shape[first + j] + *v;
    }
    rows.push_back(row);
  }
  return rows;
}

/// GatherElements, out[p] = data[p with p[axis] = indices[p]], as one
/// tosa.gather from the flattened data at offsets base[p] + index[p] *
/// stride[axis], where base[p] (p with its axis coordinate zero) is a
/// constant; constant indices give constant offsets.
/// NonZero as a bounded output [rank, elements]: the coordinates of the
/// non-zero elements first (row-major order), -1 after them.
LogicalResult convertNonZero(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  if (type.getRank() == 0)
    return ctx.unsupported("a rank-0 input");
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank(), count = product(shape);
  Type i1 = ctx.b.getI1Type(), i32 = ctx.b.getI32Type();
  Value nonZero = x;
  if (!type.getElementType().isInteger(1)) {
    Value zero = splat(ctx.b, ctx.loc, type.getElementType(), shape, 0.0);
    Value isZero = binary<tosa::EqualOp>(ctx.b, ctx.loc, x, zero, i1);
    nonZero = tosa::LogicalNotOp::create(ctx.b, ctx.loc, typeOf(isZero), isZero);
  }
  SmallVector<int64_t> coordinates, position(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    coordinates.append(position);
    for (int64_t d = rank - 1; d >= 0 && ++position[d] == shape[d]; --d)
      position[d] = 0;
  }
  Value rows = constant(ctx.b, ctx.loc, makeIntTensor(i32, {count, rank}, coordinates));
  Value compact = compactRows(ctx.b, ctx.loc, rows, reshape(ctx.b, ctx.loc, nonZero, {count}));
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, transpose(ctx.b, ctx.loc, compact, {1, 0}),
                                ctx.b.getI64Type()));
  return success();
}

/// Compress with a condition known at compile time: a gather of the kept
/// positions along the axis (of the flattened input without one).
LogicalResult convertCompress(NodeContext &ctx) {
  auto condition = ctx.constInts(1, "condition");
  if (failed(condition))
    return failure();
  Value x = ctx.input(0);
  int64_t axis = 0;
  if (ctx.hasAttr("axis")) {
    auto normalized = ctx.normalizeAxis(ctx.getInt("axis", 0), typeOf(x).getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    x = reshape(ctx.b, ctx.loc, x, {product(typeOf(x).getShape())});
  }
  int64_t size = typeOf(x).getDimSize(axis);
  if (static_cast<int64_t>(condition->size()) > size) {
    ctx.emitError() << "the condition has " << condition->size()
                    << " elements, more than the " << size << " along the axis";
    return failure();
  }
  SmallVector<int64_t> kept;
  for (auto [i, keep] : llvm::enumerate(*condition))
    if (keep)
      kept.push_back(static_cast<int64_t>(i));
  if (kept.empty())
    return ctx.unsupported("a condition that keeps nothing (an empty result)");
  ctx.setOutput(0, gatherAlongAxis(ctx.b, ctx.loc, x, axis, kept));
  return success();
}

LogicalResult convertGatherElements(NodeContext &ctx) {
  Value data = ctx.input(0);
  RankedTensorType dataType = typeOf(data);
  RankedTensorType indexType = ctx.inputType(1);
  int64_t rank = dataType.getRank();
  if (indexType.getRank() != rank) {
    ctx.emitError() << "indices have rank " << indexType.getRank() << ", data " << rank;
    return failure();
  }
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> dataShape = dataType.getShape(), shape = indexType.getShape();
  SmallVector<int64_t> stride = rowMajorStrides(dataShape);
  int64_t count = product(shape), size = dataShape[*axis];
  SmallVector<int64_t> base, position(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += d == *axis ? 0 : position[d] * stride[d];
    base.push_back(offset);
    for (int64_t d = rank - 1; d >= 0 && ++position[d] == shape[d]; --d)
      position[d] = 0;
  }
  Type i32 = ctx.b.getI32Type();
  if (HostTensor indices = ctx.constInput(1)) {
    SmallVector<int64_t> flat = intValues(indices);
    for (int64_t i = 0; i < count; ++i) {
      auto index = wrapIndex(ctx, flat[i], *axis, size);
      if (failed(index))
        return failure();
      flat[i] = base[i] + *index * stride[*axis];
    }
    ctx.setOutput(0, gatherElements(ctx.b, ctx.loc, data, flat, shape));
    return success();
  }
  Value index = wrapAtRunTime(ctx, castElements(ctx.b, ctx.loc, ctx.input(1), i32), size);
  SmallVector<int64_t> ones(rank, 1);
  index = mul(ctx.b, ctx.loc, index, splat(ctx.b, ctx.loc, i32, ones, stride[*axis]));
  index = binary<tosa::AddOp>(ctx.b, ctx.loc, index,
                              constant(ctx.b, ctx.loc, makeIntTensor(i32, shape, base)));
  ctx.setOutput(0, gatherElements(ctx.b, ctx.loc, data,
                                  reshape(ctx.b, ctx.loc, index, {1, count}), shape));
  return success();
}

/// `x` moved `steps` places along `axis` toward its end, zeros coming in:
/// y[i] = x[i - steps], 0 for i < steps.
Value shiftAlong(NodeContext &ctx, Value x, int64_t axis, int64_t steps, double fill = 0.0) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> padding(2 * rank, 0), grown(type.getShape());
  padding[2 * axis] = steps;
  grown[axis] += steps;
  Value padded = tosa::PadOp::create(ctx.b, ctx.loc, type.clone(grown), x,
                                     shapeValue(ctx.b, ctx.loc, padding),
                                     splat(ctx.b, ctx.loc, type.getElementType(), {1}, fill));
  return slice(ctx.b, ctx.loc, padded, SmallVector<int64_t>(rank, 0), type.getShape());
}

/// CumSum (CumProd) as a prefix sum (product) in log2(n) steps (x += x
/// shifted by 1, 2, 4, ...: exact for integers); reverse runs it on the
/// reversed axis, exclusive shifts the result by one.
template <bool product>
LogicalResult convertCumulative(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  auto axisValue = ctx.constScalar(1, "axis");
  if (failed(axisValue))
    return failure();
  auto axis = ctx.normalizeAxis(static_cast<int64_t>(*axisValue), type.getRank());
  if (failed(axis))
    return failure();
  bool reverse = ctx.getInt("reverse", 0) != 0;
  auto flip = [&](Value v) {
    return reverse ? Value(tosa::ReverseOp::create(ctx.b, ctx.loc, typeOf(v), v,
                                                   ctx.b.getI32IntegerAttr(*axis)))
                   : v;
  };
  x = flip(x);
  double identity = product ? 1.0 : 0.0;
  for (int64_t step = 1; step < type.getDimSize(*axis); step *= 2) {
    Value shifted = shiftAlong(ctx, x, *axis, step, identity);
    x = product ? mul(ctx.b, ctx.loc, x, shifted)
                : binary<tosa::AddOp>(ctx.b, ctx.loc, x, shifted);
  }
  if (ctx.getInt("exclusive", 0) != 0)
    x = shiftAlong(ctx, x, *axis, 1, identity);
  ctx.setOutput(0, flip(x));
  return success();
}

/// OneHot: values[1] where the position along the new axis equals the
/// index (negative ones counted from depth), values[0] elsewhere.
LogicalResult convertOneHot(NodeContext &ctx) {
  auto depthValue = ctx.constScalar(1, "depth");
  if (failed(depthValue))
    return failure();
  auto depth = static_cast<int64_t>(*depthValue);
  Value indices = ctx.input(0);
  RankedTensorType indexType = typeOf(indices);
  int64_t outRank = indexType.getRank() + 1;
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", -1), outRank);
  if (failed(axis))
    return failure();
  Type i32 = ctx.b.getI32Type(), bool1 = ctx.b.getI1Type();
  Value index = wrapAtRunTime(ctx, castElements(ctx.b, ctx.loc, indices, i32), depth);
  SmallVector<int64_t> expanded(indexType.getShape());
  expanded.insert(expanded.begin() + *axis, 1);
  index = reshape(ctx.b, ctx.loc, index, expanded);
  Value hit = binary<tosa::EqualOp>(
      ctx.b, ctx.loc, axisPositions(ctx.b, ctx.loc, outRank, *axis, depth), index, bool1);
  Value values = ctx.input(2);
  Type element = typeOf(values).getElementType();
  SmallVector<int64_t> one(outRank, 1);
  Value off = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, values, {0}, {1}), one);
  Value on = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, values, {1}, {1}), one);
  SmallVector<int64_t> shape(indexType.getShape());
  shape.insert(shape.begin() + *axis, depth);
  ctx.setOutput(0, tosa::SelectOp::create(ctx.b, ctx.loc, tensorType(shape, element), hit,
                                          on, off));
  return success();
}

/// GatherND with constant indices: the flat offset of each gathered slice
/// is known, so one tosa.gather of rows of the flattened data (a row is a
/// slice of the dimensions the indices do not address).
LogicalResult convertGatherND(NodeContext &ctx) {
  auto constIndices = ctx.constInts(1, "indices");
  if (failed(constIndices))
    return failure();
  HostTensor indices = ctx.constInput(1);
  int64_t batchDims = ctx.getInt("batch_dims", 0);
  Value data = ctx.input(0);
  ArrayRef<int64_t> dataShape = typeOf(data).getShape();
  ArrayRef<int64_t> indexShape = indices.getType().getShape();
  int64_t q = static_cast<int64_t>(indexShape.size());
  int64_t r = static_cast<int64_t>(dataShape.size());
  int64_t last = q ? indexShape[q - 1] : 0;
  if (q < 1 || batchDims < 0 || batchDims >= std::min(q, r) || last > r - batchDims) {
    ctx.emitError() << "indices of shape [" << indexShape << "] and batch_dims " << batchDims
                    << " do not address data of rank " << r;
    return failure();
  }
  // Each tuple addresses dims [batchDims, batchDims + last) of its batch.
  int64_t batch = product(dataShape.take_front(batchDims));
  int64_t rowSize = product(dataShape.drop_front(batchDims + last));
  int64_t rowsPerBatch = product(dataShape.slice(batchDims, last));
  int64_t tuples = product(indexShape.drop_back());
  int64_t tuplesPerBatch = tuples / batch;
  auto rows = tupleRows(ctx, *constIndices, last, dataShape, batchDims);
  if (failed(rows))
    return failure();
  for (int64_t t = 0; t < tuples; ++t)
    (*rows)[t] += t / tuplesPerBatch * rowsPerBatch;
  Type element = typeOf(data).getElementType();
  Value table = reshape(ctx.b, ctx.loc, data, {1, batch * rowsPerBatch, rowSize});
  Value offsets = constant(ctx.b, ctx.loc, makeIntTensor(ctx.b.getI32Type(), {1, tuples}, *rows));
  Value gathered = tosa::GatherOp::create(ctx.b, ctx.loc, tensorType({1, tuples, rowSize}, element),
                                          table, offsets);
  SmallVector<int64_t> shape(indexShape.drop_back());
  llvm::append_range(shape, dataShape.drop_front(batchDims + last));
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, gathered, shape));
  return success();
}

/// The upper (or lower) triangle of the last two dimensions: x where
/// j - i >= k (<= k for the lower one), zero elsewhere, by a constant mask.
LogicalResult convertTrilu(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  if (rank < 2) {
    ctx.emitError() << "the input has rank " << rank << "; Trilu needs at least 2";
    return failure();
  }
  int64_t k = 0;
  if (ctx.hasInput(1)) {
    auto value = ctx.constScalar(1, "k");
    if (failed(value))
      return failure();
    k = static_cast<int64_t>(*value);
  }
  bool upper = ctx.getInt("upper", 1) != 0;
  int64_t n = type.getDimSize(rank - 2), m = type.getDimSize(rank - 1);
  SmallVector<int64_t> maskShape(rank, 1), keep;
  maskShape[rank - 2] = n;
  maskShape[rank - 1] = m;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      keep.push_back(upper ? j - i >= k : j - i <= k);
  Value mask = constant(ctx.b, ctx.loc, makeIntTensor(ctx.b.getI1Type(), maskShape, keep));
  Value zero = splat(ctx.b, ctx.loc, type.getElementType(), SmallVector<int64_t>(rank, 1), 0);
  ctx.setOutput(0, tosa::SelectOp::create(ctx.b, ctx.loc, type, mask, x, zero));
  return success();
}

/// A constant 2-D matrix of input 0's shape with ones on diagonal k.
LogicalResult convertEyeLike(NodeContext &ctx) {
  RankedTensorType in = ctx.inputType(0);
  if (in.getRank() != 2) {
    ctx.emitError() << "the input has rank " << in.getRank() << "; EyeLike needs 2";
    return failure();
  }
  Type element = in.getElementType();
  if (ctx.hasAttr("dtype")) {
    int dtype = static_cast<int>(ctx.getInt("dtype", 0));
    element = convertElementType(ctx.b.getContext(), dtype);
    if (!element)
      return ctx.unsupported("dtype " + onnxTypeName(dtype));
  }
  int64_t k = ctx.getInt("k", 0), n = in.getDimSize(0), m = in.getDimSize(1);
  SmallVector<int64_t> ones;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      ones.push_back(j - i == k);
  if (isa<FloatType>(element))
    ctx.setOutput(0, makeFloatTensor(element, {n, m}, SmallVector<double>(ones.begin(), ones.end())));
  else
    ctx.setOutput(0, makeIntTensor(element, {n, m}, ones));
  return success();
}

/// The data and update rows of a scatter, concatenated and gathered:
/// output row r is data row r unless updates target it. With `reduction`
/// "none" the last update wins (one gather); otherwise each update is
/// combined into the row in index order (one gather per rank of
/// duplicate, applied where a row has that many updates).
Value scatterRows(NodeContext &ctx, Value dataRows, Value updateRows,
                  ArrayRef<int64_t> targetOf, StringRef reduction) {
  ArrayRef<int64_t> shape = typeOf(dataRows).getShape();
  int64_t rows = shape[0], rowSize = shape[1];
  Type element = typeOf(dataRows).getElementType();
  std::vector<SmallVector<int64_t>> writers(rows);
  for (auto [u, target] : llvm::enumerate(targetOf))
    writers[target].push_back(static_cast<int64_t>(u));
  int64_t total = rows + static_cast<int64_t>(targetOf.size());
  Value both = tosa::ConcatOp::create(ctx.b, ctx.loc, tensorType({total, rowSize}, element),
                                      ValueRange{dataRows, updateRows},
                                      ctx.b.getI32IntegerAttr(0));
  both = reshape(ctx.b, ctx.loc, both, {1, total, rowSize});
  Type i32 = ctx.b.getI32Type();
  auto gatherRows = [&](ArrayRef<int64_t> offsets) {
    Value index = constant(ctx.b, ctx.loc, makeIntTensor(i32, {1, rows}, offsets));
    Value g = tosa::GatherOp::create(ctx.b, ctx.loc, tensorType({1, rows, rowSize}, element),
                                     both, index);
    return reshape(ctx.b, ctx.loc, g, {rows, rowSize});
  };
  SmallVector<int64_t> offsets(rows);
  if (reduction == "none") {
    for (int64_t r = 0; r < rows; ++r)
      offsets[r] = writers[r].empty() ? r : rows + writers[r].back();
    return gatherRows(offsets);
  }
  Value result = dataRows;
  size_t depth = 0;
  for (const auto &w : writers)
    depth = std::max(depth, w.size());
  for (size_t l = 0; l < depth; ++l) {
    SmallVector<int64_t> has(rows);
    for (int64_t r = 0; r < rows; ++r) {
      has[r] = writers[r].size() > l;
      offsets[r] = has[r] ? rows + writers[r][l] : r;
    }
    Value g = gatherRows(offsets);
    Value combined;
    if (reduction == "add")
      combined = binary<tosa::AddOp>(ctx.b, ctx.loc, result, g);
    else if (reduction == "mul")
      combined = mul(ctx.b, ctx.loc, result, g);
    else if (reduction == "max")
      combined = binary<tosa::MaximumOp>(ctx.b, ctx.loc, result, g);
    else
      combined = binary<tosa::MinimumOp>(ctx.b, ctx.loc, result, g);
    Value mask = constant(ctx.b, ctx.loc, makeIntTensor(ctx.b.getI1Type(), {rows, 1}, has));
    result = tosa::SelectOp::create(ctx.b, ctx.loc, typeOf(result), mask, combined, result);
  }
  return result;
}

/// The `reduction` attribute of a scatter, checked.
FailureOr<std::string> scatterReduction(NodeContext &ctx) {
  std::string reduction = ctx.getString("reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min") {
    ctx.emitError() << "reduction '" << reduction << "' is not one of none, add, mul, max, min";
    return failure();
  }
  return reduction;
}

/// ScatterElements (and Scatter, its older name) with constant indices: the
/// element each update replaces is known, so the result is gathered from
/// data and updates (scatterRows with rows of one element).
LogicalResult convertScatterElements(NodeContext &ctx) {
  auto indexValues = ctx.constInts(1, "indices");
  auto reduction = scatterReduction(ctx);
  if (failed(indexValues) || failed(reduction))
    return failure();
  Value data = ctx.input(0), updates = ctx.input(2);
  ArrayRef<int64_t> dataShape = typeOf(data).getShape();
  ArrayRef<int64_t> shape = typeOf(updates).getShape();
  int64_t rank = static_cast<int64_t>(dataShape.size());
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (static_cast<int64_t>(shape.size()) != rank || ctx.inputType(1).getShape() != shape) {
    ctx.emitError() << "data, indices and updates must have one rank, and indices the "
                       "shape of updates";
    return failure();
  }
  SmallVector<int64_t> stride = rowMajorStrides(dataShape), position(rank, 0), targets;
  for (int64_t index : *indexValues) {
    auto v = wrapIndex(ctx, index, *axis, dataShape[*axis]);
    if (failed(v))
      return failure();
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += (d == *axis ? *v : position[d]) * stride[d];
    targets.push_back(offset);
    for (int64_t d = rank - 1; d >= 0 && ++position[d] == shape[d]; --d)
      position[d] = 0;
  }
  Value rows = scatterRows(ctx, reshape(ctx.b, ctx.loc, data, {product(dataShape), 1}),
                           reshape(ctx.b, ctx.loc, updates, {product(shape), 1}), targets,
                           *reduction);
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, rows, dataShape));
  return success();
}

/// ScatterND with constant indices: each index tuple names a row of the
/// data (the dimensions it does not address), replaced by (or combined
/// with) a row of the updates.
LogicalResult convertScatterND(NodeContext &ctx) {
  auto indexValues = ctx.constInts(1, "indices");
  auto reduction = scatterReduction(ctx);
  if (failed(indexValues) || failed(reduction))
    return failure();
  Value data = ctx.input(0), updates = ctx.input(2);
  ArrayRef<int64_t> dataShape = typeOf(data).getShape();
  ArrayRef<int64_t> indexShape = ctx.inputType(1).getShape();
  int64_t last = indexShape.empty() ? 0 : indexShape.back();
  if (indexShape.empty() || last < 1 || last > static_cast<int64_t>(dataShape.size())) {
    ctx.emitError() << "indices' last dimension must address 1 to " << dataShape.size()
                    << " dimensions of the data";
    return failure();
  }
  int64_t tuples = product(indexShape.drop_back());
  int64_t rowSize = product(dataShape.drop_front(last));
  auto targets = tupleRows(ctx, *indexValues, last, dataShape, 0);
  if (failed(targets))
    return failure();
  Value rows = scatterRows(
      ctx, reshape(ctx.b, ctx.loc, data, {product(dataShape.take_front(last)), rowSize}),
      reshape(ctx.b, ctx.loc, updates, {tuples, rowSize}), *targets, *reduction);
  ctx.setOutput(0, reshape(ctx.b, ctx.loc, rows, dataShape));
  return success();
}

/// ReverseSequence with constant lengths: each batch entry's first len
/// steps along the time axis reversed, the rest kept; every output element's
/// source is known, so one gather of the flattened input.
LogicalResult convertReverseSequence(NodeContext &ctx) {
  auto lengths = ctx.constInts(1, "sequence_lens");
  if (failed(lengths))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t rank = static_cast<int64_t>(shape.size());
  auto batchAxis = ctx.normalizeAxis(ctx.getInt("batch_axis", 1), rank);
  auto timeAxis = ctx.normalizeAxis(ctx.getInt("time_axis", 0), rank);
  if (failed(batchAxis) || failed(timeAxis))
    return failure();
  if (*batchAxis == *timeAxis ||
      static_cast<int64_t>(lengths->size()) != shape[*batchAxis]) {
    ctx.emitError() << "batch_axis and time_axis must differ and sequence_lens hold one "
                       "length per batch entry";
    return failure();
  }
  SmallVector<int64_t> stride = rowMajorStrides(shape), position(rank, 0), sources;
  int64_t count = product(shape);
  for (int64_t i = 0; i < count; ++i) {
    int64_t len = std::clamp<int64_t>((*lengths)[position[*batchAxis]], 0, shape[*timeAxis]);
    int64_t t = position[*timeAxis];
    int64_t source = i + ((t < len ? len - 1 - t : t) - t) * stride[*timeAxis];
    sources.push_back(source);
    for (int64_t d = rank - 1; d >= 0 && ++position[d] == shape[d]; --d)
      position[d] = 0;
  }
  ctx.setOutput(0, gatherElements(ctx.b, ctx.loc, x, sources, shape));
  return success();
}

/// MaxUnpool: the values written at their indices (flat over the pooling's
/// inverse shape, as MaxPool's Indices output gives them) into zeros, by
/// one tosa.scatter; a larger output_shape pads at the end of each spatial
/// axis.
LogicalResult convertMaxUnpool(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  if (type.getRank() != 4)
    return ctx.unsupported("MaxUnpool other than 2-D");
  SmallVector<int64_t> kernel = ctx.getInts("kernel_shape"), strides = ctx.getInts("strides"),
                       pads = ctx.getInts("pads");
  if (kernel.size() != 2) {
    ctx.emitError() << "kernel_shape must have 2 values";
    return failure();
  }
  strides.resize(2, 1);
  pads.resize(4, 0);
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1)};
  for (int i = 0; i < 2; ++i)
    shape.push_back((type.getDimSize(2 + i) - 1) * strides[i] - pads[i] - pads[i + 2] +
                    kernel[i]);
  SmallVector<int64_t> outShape = shape;
  if (ctx.hasInput(2)) {
    auto given = ctx.constInts(2, "output_shape");
    if (failed(given))
      return failure();
    outShape = *given;
  }
  if (outShape.size() != 4 || outShape[0] != shape[0] || outShape[1] != shape[1] ||
      outShape[2] < shape[2] || outShape[3] < shape[3]) {
    ctx.emitError() << "output_shape must be [N, C, H, W] with the input's N and C and at "
                       "least the unpooled size "
                    << shape[2] << "x" << shape[3];
    return failure();
  }
  int64_t count = product(type.getShape()), total = product(shape);
  Type element = type.getElementType();
  Value zeros = splat(ctx.b, ctx.loc, element, {1, total, 1}, 0);
  Value index = castElements(ctx.b, ctx.loc, ctx.input(1), ctx.b.getI32Type());
  Value scattered = tosa::ScatterOp::create(
      ctx.b, ctx.loc, tensorType({1, total, 1}, element), zeros,
      reshape(ctx.b, ctx.loc, index, {1, count}), reshape(ctx.b, ctx.loc, x, {1, count, 1}));
  Value y = reshape(ctx.b, ctx.loc, scattered, shape);
  if (outShape != shape)
    y = tosa::PadOp::create(
        ctx.b, ctx.loc, tensorType(outShape, element), y,
        shapeValue(ctx.b, ctx.loc, {0, 0, 0, 0, 0, outShape[2] - shape[2], 0, outShape[3] - shape[3]}),
        splat(ctx.b, ctx.loc, element, {1}, 0));
  ctx.setOutput(0, y);
  return success();
}

/// TopK in k rounds of selection: each round takes the first largest
/// remaining element along the axis (tosa.argmax: on ties the lower index,
/// as ONNX specifies) and masks it out; the smallest elements are the
/// largest of -x (floats) or ~x (integers).
LogicalResult convertTopK(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  int64_t k = ctx.getInt("k", 0);
  if (ctx.opset >= 10) {
    auto kValues = ctx.constInts(1, "K");
    if (failed(kValues))
      return failure();
    k = kValues->empty() ? 0 : (*kValues)[0];
  }
  int64_t size = type.getDimSize(*axis);
  if (k < 1 || k > size) {
    ctx.emitError() << "K = " << k << " is not in [1, " << size << "] (the axis' size)";
    return failure();
  }
  Type element = type.getElementType();
  if (element.isUnsignedInteger())
    return ctx.unsupported("unsigned integer input");
  bool isFloat = isa<FloatType>(element);
  bool largest = ctx.getInt("largest", 1) != 0;
  Value key = largest ? x : reverseOrder(ctx.b, ctx.loc, x);
  SmallVector<int64_t> ones(rank, 1);
  Type i32 = ctx.b.getI32Type(), bool1 = ctx.b.getI1Type();
  Value positions = axisPositions(ctx.b, ctx.loc, rank, *axis, size);
  double lowest = isFloat ? -std::numeric_limits<double>::infinity()
                          : static_cast<double>(APInt::getSignedMinValue(
                                                    element.getIntOrFloatBitWidth())
                                                    .getSExtValue());
  Value floor = splat(ctx.b, ctx.loc, element, ones, lowest);
  SmallVector<Value> values, indices;
  for (int64_t i = 0; i < k; ++i) {
    Value idx = argMaxKeepingAxis(ctx.b, ctx.loc, key, *axis);
    Value hit = binary<tosa::EqualOp>(ctx.b, ctx.loc, positions, idx, bool1);
    Value picked = tosa::SelectOp::create(ctx.b, ctx.loc, type, hit, x, floor);
    values.push_back(reduceMax(ctx.b, ctx.loc, picked, *axis));
    indices.push_back(idx);
    key = tosa::SelectOp::create(ctx.b, ctx.loc, type, hit, floor, key);
  }
  SmallVector<int64_t> outShape(type.getShape());
  outShape[*axis] = k;
  auto join = [&](ArrayRef<Value> parts, Type t) -> Value {
    if (parts.size() == 1)
      return parts[0];
    return tosa::ConcatOp::create(ctx.b, ctx.loc, tensorType(outShape, t), parts,
                                  ctx.b.getI32IntegerAttr(static_cast<int32_t>(*axis)));
  };
  ctx.setOutput(0, join(values, element));
  ctx.setOutput(1, castElements(ctx.b, ctx.loc, join(indices, i32), ctx.b.getI64Type()));
  return success();
}

} // namespace

void addIndexingConverters(ConverterMap &map) {
  auto add = [&](StringRef name, ConvertFn fn, int since, StringRef lowersTo,
                 StringRef notes = "") {
    addConverter(map, name, fn, since, lowersTo, notes);
  };
  add("NonZero", convertNonZero, 9, "tosa.equal + a tosa.scatter compaction of coordinates",
      "bounded output [rank, elements]: the non-zero elements' coordinates first, -1 after");
  add("Compress", convertCompress, 9, "tosa.gather (constant positions)",
      "constant condition; axis or flattened");
  add("GatherElements", convertGatherElements, 11, "tosa.gather (flattened)",
      "negative indices; constant indices give constant offsets; quantized data stays int8");
  add("CumProd", convertCumulative<true>, 26,
      "tosa.mul of tosa.pad/tosa.slice shifts (log2 n steps)", "constant axis; exclusive, reverse");
  add("CumSum", convertCumulative<false>, 11, "tosa.add of tosa.pad/tosa.slice shifts (log2 n steps)",
      "constant axis; exclusive, reverse");
  add("OneHot", convertOneHot, 9, "tosa.equal with the axis' indices + tosa.select",
      "constant depth; negative indices; axis");
  add("GatherND", convertGatherND, 11, "tosa.gather (flattened rows)",
      "constant indices; batch_dims; negative indices; quantized data stays int8");
  add("Trilu", convertTrilu, 14, "tosa.select with a constant mask", "constant k");
  add("EyeLike", convertEyeLike, 9, "tosa.const", "2-D; dtype and k");
  add("ScatterElements", convertScatterElements, 11,
      "tosa.gather of data and updates concatenated (+ tosa.select per duplicate rank)",
      "constant indices; reduction none/add/mul/max/min; negative indices");
  add("Scatter", convertScatterElements, 9, "as ScatterElements", "as ScatterElements");
  add("ScatterND", convertScatterND, 11, "as ScatterElements, by rows",
      "constant indices; reductions as ScatterElements");
  add("ReverseSequence", convertReverseSequence, 10, "tosa.gather (flattened)",
      "constant sequence_lens");
  add("MaxUnpool", convertMaxUnpool, 9, "tosa.scatter into zeros",
      "2-D; run-time indices (MaxPool's); output_shape constant or derived");
  add("TopK", convertTopK, 1, "k rounds of tosa.argmax + tosa.select + tosa.reduce_max",
      "constant K; largest/smallest; ties to the lower index; always sorted");
}

} // namespace qforge::onnx_import
