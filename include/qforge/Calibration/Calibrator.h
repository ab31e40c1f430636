//===- Calibrator.h - run the float model on samples, record ranges -*- C++ -*-===//
//
// Calibration: observers on every tensor quantization will rewrite
// (qf-insert-observers), the float model lowered by the normal pipeline
// with the observers turned into calls of a statistics collector, JIT-run
// on the user's samples; the result is a calibration table.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CALIBRATION_CALIBRATOR_H
#define QFORGE_CALIBRATION_CALIBRATOR_H

#include "qforge/Calibration/CalibrationTable.h"
#include "qforge/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <limits>
#include <vector>

namespace qforge {

struct CalibrationOptions {
  /// One .npy file per model input (in input order), or one directory
  /// holding INPUT_NAME.npy per input.
  std::vector<std::string> dataPaths;
  CalibMethod method = CalibMethod::MinMax;
  RangeOptions range;
  bool quiet = false;
  std::string modelPath; // Recorded in the table.
};

/// Calibrates function `name` of the imported float `module` (left
/// unchanged). Errors are reported through the context's diagnostics; they
/// name the data file, the input and the sample index, or the tensor.
std::optional<CalibrationTable> calibrate(mlir::ModuleOp module,
                                          llvm::StringRef name,
                                          const CalibrationOptions &options);

/// Runs `floatModule` and `quantizedModule` on the samples of `dataPaths`
/// (as for calibration; at most `maxRuns` model invocations) and returns,
/// for each observer id 0..observed-1, the SQNR in dB of what the quantized
/// module's observer saw against what the float module's saw:
/// 10 log10(sum f^2 / sum (f - q)^2), +inf when they agree exactly. Both
/// modules carry qf.observe ops with those ids on corresponding float values.
/// `samples` returns how many samples were run.
std::optional<std::vector<double>>
measureSqnr(mlir::ModuleOp floatModule, mlir::ModuleOp quantizedModule,
            llvm::StringRef name, int64_t observed,
            const std::vector<std::string> &dataPaths, int64_t maxRuns,
            int64_t &samples);

/// How an observed tensor splits into channels: flat index i is in
/// channel (i / inner) % channels; lo and hi are the bounds of the
/// activation that produced it (a clamp).
struct ChannelLayout {
  int64_t channels = 1, inner = 1;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};

/// What measureChannelMeanError measured, per observer id.
struct PairMeasurement {
  /// Per channel, the mean of q - f over all its values (0 for a channel
  /// whose float values are strictly inside the id's bounds less than 5%
  /// of the time).
  std::vector<std::vector<double>> shift;
  std::vector<double> sqnr; // As measureSqnr's.
};

/// Runs the two modules as measureSqnr does, for the observer ids
/// 0..layouts.size()-1.
std::optional<PairMeasurement>
measureChannelMeanError(mlir::ModuleOp floatModule, mlir::ModuleOp quantizedModule,
                        llvm::StringRef name, const std::vector<ChannelLayout> &layouts,
                        const std::vector<std::string> &dataPaths, int64_t maxRuns,
                        int64_t &samples);

/// Runs function `name` of `module` (lowered and JIT-compiled in place) on
/// the samples of `dataPaths` (as for calibration; at most `maxRuns` model
/// invocations) and returns each invocation's outputs.
std::optional<std::vector<std::vector<NpyArray>>>
runOnSamples(mlir::ModuleOp module, llvm::StringRef name,
             const std::vector<std::string> &dataPaths, int64_t maxRuns);

} // namespace qforge

#endif // QFORGE_CALIBRATION_CALIBRATOR_H
