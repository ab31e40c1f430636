//===- PrecisionPlan.h - a precision per layer, as JSON ---------*- C++ -*-===//
//
// A precision plan names, per ONNX node (a convolution or matmul), the
// precision its weights and product take: int4, int8 or float. The
// precision search (--precision=auto) writes one; `--precision-plan=FILE`
// compiles with it again. The format:
//
//   {"format": "qforge-precision-plan", "version": 1,
//    "layers": {"<node>": "int4" | "int8" | "fp32", ...}, ...}
//
// Other top-level keys (the search's summary) are informative.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_PRECISIONPLAN_H
#define QFORGE_QUANTIZATION_PRECISIONPLAN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>

namespace qforge {

enum class LayerPrecision { Int4, Int8, Float };

/// "int4", "int8", "fp32".
llvm::StringRef precisionName(LayerPrecision p);
std::optional<LayerPrecision> parseLayerPrecision(llvm::StringRef name);

struct PrecisionPlan {
  std::map<std::string, LayerPrecision> layers; // By ONNX node name.
};

/// Parses a plan from `text`; on failure returns nullopt with `error`
/// saying what is wrong (the caller names the file).
std::optional<PrecisionPlan> parsePrecisionPlan(llvm::StringRef text, std::string &error);

/// The plan as the JSON object above, with `extra` keys added at the top.
llvm::json::Object precisionPlanJSON(const PrecisionPlan &plan, llvm::json::Object extra = {});

} // namespace qforge

#endif // QFORGE_QUANTIZATION_PRECISIONPLAN_H
