//===- Pipelines.h - qforge's lowering pipelines ----------------*- C++ -*-===//
//
// Imported graph (TOSA on tensors) to the LLVM dialect, in three stages that
// qforge-opt registers one by one so each can be run and tested alone:
//
//   --qforge-tosa-to-linalg   TOSA -> linalg/tensor/arith on tensors, fused
//   --qforge-bufferize        one-shot bufferization, results as out-params,
//                             frees at last use, one planned scratch arena
//   --qforge-lower-to-llvm    loops -> LLVM dialect (libm for math)
//   --qforge-lower            all three
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_PIPELINE_PIPELINES_H
#define QFORGE_PIPELINE_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace qforge {

/// How intermediate buffers are allocated: in one planned arena (allocated
/// per call, or passed in by the caller), or each on its own.
struct ScratchOptions {
  bool planArena = true;
  bool callerOwned = false;
};

/// Target-specific kernels the lowering may emit; each needs the target to
/// have the instructions (the backend cannot select them otherwise).
struct KernelOptions {
  bool x86Vnni = false;   // vpdpbusd micro-kernels for int8 products
  bool x86Avx512 = false; // the packed FMA kernel for float products
  bool armDotprod = false; // sdot micro-kernels for int8 products
  bool armI8mm = false;    // smmla micro-kernels for int8 products
  /// Threads the kernels split their work over: 1 compiles sequential code
  /// (no thread pool), 0 means the CPUs online when the model runs.
  int64_t threads = 1;
};

void buildTosaToLinalgPipeline(mlir::OpPassManager &pm,
                               const KernelOptions &kernels = {});
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const ScratchOptions &scratch = {});
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm, int64_t threads = 1);
/// The three stages in order.
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const ScratchOptions &scratch = {},
                           const KernelOptions &kernels = {});

/// Registers the pipelines above with the pass registry (qforge-opt).
void registerQForgePipelines();

} // namespace qforge

#endif // QFORGE_PIPELINE_PIPELINES_H
