//===- Int4ScaleSearch.h - activation-weighted int4 clipping ----*- C++ -*-===//
//
// int4 has 15 levels: a scale set by a group's largest |w| spends them on
// its extremes. Clipping the largest weights (a smaller scale) rounds the
// rest more finely; which side wins depends on the weights and on how much
// each input channel's activations matter. The search picks, per scale
// group, the scale with the least activation-weighted squared error.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_INT4SCALESEARCH_H
#define QFORGE_LIB_QUANTIZATION_INT4SCALESEARCH_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace qforge {

/// The weights of one int4 tensor, grouped by scale.
struct Int4Groups {
  llvm::ArrayRef<float> values;
  llvm::ArrayRef<uint32_t> group;    // Each value's scale group.
  llvm::ArrayRef<uint32_t> input;    // Each value's input channel.
  llvm::ArrayRef<double> importance; // Per input channel: E[x^2]; empty: all 1.
};

/// Replaces each group's `scale` (set from its largest |w|) by the
/// candidate r * scale, r = 1, 0.975, ..., 0.6, with the least
/// sum importance[input] * (w - clamp(round(w / s), -7, 7) * s)^2 over the
/// group. With `unit` (per group: its channel's unit; empty for per-channel
/// scales) a candidate is snapped to a multiple 1..255 of the unit, as
/// block scales must be.
void searchInt4Scales(const Int4Groups &groups, std::vector<double> &scale,
                      llvm::ArrayRef<double> unit);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_INT4SCALESEARCH_H
