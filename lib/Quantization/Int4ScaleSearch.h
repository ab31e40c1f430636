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

/// Runs searchInt4Scales on the weights `values` of `shape`, whose scale
/// groups are channel * blocks + block (blocks along `blockAxis`, which
/// indexes the input channels `importance` has one entry per, else it is
/// ignored). Per-channel scales (blocks == 1) are written to
/// `channelScales` too; block scales stay multiples of their channel's
/// unit, re-derived as its largest block scale / 255.
void chooseInt4Scales(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape,
                      int64_t channelAxis, int64_t blockAxis, int64_t blocks,
                      llvm::ArrayRef<double> importance, std::vector<double> &scale,
                      std::vector<double> &channelScales);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_INT4SCALESEARCH_H
