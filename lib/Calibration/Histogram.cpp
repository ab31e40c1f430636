//===- Histogram.cpp - what calibration records per tensor ----------------===//

#include "qforge/Calibration/Histogram.h"

#include <algorithm>
#include <cmath>

namespace qforge {

double Histogram::binWidth() const { return std::ldexp(1.0, exponent); }

static int64_t binOf(double value, int exponent) {
  // Scaling by a power of two is exact, so is the floor.
  return static_cast<int64_t>(std::floor(std::ldexp(value, -exponent)));
}

static int64_t floorHalf(int64_t k) { return k >= 0 ? k / 2 : -((1 - k) / 2); }

void Histogram::mergePairs() {
  int64_t newFirst = floorHalf(first);
  int64_t last = first + static_cast<int64_t>(bins.size()) - 1;
  std::vector<int64_t> merged(floorHalf(last) - newFirst + 1, 0);
  for (size_t i = 0; i < bins.size(); ++i)
    merged[floorHalf(first + static_cast<int64_t>(i)) - newFirst] += bins[i];
  bins.swap(merged);
  first = newFirst;
  ++exponent;
}

void Histogram::cover(double lo, double hi) {
  if (!started) {
    double span = hi - lo;
    if (span <= 0) // One distinct value so far: any fine grid will do.
      span = std::max(std::fabs(hi), 1e-30) * 1e-3;
    exponent = static_cast<int>(std::ceil(std::log2(span / (kMaxBins / 2))));
    while (binOf(hi, exponent) - binOf(lo, exponent) + 1 > kMaxBins)
      ++exponent;
    first = binOf(lo, exponent);
    bins.assign(binOf(hi, exponent) - first + 1, 0);
    started = true;
    return;
  }
  for (;;) {
    int64_t last = first + static_cast<int64_t>(bins.size()) - 1;
    int64_t a = std::min(first, binOf(lo, exponent));
    int64_t b = std::max(last, binOf(hi, exponent));
    if (b - a + 1 <= kMaxBins) {
      if (a < first) {
        bins.insert(bins.begin(), first - a, 0);
        first = a;
      }
      if (b > last)
        bins.resize(b - first + 1, 0);
      return;
    }
    mergePairs();
  }
}

bool Histogram::add(const float *values, int64_t count) {
  // One scan for finiteness, the extremes and the zeros; a second to bin.
  float lo = INFINITY, hi = -INFINITY; // Of the non-zero values.
  int64_t zerosHere = 0;
  for (int64_t i = 0; i < count; ++i) {
    float v = values[i];
    if (!std::isfinite(v))
      return false;
    if (v == 0.0f) {
      ++zerosHere;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (count == 0)
    return true;
  double allLo = zerosHere ? std::min(0.0f, lo) : lo;
  double allHi = zerosHere ? std::max(0.0f, hi) : hi;
  lowest = total() ? std::min(lowest, allLo) : allLo;
  highest = total() ? std::max(highest, allHi) : allHi;
  zeros += zerosHere;
  if (zerosHere == count)
    return true;
  cover(lo, hi);
  nonZero += count - zerosHere;
  double scale = std::ldexp(1.0, -exponent);
  for (int64_t i = 0; i < count; ++i) {
    float v = values[i];
    if (v != 0.0f)
      ++bins[static_cast<int64_t>(std::floor(v * scale)) - first];
  }
  return true;
}

} // namespace qforge
