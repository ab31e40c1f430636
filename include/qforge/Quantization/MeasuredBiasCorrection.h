//===- MeasuredBiasCorrection.h - bias correction from data -----*- C++ -*-===//
//
// `qforge compile --bias-correction-data=X`: the quantized model is run
// beside the float model on samples, and each quantized layer's mean output
// error per channel is taken out of its bias. The errors of earlier layers
// are included, so each round corrects what the rounds before left. The
// response to a shift is not linear (an output grid makes it a step where
// many values are equal, such as a constant background; a clamp damps
// it): a channel whose error grew goes back halfway to its best shift, and
// the model keeps the round whose outputs came closest to float's, the
// uncorrected one included.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_MEASUREDBIASCORRECTION_H
#define QFORGE_QUANTIZATION_MEASUREDBIASCORRECTION_H

#include "qforge/Calibration/CalibrationTable.h"
#include "qforge/Quantization/Quantize.h"

#include "mlir/IR/BuiltinOps.h"

namespace qforge {

/// Sets `options.measuredBiasShift` from `rounds` rounds of correction,
/// each quantizing a copy of `floatModule` (left unchanged) with `table`
/// and `options` and measuring it on the samples of `dataPaths` (at most
/// `maxRuns` model runs). False after a diagnostic.
bool correctBiasesOnData(mlir::ModuleOp floatModule, llvm::StringRef name,
                         const CalibrationTable &table, QuantizeOptions &options,
                         const std::vector<std::string> &dataPaths, int rounds,
                         int64_t maxRuns);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_MEASUREDBIASCORRECTION_H
