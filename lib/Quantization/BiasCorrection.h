//===- BiasCorrection.h - the mean a layer's weight rounding adds -*- C++ -*-===//
//
// Bias correction (QuantizeOptions::biasCorrection): rounding a layer's
// weights shifts each output channel's mean by sum (w_q - w) * E[x] over
// its weights; the quantizer subtracts that shift from the bias.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_BIASCORRECTION_H
#define QFORGE_LIB_QUANTIZATION_BIASCORRECTION_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace qforge {

/// The shift per output channel: sum over its weights of `error` (w_q - w)
/// times the mean of the input channel the weight multiplies, times the
/// share of outputs for which that weight's tap lies inside the input
/// (padding reads zeros): the empirical form of Nagel et al.'s bias
/// correction. `place(i)` gives weight i's output channel, input channel
/// and tap (an index into `tapShare`).
template <typename Place>
std::vector<double> roundingShift(llvm::ArrayRef<float> error, llvm::ArrayRef<double> inputMean,
                                  llvm::ArrayRef<double> tapShare, int64_t channels,
                                  Place place) {
  std::vector<double> shift(channels, 0.0);
  for (size_t i = 0; i < error.size(); ++i) {
    auto [out, in, tap] = place(static_cast<int64_t>(i));
    shift[out] += static_cast<double>(error[i]) * inputMean[in] * tapShare[tap];
  }
  return shift;
}

/// Per tap of a 2-D window (row-major) of a convolution from NHWC `input`
/// to NHWC `output`: the share of outputs whose tap reads inside the input;
/// pad is [top, bottom, left, right].
std::vector<double> windowInsideShare(mlir::Value input, mlir::Value output, int64_t kh,
                                      int64_t kw, llvm::ArrayRef<int64_t> stride,
                                      llvm::ArrayRef<int64_t> pad,
                                      llvm::ArrayRef<int64_t> dilation);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_BIASCORRECTION_H
