//===- QFDialect.h - the qf dialect -----------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_QFDIALECT_H
#define QFORGE_DIALECT_QF_QFDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "qforge/Dialect/QF/IR/QFDialect.h.inc"
#include "qforge/Dialect/QF/IR/QFEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.h.inc"

namespace qforge::qf {

/// Unit attribute on a function: quantization has run on it, so no float
/// compute may remain except where the user asked for it.
inline constexpr llvm::StringLiteral kQuantizedAttrName = "qf.quantized";

/// Unit attribute on an op: the user excluded it from quantization
/// (`--exclude=NODE`), so it may stay float inside a quantized function.
inline constexpr llvm::StringLiteral kKeepFloatAttrName = "qf.keep_float";

/// String attribute on a float tosa.matmul: the ONNX tensor whose
/// calibrated range covers its left operand, which is not an ONNX tensor
/// itself. A recurrent layer's per-step hidden state is read from the layer's
/// output Y, which holds every step's state (qf-quantize).
inline constexpr llvm::StringLiteral kInputRangeOfAttrName = "qf.input_range_of";

/// Integer attribute on a bufferized function: the size in bytes of the
/// scratch arena its intermediate buffers live in (qf-plan-scratch-arena).
inline constexpr llvm::StringLiteral kScratchBytesAttrName = "qf.scratch_bytes";

/// Unit attribute on an scf.for of a kernel: its iterations are
/// independent and may run on several threads, each taking a contiguous
/// chunk of them inside the whole nest of loops around it
/// (qf-parallelize-loops).
inline constexpr llvm::StringLiteral kParallelSplitAttrName = "qf.parallel_split";

/// Unit attribute on a kernel's vector.transfer_write of finished float
/// results (a vector along the output's last dimension, channels or
/// columns): where qf-fuse-kernel-epilogues applies the element-wise ops
/// that consume the kernel's result.
inline constexpr llvm::StringLiteral kKernelStoreAttrName = "qf.kernel_store";

/// `#qf.kernel` attribute on an op: the target micro-kernel that computes
/// it (qf-select-kernels), which qf-lower-to-kernels emits in its place.
inline constexpr llvm::StringLiteral kKernelAttrName = "qf.kernel";

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_QFDIALECT_H
