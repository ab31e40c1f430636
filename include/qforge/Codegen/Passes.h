//===- Passes.h - qforge's code generation passes ---------------*- C++ -*-===//
//
// From linalg on tensors to loops the LLVM lowering takes: the packed
// kernels' lowering, loop order, tiles and vectors, signless integers,
// buffers and the scratch arena, copies, and threads. Declared in
// Passes.td beside this header, implemented in lib/Codegen/ (the kernels
// themselves in lib/Codegen/Kernels/).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_PASSES_H
#define QFORGE_CODEGEN_PASSES_H

#include "qforge/Codegen/KernelFamily.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Codegen/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_CODEGEN_PASSES_H
