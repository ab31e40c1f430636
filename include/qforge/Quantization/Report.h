//===- Report.h - what quantization did, per layer and in total -*- C++ -*-===//

#ifndef QFORGE_QUANTIZATION_REPORT_H
#define QFORGE_QUANTIZATION_REPORT_H

#include "qforge/Quantization/Quantize.h"

#include "llvm/Support/raw_ostream.h"

namespace qforge {

struct QuantizationReport {
  std::string model;
  std::string precision;
  std::vector<QuantizedLayer> layers;
  int64_t activationArenaBytes = 0; // The planned scratch arena.
};

/// The report as JSON (docs/user-guide.md describes the fields).
void writeReportJSON(llvm::raw_ostream &os, const QuantizationReport &report);

/// The report as a table for a terminal.
void printReportTable(llvm::raw_ostream &os, const QuantizationReport &report);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_REPORT_H
