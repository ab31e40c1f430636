//===- KernelEntries.h - each kernel's test and emitter ---------*- C++ -*-===//
//
// The functions the kernel table (KernelTable.cpp) names, one pair per
// kernel, implemented beside the kernels' analysis: ProductKernels.cpp,
// DepthwiseKernels.cpp, FmaKernels.cpp (both float kernels).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_CODEGEN_KERNELENTRIES_H
#define QFORGE_LIB_CODEGEN_KERNELENTRIES_H

#include "qforge/Codegen/Kernels/DotProductMatmul.h"
#include "qforge/Codegen/Kernels/FloatGemm.h"

#include "mlir/IR/PatternMatch.h"

namespace qforge {

/// qf.matmul and ungrouped qf.conv2d on the packed dot-product kernel.
bool dotProductComputes(mlir::Operation *op, DotInstruction instruction);
void emitDotProduct(mlir::Operation *op, DotInstruction instruction,
                    mlir::RewriterBase &rewriter);

/// The same products on AMX tiles, with the VNNI kernel as the fallback
/// for processes the operating system refuses AMX; int8 weights, at least
/// 32 rows and kAmxMinDepth bytes of reduction.
bool amxProductComputes(mlir::Operation *op);

/// Depthwise qf.conv2d: one vpdpbusd per kernel row (`rows`), or 16
/// channels per vector.
bool depthwiseComputes(mlir::Operation *op, bool rows);
void emitDepthwise(mlir::Operation *op, bool rows, mlir::RewriterBase &rewriter);

/// Float tosa.conv2d and tosa.matmul on the packed FMA kernel, built for
/// zmm (AVX-512) or ymm (AVX2) registers.
bool fmaProductComputes(mlir::Operation *op);
void emitFmaProduct(mlir::Operation *op, FloatVectors vectors, mlir::RewriterBase &rewriter);

/// Float tosa.depthwise_conv2d, a vector of channels (16 on zmm, 8 on ymm)
/// at a time.
bool fmaDepthwiseComputes(mlir::Operation *op);
void emitFmaDepthwise(mlir::Operation *op, FloatVectors vectors, mlir::RewriterBase &rewriter);

bool vbmiLookupComputes(mlir::Operation *op);
void emitVbmiLookup(mlir::Operation *op, mlir::RewriterBase &rewriter);

} // namespace qforge

#endif // QFORGE_LIB_CODEGEN_KERNELENTRIES_H
