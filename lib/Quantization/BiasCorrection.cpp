//===- BiasCorrection.cpp - the mean a layer's weight rounding adds -------===//

#include "BiasCorrection.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace {

/// Per tap of a window along one axis: the share of the `outSize` outputs
/// whose input index (o * stride - padBefore + k * dilation) lies in
/// [0, inSize).
std::vector<double> insideShare(int64_t inSize, int64_t outSize, int64_t kernel,
                                int64_t stride, int64_t padBefore, int64_t dilation) {
  std::vector<double> share(kernel, 0.0);
  for (int64_t k = 0; k < kernel; ++k) {
    int64_t inside = 0;
    for (int64_t o = 0; o < outSize; ++o) {
      int64_t i = o * stride - padBefore + k * dilation;
      inside += i >= 0 && i < inSize;
    }
    share[k] = outSize > 0 ? static_cast<double>(inside) / outSize : 0.0;
  }
  return share;
}

} // namespace

std::vector<double> qforge::windowInsideShare(Value input, Value output, int64_t kh,
                                              int64_t kw, ArrayRef<int64_t> stride,
                                              ArrayRef<int64_t> pad,
                                              ArrayRef<int64_t> dilation) {
  auto in = cast<RankedTensorType>(input.getType()).getShape();
  auto out = cast<RankedTensorType>(output.getType()).getShape();
  std::vector<double> rows = insideShare(in[1], out[1], kh, stride[0], pad[0], dilation[0]);
  std::vector<double> cols = insideShare(in[2], out[2], kw, stride[1], pad[2], dilation[1]);
  std::vector<double> share;
  for (double r : rows)
    for (double c : cols)
      share.push_back(r * c);
  return share;
}
