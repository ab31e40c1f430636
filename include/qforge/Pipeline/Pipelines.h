//===- Pipelines.h - every pass pipeline qforge runs ------------*- C++ -*-===//
//
// The one place where passes are put in order. The lowering of an imported
// graph (TOSA on tensors) to the LLVM dialect comes in three stages that
// qforge-opt registers one by one, so that each can be run and tested alone:
//
//   --qforge-tosa-to-linalg   TOSA and qf -> linalg/tensor/arith on tensors,
//                             the target's kernels, fused, tiled, vectorized
//   --qforge-bufferize        one-shot bufferization, results as out-params,
//                             frees at last use, one planned scratch arena
//   --qforge-lower-to-llvm    loops -> LLVM dialect (math as vector
//                             polynomials; per-layer timing on request)
//   --qforge-lower            all three
//
// and the short pipelines around quantization and calibration: observers
// on the tensors quantization will rewrite, observers as calls of the
// statistics collector, and the backend contract after quantization.
// lowerToLLVMDialect runs the stages on a model for the driver and the JIT.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_PIPELINE_PIPELINES_H
#define QFORGE_PIPELINE_PIPELINES_H

#include "qforge/Codegen/KernelFamily.h"
#include "qforge/Support/ModelInterface.h"
#include "qforge/Support/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

namespace qforge {

/// How intermediate buffers are allocated: in one planned arena (allocated
/// per call, or passed in by the caller), or each on its own.
struct ScratchOptions {
  bool planArena = true;
  bool callerOwned = false;
};

/// The target's kernels and threads.
struct KernelOptions {
  KernelFamily family = KernelFamily::Reference;
  /// Threads the kernels split their work over: 1 compiles sequential code
  /// (no thread pool), 0 means the CPUs online when the model runs.
  int64_t threads = 1;
};

/// The kernel family whose instructions `target` has (the backend cannot
/// select them otherwise): VNNI implies AVX-512, i8mm is preferred over
/// dotprod.
KernelFamily kernelFamilyFor(const TargetSpec &target);

void buildTosaToLinalgPipeline(mlir::OpPassManager &pm,
                               const KernelOptions &kernels = {});
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const ScratchOptions &scratch = {});
/// With `profileLayers`, each layer's time is recorded at run time
/// (qf-profile-layers).
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm, int64_t threads = 1,
                              bool profileLayers = false);
/// The three stages in order.
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const ScratchOptions &scratch = {},
                           const KernelOptions &kernels = {},
                           bool profileLayers = false);

/// qf.observe on every float tensor quantization would rewrite: what
/// calibration records and what a calibration table must describe.
void buildObserversPipeline(mlir::OpPassManager &pm);

/// The observers as calls of the statistics collector (for the JIT run of
/// calibration and of SQNR measurement).
void buildObserverCallsPipeline(mlir::OpPassManager &pm);

/// The backend contract after quantization, checked as the lowering will
/// see the function (quantized values moved through the ops that only move
/// them): float compute that depends on quantized values is reported, as
/// warnings with `warnOnly`.
void buildQuantizedContractPipeline(mlir::OpPassManager &pm, bool warnOnly);

/// Gives function `name` a C interface (`_mlir_ciface_<name>`, taking
/// pointers to memref descriptors: inputs, then outputs) and runs the three
/// lowering stages on `module`, leaving it in the LLVM dialect. Fills
/// `scratch` when given. With `callerOwnedScratch` the function takes the
/// scratch arena as a trailing memref<?xi8> argument; with `profileLayers`
/// it records each layer's time (see qf-profile-layers). With `timing`, each
/// stage and pass is timed under it (qforge compile --time-passes).
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module, llvm::StringRef name,
                                       ScratchMemory *scratch = nullptr,
                                       bool callerOwnedScratch = false,
                                       const KernelOptions &kernels = {},
                                       bool profileLayers = false,
                                       mlir::TimingScope *timing = nullptr);

/// Registers the lowering stages with the pass registry (qforge-opt).
void registerQForgePipelines();

} // namespace qforge

#endif // QFORGE_PIPELINE_PIPELINES_H
