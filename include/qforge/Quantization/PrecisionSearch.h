//===- PrecisionSearch.h - a precision per layer within a budget -*- C++ -*-===//
//
// --precision=auto: measures, on the user's evaluation data, how much each
// layer's quantization costs in an accuracy metric, and chooses a precision
// per layer (int4, int8, float) whose whole-model drop stays within a
// budget at the least cost for the objective (speed: int8 before float on
// targets with integer kernels, float alone elsewhere; size: int4, then
// int8, then float). Every candidate is quantized,
// JIT-compiled and run; the drop the result reports is the one measured.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_PRECISIONSEARCH_H
#define QFORGE_QUANTIZATION_PRECISIONSEARCH_H

#include "qforge/Quantization/PrecisionPlan.h"
#include "qforge/Quantization/Quantize.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qforge {

/// What the budget is counted in. Each gives a drop (0 = as good as the
/// float model, larger is worse):
///   top1:   with labels, float accuracy minus quantized accuracy; without,
///           the share of samples whose top class differs from float's;
///   cosine: 1 - the mean cosine similarity of each output with float's;
///   iou:    1 - IoU of the first output's mask (> 0.5) with float's;
///   mse:    sum (q - f)^2 / sum f^2 over all outputs (relative MSE).
enum class AccuracyMetric { Top1, Cosine, Iou, Mse };
std::optional<AccuracyMetric> parseAccuracyMetric(llvm::StringRef name);
llvm::StringRef metricName(AccuracyMetric metric);

enum class SearchObjective { Speed, Size };

struct PrecisionSearchOptions {
  QuantizeOptions base; // Calibration method, group size, user exclusions.
  std::vector<std::string> evalData; // As calibration data.
  std::string labelsPath;            // top1: a class per sample (.npy).
  AccuracyMetric metric = AccuracyMetric::Cosine;
  double maxDrop = 0.01;
  SearchObjective objective = SearchObjective::Speed;
  /// Whether the target has integer product kernels; without, speed first
  /// keeps every layer float (int8 on the reference loops is no faster).
  bool integerKernels = true;
  int64_t maxRuns = 1000; // Model invocations per candidate.
  bool progress = false;  // One line per candidate on stderr.
};

struct PrecisionSearchResult {
  PrecisionPlan plan;
  double drop = 0; // The plan's, measured on the evaluation data.
  /// Uniform precisions tried ("int8": its drop), in the order tried.
  std::vector<std::pair<std::string, double>> uniform;
  /// Each layer's drop with it alone quantized (at the objective's first
  /// precision) and the rest float, most sensitive first; empty when a
  /// uniform precision met the budget.
  std::vector<std::pair<std::string, double>> sensitivity;
  int64_t evaluations = 0; // Candidates compiled and run.
  int64_t samples = 0;     // Model invocations per candidate.
};

/// Searches a plan for function `name` of the float `module` (left
/// unchanged) quantized with `table`. Errors (data files, labels, runs)
/// are diagnostics on the module; then nullopt.
std::optional<PrecisionSearchResult> searchPrecision(mlir::ModuleOp module, llvm::StringRef name,
                                                     const CalibrationTable &table,
                                                     const PrecisionSearchOptions &options);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_PRECISIONSEARCH_H
