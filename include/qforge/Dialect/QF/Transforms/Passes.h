//===- Passes.h - qf dialect transforms -------------------------*- C++ -*-===//
//
// Graph rewrites on the imported model (TOSA and qf on tensors): moving
// quantized values and layout transposes so that they meet, turning QDQ
// compute into qf integer ops, placing calibration observers, and checking
// the backend contract after quantization. Declared in Passes.td beside
// this header, implemented in lib/Dialect/QF/Transforms/.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
