//===- LayerTimes.cpp - a layer profile from a compiled executable --------===//

#include "qforge/Quantization/LayerTimes.h"
#include "JsonDocument.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <cmath>

using namespace qforge;

std::optional<double> LayerTimes::of(llvm::StringRef node) const {
  for (const auto &[name, ms] : layers)
    if (name == node)
      return ms;
  return std::nullopt;
}

namespace {

bool isTime(std::optional<double> ms) { return ms && std::isfinite(*ms) && *ms >= 0; }

/// One entry of "layers" into `times`; false with `error` set.
bool parseLayer(const llvm::json::Value &entry, size_t index, llvm::StringSet<> &seen,
                LayerTimes &times, std::string &error) {
  const llvm::json::Object *layer = entry.getAsObject();
  std::optional<llvm::StringRef> name = layer ? layer->getString("name") : std::nullopt;
  std::optional<double> ms = layer ? layer->getNumber("ms_per_run") : std::nullopt;
  std::string which = "layer " + std::to_string(index) + (name ? " ('" + name->str() + "')" : "");
  if (!name || !isTime(ms)) {
    error = which + ": needs a \"name\" and a \"ms_per_run\" of at least 0";
    return false;
  }
  if (!seen.insert(*name).second) {
    error = which + ": listed twice";
    return false;
  }
  times.layers.emplace_back(name->str(), *ms);
  return true;
}

} // namespace

std::optional<LayerTimes> qforge::parseLayerTimes(llvm::StringRef text, std::string &error) {
  std::optional<llvm::json::Object> root = parseJsonDocument(
      text, "qforge-profile", "layer profile",
      "; an executable compiled with 'qforge compile --profile' writes one with --profile-json",
      error);
  if (!root)
    return std::nullopt;
  LayerTimes times;
  std::optional<int64_t> runs = root->getInteger("runs");
  std::optional<double> total = root->getNumber("ms_per_run");
  const llvm::json::Array *layers = root->getArray("layers");
  if (!runs || *runs < 1 || !isTime(total) || !layers) {
    error = "needs \"runs\" (at least 1), \"ms_per_run\" (at least 0) and a \"layers\" array";
    return std::nullopt;
  }
  times.runs = *runs;
  times.msPerRun = *total;
  llvm::StringSet<> seen;
  for (size_t i = 0; i < layers->size(); ++i)
    if (!parseLayer((*layers)[i], i, seen, times, error))
      return std::nullopt;
  return times;
}
