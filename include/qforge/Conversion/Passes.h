//===- Passes.h - qforge's conversions --------------------------*- C++ -*-===//
//
// Conversions out of the qf dialect, one folder each under lib/Conversion/:
// qf ops to the reference integer linalg form (QFToLinalg), calibration
// observers to calls of the statistics collector (ObserversToCalls), and
// the kernels' qf.vnni_dot to its LLVM intrinsic (QFToLLVM). Declared in
// Passes.td beside this header.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CONVERSION_PASSES_H
#define QFORGE_CONVERSION_PASSES_H

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Conversion/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_CONVERSION_PASSES_H
