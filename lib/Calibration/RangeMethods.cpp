//===- RangeMethods.cpp - from observed values to a quantization range ----===//

#include "qforge/Calibration/RangeMethods.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qforge {

llvm::StringRef calibMethodName(CalibMethod method) {
  switch (method) {
  case CalibMethod::MinMax:
    return "minmax";
  case CalibMethod::Percentile:
    return "percentile";
  case CalibMethod::Entropy:
    return "entropy";
  case CalibMethod::Mse:
    return "mse";
  }
  return "";
}

std::optional<CalibMethod> parseCalibMethod(llvm::StringRef name) {
  for (CalibMethod method : kAllCalibMethods)
    if (calibMethodName(method) == name)
      return method;
  return std::nullopt;
}

namespace {

/// One bin of the histogram as an interval of values with a count. Zeros
/// are a bin of width zero at 0.
struct Bin {
  double lo, hi;
  double count;
};

/// The bins in increasing order of value, clipped to the observed range.
std::vector<Bin> signedBins(const Histogram &h) {
  double w = h.binWidth();
  std::vector<Bin> bins;
  bool zerosPlaced = false;
  auto placeZeros = [&] {
    if (!zerosPlaced && h.zeroCount())
      bins.push_back({0.0, 0.0, static_cast<double>(h.zeroCount())});
    zerosPlaced = true;
  };
  for (size_t i = 0; i < h.counts().size(); ++i) {
    int64_t k = h.firstBin() + static_cast<int64_t>(i);
    if (k >= 0)
      placeZeros();
    if (!h.counts()[i])
      continue;
    double lo = std::max(k * w, h.min()), hi = std::min((k + 1) * w, h.max());
    bins.push_back({lo, std::max(lo, hi), static_cast<double>(h.counts()[i])});
  }
  placeZeros();
  return bins;
}

/// The bins of |x| in increasing order: on a grid anchored at zero, bin -k-1
/// ([-(k+1)w, -kw)) folds exactly onto bin k.
std::vector<Bin> absoluteBins(const Histogram &h) {
  double w = h.binWidth();
  double amax = std::max(std::fabs(h.min()), std::fabs(h.max()));
  int64_t last = h.firstBin() + static_cast<int64_t>(h.counts().size()) - 1;
  int64_t top = std::max(last, -h.firstBin() - 1);
  auto countOf = [&](int64_t k) -> double {
    if (k < h.firstBin() || k > last)
      return 0;
    return static_cast<double>(h.counts()[k - h.firstBin()]);
  };
  std::vector<Bin> bins;
  if (h.zeroCount())
    bins.push_back({0.0, 0.0, static_cast<double>(h.zeroCount())});
  for (int64_t k = 0; k <= top; ++k) {
    double count = countOf(k) + countOf(-k - 1);
    if (!count)
      continue;
    double hi = std::min((k + 1) * w, amax);
    bins.push_back({std::min(k * w, hi), hi, count});
  }
  return bins;
}

double quantileOf(const std::vector<Bin> &bins, double total, double q) {
  double target = q * total, seen = 0;
  for (const Bin &bin : bins) {
    if (seen + bin.count >= target)
      return bin.lo + (bin.hi - bin.lo) * std::clamp((target - seen) / bin.count, 0.0, 1.0);
    seen += bin.count;
  }
  return bins.empty() ? 0.0 : bins.back().hi;
}

/// TensorRT's entropy calibration on |x|: 2048 bins over [0, amax]; for each
/// candidate i in [128, 2048], P = bins[0, i) with the mass beyond folded
/// into bin i-1, and Q = bins[0, i) *without* that mass, merged into 128
/// levels (the last takes the remainder bins) and spread evenly over the
/// bins where P is non-zero. P and Q are normalised separately; where Q is
/// zero but P is not, Q counts as kEpsilon (smoothing, as MXNet's reference
/// implementation does). The threshold of the i minimising KL(P || Q) is
/// (i + 0.5) bin widths. Leaving the clipped mass out of Q is what makes
/// clipping cost something: with it in, Q equals P whenever i < 256 (one bin
/// per level) and the search would always clip at 128 bins.
/// Exact zeros are left out: they quantize exactly whatever the threshold,
/// and on ReLU outputs their mass in bin 0 would make any merging of bin 0
/// look costly and drive the search to clip hard.
double entropyThreshold(const Histogram &h) {
  constexpr int kBins = 2048, kLevels = 128;
  constexpr double kEpsilon = 1e-4;
  double amax = std::max(std::fabs(h.min()), std::fabs(h.max()));
  if (amax == 0)
    return 0;
  double width = amax / kBins;
  // Re-bin |x| onto the coarse grid, spreading each fine bin evenly.
  std::vector<double> hist(kBins, 0.0);
  for (const Bin &bin : absoluteBins(h)) {
    if (bin.hi == 0)
      continue; // Exact zeros: see above.
    if (bin.hi <= bin.lo) {
      hist[std::min<int64_t>(kBins - 1, static_cast<int64_t>(bin.lo / width))] += bin.count;
      continue;
    }
    double density = bin.count / (bin.hi - bin.lo);
    int64_t a = static_cast<int64_t>(bin.lo / width);
    int64_t b = std::min<int64_t>(kBins - 1, static_cast<int64_t>(bin.hi / width));
    for (int64_t j = a; j <= b; ++j) {
      double overlap = std::min(bin.hi, (j + 1) * width) - std::max(bin.lo, j * width);
      if (overlap > 0)
        hist[j] += density * overlap;
    }
  }
  std::vector<double> suffix(kBins + 1, 0.0);
  for (int j = kBins - 1; j >= 0; --j)
    suffix[j] = suffix[j + 1] + hist[j];
  double total = suffix[0];

  double best = std::numeric_limits<double>::infinity();
  int bestI = kBins;
  std::vector<double> p(kBins), q(kBins);
  for (int i = kLevels; i <= kBins; ++i) {
    double inside = total - suffix[i];
    if (inside <= 0)
      continue;
    std::copy(hist.begin(), hist.begin() + i, p.begin());
    p[i - 1] += suffix[i];
    int merged = i / kLevels;
    for (int level = 0; level < kLevels; ++level) {
      int start = level * merged;
      int stop = level == kLevels - 1 ? i : start + merged;
      double mass = 0;
      int nonEmpty = 0;
      for (int j = start; j < stop; ++j) {
        mass += hist[j];
        nonEmpty += p[j] > 0;
      }
      for (int j = start; j < stop; ++j)
        q[j] = p[j] > 0 ? mass / nonEmpty : 0.0;
    }
    double kl = 0;
    for (int j = 0; j < i; ++j) {
      if (p[j] <= 0)
        continue;
      double pj = p[j] / total, qj = q[j] / inside;
      kl += pj * std::log(pj / (qj > 0 ? qj : kEpsilon));
    }
    if (kl < best) {
      best = kl;
      bestI = i;
    }
  }
  return std::min(amax, (bestI + 0.5) * width);
}

/// Expected squared error of quantizing the bins to `levels` steps over
/// [lo, hi]: clipping error outside, uniform rounding error s^2/12 inside
/// (zero is exact).
double expectedError(const std::vector<Bin> &bins, double lo, double hi,
                     int levels) {
  double step = (hi - lo) / levels;
  double inside = step * step / 12.0, error = 0;
  for (const Bin &bin : bins) {
    double c = 0.5 * (bin.lo + bin.hi);
    if (c == 0 && bin.lo == bin.hi)
      continue;
    if (c > hi)
      error += bin.count * (c - hi) * (c - hi);
    else if (c < lo)
      error += bin.count * (lo - c) * (lo - c);
    else
      error += bin.count * inside;
  }
  return error;
}

double mseThreshold(const Histogram &h, int bits) {
  constexpr int kCandidates = 512;
  double amax = std::max(std::fabs(h.min()), std::fabs(h.max()));
  std::vector<Bin> bins = absoluteBins(h);
  int levels = (1 << (bits - 1)) - 1; // [-t, t] in 2^(b-1)-1 steps each side.
  double best = std::numeric_limits<double>::infinity(), bestT = amax;
  for (int j = 1; j <= kCandidates; ++j) {
    double t = amax * j / kCandidates;
    // Symmetric: |x| against [0, t] with the same step as [-t, t].
    double error = expectedError(bins, 0.0, t, levels);
    if (error < best) {
      best = error;
      bestT = t;
    }
  }
  return bestT;
}

std::pair<double, double> mseRange(const Histogram &h, int bits) {
  constexpr int kSteps = 32;
  double lo0 = std::min(h.min(), 0.0), hi0 = std::max(h.max(), 0.0);
  std::vector<Bin> bins = signedBins(h);
  int levels = (1 << bits) - 1;
  double best = std::numeric_limits<double>::infinity();
  std::pair<double, double> range{lo0, hi0};
  for (int a = 1; a <= kSteps; ++a) {
    double lo = lo0 * a / kSteps;
    for (int b = 1; b <= kSteps; ++b) {
      double hi = hi0 * b / kSteps;
      if (hi <= lo)
        continue;
      double error = expectedError(bins, lo, hi, levels);
      if (error < best) {
        best = error;
        range = {lo, hi};
      }
    }
    if (lo0 == 0)
      break; // Every candidate lower bound is the same.
  }
  return range;
}

} // namespace

