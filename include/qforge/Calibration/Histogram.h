//===- Histogram.h - what calibration records per tensor ---------*- C++ -*-===//
//
// A histogram on a grid anchored at zero whose bin width is a power of two:
// bin k holds the values in [k * w, (k + 1) * w). When the observed range
// outgrows the bin budget the width doubles and pairs of bins merge exactly,
// so the counts never depend on where a sample fell relative to an old
// grid, only on the values themselves. Exact zeros (ReLU outputs, padding)
// are counted apart: they quantize without error and would otherwise crowd
// the first bin.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CALIBRATION_HISTOGRAM_H
#define QFORGE_CALIBRATION_HISTOGRAM_H

#include <cstdint>
#include <vector>

namespace qforge {

class Histogram {
public:
  /// At most this many bins; after a merge at least half as many span the
  /// observed range.
  static constexpr int64_t kMaxBins = 16384;

  /// Adds `values`, unless one of them is NaN or infinite: then returns
  /// false and leaves the histogram as it was.
  bool add(const float *values, int64_t count);

  bool empty() const { return total() == 0; }
  int64_t total() const { return nonZero + zeros; }
  int64_t zeroCount() const { return zeros; }
  /// The exact extremes of everything added (zeros included).
  double min() const { return lowest; }
  double max() const { return highest; }
  int widthExponent() const { return exponent; }
  double binWidth() const;
  int64_t firstBin() const { return first; }
  const std::vector<int64_t> &counts() const { return bins; }

private:
  /// Makes the grid cover bins [lo, hi] (indices at the current width),
  /// doubling the width as often as needed.
  void cover(double lo, double hi);
  void mergePairs();

  bool started = false;
  int exponent = 0;
  int64_t first = 0;
  std::vector<int64_t> bins;
  int64_t nonZero = 0;
  int64_t zeros = 0;
  double lowest = 0, highest = 0;
};

} // namespace qforge

#endif // QFORGE_CALIBRATION_HISTOGRAM_H
