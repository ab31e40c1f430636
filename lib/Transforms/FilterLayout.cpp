//===- FilterLayout.cpp - convolution filters with output channels last ---===//

#include "FilterLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

Value qforge::filterToHWCF(OpBuilder &b, Location loc, Value filter) {
  auto type = cast<RankedTensorType>(filter.getType());
  ArrayRef<int64_t> s = type.getShape(); // F, H, W, C
  auto newType = RankedTensorType::get({s[1], s[2], s[3], s[0]},
                                       type.getElementType());
  DenseElementsAttr dense;
  if (matchPattern(filter, m_Constant(&dense))) {
    if (dense.isSplat())
      return arith::ConstantOp::create(b, loc, dense.reshape(newType));
    if (type.getElementType().getIntOrFloatBitWidth() % 8 == 0) {
      size_t bytes = type.getElementType().getIntOrFloatBitWidth() / 8;
      ArrayRef<char> raw = dense.getRawData();
      std::vector<char> out(raw.size());
      int64_t f = s[0], h = s[1], w = s[2], c = s[3];
      for (int64_t fi = 0; fi < f; ++fi)
        for (int64_t hi = 0; hi < h; ++hi)
          for (int64_t wi = 0; wi < w; ++wi)
            for (int64_t ci = 0; ci < c; ++ci) {
              size_t from = (((fi * h + hi) * w + wi) * c + ci) * bytes;
              size_t to = (((hi * w + wi) * c + ci) * f + fi) * bytes;
              std::copy(raw.begin() + from, raw.begin() + from + bytes,
                        out.begin() + to);
            }
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::getFromRawBuffer(newType, out));
    }
  }
  Value init = tensor::EmptyOp::create(b, loc, newType.getShape(),
                                       newType.getElementType());
  return linalg::TransposeOp::create(b, loc, filter, init,
                                     ArrayRef<int64_t>{1, 2, 3, 0})
      ->getResult(0);
}
