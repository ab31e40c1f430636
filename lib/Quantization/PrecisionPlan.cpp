//===- PrecisionPlan.cpp - a precision per layer, as JSON -----------------===//

#include "qforge/Quantization/PrecisionPlan.h"
#include "JsonDocument.h"

using namespace qforge;

llvm::StringRef qforge::precisionName(LayerPrecision p) {
  switch (p) {
  case LayerPrecision::Int4:
    return "int4";
  case LayerPrecision::Int8:
    return "int8";
  case LayerPrecision::Float:
    return "fp32";
  }
  return "fp32";
}

std::optional<LayerPrecision> qforge::parseLayerPrecision(llvm::StringRef name) {
  for (LayerPrecision p : {LayerPrecision::Int4, LayerPrecision::Int8, LayerPrecision::Float})
    if (name == precisionName(p))
      return p;
  return std::nullopt;
}

std::optional<PrecisionPlan> qforge::parsePrecisionPlan(llvm::StringRef text,
                                                        std::string &error) {
  std::optional<llvm::json::Object> root =
      parseJsonDocument(text, "qforge-precision-plan", "precision plan", "", error);
  if (!root)
    return std::nullopt;
  std::optional<int64_t> version = root->getInteger("version");
  if (version != 1) {
    error = "version " + (version ? std::to_string(*version) : std::string("missing")) +
            " is not 1, the only one this qforge reads";
    return std::nullopt;
  }
  const llvm::json::Object *layers = root->getObject("layers");
  if (!layers) {
    error = "no \"layers\" object";
    return std::nullopt;
  }
  PrecisionPlan plan;
  for (const auto &[node, value] : *layers) {
    std::optional<llvm::StringRef> name = value.getAsString();
    std::optional<LayerPrecision> p = name ? parseLayerPrecision(*name) : std::nullopt;
    if (!p) {
      error = "layer '" + node.str() + "': precision is not one of \"int4\", \"int8\", \"fp32\"";
      return std::nullopt;
    }
    plan.layers[node.str()] = *p;
  }
  return plan;
}

llvm::json::Object qforge::precisionPlanJSON(const PrecisionPlan &plan,
                                             llvm::json::Object extra) {
  llvm::json::Object layers;
  for (const auto &[node, p] : plan.layers)
    layers[node] = precisionName(p).str();
  extra["format"] = "qforge-precision-plan";
  extra["version"] = 1;
  extra["layers"] = std::move(layers);
  return extra;
}
