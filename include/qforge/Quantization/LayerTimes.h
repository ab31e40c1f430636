//===- LayerTimes.h - a layer profile from a compiled executable -*- C++ -*-===//
//
// An executable compiled with `qforge compile --profile` writes, with
// `--profile-json FILE`, the time of each layer (ONNX node) per run:
//
//   {"format": "qforge-profile", "runs": N, "ms_per_run": T,
//    "layers": [{"name": "<node>", "ms_per_run": t, "share": s}, ...]}
//
// `qforge compile --report-profile=FILE` reads it into the report.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_LAYERTIMES_H
#define QFORGE_QUANTIZATION_LAYERTIMES_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qforge {

struct LayerTimes {
  std::string file;   // Where it was read from, as given.
  int64_t runs = 0;   // Model runs the times average over.
  double msPerRun = 0; // All layers together.
  /// Each layer's ONNX node and its milliseconds per run, in the order the
  /// model runs them.
  std::vector<std::pair<std::string, double>> layers;

  /// The layer's milliseconds per run, or nullopt when it was not timed.
  std::optional<double> of(llvm::StringRef node) const;
};

/// Parses the executable's profile from `text`; on failure returns nullopt
/// with `error` saying what is wrong (the caller names the file).
std::optional<LayerTimes> parseLayerTimes(llvm::StringRef text, std::string &error);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_LAYERTIMES_H
