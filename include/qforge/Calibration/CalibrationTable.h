//===- CalibrationTable.h - the JSON calibration table ----------*- C++ -*-===//
//
// What `qforge calibrate` writes and `qforge compile --calib-table` reads:
// per observed tensor its ONNX name and node, the observed extremes, a
// summary of the histogram and the range every method chose. The format is
// documented in docs/calibration.md; a user may edit the ranges.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CALIBRATION_CALIBRATIONTABLE_H
#define QFORGE_CALIBRATION_CALIBRATIONTABLE_H

#include "qforge/Calibration/RangeMethods.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

struct TableEntry {
  int64_t id = 0;
  std::string name; // The ONNX value name (the observer's name).
  std::string node; // The ONNX node producing it ("" for a model input).
  std::vector<int64_t> shape;
  double min = 0, max = 0;
  int64_t count = 0, zeros = 0;
  double binWidth = 0;
  int64_t bins = 0; // Non-empty histogram bins.
  double absP50 = 0, absP99 = 0, absP9999 = 0;
  std::map<CalibMethod, CalibRange> ranges;
  /// The mean of the calibration samples per index of `meanAxis` (the
  /// channels a consumer's weights see: see channelMeanAxis); -1 and empty
  /// when not recorded.
  int64_t meanAxis = -1;
  std::vector<double> channelMean;
  std::vector<double> channelMeanSquare; // E[x^2] along the same axis.
};

/// The axis whose per-index means calibration records for a tensor of
/// `shape`: 1 (NCHW channels, a convolution's input) for rank 4 and more,
/// the last (a matmul's reduction axis) for rank 2 and 3, none (-1) below.
int64_t channelMeanAxis(llvm::ArrayRef<int64_t> shape);

struct CalibrationTable {
  static constexpr int kVersion = 1;
  std::string model;
  int64_t samples = 0;
  CalibMethod method = CalibMethod::MinMax; // The default for compile.
  RangeOptions options;
  std::vector<TableEntry> tensors;
  /// The float model was calibrated after cross-layer equalization
  /// (qf-equalize-cross-layer), which compile must then repeat:
  /// "cross_layer_equalization": {"relu6_to_relu": B, "iterations": N}.
  struct Equalization {
    bool relu6ToRelu = false;
    int64_t iterations = 0;
  };
  std::optional<Equalization> equalization;

  const TableEntry *find(llvm::StringRef name) const;
};

void writeCalibrationTable(const CalibrationTable &table, llvm::raw_ostream &os);

/// Reads and checks a table; on failure `error` says what is wrong and
/// where (without the path).
bool readCalibrationTable(llvm::StringRef path, CalibrationTable &table,
                          std::string &error);
/// The same for the text of a whole table file.
bool parseCalibrationTable(llvm::StringRef text, CalibrationTable &table,
                           std::string &error);

/// The observers of a module after qf-insert-observers: id, name, node and
/// shape of each, in id order.
std::vector<TableEntry> observedTensors(mlir::ModuleOp module);

/// Checks that `table` describes the tensors the observers of float model
/// `module` would record (qf-insert-observers, run on a copy): every
/// observed tensor has an entry of the same shape and every entry is still
/// observed. Reports each mismatch at the module, naming the tensor.
mlir::LogicalResult checkTableMatches(mlir::ModuleOp module,
                                      const CalibrationTable &table,
                                      llvm::StringRef tablePath);

} // namespace qforge

#endif // QFORGE_CALIBRATION_CALIBRATIONTABLE_H
