//===- Report.cpp - what quantization did, per layer and in total ---------===//

#include "qforge/Quantization/Report.h"
#include "LayerObservers.h"
#include "qforge/Calibration/Calibrator.h"

#include "mlir/IR/IRMapping.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <limits>

using namespace qforge;
using namespace mlir;

namespace {

double ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

/// The share of the int32 range an accumulator bound takes.
double int32Use(int64_t bound) {
  return ratio(bound, std::numeric_limits<int32_t>::max());
}

} // namespace

WeightTotals qforge::weightTotals(const QuantizationReport &report) {
  WeightTotals t;
  for (const QuantizedLayer &l : report.layers) {
    if (l.sharesWeights)
      continue;
    t.floatBytes += l.floatBytes;
    t.bytes += l.bytes;
  }
  return t;
}

bool qforge::measureLayerSqnr(ModuleOp floatModule, ModuleOp quantized,
                              StringRef name, QuantizationReport &report,
                              const std::vector<std::string> &dataPaths,
                              int64_t maxRuns) {
  std::vector<QuantizedLayer> &layers = report.layers;
  IRMapping map;
  OwningOpRef<ModuleOp> observed(cast<ModuleOp>(quantized->clone(map)));
  std::vector<ObservedLayer> observedLayers = observeLayerOutputs(
      floatModule, layers, [&](const QuantizedLayer &l) { return map.lookupOrNull(l.output); },
      [](const QuantizedLayer &) { return true; });
  auto ids = static_cast<int64_t>(observedLayers.size());
  std::optional<std::vector<double>> sqnr =
      measureSqnr(floatModule, *observed, name, ids, dataPaths, maxRuns,
                  report.sqnrSamples);
  if (!sqnr)
    return false;
  for (int64_t id = 0; id < ids; ++id)
    layers[observedLayers[id].layer].sqnrDb = (*sqnr)[id];
  return true;
}

llvm::json::Object qforge::searchSummaryJSON(const QuantizationReport &report) {
  const PrecisionSearchResult &found = *report.search;
  auto pairs = [](const std::vector<std::pair<std::string, double>> &list) {
    llvm::json::Array a;
    for (const auto &[what, drop] : list)
      a.push_back(llvm::json::Array{what, drop});
    return a;
  };
  return llvm::json::Object{{"model", report.model},
                            {"metric", metricName(report.searchMetric)},
                            {"max_drop", report.maxDrop},
                            {"drop", found.drop},
                            {"met", found.drop <= report.maxDrop},
                            {"eval_runs", found.samples},
                            {"candidates", found.evaluations},
                            {"uniform_drops", pairs(found.uniform)},
                            {"sensitivity", pairs(found.sensitivity)}};
}

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
    if (l.sharesWeights)
      o["shares_weights"] = true;
    if (l.accumulatorBound > 0) {
      o["accumulator_bound"] = l.accumulatorBound;
      o["int32_use"] = int32Use(l.accumulatorBound);
    }
    if (!l.outputName.empty())
      o["output"] = l.outputName;
    if (std::optional<double> ms = report.times ? report.times->of(l.node) : std::nullopt)
      o["ms_per_run"] = *ms;
    if (!std::isnan(l.sqnrDb)) {
      // JSON has no infinity: an exact layer (no error at all) is null.
      o["sqnr_db"] = std::isinf(l.sqnrDb) ? llvm::json::Value(nullptr)
                                          : llvm::json::Value(l.sqnrDb);
      o["low_sqnr"] = l.sqnrDb < report.sqnrThresholdDb;
    }
    layers.push_back(std::move(o));
  }
  WeightTotals t = weightTotals(report);
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
  if (report.search)
    root["precision_search"] = searchSummaryJSON(report);
  if (report.times)
    root["profile"] = llvm::json::Object{{"file", report.times->file},
                                         {"runs", report.times->runs},
                                         {"ms_per_run", report.times->msPerRun}};
  if (report.sqnrSamples > 0) {
    root["sqnr_samples"] = report.sqnrSamples;
    root["sqnr_threshold_db"] = report.sqnrThresholdDb;
    root["layers_below_threshold"] = static_cast<int64_t>(
        llvm::count_if(report.layers, [&](const QuantizedLayer &l) {
          return !std::isnan(l.sqnrDb) && l.sqnrDb < report.sqnrThresholdDb;
        }));
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

void qforge::printReportTable(llvm::raw_ostream &os, const QuantizationReport &report) {
  size_t width = 4;
  for (const QuantizedLayer &l : report.layers)
    width = std::max(width, l.node.size());
  os << llvm::left_justify("node", width) << "  " << llvm::left_justify("op", 14)
     << "  precision  " << llvm::right_justify("fp32 bytes", 11) << "  "
     << llvm::right_justify("bytes", 11) << "  ratio  int32 use  SQNR dB"
     << (report.times ? "    ms/run" : "") << "\n";
  for (const QuantizedLayer &l : report.layers) {
    os << llvm::left_justify(l.node, width) << "  " << llvm::left_justify(l.op, 14)
       << "  " << llvm::left_justify(l.precision, 9) << "  "
       << llvm::format_decimal(l.floatBytes, 11) << "  "
       << llvm::format_decimal(l.bytes, 11) << "  "
       << (l.floatBytes ? llvm::formatv("{0,5:f1}%", 100.0 * ratio(l.bytes, l.floatBytes)).str()
                        : std::string("     -"))
       << (l.accumulatorBound > 0
               ? llvm::formatv("  {0,8:f2}%", 100.0 * int32Use(l.accumulatorBound)).str()
               : std::string("          -"));
    if (std::isnan(l.sqnrDb))
      os << "        -";
    else if (std::isinf(l.sqnrDb))
      os << "    exact";
    else
      os << llvm::format("  %7.1f", l.sqnrDb);
    if (report.times) {
      std::optional<double> ms = report.times->of(l.node);
      os << (ms ? llvm::formatv("  {0,8:f4}", *ms).str() : std::string("         -"));
    }
    if (!std::isnan(l.sqnrDb) && l.sqnrDb < report.sqnrThresholdDb)
      os << "  LOW";
    if (!l.note.empty())
      os << "  (" << l.note << ")";
    os << "\n";
  }
  WeightTotals t = weightTotals(report);
  os << llvm::left_justify("total", width) << "  " << llvm::left_justify("", 14)
     << "  " << llvm::left_justify(report.precision, 9) << "  "
     << llvm::format_decimal(t.floatBytes, 11) << "  "
     << llvm::format_decimal(t.bytes, 11) << "  "
     << llvm::format("%5.1f%%", 100.0 * ratio(t.bytes, t.floatBytes)) << "\n";
  os << "activation arena: " << report.activationArenaBytes << " bytes\n";
  if (report.sqnrSamples > 0)
    os << "SQNR of each layer's output against the float model on "
       << report.sqnrSamples << " samples (errors of earlier layers "
       << "included); LOW: below " << llvm::format("%.1f", report.sqnrThresholdDb)
       << " dB (consider --exclude)\n";
  else
    os << "SQNR not measured (give --report-data)\n";
  if (report.times)
    os << "time: " << llvm::format("%.4f", report.times->msPerRun) << " ms per run over "
       << report.times->runs << " runs (" << report.times->file << ")\n";
  if (report.search)
    os << "precision search: " << metricName(report.searchMetric) << " drop "
       << llvm::format("%.4f%%", 100 * report.search->drop) << " (budget "
       << llvm::format("%.4f%%", 100 * report.maxDrop) << ") on "
       << report.search->samples << " model runs, " << report.search->evaluations
       << " candidates measured\n";
}