double histogramQuantile(const Histogram &h, double q, bool absolute) {
  std::vector<Bin> bins = absolute ? absoluteBins(h) : signedBins(h);
  return quantileOf(bins, static_cast<double>(h.total()), q);
}

CalibRange computeRange(CalibMethod method, const Histogram &h,
                        const RangeOptions &options) {
  CalibRange r;
  double lo0 = std::min(h.min(), 0.0), hi0 = std::max(h.max(), 0.0);
  double amax = std::max(-lo0, hi0);
  switch (method) {
  case CalibMethod::MinMax:
    r = {lo0, hi0, amax};
    break;
  case CalibMethod::Percentile: {
    double p = options.percentile / 100.0;
    double tail = (1.0 - p) / 2.0;
    r.threshold = histogramQuantile(h, p, /*absolute=*/true);
    r.lo = std::min(histogramQuantile(h, tail, false), 0.0);
    r.hi = std::max(histogramQuantile(h, 1.0 - tail, false), 0.0);
    break;
  }
  case CalibMethod::Entropy:
    r.threshold = entropyThreshold(h);
    r.lo = std::max(lo0, -r.threshold);
    r.hi = std::min(hi0, r.threshold);
    break;
  case CalibMethod::Mse: {
    r.threshold = mseThreshold(h, options.bits);
    auto [lo, hi] = mseRange(h, options.bits);
    r.lo = lo;
    r.hi = hi;
    break;
  }
  }
  return r;
}

} // namespace qforge
