//===- HostFolding.cpp - evaluating small integer graphs at import --------===//

#include "HostFolding.h"
#include "TosaBuilders.h"


using namespace mlir;

namespace qforge::onnx_import {

SmallVector<int64_t> intValues(HostTensor value) {
  SmallVector<int64_t> result;
  bool isUnsigned = value.getElementType().isUnsignedInteger() ||
                    value.getElementType().isInteger(1);
  for (APInt v : value.getValues<APInt>())
    result.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                                : v.getSExtValue());
  return result;
}

SmallVector<double> floatValues(HostTensor value) {
  SmallVector<double> result;
  for (APFloat v : value.getValues<APFloat>()) {
    bool lost;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    result.push_back(v.convertToDouble());
  }
  return result;
}

HostTensor makeIntTensor(Type elementType, ArrayRef<int64_t> shape,
                         ArrayRef<int64_t> values) {
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(width, static_cast<uint64_t>(v), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return DenseElementsAttr::get(tensorType(shape, elementType), ints);
}

HostTensor makeFloatTensor(Type elementType, ArrayRef<int64_t> shape,
                           ArrayRef<double> values) {
  auto floatType = cast<FloatType>(elementType);
  SmallVector<APFloat> floats;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    floats.push_back(f);
  }
  return DenseElementsAttr::get(tensorType(shape, elementType), floats);
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// The broadcast result shape of two host tensors and, for each result
/// element, the flat indices of the operand elements it reads.
static SmallVector<std::pair<int64_t, int64_t>>
broadcastPairs(HostTensor lhs, HostTensor rhs, SmallVector<int64_t> &shape) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  shape = broadcastShape(lhsType.getShape(), rhsType.getShape());
  size_t rank = shape.size();
  auto aligned = [&](ArrayRef<int64_t> s) {
    SmallVector<int64_t> out(rank - s.size(), 1);
    llvm::append_range(out, s);
    return out;
  };
  SmallVector<int64_t> lshape = aligned(lhsType.getShape());
  SmallVector<int64_t> rshape = aligned(rhsType.getShape());
  SmallVector<int64_t> lstrides = stridesOf(lshape), rstrides = stridesOf(rshape),
                       ostrides = stridesOf(shape);
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  SmallVector<std::pair<int64_t, int64_t>> pairs;
  for (int64_t flat = 0; flat < numel; ++flat) {
    int64_t li = 0, ri = 0, rest = flat;
    for (size_t d = 0; d < rank; ++d) {
      int64_t idx = rest / ostrides[d];
      rest %= ostrides[d];
      if (lshape[d] != 1)
        li += idx * lstrides[d];
      if (rshape[d] != 1)
        ri += idx * rstrides[d];
    }
    pairs.push_back({li, ri});
  }
  return pairs;
}

HostTensor foldIntBinary(HostTensor lhs, HostTensor rhs,
                         function_ref<int64_t(int64_t, int64_t)> op,
                         Type resultElement) {
  SmallVector<int64_t> shape;
  auto pairs = broadcastPairs(lhs, rhs, shape);
  SmallVector<int64_t> a = intValues(lhs), c = intValues(rhs), out;
  for (auto [li, ri] : pairs)
    out.push_back(op(a[li], c[ri]));
  return makeIntTensor(resultElement ? resultElement : lhs.getElementType(),
                       shape, out);
}

HostTensor foldFloatBinary(HostTensor lhs, HostTensor rhs,
                           function_ref<double(double, double)> op) {
  SmallVector<int64_t> shape;
  auto pairs = broadcastPairs(lhs, rhs, shape);
  SmallVector<double> a = floatValues(lhs), c = floatValues(rhs), out;
  for (auto [li, ri] : pairs)
    out.push_back(op(a[li], c[ri]));
  return makeFloatTensor(lhs.getElementType(), shape, out);
}

} // namespace qforge::onnx_import
