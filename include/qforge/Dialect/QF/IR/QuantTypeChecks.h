//===- QuantTypeChecks.h - checks of !quant.uniform tensors -----*- C++ -*-===//
//
// Upstream's quant types check themselves in isolation; they cannot see the
// tensor they sit in, and they accept zero points outside the storage range.
// These checks close both gaps and are shared by every qf verifier and by the
// passes that build quantized types.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_QUANTTYPECHECKS_H
#define QFORGE_DIALECT_QF_QUANTTYPECHECKS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace qforge::qf {

using EmitErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

/// Checks that `type` holds a `!quant.uniform` element type qf supports (per
/// tensor, per axis or per block; 4-, 8-, 16- or 32-bit integer storage; 32
/// bits for biases) whose
/// parameters fit the tensor: the quantized axis exists, there is one scale
/// per slice along it, blocks divide the dimensions and zero points lie in
/// the storage range (scale positivity is the type's own check). `what` names
/// the value in messages ("result", "filter", ...).
mlir::LogicalResult verifyQuantizedTensorType(EmitErrorFn emitError,
                                              llvm::StringRef what,
                                              mlir::RankedTensorType type);

/// The quantized element type of a tensor type, or null.
mlir::quant::QuantizedType getQuantizedElementType(mlir::Type type);

/// True when `type` is quantized with a single scale and zero point.
bool isPerTensor(mlir::Type type);

/// Why a tensor of quantized type `from` cannot be requantized to `to`, or
/// an empty string when it can: the expressed types must agree, neither may
/// be quantized in blocks, and a per-axis result needs an input quantized
/// along the same axis. The verifier reports the reason; rewrites use it to
/// decide whether `qf.requantize` can express what they want.
std::string whyNotRequantizable(mlir::quant::QuantizedType from,
                                mlir::quant::QuantizedType to);

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_QUANTTYPECHECKS_H
