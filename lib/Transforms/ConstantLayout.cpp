//===- ConstantLayout.cpp - constants in another layout -------------------===//

#include "qforge/Transforms/ConstantLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

DenseElementsAttr qforge::permuteConstant(DenseElementsAttr dense,
                                          ArrayRef<int64_t> perms) {
  auto type = cast<RankedTensorType>(dense.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perms)
    shape.push_back(type.getDimSize(p));
  auto outType = type.clone(shape);
  if (dense.isSplat())
    return dense.reshape(outType);
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return {};
  size_t bytes = bits / 8;
  int64_t rank = type.getRank();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * type.getDimSize(d + 1);
  ArrayRef<char> raw = dense.getRawData();
  std::vector<char> out(raw.size());
  SmallVector<int64_t> index(rank, 0); // Into the result, row-major.
  for (size_t to = 0; to < out.size(); to += bytes) {
    int64_t from = 0;
    for (int64_t d = 0; d < rank; ++d)
      from += index[d] * inStrides[perms[d]];
    std::copy_n(raw.begin() + from * bytes, bytes, out.begin() + to);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(outType, out);
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
