//===- Report.cpp - what quantization did, per layer and in total ---------===//

#include "qforge/Quantization/Report.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace qforge;

namespace {

struct Totals {
  int64_t floatBytes = 0, bytes = 0;
};

Totals totals(const QuantizationReport &report) {
  Totals t;
  for (const QuantizedLayer &l : report.layers) {
    t.floatBytes += l.floatBytes;
    t.bytes += l.bytes;
  }
  return t;
}

double ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

} // namespace

void qforge::writeReportJSON(llvm::raw_ostream &os, const QuantizationReport &report) {
  llvm::json::Array layers;
  for (const QuantizedLayer &l : report.layers) {
    llvm::json::Object o{{"node", l.node},
                         {"op", l.op},
                         {"precision", l.precision},
                         {"weight_bytes_fp32", l.floatBytes},
                         {"weight_bytes", l.bytes}};
    if (!l.note.empty())
      o["note"] = l.note;
    layers.push_back(std::move(o));
  }
  Totals t = totals(report);
  llvm::json::Object root{
      {"format", "qforge-quantization-report"},
      {"version", 1},
      {"model", report.model},
      {"precision", report.precision},
      {"layers", std::move(layers)},
      {"totals",
       llvm::json::Object{{"weight_bytes_fp32", t.floatBytes},
                          {"weight_bytes", t.bytes},
                          {"weight_ratio", ratio(t.bytes, t.floatBytes)},
                          {"activation_arena_bytes", report.activationArenaBytes}}}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

void qforge::printReportTable(llvm::raw_ostream &os, const QuantizationReport &report) {
  size_t width = 4;
  for (const QuantizedLayer &l : report.layers)
    width = std::max(width, l.node.size());
  os << llvm::left_justify("node", width) << "  " << llvm::left_justify("op", 14)
     << "  precision  " << llvm::right_justify("fp32 bytes", 11) << "  "
     << llvm::right_justify("bytes", 11) << "  ratio\n";
  for (const QuantizedLayer &l : report.layers) {
    os << llvm::left_justify(l.node, width) << "  " << llvm::left_justify(l.op, 14)
       << "  " << llvm::left_justify(l.precision, 9) << "  "
       << llvm::format_decimal(l.floatBytes, 11) << "  "
       << llvm::format_decimal(l.bytes, 11) << "  "
       << llvm::format("%5.1f%%", 100.0 * ratio(l.bytes, l.floatBytes));
    if (!l.note.empty())
      os << "  (" << l.note << ")";
    os << "\n";
  }
  Totals t = totals(report);
  os << llvm::left_justify("total", width) << "  " << llvm::left_justify("", 14)
     << "  " << llvm::left_justify(report.precision, 9) << "  "
     << llvm::format_decimal(t.floatBytes, 11) << "  "
     << llvm::format_decimal(t.bytes, 11) << "  "
     << llvm::format("%5.1f%%", 100.0 * ratio(t.bytes, t.floatBytes)) << "\n";
  os << "activation arena: " << report.activationArenaBytes << " bytes\n";
}
