//===- OnnxNames.h - ONNX node and value names from locations ---*- C++ -*-===//
//
// The importer places each op at `loc("node")` and the op producing an ONNX
// value at `loc("value"("node"))`; function arguments at `loc("input")`.
// These read the names back, for observers, calibration tables and reports.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_TRANSFORMS_ONNXNAMES_H
#define QFORGE_TRANSFORMS_ONNXNAMES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"

#include <string>

namespace qforge {

/// The ONNX node an op at `loc` came from, or "" if the location names none.
llvm::StringRef onnxNodeName(mlir::Location loc);

/// The ONNX value name of `value`: the argument's or the producing op's
/// location name, else the node name (with ":N" for result N > 0), else the
/// producing op's name.
std::string onnxValueName(mlir::Value value);

} // namespace qforge

#endif // QFORGE_TRANSFORMS_ONNXNAMES_H
