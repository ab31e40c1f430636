//===- OnnxNames.h - ONNX node and value names from locations ---*- C++ -*-===//
//
// The importer places each op at `loc("node")` and the op producing an ONNX
// value at `loc("value"("node"))`; function arguments at `loc("input")`.
// These read the names back, for observers, calibration tables and reports.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_UTILS_ONNXNAMES_H
#define QFORGE_DIALECT_QF_UTILS_ONNXNAMES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"

#include <string>

namespace qforge {

/// The ONNX node an op at `loc` came from, or "" if the location names none.
llvm::StringRef onnxNodeName(mlir::Location loc);

/// The ONNX value name of `value`: the argument's location name, or the
/// value name of a producing op at `loc("value"("node"))` (with ":N" for
/// result N > 0); otherwise the producing op's name, which no ONNX value has.
std::string onnxValueName(mlir::Value value);

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_ONNXNAMES_H
