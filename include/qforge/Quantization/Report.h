//===- Report.h - what quantization did, per layer and in total -*- C++ -*-===//

#ifndef QFORGE_QUANTIZATION_REPORT_H
#define QFORGE_QUANTIZATION_REPORT_H

#include "qforge/Quantization/LayerTimes.h"
#include "qforge/Quantization/PrecisionSearch.h"
#include "qforge/Quantization/Quantize.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace qforge {

struct QuantizationReport {
  std::string model;
  std::string precision;
  std::string planFile; // --precision-plan, when given.
  std::vector<QuantizedLayer> layers;
  int64_t activationArenaBytes = 0; // The planned scratch arena.
  double sqnrThresholdDb = 20;      // Layers below it are flagged.
  int64_t sqnrSamples = 0;          // Samples the SQNR was measured on.
  /// --precision=auto: what the search measured, against which budget.
  std::optional<PrecisionSearchResult> search;
  AccuracyMetric searchMetric = AccuracyMetric::Cosine;
  double maxDrop = 0;
  /// --report-profile: each layer's time in the compiled executable.
  std::optional<LayerTimes> times;
};

/// The search's budget and measurements (report.search set) as JSON: the
/// report's "precision_search" and the saved plan's summary.
llvm::json::Object searchSummaryJSON(const QuantizationReport &report);

/// The model's weight bytes, fp32 and compiled; weights a layer shares
/// with an earlier one (a recurrent layer's steps) count once.
struct WeightTotals {
  int64_t floatBytes = 0, bytes = 0;
};
WeightTotals weightTotals(const QuantizationReport &report);

/// Measures each quantized layer's SQNR: observes the layer's output in a
/// copy of `quantized` and the same ONNX value in `floatModule` (consumed),
/// runs both on the samples of `dataPaths` (at most `maxRuns` invocations)
/// and stores the results and the sample count in `report`. False after a
/// diagnostic.
bool measureLayerSqnr(mlir::ModuleOp floatModule, mlir::ModuleOp quantized,
                      llvm::StringRef name, QuantizationReport &report,
                      const std::vector<std::string> &dataPaths, int64_t maxRuns);

/// The report as JSON (docs/user-guide.md describes the fields).
void writeReportJSON(llvm::raw_ostream &os, const QuantizationReport &report);

/// The report as one self-contained HTML page: totals, the search's
/// budget, bar charts (weight bytes, SQNR, sensitivity) and a sortable
/// table of every layer.
void writeReportHTML(llvm::raw_ostream &os, const QuantizationReport &report);

/// The report as a table for a terminal.
void printReportTable(llvm::raw_ostream &os, const QuantizationReport &report);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_REPORT_H
