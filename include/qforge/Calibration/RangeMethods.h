//===- RangeMethods.h - from observed values to a quantization range -*- C++ -*-===//
//
// The four calibration methods. Each gives an asymmetric range [lo, hi]
// (always containing zero, so that zero is exact) and a symmetric threshold
// t for [-t, t]; the quantization scheme picks the one it needs. See
// docs/calibration.md for the definitions.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CALIBRATION_RANGEMETHODS_H
#define QFORGE_CALIBRATION_RANGEMETHODS_H

#include "qforge/Calibration/Histogram.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace qforge {

enum class CalibMethod { MinMax, Percentile, Entropy, Mse };

constexpr CalibMethod kAllCalibMethods[] = {
    CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Entropy,
    CalibMethod::Mse};

llvm::StringRef calibMethodName(CalibMethod method);
std::optional<CalibMethod> parseCalibMethod(llvm::StringRef name);

struct CalibRange {
  double lo = 0, hi = 0; // Asymmetric, lo <= 0 <= hi.
  double threshold = 0;  // Symmetric: [-threshold, threshold].
};

struct RangeOptions {
  double percentile = 99.99; // For CalibMethod::Percentile, in percent.
  int bits = 8;              // The integer width the range is meant for.
};

/// The range `method` chooses for the values `observed` recorded.
CalibRange computeRange(CalibMethod method, const Histogram &observed,
                        const RangeOptions &options);

/// The value below which a fraction q of the observations lie (of |x| when
/// `absolute`), interpolating linearly inside a bin.
double histogramQuantile(const Histogram &observed, double q, bool absolute);

} // namespace qforge

#endif // QFORGE_CALIBRATION_RANGEMETHODS_H
