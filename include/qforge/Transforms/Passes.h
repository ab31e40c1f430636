//===- Passes.h - qforge passes ---------------------------------*- C++ -*-===//

#ifndef QFORGE_TRANSFORMS_PASSES_H
#define QFORGE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

#include "QF/QFDialect.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Transforms/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_TRANSFORMS_PASSES_H
