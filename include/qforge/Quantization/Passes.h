//===- Passes.h - quantization passes ---------------------------*- C++ -*-===//
//
// qf-quantize: float convolutions and matmuls to qf integer ops from a
// calibration table (the pass form of qforge::quantizeFunction). Declared
// in Passes.td beside this header.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_PASSES_H
#define QFORGE_QUANTIZATION_PASSES_H

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Pass/Pass.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Quantization/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Quantization/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_QUANTIZATION_PASSES_H
