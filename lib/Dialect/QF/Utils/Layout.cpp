//===- Layout.cpp - tensors and constants in another layout ---------------===//

#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

namespace {

/// Calls `take` with the flat index into a row-major tensor of `shape` of
/// each element of its permutation by `perms`, in the permutation's order;
/// the index is kept up to date as the result's index counts up (no
/// multiplication over the dimensions per element).
void forEachPermutedSource(ArrayRef<int64_t> shape, ArrayRef<int64_t> perms,
                           function_ref<void(int64_t from)> take) {
  int64_t rank = shape.size(), count = 1;
  SmallVector<int64_t> inStrides(rank, 1), outShape;
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  for (int64_t p : perms) {
    outShape.push_back(shape[p]);
    count *= shape[p];
  }
  SmallVector<int64_t> index(rank, 0); // into the result, row-major
  int64_t from = 0;
  for (int64_t to = 0; to < count; ++to) {
    take(from);
    for (int64_t d = rank - 1; d >= 0; --d) {
      from += inStrides[perms[d]];
      if (++index[d] < outShape[d])
        break;
      from -= outShape[d] * inStrides[perms[d]];
      index[d] = 0;
    }
  }
}

} // namespace

std::vector<char> qforge::permuteBytes(ArrayRef<char> raw, ArrayRef<int64_t> shape,
                                       ArrayRef<int64_t> perms, size_t elementBytes) {
  std::vector<char> out(raw.size());
  char *next = out.data();
  forEachPermutedSource(shape, perms, [&](int64_t from) {
    std::memcpy(next, raw.data() + from * elementBytes, elementBytes);
    next += elementBytes;
  });
  return out;
}

DenseElementsAttr qforge::permuteConstant(DenseElementsAttr dense,
                                          ArrayRef<int64_t> perms) {
  auto type = cast<RankedTensorType>(dense.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perms)
    shape.push_back(type.getDimSize(p));
  auto outType = type.clone(shape);
  if (dense.isSplat())
    return dense.reshape(outType);
  Type element = type.getElementType();
  if (element.isInteger(1)) {
    // i1 storage is bit-packed: go through the values.
    SmallVector<bool> in(dense.getValues<bool>()), out;
    forEachPermutedSource(type.getShape(), perms,
                          [&](int64_t from) { out.push_back(in[from]); });
    return DenseElementsAttr::get(outType, out);
  }
  unsigned bits = element.getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return {};
  // Raw element bytes: no per-element attributes, which matters for weight
  // tensors with millions of elements.
  return DenseElementsAttr::getFromRawBuffer(
      outType, permuteBytes(dense.getRawData(), type.getShape(), perms, bits / 8));
}

Value qforge::filterToHWCF(OpBuilder &b, Location loc, Value filter) {
  constexpr int64_t kToHWCF[] = {1, 2, 3, 0};
  DenseElementsAttr dense;
  if (matchPattern(filter, m_Constant(&dense)))
    if (DenseElementsAttr moved = permuteConstant(dense, kToHWCF))
      return arith::ConstantOp::create(b, loc, moved);
  auto type = cast<RankedTensorType>(filter.getType());
  ArrayRef<int64_t> s = type.getShape();
  Value init = tensor::EmptyOp::create(b, loc, {s[1], s[2], s[3], s[0]},
                                       type.getElementType());
  return linalg::TransposeOp::create(b, loc, filter, init, kToHWCF)
      ->getResult(0);
}

Value qforge::padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> pad,
                         TypedAttr value) {
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] += pad[0] + pad[1];
  shape[2] += pad[2] + pad[3];
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(pad[0]),
                                   b.getIndexAttr(pad[2]), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(pad[1]),
                                    b.getIndexAttr(pad[3]), b.getIndexAttr(0)};
  Value padValue = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, type.clone(shape), input, low, high, padValue);
}

Value qforge::tosaConstShape(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  auto attrType = RankedTensorType::get({static_cast<int64_t>(shape.size())}, b.getIndexType());
  return tosa::ConstShapeOp::create(b, loc, tosa::shapeType::get(b.getContext(), shape.size()),
                                    DenseIntElementsAttr::get(attrType, shape));
}
