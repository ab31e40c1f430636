//===- Int4ScaleSearch.cpp - activation-weighted int4 clipping ------------===//

#include "Int4ScaleSearch.h"

#include <algorithm>
#include <cmath>

using namespace qforge;

namespace {

constexpr int kCandidates = 17; // r = 1, 0.975, ..., 0.6.

double candidateScale(double scale, int j, double unit) {
  double s = scale * (1.0 - 0.025 * j);
  if (unit <= 0)
    return s;
  return unit * std::clamp(std::nearbyint(s / unit), 1.0, 255.0);
}

} // namespace

void qforge::searchInt4Scales(const Int4Groups &groups, std::vector<double> &scale,
                              llvm::ArrayRef<double> unit) {
  size_t count = scale.size();
  // error[g * kCandidates + j]: group g's weighted error at candidate j.
  std::vector<double> error(count * kCandidates, 0.0);
  std::vector<double> candidates(count * kCandidates);
  for (size_t g = 0; g < count; ++g)
    for (int j = 0; j < kCandidates; ++j)
      candidates[g * kCandidates + j] = candidateScale(scale[g], j, unit.empty() ? 0 : unit[g]);
  for (size_t i = 0; i < groups.values.size(); ++i) {
    uint32_t g = groups.group[i];
    double w = groups.values[i];
    double weight = groups.importance.empty() ? 1.0 : groups.importance[groups.input[i]];
    for (int j = 0; j < kCandidates; ++j) {
      double s = candidates[g * kCandidates + j];
      double d = w - std::clamp(std::nearbyint(w / s), -7.0, 7.0) * s;
      error[g * kCandidates + j] += weight * d * d;
    }
  }
  for (size_t g = 0; g < count; ++g) {
    int best = 0;
    for (int j = 1; j < kCandidates; ++j)
      if (error[g * kCandidates + j] < error[g * kCandidates + best])
        best = j;
    scale[g] = candidates[g * kCandidates + best];
  }
}

void qforge::chooseInt4Scales(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape,
                              int64_t channelAxis, int64_t blockAxis, int64_t blocks,
                              llvm::ArrayRef<double> importance, std::vector<double> &scale,
                              std::vector<double> &channelScales) {
  auto rank = static_cast<int64_t>(shape.size());
  int64_t groupSize = shape[blockAxis] / blocks;
  std::vector<uint32_t> group(values.size()), input(values.size());
  std::vector<int64_t> index(rank, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    input[i] = static_cast<uint32_t>(index[blockAxis]);
    group[i] = static_cast<uint32_t>(index[channelAxis] * blocks + index[blockAxis] / groupSize);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
  if (static_cast<int64_t>(importance.size()) != shape[blockAxis])
    importance = {};
  std::vector<double> unit;
  if (blocks > 1)
    for (size_t g = 0; g < scale.size(); ++g)
      unit.push_back(channelScales[g / blocks]);
  searchInt4Scales({values, group, input, importance}, scale, unit);
  if (blocks == 1) {
    channelScales.assign(scale.begin(), scale.end());
    return;
  }
  // A channel's unit is its largest block scale / 255 (what qf's verifier
  // and the lowering derive); the search may have lowered that block.
  for (size_t c = 0; c < channelScales.size(); ++c) {
    double largest = *std::max_element(scale.begin() + c * blocks,
                                       scale.begin() + (c + 1) * blocks);
    double newUnit = largest / 255.0;
    for (int64_t g = 0; g < blocks; ++g) {
      double &s = scale[c * blocks + g];
      s = newUnit * std::clamp(std::nearbyint(s / newUnit), 1.0, 255.0);
    }
    channelScales[c] = newUnit;
  }
}
