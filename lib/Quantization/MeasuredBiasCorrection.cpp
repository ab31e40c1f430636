//===- MeasuredBiasCorrection.cpp - bias correction from data -------------===//

#include "qforge/Quantization/MeasuredBiasCorrection.h"
#include "LayerObservers.h"
#include "qforge/Calibration/Calibrator.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"

#include <cmath>
#include <limits>
#include <map>

using namespace mlir;
using namespace qforge;

namespace {

/// Where a layer's output splits into channels (its output channels: axis
/// 1 of a convolution's NCHW result, the last axis of a matmul's), and the
/// bounds of the activation that produced the float value, if any.
ChannelLayout layoutOf(Value floatValue) {
  auto type = cast<ShapedType>(floatValue.getType());
  ChannelLayout layout;
  int64_t axis = channelMeanAxis(type.getShape());
  if (axis >= 0) {
    layout.channels = type.getDimSize(axis);
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      layout.inner *= type.getDimSize(d);
  }
  if (auto clamp = floatValue.getDefiningOp<tosa::ClampOp>()) {
    if (auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr()))
      layout.lo = lo.getValueAsDouble();
    if (auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr()))
      layout.hi = hi.getValueAsDouble();
  }
  return layout;
}

/// Per layer and channel: the shift with the smallest mean error measured
/// so far, and that error.
struct Best {
  std::vector<double> shift, error;
};

/// One measurement: per layer, its mean output error per channel (what
/// its bias shift grows by); and how close the model's outputs came to float's (the mean of
/// their SQNRs, dB).
struct Measured {
  std::map<std::string, std::vector<double>> errors;
  double outputSqnr = 0;
};

/// Observes each result of function `name` in `module` with ids from
/// `first` on; returns how many.
int64_t observeOutputs(ModuleOp module, StringRef name, int64_t first) {
  auto func = module.lookupSymbol<func::FuncOp>(name);
  Operation *ret = func.getBody().back().getTerminator();
  int64_t id = first;
  for (Value v : ret->getOperands())
    if (isa<FloatType>(getElementTypeOrSelf(v.getType())))
      observeValue(v, id++, "output");
  return id - first;
}

/// Quantizes a copy with `options` and measures each quantized layer's
/// mean output error per channel and the outputs' SQNR.
std::optional<Measured> measureErrors(ModuleOp floatModule, StringRef name, const CalibrationTable &table,
              const QuantizeOptions &options, const std::vector<std::string> &dataPaths,
              int64_t maxRuns) {
  OwningOpRef<ModuleOp> reference(floatModule.clone());
  OwningOpRef<ModuleOp> quantized(floatModule.clone());
  std::vector<QuantizedLayer> layers;
  {
    // Degenerate weights and ranges warn once, when the model is compiled.
    ScopedDiagnosticHandler quiet(floatModule.getContext(), [](Diagnostic &d) {
      return success(d.getSeverity() == DiagnosticSeverity::Warning);
    });
    layers = quantizeFunction(quantized->lookupSymbol<func::FuncOp>(name), table, options);
  }
  std::vector<ObservedLayer> observed = observeLayerOutputs(
      *reference, layers, [](const QuantizedLayer &l) { return l.output; },
      [](const QuantizedLayer &l) {
        return (l.precision == "int8" || l.precision == "int4") && l.floatBytes > 0;
      });
  std::vector<ChannelLayout> layouts;
  for (const ObservedLayer &o : observed)
    layouts.push_back(layoutOf(o.floatValue));
  Measured result;
  if (layouts.empty())
    return result;
  auto first = static_cast<int64_t>(layouts.size());
  int64_t outputs = observeOutputs(*reference, name, first);
  if (observeOutputs(*quantized, name, first) != outputs)
    return result;
  layouts.resize(first + outputs);
  int64_t samples = 0;
  std::optional<PairMeasurement> measured = measureChannelMeanError(
      *reference, *quantized, name, layouts, dataPaths, maxRuns, samples);
  if (!measured)
    return std::nullopt;
  for (size_t i = 0; i < observed.size(); ++i)
    result.errors[layers[observed[i].layer].node] = std::move(measured->shift[i]);
  for (int64_t i = 0; i < outputs; ++i)
    result.outputSqnr += std::min(measured->sqnr[first + i], 200.0) / outputs;
  return result;
}

/// Keeps, per channel, the better of its best shift and the one just
/// measured, and proposes the next: the best shift plus its error, or,
/// when the last step made it worse, half that step (an output grid or a
/// clamp can make the response to a shift a step function).
void step(const std::map<std::string, std::vector<double>> &errors,
          std::map<std::string, Best> &best, QuantizeOptions &options) {
  for (const auto &[node, error] : errors) {
    std::vector<double> &shift = options.measuredBiasShift[node];
    shift.resize(error.size(), 0.0);
    Best &b = best[node];
    if (b.shift.empty()) {
      b.shift = shift;
      b.error = error;
    }
    for (size_t c = 0; c < error.size(); ++c) {
      if (std::fabs(error[c]) < std::fabs(b.error[c]) || shift[c] == b.shift[c]) {
        b.shift[c] = shift[c];
        b.error[c] = error[c];
        shift[c] += error[c];
      } else {
        shift[c] = b.shift[c] + 0.5 * (shift[c] - b.shift[c]);
      }
    }
  }
}

} // namespace

bool qforge::correctBiasesOnData(ModuleOp floatModule, StringRef name,
                                 const CalibrationTable &table, QuantizeOptions &options,
                                 const std::vector<std::string> &dataPaths, int rounds,
                                 int64_t maxRuns) {
  std::map<std::string, Best> best;
  // The uncorrected model, then each round's proposal, is measured; the
  // model keeps the measured shifts whose outputs came closest to float's
  // (never worse than uncorrected, on these samples).
  std::map<std::string, std::vector<double>> kept = options.measuredBiasShift;
  double keptSqnr = -std::numeric_limits<double>::infinity();
  for (int round = 0; round <= rounds; ++round) {
    std::optional<Measured> measured =
        measureErrors(floatModule, name, table, options, dataPaths, maxRuns);
    if (!measured)
      return false;
    if (measured->outputSqnr > keptSqnr) {
      keptSqnr = measured->outputSqnr;
      kept = options.measuredBiasShift;
    }
    step(measured->errors, best, options);
  }
  options.measuredBiasShift = std::move(kept);
  return true;
}
