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

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
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

} // namespace qforge

#endif // QFORGE_CALIBRATION_CALIBRATOR_H
